"""The benchmark's tools work, and on a synthetic archive (parallel parse, feed batches,
hundreds of pages) a cached build still equals a cold one byte for byte."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen import feeds
from sitegen.pipeline import BuildOptions, build, check

sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402


def tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "site"
    corpus.write_corpus(root, 240, seed=5)
    return root


def test_corpus_is_deterministic_and_valid(synthetic: Path, tmp_path: Path):
    again = tmp_path / "again"
    corpus.write_corpus(again, 240, seed=5)
    assert tree(synthetic / "content") == tree(again / "content")
    site = check(BuildOptions(root=synthetic, cache=False)).site
    assert site is not None and len(site.episodes) + len(site.articles) == 240 and len(site.drills) == 8


def test_cached_build_of_an_archive_equals_cold_after_edits(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(feeds, "FEED_BATCH", 7)  # several feedgen batches, spliced
    root = tmp_path / "warm"
    shutil.copytree(synthetic, root)
    build(BuildOptions(root=root))
    episodes = sorted((root / "content/episodes").glob("*.md"))
    for path in (episodes[3], episodes[len(episodes) // 2]):
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line for the test.\n", encoding="utf-8")
    newest = episodes[-1]
    newest.write_text(newest.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    build(BuildOptions(root=root))
    warm = tree(root / "_site")
    cold_root = tmp_path / "cold"
    shutil.copytree(root, cold_root, ignore=shutil.ignore_patterns(".cache", "_site"))
    build(BuildOptions(root=cold_root, cache=False))
    assert warm == tree(cold_root / "_site")


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="GNU time is missing: apt-get install time")
def test_run_times_the_engine(tmp_path: Path):
    import run

    out = tmp_path / "results.json"
    assert run.main(["--sizes", "30", "--runs", "1", "--tools", "retro-stride", "--work", str(tmp_path / "work"),
                     "--json", str(out), "--python", sys.executable]) == 0
    results = json.loads(out.read_text())["results"]
    assert {r["scenario"] for r in results} == {"cold", "no-change", "one-episode-changed", "one-episode-added",
                                                 "deploy", "deploy-cache-only"}
    assert all(r["error"] is None and r["median_wall_s"] > 0 and r["median_peak_rss_mib"] > 0 for r in results)
    assert all(r["median_peak_rss_all_processes_mib"] >= r["median_peak_rss_mib"] for r in results)
    # a fresh checkout with the cache restored builds what a cold build makes
    assert all(r["identical_to_cold"] is True for r in results if r["scenario"].startswith("deploy"))
    assert list((tmp_path / "work/out-30/episodes").glob("new-episode-*/index.html"))  # the added episode was built
    assert not list((tmp_path / "work/site-30/content/episodes").glob("*new-episode*"))  # and taken away again


def test_serve_benchmark_sees_every_edit(tmp_path: Path):
    import serve as serve_bench

    site = tmp_path / "site"
    corpus.write_corpus(site, 20, seed=2)
    result = serve_bench.measure(site, edits=2, pdf=False)
    assert result["edits"] == 2 and 0 < result["median_ms"] < 10_000 and result["rebuild_median_ms"] is not None


def test_new_episode_takes_the_next_number_past_999(tmp_path: Path):
    import peers

    folder = tmp_path / "content/episodes"
    folder.mkdir(parents=True)
    for number in (998, 999, 1000):
        (folder / f"{number}-ep-{number}.md").write_text(
            f'---\ntitle: "Ep {number}"\nnumber: {number}\ndate: 2026-01-01\nguid: "x-{number}"\nsummary: "S"\ntags: [a]\n---\nBody\n')
    path, text, doc = peers.new_episode(tmp_path)
    assert path.name == "1001-new-episode-1001.md" and doc.meta["number"] == 1001 and "number: 1001" in text
    assert 'title: "A new episode, number 1001"' in text and "x-1000" not in text
