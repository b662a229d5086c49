"""An output as a sequence of parts: new bytes, and byte ranges of a file already on disk.

The whole-archive outputs (the podcast feed, the search index) of a build that changed one
episode are mostly the last build's bytes: written as parts, the unchanged pieces are copied
file to file by the kernel (`os.copy_file_range`), so no process holds the old output or the
new one (125 MB each for a feed of 10,000 episodes).
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Union


class Range(NamedTuple):
    """Bytes start..end of the file at path."""

    path: Path
    start: int
    end: int


Part = Union[bytes, memoryview, Range]
Parts = Iterable[Part]

CHUNK = 1 << 20  # what the fallback copy and the buffer of new bytes hold at a time
# copy_file_range cannot do it here (another file system, an old kernel, a special file): copy by hand
_NO_KERNEL_COPY = frozenset({errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP})


def part_size(part: Part) -> int:
    return part.end - part.start if isinstance(part, Range) else len(part)


def merge_ranges(parts: Iterable[Part]) -> Iterator[Part]:
    """The parts, empty ones left out and ranges that follow each other in one file made one:
    unchanged runs of pieces become one copy each."""
    run: Range | None = None
    end = 0  # of the run so far
    for part in parts:
        if not part_size(part):
            continue
        if isinstance(part, Range):
            # the ranges of one output share one path object: `is` before the slower Path ==
            if run is not None and end == part.start and (run.path is part.path or run.path == part.path):
                end = part.end
                continue
            if run is not None:
                yield Range(run.path, run.start, end)
            run, end = part, part.end
            continue
        if run is not None:
            yield Range(run.path, run.start, end)
            run = None
        yield part
    if run is not None:
        yield Range(run.path, run.start, end)


def write_parts(fd: int, parts: Iterable[Part]) -> int:
    """Write the parts at fd's position, in order; how many bytes. New bytes are gathered into
    writes of about a MB (a cold search index is 40,000 small parts)."""
    sources: dict[Path, int] = {}
    pending: list[bytes | memoryview] = []
    kernel = hasattr(os, "copy_file_range")
    total = held = 0
    try:
        for part in merge_ranges(parts):
            if not isinstance(part, Range):
                pending.append(part)
                held += len(part)
                if held >= CHUNK:
                    _write_all(fd, b"".join(pending))
                    pending, held = [], 0
            else:
                if pending:
                    _write_all(fd, b"".join(pending))
                    pending, held = [], 0
                src = sources.get(part.path)
                if src is None:
                    src = sources[part.path] = os.open(part.path, os.O_RDONLY)
                kernel = _copy_range(src, fd, part, kernel)
            total += part_size(part)
        if pending:
            _write_all(fd, b"".join(pending))
    finally:
        for src in sources.values():
            os.close(src)
    return total


def _copy_range(src: int, dst: int, part: Range, kernel: bool) -> bool:
    """Copy one range to dst's position; returns whether the kernel copy still works here."""
    at, end = part.start, part.end
    while kernel and at < end:
        try:
            done = os.copy_file_range(src, dst, end - at, at)
        except OSError as exc:
            if exc.errno not in _NO_KERNEL_COPY:
                raise
            kernel = False  # the rest of this range, and the next ones, by hand
            break
        if done == 0:
            raise _shrunk(part.path)
        at += done
    while at < end:
        data = os.pread(src, min(CHUNK, end - at), at)
        if not data:
            raise _shrunk(part.path)
        _write_all(dst, data)
        at += len(data)
    return kernel


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _shrunk(path: Path) -> OSError:
    """The last output ends before a piece of it: changed since its pieces were recorded."""
    return OSError(errno.EIO, "the last output changed while it was copied", str(path))


__all__ = ["CHUNK", "Part", "Parts", "Range", "merge_ranges", "part_size", "write_parts"]
