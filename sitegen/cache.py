"""The build cache in .cache/: what each content file parsed to, and what each output was made from.

A small index (read on every build, enough to prove that nothing changed) and the parsed
documents in 16 shards (read only when something did; only changed shards are written).
Anything unreadable, from another engine version or another Python, is treated as empty: a
cache can cost time, never correctness.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ENGINE_VERSION

CACHE_FORMAT = 4
_STAMP = f"{ENGINE_VERSION}/{CACHE_FORMAT}/{sys.version_info[:2]}"

StatSig = tuple[str, int, int]  # (path, size, mtime_ns)


@dataclass(slots=True)
class Index:
    """Small: the last build's input signature and what it wrote."""

    inputs: str = ""  # digest of every input's stat, options and the publication state
    out_dir: str = ""
    outputs: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # path -> (digest, size, mtime_ns)
    dates: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # rel -> (file sig, published ts, draft)
    racy: tuple[str, ...] = ()  # inputs whose content (not only stat) is in `inputs`


@dataclass(slots=True)
class DocCache:
    """Large: parsed documents keyed by their content digest, kept in shards so that a build
    which changed one document rewrites one shard, not the whole archive."""

    config: str = ""  # digest of the configuration they were parsed with
    docs: dict[str, Any] = field(default_factory=dict)  # rel -> Loaded
    # rel -> (size, mtime_ns) of the source when it was read, recorded only for files old enough
    # that a later edit must change the mtime: a match means the bytes are the same, unread.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    read: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # shard -> as read, to skip rewriting


SHARDS = 16


def racy(mtime_ns: int, now_ns: int) -> bool:
    """Modified so recently that another edit could leave the same mtime. Whole seconds suggest a
    coarse file system (up to 2 s on FAT); otherwise the kernel's clock tick (at most 10 ms)."""
    window = 2_000_000_000 if mtime_ns % 1_000_000_000 == 0 else 100_000_000
    return mtime_ns > now_ns - window


def shard_of(rel: str) -> int:
    return zlib.crc32(rel.encode()) % SHARDS


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


def read_index(folder: Path) -> Index:
    return load_pickle(folder / "index.pickle", Index)


def read_doc_cache(folder: Path) -> DocCache:
    cache = DocCache()
    shards = [(i, load_pickle(folder / f"docs-{i:02d}.pickle", tuple)) for i in range(SHARDS)]
    configs = {v[0] for _, v in shards if len(v) == 3}
    if len(configs) != 1:  # none, or shards from different configurations: start afresh
        return cache
    cache.config = configs.pop()
    for i, value in shards:
        if len(value) == 3:
            cache.docs.update(value[1])
            cache.stats.update(value[2])
            cache.read[i] = (value[0], value[1])
    return cache


def trusted_stat(st: os.stat_result, now_ns: int) -> tuple[int, int] | None:
    """The (size, mtime) worth recording, or None when the file is too new to trust its mtime."""
    return None if racy(st.st_mtime_ns, now_ns) else (st.st_size, st.st_mtime_ns)


def forget_index(folder: Path) -> None:
    try:
        (folder / "index.pickle").unlink()
    except OSError:
        pass


def write_cache(folder: Path, index: Index, docs: DocCache | None) -> None:
    """Write atomically; a cache that cannot be written only costs time next build."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if docs is not None:
            _write_docs(folder, docs)
        dump_pickle(folder / "index.pickle", index)
    except OSError:
        pass


def _write_docs(folder: Path, docs: DocCache) -> None:
    (folder / "docs.pickle").unlink(missing_ok=True)  # the single-file cache of earlier versions
    by_shard: dict[int, dict[str, Any]] = {}
    for rel, loaded in docs.docs.items():
        by_shard.setdefault(shard_of(rel), {})[rel] = loaded
    for i in range(SHARDS):
        mine = by_shard.get(i, {})
        was = docs.read.get(i)
        if was is not None and was[0] == docs.config and was[1].keys() == mine.keys() and all(was[1][k] is v for k, v in mine.items()):
            continue  # the same objects as read: nothing in this shard changed
        path = folder / f"docs-{i:02d}.pickle"
        if mine or was is not None or path.exists():
            dump_pickle(path, (docs.config, mine, {rel: docs.stats[rel] for rel in mine if rel in docs.stats}))


def load_pickle(path: Path, kind: type) -> Any:
    gc.disable()  # unpickling makes many objects at once; collections on the way find no garbage
    try:
        with path.open("rb") as fh:
            stamp, value = pickle.load(fh)
        if stamp == _STAMP and isinstance(value, kind):
            return value
    except Exception:  # noqa: BLE001 - corrupt, truncated, or written by other code: start afresh
        pass
    finally:
        gc.enable()
    return kind()


def dump_pickle(path: Path, value: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    gc.disable()
    try:
        with tmp.open("wb") as fh:
            pickle.dump((_STAMP, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        gc.enable()
    tmp.replace(path)
