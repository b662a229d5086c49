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


FileId = tuple[str, int, str]  # (project-relative path, size, sha256 of the bytes); (path, -1, "") when missing
HashRecord = dict[str, tuple[int, int, str]]  # project-relative path -> (size, mtime_ns, sha256)


def file_sha256(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class ContentIds:
    """Media files known by their bytes, not their mtime (a checkout gives every file a new one),
    hashed only when their size or mtime differs from the record: a file is hashed once after a
    checkout or an edit, not on every build. Paths are relative to the project, so a moved
    project keeps its record."""

    def __init__(self, root: str | os.PathLike[str], record: HashRecord, now_ns: int) -> None:
        self.root = os.fspath(root)
        self.record = record  # as the last build left it; never changed here
        self.now_ns = now_ns
        self.seen: HashRecord = {}  # hashed or confirmed by this build, trusted for the next

    def of(self, rel: str) -> FileId:
        try:
            st = os.stat(os.path.join(self.root, rel))
        except OSError:
            return (rel, -1, "")
        known = self.seen.get(rel) or self.record.get(rel)
        if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
            sha = known[2]
        else:
            try:
                sha = file_sha256(os.path.join(self.root, rel))
            except OSError:
                return (rel, -1, "")
        if not racy(st.st_mtime_ns, self.now_ns):  # too new: the same mtime could hide a later edit
            self.seen[rel] = (st.st_size, st.st_mtime_ns, sha)
        return (rel, st.st_size, sha)

    def confirm(self, found: FileId) -> None:
        """Record an id measured elsewhere (a parse worker) when the file's stat shows it unchanged
        since before the build began (an edit since would have a recent mtime)."""
        rel, size, sha = found
        if size < 0 or rel in self.seen:
            return
        try:
            st = os.stat(os.path.join(self.root, rel))
        except OSError:
            return
        if st.st_size == size and not racy(st.st_mtime_ns, self.now_ns):
            self.seen[rel] = (size, st.st_mtime_ns, sha)
