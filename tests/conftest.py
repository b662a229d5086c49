"""Shared helpers: a copy of the sample site to build, a fixed clock, small file trees."""
from __future__ import annotations

import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitegen.config import SiteConfig, parse_config  # noqa: E402
from sitegen.pipeline import BuildOptions, BuildResult, build  # noqa: E402

SAMPLE = ROOT / "tests" / "sample_site"
FIXED_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
SAMPLE_BASE = "https://example.github.io/sample-show/"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def copy_sample(dest: Path) -> Path:
    """The sample site with the project's real templates and static files beside it."""
    shutil.copytree(SAMPLE, dest)
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "static", dest / "static")
    return dest


def make_config(root: Path | None = None, edits: dict[str, str] | None = None) -> SiteConfig:
    """The sample site's config, with whole lines of site.toml replaced (`old line -> new line`)."""
    text = (SAMPLE / "site.toml").read_text()
    for old, new in (edits or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_config(text, "site.toml", root or SAMPLE)


def build_site(root: Path, **kwargs: object) -> BuildResult:
    kwargs.setdefault("now", FIXED_NOW)
    return build(BuildOptions(root=root, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "site")


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the sample site (PDFs included), shared by read-only tests."""
    root = copy_sample(tmp_path_factory.mktemp("built") / "site")
    build_site(root)
    return root / "_site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's own site, built for and served from 127.0.0.1 under its subpath, gzipped as GitHub
    Pages serves it (no PDFs: no page test reads them); yields its base URL."""
    from webserver import serve

    out = tmp_path_factory.mktemp("real") / "site"
    with serve(out, "/retro-stride/", pages=True) as url:
        build(BuildOptions(root=ROOT, out=out, base_url=url, pdf=False, cache=False))
        yield url
