"""Per-item pieces of whole-archive outputs (the podcast feed, the search index), kept between builds.

Each piece is stored under a key naming everything it was made from (the item's digest and
the site's settings), so a stored piece is exactly what rendering the item again would give.
A build that changed one episode renders one piece and joins the rest. The pieces are not
copied anywhere: the cache keeps where each lies in the output, and the output itself is the
file the last build wrote, used only while it is exactly that file (same digest of inputs,
size and modification time as the build recorded). Anything that does not match counts as empty.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Sequence, Union

from .cache import CacheError, read_pieces, stat_sig, write_pieces

Part = Union[bytes, memoryview]
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
        self.blob, self.spans, self.recorded = b"", {}, ""
        stored = read_pieces(folder, name)
        if stored is None:
            return
        self.recorded, spans = stored
        if last is not None and last.digest == self.recorded and stat_sig(last.path)[1:] == (last.size, last.mtime_ns):
            try:
                blob = last.path.read_bytes()
            except OSError:
                return
            if all(0 <= a <= b <= len(blob) for a, b in spans.values()):
                self.blob, self.spans = blob, spans

    def get(self, key: str) -> memoryview | None:
        span = self.spans.get(key)
        return memoryview(self.blob)[span[0]:span[1]] if span else None

    def keep(self, output: bytes, spans: dict[str, Span]) -> None:
        """Remember where each keyed piece lies in `output`; no write when nothing changed."""
        if self.folder is None or not self.writable or (spans == self.spans and self.recorded == self.digest):
            return
        try:
            write_pieces(self.folder, self.name, self.digest, spans)
        except CacheError:
            pass  # costs time next build, never correctness


def join(head: bytes, parts: Sequence[tuple[str, Part]], tail: bytes, sep: bytes = b"") -> tuple[bytes, dict[str, Span]]:
    """head + parts (separated by sep) + tail, and the span of each keyed part in the result."""
    spans: dict[str, Span] = {}
    chunks: list[Part] = [head]
    at = len(head)
    for i, (key, part) in enumerate(parts):
        if i and sep:
            chunks.append(sep)
            at += len(sep)
        spans[key] = (at, at + len(part))
        chunks.append(part)
        at += len(part)
    chunks.append(tail)
    return b"".join(chunks), spans
