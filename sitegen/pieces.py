"""Per-item pieces of whole-archive outputs (the podcast feed, the search index), kept between builds.

Each piece is stored under a key naming everything it was made from (the item's digest and
the site's settings), so a stored piece is exactly what rendering the item again would give.
A build that changed one episode renders one piece and joins the rest. What is stored is the
last output itself plus where each piece lies in it: no second copy of the archive in memory.
The cache is read and written by whichever process builds that output; anything unreadable
counts as empty.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

from .cache import CacheError, read_pieces, write_pieces

Part = Union[bytes, memoryview]
Span = tuple[int, int]


class Pieces:
    """The pieces output `name` was last made of, from the cache in `folder`; `keep()` records the next."""

    def __init__(self, folder: Path | None, name: str, writable: bool = True):
        self.folder = folder  # None: nothing kept (a build without cache)
        self.name = name
        self.writable = writable  # False: read only (a check)
        self.blob, self.spans = read_pieces(folder, name)

    def get(self, key: str) -> memoryview | None:
        span = self.spans.get(key)
        return memoryview(self.blob)[span[0]:span[1]] if span else None

    def keep(self, output: bytes, spans: dict[str, Span]) -> None:
        """Remember `output` and where each keyed piece lies in it; no write when nothing changed."""
        if self.folder is None or not self.writable or (spans == self.spans and output == self.blob):
            return
        try:
            write_pieces(self.folder, self.name, output, spans)
        except CacheError:
            pass  # costs time next build, never correctness


def join(head: bytes, parts: list[tuple[str, Part]], tail: bytes, sep: bytes = b"") -> tuple[bytes, dict[str, Span]]:
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
