"""Per-item pieces of whole-archive outputs (the podcast feed, the search index), kept between
builds beside the scheduler: the renderers in feeds.py know nothing of them.

Each piece is stored under a key naming everything it was made from (the item's digest and
the site's settings), so a stored piece is exactly what rendering the item again would give.
A build that changed one episode renders one piece and joins the rest. The pieces are not
copied anywhere: the cache keeps where each lies in the output, and the output itself is the
file the last build wrote, used only while it is exactly that file (same digest of inputs,
size and modification time as the build recorded). Anything that does not match counts as empty.
Nothing here reads that file: the outputs are returned as parts (parts.py), the unchanged
pieces as ranges of it, which the writer copies file to file.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import orjson

from .cache import CacheError, reading, transaction
from .feeds import render_feed_items, render_search_entry, search_items
from .fingerprint import stat_sig
from .models import Article, Drill, Episode, Site
from .parts import Part, Range
from .urls import Urls

Span = tuple[int, int]


class Written(NamedTuple):
    """An output file as the last build recorded it."""

    path: Path
    digest: str  # of what it was made from
    size: int
    mtime_ns: int


class Pieces:
    """The pieces output `name` was last made of; `keep()` records those of the next, made from `digest`."""

    def __init__(self, folder: Path | None, name: str, digest: str, last: Written | None = None, writable: bool = True):
        self.folder = folder  # None: nothing kept (a build without cache)
        self.name = name
        self.digest = digest
        self.writable = writable  # False: read only (a check)
        self.path: Path | None = None  # the last output, while its pieces may be used
        self.spans: dict[str, Span] = {}
        self.recorded = ""
        stored = _read_spans(folder, name)
        if stored is None:
            return
        self.recorded, spans = stored
        if last is not None and last.digest == self.recorded and stat_sig(last.path)[1:] == (last.size, last.mtime_ns):
            if all(0 <= a <= b <= last.size for a, b in spans.values()):
                self.path, self.spans = last.path, spans

    def where(self, key: str) -> Range | None:
        """Where the piece lies in the last output, without reading it."""
        span = self.spans.get(key)
        return Range(self.path, *span) if span is not None and self.path is not None else None

    def keep(self, spans: dict[str, Span]) -> None:
        """Remember where each keyed piece lies in the next output; no write when nothing changed."""
        if self.folder is None or not self.writable or (spans == self.spans and self.recorded == self.digest):
            return
        try:
            _write_spans(self.folder, self.name, self.digest, spans)
        except CacheError:
            pass  # costs time next build, never correctness


def _read_spans(folder: Path | None, name: str) -> tuple[str, dict[str, Span]] | None:
    """What output `name` was last made from, and where each of its pieces lies in it (the
    cache's `pieces` table)."""
    for conn in reading(folder):
        row = conn.execute("SELECT made_from, spans FROM pieces WHERE name = ?", (name,)).fetchone()
        if row is None:
            break
        try:
            return str(row[0]), {k: (int(s[0]), int(s[1])) for k, s in orjson.loads(row[1]).items()}
        except (ValueError, TypeError, IndexError, AttributeError):
            break
    return None


def _write_spans(folder: Path, name: str, made_from: str, spans: dict[str, Span]) -> None:
    def work(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?)", (name, made_from, orjson.dumps(spans).decode()))

    transaction(folder, work)


def join(head: bytes, parts: Iterable[tuple[str, Part]], tail: bytes, sep: bytes = b"",
         spans: dict[str, Span] | None = None) -> Iterator[Part]:
    """head + parts (separated by sep) + tail as parts, taken from `parts` one at a time as the
    writer asks (a cold feed of 10,000 episodes is never all in memory); each keyed part's span
    in the output they make goes into `spans` (counted from the parts' sizes, nothing is read).
    Pieces that were neighbours in the last output become one range with the separator between
    them, so that a run of unchanged pieces is one copy: two pieces of that file exactly one
    separator apart were neighbours in it (every other gap holds a second separator), and that
    file is the one join() made with their spans (same digest, size and mtime)."""
    spans = {} if spans is None else spans
    yield head
    at, gap = len(head), len(sep)
    run: Range | None = None  # the run of neighbouring ranges so far, ending at `end`
    end = 0
    for i, (key, part) in enumerate(parts):
        if i:
            at += gap
        if isinstance(part, Range):
            if run is not None and end + gap == part.start and (run.path is part.path or run.path == part.path):
                end = part.end
            else:
                if run is not None:
                    yield Range(run.path, run.start, end)
                if i and sep:
                    yield sep
                run, end = part, part.end
            size = part.end - part.start
        else:
            if run is not None:
                yield Range(run.path, run.start, end)
                run = None
            if i and sep:
                yield sep
            yield part
            size = len(part)
        spans[key] = (at, at + size)
        at += size
    if run is not None:
        yield Range(run.path, run.start, end)
    yield tail


def _keeping(pieces: Pieces, head: bytes, parts: Iterable[tuple[str, Part]], tail: bytes, sep: bytes = b"") -> Iterator[Part]:
    """join(), then the spans kept for the next build: only once the writer has taken every part."""
    spans: dict[str, Span] = {}
    yield from join(head, parts, tail, sep, spans)
    pieces.keep(spans)


def build_podcast_feed_reusing(site: Site, urls: Urls, pieces: Pieces, key_of: Callable[[Episode], str]) -> Iterator[Part]:
    """The whole feed as parts; episodes whose item is among `pieces` under the same key are
    not rendered again, their item is a range of the last output."""
    keys = [key_of(ep) for ep in site.episodes]
    stored = [pieces.where(k) for k in keys]
    parts = render_feed_items(site, urls, [ep for ep, piece in zip(site.episodes, stored) if piece is None])
    new = parts.items
    return _keeping(pieces, parts.head, ((k, piece if piece is not None else next(new)) for k, piece in zip(keys, stored)), parts.tail)


def build_search_index_reusing(site: Site, urls: Urls, pieces: Pieces,
                               key_of: Callable[[Episode | Article | Drill], str]) -> Iterator[Part]:
    """The search index as parts; entries among `pieces` under the same key are not made again."""
    def entries() -> Iterator[tuple[str, Part]]:
        for x in search_items(site):
            key = key_of(x)
            entry = pieces.where(key)
            yield key, entry if entry is not None else render_search_entry(x, urls)

    return _keeping(pieces, b"[", entries(), b"]", b",")
