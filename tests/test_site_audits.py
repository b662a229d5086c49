"""The project's own site in Lighthouse and pa11y, served from 127.0.0.1 as GitHub Pages serves it.

Lighthouse 12 (npm, tests/lighthouse.mjs: every page in one Chromium) scores the home page, the newest
episode, the evidence article (the widest table), the drills and the guide 100 in performance,
accessibility, best practices and SEO, on a phone and on a desktop. pa11y (npm, WCAG2AA, with
HTML_CodeSniffer; tests/pa11y.mjs) finds no error on those and the site's other kinds of page.
Both drive Debian's Chromium; no browser is downloaded.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.request import urlopen

import pytest
from lxml import etree

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
NODE = shutil.which("node")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

if not CHROMIUM.exists() or NODE is None:
    pytest.skip("needs /usr/bin/chromium and node (CI installs both)", allow_module_level=True)


def run_node(script: str, base: str, paths: list[str]) -> list[dict]:
    if not (ROOT / "node_modules" / script.split(".")[0]).is_dir():
        pytest.skip(f"node_modules/{script.split('.')[0]} is missing: run `npm ci --ignore-scripts`")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run([NODE, str(ROOT / "tests" / script), base, *paths], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{script} failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def pages(real_site: str) -> list[str]:
    """Home, the newest episode, the article with the widest table, drills, the guide."""
    with urlopen(real_site + "podcast.xml") as response:
        newest = etree.fromstring(response.read()).findtext("channel/item/link")
    assert newest and newest.startswith(real_site), newest
    return ["", newest[len(real_site):], "articles/evidence-review/", "drills/", "guide/"]


def test_lighthouse_scores_100_on_phone_and_desktop(real_site: str, pages: list[str]):
    results = run_node("lighthouse.mjs", real_site, pages)
    assert len(results) == 2 * len(pages)
    short = []
    for r in results:
        assert r["runtimeError"] is None, f"/{r['path']} ({r['formFactor']}): {r['runtimeError']}"
        print(r["formFactor"], "/" + r["path"], r["scores"], f"({r['attempts']} runs)" if r["attempts"] > 1 else "")
        if any(r["scores"][c] != 100 for c in CATEGORIES):
            audits = "\n    ".join(f"{f['category']}: {f['id']} ({f['score']}) {f['title']} {f['value']}" for f in r["failing"])
            short.append(f"/{r['path']} on {r['formFactor']}: {r['scores']}\n    {audits}")
    assert not short, "Lighthouse below 100:\n" + "\n".join(short)


def test_pa11y_finds_no_wcag2aa_errors(real_site: str, pages: list[str]):
    more = ["episodes/", "articles/", "tags/", "about/", "search/", "drills/first-steps/",
            pages[1] + "transcript/", "404.html"]
    results = run_node("pa11y.mjs", real_site, pages + more)
    assert [r["path"] for r in results] == pages + more
    found = [f"/{r['path']}: {i['code']}: {i['message']} ({i['selector']})" for r in results for i in r["issues"]]
    assert not found, "pa11y (WCAG2AA):\n" + "\n".join(found)
