"""Static files: published as they are, CSS and JS under a content-hashed name (cacheable forever)."""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

FINGERPRINTED = (".css", ".js")


def read_static(static_dir: Path) -> tuple[dict[str, Path], tuple[tuple[str, str], ...]]:
    """Return (published path -> source file, (logical path, fingerprinted path) pairs)."""
    copies: dict[str, Path] = {}
    renames: list[tuple[str, str]] = []
    if not static_dir.is_dir():
        return copies, ()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        logical = path.relative_to(static_dir).as_posix()
        published = logical
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            p = PurePosixPath(logical)
            published = str(p.with_name(f"{p.stem}.{digest}{p.suffix}"))
            renames.append((logical, published))
        copies[published] = path
    return copies, tuple(renames)
