"""What a file or a value is, cheaply: a digest of values, a file's (size, mtime) signature, and
whether a signature is recent enough that it cannot be trusted."""
from __future__ import annotations

import hashlib
import os
from typing import Any

StatSig = tuple[str, int, int]  # (path, size, mtime_ns)


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


def racy(mtime_ns: int, now_ns: int) -> bool:
    """Modified so recently that another edit could leave the same mtime. Whole seconds suggest a
    coarse file system (up to 2 s on FAT); otherwise the kernel's clock tick (at most 10 ms)."""
    window = 2_000_000_000 if mtime_ns % 1_000_000_000 == 0 else 100_000_000
    return mtime_ns > now_ns - window


def trusted_stat(st: os.stat_result, now_ns: int) -> tuple[int, int] | None:
    """The (size, mtime) worth recording, or None when the file is too new to trust its mtime."""
    return None if racy(st.st_mtime_ns, now_ns) else (st.st_size, st.st_mtime_ns)
