"""Build the sample site and compare its text outputs with a stored copy (UPDATE_GOLDEN=1 rewrites it).

tests/golden/ is the sample site under its subpath, every text output; tests/golden-root/ is the
same site at a domain root, one page of each template and every feed and index. CSS and JS are
published under a content hash (css/site.<hash>.css): they are not stored, and the hash is
written as <hash> in the file list and in the pages that link them, so a CSS edit changes no
golden file. (tests/test_links.py checks the pages link the real files.)
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import build_site, copy_sample

HERE = Path(__file__).parent
TEXT = {".html", ".xml", ".json", ".txt", ".vtt", ".css", ".js"}
FINGERPRINTED = re.compile(r"(?P<stem>[^/]+)\.[0-9a-f]{10}(?P<suffix>\.css|\.js)$")
SHOWN_DIFFS = 3  # the full list of names is always shown; diffs only for the first few
ROOT_BASE = "https://example.org/"
# At the root, one page of each template (episode.html: the episode with chapters and a transcript).
ROOT_PAGES = {
    "index.html", "404.html", "about/index.html", "articles/index.html", "articles/safety-first/index.html",
    "drills/index.html", "drills/first-walk/index.html", "episodes/index.html", "episodes/first-steps/index.html",
    "episodes/first-steps/transcript/index.html", "guide/index.html", "search/index.html", "tags/index.html",
    "tags/balance/index.html",
}


def normalised(out: Path) -> tuple[list[str], dict[str, str]]:
    """Every output file's name, and each text output's content, with content hashes as <hash>."""
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    hashed = {Path(n).name: FINGERPRINTED.sub(r"\g<stem>.<hash>\g<suffix>", Path(n).name) for n in names if FINGERPRINTED.search(n)}

    def plain(text: str) -> str:
        for real, shown in hashed.items():
            text = text.replace(real, shown)
        return text

    texts = {n: plain((out / n).read_text(encoding="utf-8")) for n in names
             if Path(n).suffix in TEXT and not FINGERPRINTED.search(n)}
    return [plain(n) for n in names], texts


def compare_with_golden(out: Path, golden: Path, stored: Callable[[str], bool]) -> None:
    """Fail once, naming every file that differs; `stored` picks the text outputs kept in `golden`."""
    names, texts = normalised(out)
    texts = {n: t for n, t in texts.items() if stored(n)}
    listing = "\n".join(names) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for name, text in {**texts, "FILES.txt": listing}.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_text(text, encoding="utf-8")
        pytest.skip(f"{golden.name}/ rewritten")
    kept = {p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8") for p in sorted(golden.rglob("*")) if p.is_file()}
    expected = {**{n: "" for n in texts}, **kept}  # a new output shows as a diff against nothing
    actual = {**{n: "" for n in kept}, **texts, "FILES.txt": listing}
    differing = [n for n in sorted(expected) if expected[n] != actual[n]]
    if differing:
        diffs = ["".join(difflib.unified_diff(expected[n].splitlines(True), actual[n].splitlines(True),
                                              f"{golden.name}/{n}", f"built/{n}"))[:2000] for n in differing[:SHOWN_DIFFS]]
        pytest.fail(f"{len(differing)} file(s) differ from {golden.name}/ (UPDATE_GOLDEN=1 if intended): "
                    f"{', '.join(differing)}\n\n" + "\n".join(diffs))


def test_sample_site_matches_golden(built_sample: Path):
    compare_with_golden(built_sample, HERE / "golden", stored=lambda name: True)


def test_sample_site_at_the_domain_root_matches_golden_root(tmp_path: Path):
    root = copy_sample(tmp_path / "site")
    build_site(root, base_url=ROOT_BASE, pdf=False)  # the PDFs are not text: FILES.txt lists none here
    compare_with_golden(root / "_site", HERE / "golden-root", stored=lambda name: not name.endswith(".html") or name in ROOT_PAGES)
