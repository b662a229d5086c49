"""What a build is asked to do, and what it reports back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .write import WriteStats

if TYPE_CHECKING:
    from .cache import DocCache
    from .models import Site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # injected clock; decides only what is published, never printed
    pdf: bool = True
    cache: bool = True
    cache_dir: Path | None = None  # default: <root>/.cache


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Site | None  # None when nothing changed and nothing was read
    pages: int
    stats: WriteStats
    seconds: float
    out_dir: Path
    warnings: tuple[str, ...] = ()  # the build is good; something made it slower or will make the next one slower
    parsed: int = 0  # content files parsed (not reused from the cache)
    docs: DocCache | None = None  # the parsed documents as the cache now holds them, for the next build in this process


def unchanged_result(outputs: dict[str, tuple[str, int, int]], seconds: float, out_dir: Path) -> BuildResult:
    """What a build reports when nothing changed since the last one, which wrote `outputs`."""
    n = len(outputs)
    return BuildResult(None, sum(p.endswith(".html") for p in outputs), WriteStats(n, 0, n), seconds, out_dir)
