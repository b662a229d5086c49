"""The build cache, one SQLite file (.cache/cache.sqlite): what each content file parsed to,
what each output was made from, and the per-item pieces of whole-archive outputs.

Data only: rows hold JSON and bytes, never pickles or bytecode, so a cache file written by
someone else can make a build slower but can never run code. Each write is one transaction:
a build stopped midway leaves the cache as it was. Anything unreadable, from another engine
version, or from another Python counts as empty: a cache costs time, never correctness.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import ENGINE_VERSION
from .codec import Codec

CACHE_FORMAT = 6
FILE_NAME = "cache.sqlite"
_STAMP = f"{ENGINE_VERSION}/{CACHE_FORMAT}/{sys.version_info[:2]}"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs (rel TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pieces (name TEXT PRIMARY KEY, spans TEXT NOT NULL, output BLOB NOT NULL)",  # blob last: see write_pieces
)

StatSig = tuple[str, int, int]  # (path, size, mtime_ns)
Entry = tuple[str, int, int]  # an output's (digest, size, mtime_ns)


@dataclass(slots=True)
class Index:
    """Small: the last build's input signature and what it wrote."""

    inputs: str = ""  # digest of every input's stat, options and the publication state
    out_dir: str = ""
    outputs: dict[str, Entry] = field(default_factory=dict)  # path -> (digest, size, mtime_ns)
    dates: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # rel -> (file sig, published ts, draft)
    racy: tuple[str, ...] = ()  # inputs whose content (not only stat) is in `inputs`


@dataclass(slots=True)
class DocCache:
    """Parsed documents keyed by their project-relative path."""

    config: str = ""  # digest of the configuration they were parsed with
    docs: dict[str, Any] = field(default_factory=dict)  # rel -> Loaded
    # rel -> (size, mtime_ns) of the source when it was read, recorded only for files old enough
    # that a later edit must change the mtime: a match means the bytes are the same, unread.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    read: dict[str, tuple[Any, tuple[int, int] | None]] = field(default_factory=dict)  # as read, to skip rewriting


class CacheError(Exception):
    """The cache could not be written; the build is good, the next one only slower."""


def racy(mtime_ns: int, now_ns: int) -> bool:
    """Modified so recently that another edit could leave the same mtime. Whole seconds suggest a
    coarse file system (up to 2 s on FAT); otherwise the kernel's clock tick (at most 10 ms)."""
    window = 2_000_000_000 if mtime_ns % 1_000_000_000 == 0 else 100_000_000
    return mtime_ns > now_ns - window


def digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def stat_sig(path: str | os.PathLike[str]) -> StatSig:
    """(path, size, mtime_ns), or sizes of -1 when the file is missing. Takes plain strings too:
    a build stats every input and output, and pathlib objects cost more than the stat."""
    try:
        st = os.stat(path)
        return (os.fspath(path), st.st_size, st.st_mtime_ns)
    except OSError:
        return (os.fspath(path), -1, -1)


def trusted_stat(st: os.stat_result, now_ns: int) -> tuple[int, int] | None:
    """The (size, mtime) worth recording, or None when the file is too new to trust its mtime."""
    return None if racy(st.st_mtime_ns, now_ns) else (st.st_size, st.st_mtime_ns)


def _connect(folder: Path, create: bool) -> sqlite3.Connection:
    path = folder / FILE_NAME
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    elif not path.is_file():
        raise sqlite3.OperationalError("no cache yet")
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=DELETE")
    return conn


def _stamp_ok(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
    return row is not None and row[0] == _STAMP


def _reading(folder: Path | None) -> Iterator[sqlite3.Connection]:
    """Yields one connection to a current cache, or nothing when there is none to read."""
    if folder is None:
        return
    try:
        with closing(_connect(folder, create=False)) as conn:
            if _stamp_ok(conn):
                yield conn
    except (sqlite3.Error, OSError):
        return


def _write(folder: Path, work: Callable[[sqlite3.Connection], None]) -> None:
    """Run `work` in one transaction on a current cache, starting it afresh when it is
    unreadable or from another version. Raises CacheError when the folder cannot take it."""
    for attempt in range(2):
        try:
            with closing(_connect(folder, create=True)) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql in _SCHEMA:
                        conn.execute(sql)
                    if not _stamp_ok(conn):
                        conn.execute("DELETE FROM meta")
                        conn.execute("DELETE FROM docs")
                        conn.execute("DELETE FROM pieces")
                        conn.execute("INSERT INTO meta VALUES ('format', ?)", (_STAMP,))
                    work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            return
        except sqlite3.DatabaseError as exc:  # not a database, malformed: start a new one
            if attempt or isinstance(exc, sqlite3.OperationalError):
                raise CacheError(f"{folder / FILE_NAME}: {exc}") from exc
            _remove(folder / FILE_NAME)
        except OSError as exc:
            raise CacheError(f"{folder}: {exc.strerror or exc}") from exc


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CacheError(f"{p}: {exc.strerror or exc}") from exc


def read_index(folder: Path | None) -> Index:
    for conn in _reading(folder):
        row = conn.execute("SELECT value FROM meta WHERE name = 'index'").fetchone()
        if row is None:
            return Index()
        try:
            v = json.loads(row[0])
            return Index(v["inputs"], v["out_dir"], {k: (e[0], e[1], e[2]) for k, e in v["outputs"].items()},
                         {k: (d[0], d[1], d[2]) for k, d in v["dates"].items()}, tuple(v["racy"]))
        except (ValueError, KeyError, TypeError, IndexError):
            return Index()
    return Index()


def forget_index(folder: Path) -> None:
    """A patch stopped midway must not look like a finished build."""
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM meta WHERE name = 'index'")

    try:
        _write(folder, work)
    except CacheError:
        pass  # then the index cannot be written afterwards either: the next build is cold


def read_doc_cache(folder: Path | None, codec: Codec) -> DocCache:
    cache = DocCache()
    for conn in _reading(folder):
        row = conn.execute("SELECT value FROM meta WHERE name = 'config'").fetchone()
        if row is None:
            return cache
        docs, stats, read = {}, {}, {}
        try:
            for rel, size, mtime, value in conn.execute("SELECT rel, size, mtime, value FROM docs"):
                docs[rel] = codec.loads(value)
                stat = (size, mtime) if size is not None else None
                if stat is not None:
                    stats[rel] = stat
                read[rel] = (docs[rel], stat)
        except (ValueError, sqlite3.Error):
            return cache
        cache.config, cache.docs, cache.stats, cache.read = row[0], docs, stats, read
    return cache


def write_cache(folder: Path, index: Index, docs: DocCache | None, codec: Codec) -> None:
    """Record a finished build in one transaction: only documents that changed are written."""
    recorded = json.dumps({"inputs": index.inputs, "out_dir": index.out_dir, "outputs": index.outputs,
                           "dates": index.dates, "racy": index.racy}, separators=(",", ":"))

    def work(conn: sqlite3.Connection) -> None:
        if docs is not None:
            _write_docs(conn, docs, codec)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('index', ?)", (recorded,))

    _write(folder, work)


def _write_docs(conn: sqlite3.Connection, docs: DocCache, codec: Codec) -> None:
    was = docs.read

    def changed() -> Iterator[tuple[str, int | None, int | None, str]]:
        # one row at a time: thousands of documents are never all in memory as JSON
        for rel, loaded in docs.docs.items():
            stat = docs.stats.get(rel)
            old = was.get(rel)
            if old is None or old[0] is not loaded or old[1] != stat:
                yield (rel, *(stat or (None, None)), codec.dumps(loaded))

    conn.executemany("DELETE FROM docs WHERE rel = ?", ((rel,) for rel in was if rel not in docs.docs))
    conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)", changed())
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (docs.config,))


_CHUNK = 1 << 20


def read_pieces(folder: Path | None, name: str) -> tuple[bytes, dict[str, tuple[int, int]]]:
    """The output last made of pieces, and where each lies in it. Read through SQLite's blob
    handle, straight into one bytes object: a 40 MB feed is not held twice."""
    for conn in _reading(folder):
        row = conn.execute("SELECT rowid, spans FROM pieces WHERE name = ?", (name,)).fetchone()
        if row is None:
            break
        try:
            spans = {k: (int(s[0]), int(s[1])) for k, s in json.loads(row[1]).items()}
            with conn.blobopen("pieces", "output", row[0], readonly=True) as blob:
                return blob.read(), spans
        except (ValueError, TypeError, IndexError, AttributeError, sqlite3.Error):
            break
    return b"", {}


def write_pieces(folder: Path, name: str, output: bytes, spans: dict[str, tuple[int, int]]) -> None:
    def work(conn: sqlite3.Connection) -> None:
        # a zeroblob in the last column is not written out in full before the blob handle fills it
        conn.execute("INSERT OR REPLACE INTO pieces VALUES (?, ?, zeroblob(?))", (name, json.dumps(spans), len(output)))
        (rowid,) = conn.execute("SELECT rowid FROM pieces WHERE name = ?", (name,)).fetchone()
        view = memoryview(output)
        with conn.blobopen("pieces", "output", rowid) as blob:
            for i in range(0, len(output), _CHUNK):  # SQLite would otherwise take its own copy of the whole output
                blob.write(view[i:i + _CHUNK])

    _write(folder, work)
