"""The build cache, one SQLite file (.cache/cache.sqlite): what each content file parsed to,
what each output was made from, and where the per-item pieces lie in whole-archive outputs.

Data only: rows hold JSON and bytes, never pickles or bytecode, so a cache file written by
someone else can make a build slower but can never run code. Each write is one transaction:
a build stopped midway leaves the cache as it was. Anything unreadable, from another engine
version, or from another Python counts as empty: a cache costs time, never correctness.
"""
from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import orjson

from . import ENGINE_VERSION
from .body import Body
from .collector import paused
from .fingerprint import HashRecord, StatSig
from .problems import BuildError, Problem

if TYPE_CHECKING:  # the caller brings it: a build with nothing to do never loads msgspec
    from .codec import Codec

CACHE_FORMAT = 16
FILE_NAME = "cache.sqlite"
_STAMP = f"{ENGINE_VERSION}/{CACHE_FORMAT}/{sys.version_info[:2]}"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # stamp: which write made the row, so that a body loaded late comes from the same write
    "CREATE TABLE IF NOT EXISTS docs (rel TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, value BLOB NOT NULL, stamp TEXT NOT NULL)",
    # the documents' HTML, read only when shown: a table of its own keeps the rows every build reads small
    "CREATE TABLE IF NOT EXISTS bodies (rel TEXT PRIMARY KEY, stamp TEXT NOT NULL, html TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pieces (name TEXT PRIMARY KEY, made_from TEXT NOT NULL, spans TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS made (name TEXT PRIMARY KEY, made_from TEXT NOT NULL, data BLOB NOT NULL)",
    # The index's long lists, a row each: a build rewrites the rows that changed, not megabytes of JSON
    "CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER NOT NULL, "
    "mtime INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS dates (rel TEXT PRIMARY KEY, digest TEXT NOT NULL, published REAL NOT NULL, "
    "draft INTEGER NOT NULL) WITHOUT ROWID",
)
_TABLES = ("docs", "bodies", "pieces", "made", "outputs", "dates")

# Errors of the file's content, not of the disk or of another build holding it (SQLITE_BUSY,
# SQLITE_READONLY, SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN): those are worth a warning, not a new file.
_START_AFRESH = {"SQLITE_ERROR", "SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_MISMATCH", "SQLITE_CONSTRAINT",
                 "SQLITE_CONSTRAINT_NOTNULL", "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_SCHEMA", "SQLITE_RANGE"}

Entry = tuple[str, int, int]  # an output's (digest, size, mtime_ns)


@dataclass(slots=True)
class Index:
    """Small: the last build's input signature and what it wrote."""

    inputs: str = ""  # digest of every input's stat, options and the publication state
    out_dir: str = ""
    outputs: dict[str, Entry] = field(default_factory=dict)  # path -> (digest, size, mtime_ns)
    dates: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # rel -> (item digest, published ts, draft)
    racy: tuple[str, ...] = ()  # inputs whose content (not only stat) is in `inputs`
    shape: str = ""  # of the site whose pages `outputs` keys (see Digests.shape)
    rows: str = ""  # which write left the rows `outputs` and `dates` were read from


@dataclass(slots=True)
class DocCache:
    """Parsed documents keyed by their project-relative path."""

    config: str = ""  # digest of the configuration they were parsed with
    docs: dict[str, Any] = field(default_factory=dict)  # rel -> Loaded
    # rel -> (size, mtime_ns) of the source when it was read, recorded only for files old enough
    # that a later edit must change the mtime: a match means the bytes are the same, unread.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    read: dict[str, tuple[Any, tuple[int, int] | None]] = field(default_factory=dict)  # as read, to skip rewriting
    art: StatSig | None = None  # the show art (project-relative) as a build last found it good: not opened again while it stays so
    media: HashRecord = field(default_factory=dict)  # the media files' content digests, by their last stat
    written: dict[str, Any] = field(default_factory=dict)  # rel -> document this build wrote already (write_docs)


class CacheError(Exception):
    """The cache could not be written; the build is good, the next one only slower."""


def _connect(folder: Path, create: bool) -> sqlite3.Connection:
    path = folder / FILE_NAME
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    elif not path.is_file():
        raise sqlite3.OperationalError("no cache yet")
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    # A commit must be all or nothing when a build is stopped or crashes: the write-ahead log gives
    # that without waiting for the disk. Waiting would make it survive a power cut too, at 5-10 ms
    # a build; a cache lost that way costs one slower build, and a damaged file is replaced.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    return conn


def _stamp_ok(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
    return row is not None and row[0] == _STAMP


def reading(folder: Path | None) -> Iterator[sqlite3.Connection]:
    """Yields one connection to a current cache, or nothing when there is none to read."""
    if folder is None:
        return
    try:
        with closing(_connect(folder, create=False)) as conn:
            if _stamp_ok(conn):
                yield conn
    except (sqlite3.Error, OSError):
        return


def transaction(folder: Path, work: Callable[[sqlite3.Connection], None]) -> bool:
    """Run `work` in one transaction on a current cache, starting it afresh when it is
    unreadable or from another version (then True). Raises CacheError when the folder cannot take it."""
    for attempt in range(2):
        try:
            with closing(_connect(folder, create=True)) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute(_SCHEMA[0])
                    if not _stamp_ok(conn):  # another version's tables may have other columns: start afresh
                        conn.execute("DELETE FROM meta")
                        for table in _TABLES:
                            conn.execute(f"DROP TABLE IF EXISTS {table}")
                        conn.execute("INSERT INTO meta VALUES ('format', ?)", (_STAMP,))
                    for sql in _SCHEMA[1:]:
                        conn.execute(sql)
                    work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            return attempt > 0
        except sqlite3.DatabaseError as exc:
            if attempt or getattr(exc, "sqlite_errorname", "") not in _START_AFRESH:
                raise CacheError(f"{folder / FILE_NAME}: {exc}") from exc
            _remove(folder / FILE_NAME)  # not a database, malformed, or tables of another shape: a new one
        except OSError as exc:
            raise CacheError(f"{folder}: {exc.strerror or exc}") from exc
    raise AssertionError("unreachable: the second attempt returns or raises")


def _remove(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + end) for end in ("-journal", "-wal", "-shm"))):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CacheError(f"{p}: {exc.strerror or exc}") from exc


def read_index(folder: Path | None) -> Index:
    for conn in reading(folder):
        head = dict(conn.execute("SELECT name, value FROM meta WHERE name IN ('index', 'rows')").fetchall())
        try:
            v = orjson.loads(head["index"])
            if v["rows"] != head["rows"]:  # rows of another write than the index's
                return Index()
            with paused():  # tens of thousands of entries, none of them garbage
                outputs = {p: (d, s, m) for p, d, s, m in conn.execute("SELECT path, digest, size, mtime FROM outputs")}
                dates = {r: (d, p, bool(dr)) for r, d, p, dr in conn.execute("SELECT rel, digest, published, draft FROM dates")}
            return Index(v["inputs"], v["out_dir"], outputs, dates, tuple(v["racy"]), v["shape"], v["rows"])
        except (ValueError, KeyError, TypeError, sqlite3.Error):
            return Index()
    return Index()


def forget_index(folder: Path) -> None:
    """A patch stopped midway must not look like a finished build."""
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM meta WHERE name = 'index'")

    try:
        transaction(folder, work)
    except CacheError:
        pass  # then the index cannot be written afterwards either: the next build is cold


# Makes a document's body again from its source, given its path and the document decoded from
# the cache; None when the source is no longer what that document was parsed from.
BodyAgain = Callable[[str, Any], "str | None"]


def read_doc_cache(folder: Path | None, codec: Codec, again: BodyAgain | None = None) -> DocCache:
    """The documents, their bodies left in the file until shown (`again` makes one from its
    source when the file lost it meanwhile)."""
    cache = DocCache()
    for conn in reading(folder):
        assert folder is not None  # a connection means a folder
        row = conn.execute("SELECT value FROM meta WHERE name = 'config'").fetchone()
        if row is None:
            return cache
        docs: dict[str, Any] = {}
        stats, read = {}, {}
        try:
            with paused():  # thousands of objects at once, none of them garbage
                for rel, size, mtime, value, stamp in conn.execute("SELECT rel, size, mtime, value, stamp FROM docs"):
                    docs[rel] = codec.loads(value, partial(_lazy_body, _BodyRow(folder, rel, stamp, docs, again)))
                    stat = (size, mtime) if size is not None else None
                    if stat is not None:
                        stats[rel] = stat
                    read[rel] = (docs[rel], stat)
        except (ValueError, sqlite3.Error):
            return cache
        finally:
            # Out of the collector's sight for good: serve, between builds, would walk them on every full pass
            gc.freeze()
        cache.config, cache.docs, cache.stats, cache.read = row[0], docs, stats, read
        art = conn.execute("SELECT value FROM meta WHERE name = 'art'").fetchone()
        try:
            v = orjson.loads(art[0]) if art else None
            cache.art = (str(v[0]), int(v[1]), int(v[2])) if v else None
        except (TypeError, ValueError, IndexError, KeyError):
            cache.art = None
        cache.media = _read_media(conn)
    return cache


@dataclass(frozen=True, slots=True)
class _BodyRow:
    """Where a decoded document's body lies: its row, as written by the write `stamp` names."""

    folder: Path
    rel: str
    stamp: str
    docs: dict[str, Any]  # the documents decoded with it, to make the body again from the source
    again: BodyAgain | None


def _lazy_body(row: _BodyRow, start: int, end: int) -> Body:
    return Body(load=partial(read_body, row, start, end))


_open: dict[str, Any] = {}  # this process's connection for reading bodies, and (pid, folder) it is for


def read_body(row: _BodyRow, start: int, end: int) -> str:
    """A document's body, from the row it was decoded from (the same stamp); from its source when
    the row is gone (the cache deleted or rewritten meanwhile). One connection per process, kept
    open until close_body_reader(): a build that renders every page reads thousands of bodies."""
    found = None
    try:
        if _open.get("at") != (os.getpid(), row.folder):
            _let_go()
            _open["conn"], _open["at"] = _connect(row.folder, create=False), (os.getpid(), row.folder)
        found = _open["conn"].execute("SELECT html FROM bodies WHERE rel = ? AND stamp = ?", (row.rel, row.stamp)).fetchone()
    except (sqlite3.Error, OSError):
        _let_go()
    if found is not None and isinstance(found[0], str) and len(found[0]) >= end:
        return found[0][start:end]
    body = row.again(row.rel, row.docs[row.rel]) if row.again is not None else None
    if body is None:
        raise BuildError([Problem(row.rel, 0, "changed while this build read it, and its HTML is no longer in "
                                              f"{row.folder / FILE_NAME}; build again")])
    return body  # a document has one body


def close_body_reader() -> None:
    """At the end of a build: the file is left as a build without bodies to read would leave it."""
    _let_go()


_inherited: list[Any] = []  # a forking parent's connections: never used or closed here (SQLite's rule)


def _let_go() -> None:
    conn, at = _open.pop("conn", None), _open.pop("at", None)
    if conn is not None:
        if at is not None and at[0] == os.getpid():
            conn.close()
        else:
            _inherited.append(conn)


def _read_media(conn: sqlite3.Connection) -> HashRecord:
    row = conn.execute("SELECT value FROM meta WHERE name = 'media'").fetchone()
    try:
        return {str(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in orjson.loads(row[0]).items()} if row else {}
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return {}


def write_cache(folder: Path, index: Index, docs: DocCache | None, codec: Codec, previous: Index = Index()) -> bool:
    """Record a finished build in one transaction: only documents, outputs and dates that changed
    since `previous` (the index this build read) are written. False when the file had to be
    started afresh: it then lacks the documents that did not change."""
    rows = os.urandom(8).hex()
    recorded = orjson.dumps({"inputs": index.inputs, "out_dir": index.out_dir, "racy": index.racy, "shape": index.shape,
                             "rows": rows}).decode()

    def work(conn: sqlite3.Connection) -> None:
        if docs is not None:
            _write_docs(conn, docs, codec)
        found = conn.execute("SELECT value FROM meta WHERE name = 'rows'").fetchone()
        last = previous if previous.rows and found is not None and found[0] == previous.rows else Index()
        _write_rows(conn, "outputs", "path", last.outputs, index.outputs)
        _write_rows(conn, "dates", "rel", last.dates, index.dates)
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("rows", rows), ("index", recorded)])

    afresh = transaction(folder, work)
    _remove_leftovers(folder)
    return not afresh


def _write_rows(conn: sqlite3.Connection, table: str, key: str, was: dict[str, tuple[Any, ...]], now: dict[str, tuple[Any, ...]]) -> None:
    """The table as `now` holds it, from rows as `was` (empty: rows of an unknown write, all replaced)."""
    if not was:
        conn.execute(f"DELETE FROM {table}")
    conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(k,) for k in was.keys() - now.keys()])
    conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", [(k, *v) for k, v in now.items() if was.get(k) != v])


def _remove_leftovers(folder: Path) -> None:
    """What earlier versions kept here (pickles, compiled templates) or their stopped builds left
    (.tmp files): never read again, so not worth keeping."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.endswith((".pickle", ".tmp")) or e.name == "templates"]
    except OSError:
        return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            shutil.rmtree(e.path, ignore_errors=True)
        else:
            try:
                os.unlink(e.path)
            except OSError:
                pass


def write_docs(folder: Path, docs: DocCache, codec: Codec, again: BodyAgain | None = None) -> None:
    """Write the documents parsed since the cache was read now, not with the build's record, and let
    go of their bodies (read back from their rows when shown): a build that parsed 20,000 posts then
    makes its outputs without 150 MB of HTML, here or in its workers. CacheError: nothing let go."""
    stamp = os.urandom(8).hex()
    spilled: list[tuple[str, Any, list[tuple[Body, int, int]]]] = []
    transaction(folder, partial(_write_docs, docs=docs, codec=codec, stamp=stamp, spilled=spilled))
    for rel, loaded, bodies in spilled:
        row = _BodyRow(folder, rel, stamp, docs.docs, again)
        for body, start, end in bodies:
            body.spill(partial(read_body, row, start, end))
        docs.written[rel] = loaded


def _write_docs(conn: sqlite3.Connection, docs: DocCache, codec: Codec, stamp: str = "",
                spilled: list[tuple[str, Any, list[tuple[Body, int, int]]]] | None = None) -> None:
    """`spilled`, when given, receives each document written with its bodies and their spans."""
    was = docs.read
    stamp = stamp or os.urandom(8).hex()  # this write's: a body loaded later must come from the row it was decoded with

    def restated() -> Iterator[tuple[int | None, int | None, str]]:
        # the same document under a new stat (a checkout touches every file): the row stays, its stat changes
        for rel, loaded in docs.docs.items():
            old = was.get(rel)
            if old is not None and old[0] is loaded and old[1] != (stat := docs.stats.get(rel)):
                yield (*(stat or (None, None)), rel)

    gone = [(rel,) for rel in was if rel not in docs.docs]
    conn.executemany("DELETE FROM docs WHERE rel = ?", gone)
    conn.executemany("DELETE FROM bodies WHERE rel = ?", gone)
    rows: list[tuple[Any, ...]] = []
    bodies: list[tuple[str, str, str]] = []
    for rel, loaded in docs.docs.items():
        old = was.get(rel)
        if (old is None or old[0] is not loaded) and docs.written.get(rel) is not loaded:
            seen: list[tuple[Body, int, int]] | None = [] if spilled is not None else None
            value, html = codec.dumps(loaded, seen)
            rows.append((rel, *(docs.stats.get(rel) or (None, None)), value, stamp))
            bodies.append((rel, stamp, html))
            if spilled is not None and seen is not None:
                spilled.append((rel, loaded, seen))
            if len(rows) == 500:  # a few at a time: thousands of documents are never all in memory as JSON
                _put_docs(conn, rows, bodies)
    _put_docs(conn, rows, bodies)
    conn.executemany("UPDATE docs SET size = ?, mtime = ? WHERE rel = ?", restated())
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (docs.config,))
    conn.execute("DELETE FROM meta WHERE name = 'art'")
    if docs.art is not None:
        conn.execute("INSERT INTO meta VALUES ('art', ?)", (orjson.dumps(docs.art).decode(),))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('media', ?)", (orjson.dumps(docs.media).decode(),))


def _put_docs(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], bodies: list[tuple[str, str, str]]) -> None:
    conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", bodies)
    rows.clear()
    bodies.clear()
