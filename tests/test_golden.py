"""Build the sample site and compare every text output with tests/golden/ (UPDATE_GOLDEN=1 rewrites it)."""
from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
TEXT = {".html", ".xml", ".json", ".txt", ".vtt", ".css", ".js"}


def text_outputs(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text() for p in sorted(out.rglob("*")) if p.suffix in TEXT}


def test_sample_site_matches_golden(built_sample: Path):
    files = text_outputs(built_sample)
    listing = "\n".join(sorted(p.relative_to(built_sample).as_posix() for p in built_sample.rglob("*") if p.is_file())) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in files.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text)
        (GOLDEN / "FILES.txt").write_text(listing)
        pytest.skip("golden files rewritten")
    assert (GOLDEN / "FILES.txt").read_text() == listing, "the set of output files changed; UPDATE_GOLDEN=1 if intended"
    for name, text in files.items():
        expected = (GOLDEN / name).read_text()
        if text != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), f"golden/{name}", f"built/{name}"))
            pytest.fail(f"{name} differs from the golden copy (UPDATE_GOLDEN=1 if intended):\n{diff[:4000]}")
