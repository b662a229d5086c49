"""The build cache in .cache/: what each content file parsed to, and what each output was made from.

Two files: a small index (read on every build, enough to prove that nothing changed) and a
larger pickle of parsed documents (read only when something did). Anything unreadable, from
another engine version or another Python, is treated as empty: a cache can cost time, never
correctness.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ENGINE_VERSION

CACHE_FORMAT = 3
_STAMP = f"{ENGINE_VERSION}/{CACHE_FORMAT}/{sys.version_info[:2]}"

StatSig = tuple[str, int, int]  # (path, size, mtime_ns)


@dataclass(slots=True)
class Index:
    """Small: the last build's input signature and what it wrote."""

    inputs: str = ""  # digest of every input's stat, options and the publication state
    out_dir: str = ""
    outputs: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # path -> (digest, size, mtime_ns)
    dates: dict[str, tuple[str, float, bool]] = field(default_factory=dict)  # rel -> (file sig, published ts, draft)


@dataclass(slots=True)
class DocCache:
    """Large: parsed documents keyed by their content digest."""

    config: str = ""  # digest of the configuration they were parsed with
    docs: dict[str, Any] = field(default_factory=dict)  # rel -> Loaded


def digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def stat_sig(path: Path) -> StatSig:
    try:
        st = path.stat()
        return (str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        return (str(path), -1, -1)


def read_index(folder: Path) -> Index:
    return _load(folder / "index.pickle", Index)


def read_doc_cache(folder: Path) -> DocCache:
    return _load(folder / "docs.pickle", DocCache)


def write_cache(folder: Path, index: Index, docs: DocCache | None) -> None:
    """Write atomically; a cache that cannot be written only costs time next build."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if docs is not None:
            _dump(folder / "docs.pickle", docs)
        _dump(folder / "index.pickle", index)
    except OSError:
        pass


def _load(path: Path, kind: type) -> Any:
    try:
        with path.open("rb") as fh:
            stamp, value = pickle.load(fh)
        if stamp == _STAMP and isinstance(value, kind):
            return value
    except Exception:  # noqa: BLE001 - corrupt, truncated, or written by other code: start afresh
        pass
    return kind()


def _dump(path: Path, value: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump((_STAMP, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
