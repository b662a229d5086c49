"""The cache as a deploy meets it: restored into a moved project or a fresh checkout (every mtime
new), it still saves the work it recorded, and the output is that of a cold build."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import build_site
from sitegen.cache import read_doc_cache
from sitegen.load import DOC_CODEC
from test_cache import EDITS, cold, tree

AUDIO = ("content/episodes/001-first-steps.mp3", "content/episodes/002-knees-and-you.mp3", "content/episodes/003-draft-episode.mp3")


def checkout(src: Path, dest: Path, keep: tuple[str, ...] = (".cache",)) -> Path:
    """What a fresh clone with the cache restored looks like: the same files, every mtime new
    (copied without their times), and the restored folders (`keep`) as they were saved."""
    shutil.copytree(src, dest, copy_function=shutil.copyfile, ignore=shutil.ignore_patterns(".cache", "_site", "._site*"))
    for name in keep:
        shutil.copytree(src / name, dest / name)  # copy2: the cache action's tar keeps mtimes
    cloned = time.time_ns() - 60_000_000_000  # a clone made a minute before the build: new, but not too new to trust
    for path in dest.rglob("*"):
        if path.is_file() and not any(path.is_relative_to(dest / k) for k in keep):
            os.utime(path, ns=(cloned, cloned))
    return dest


def test_a_moved_project_reuses_its_cache_and_its_output(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    moved = tmp_path / "elsewhere" / "show"
    moved.parent.mkdir()
    shutil.move(sample, moved)
    EDITS["edit an episode"](moved)
    result = build_site(moved, pdf=False)
    assert result.parsed == 1  # the edited episode; every other document came from the cache
    assert 0 < result.stats.written < result.stats.files / 2  # the moved output was patched, not rewritten
    assert tree(moved / "_site") == cold(moved, tmp_path, pdf=False)


def test_a_checkout_with_new_mtimes_parses_and_probes_nothing_again(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    clone = checkout(sample, tmp_path / "clone")
    result = build_site(clone, pdf=False)
    assert result.parsed == 0  # no episode parsed again, so no audio probed again: their bytes match the record
    media = read_doc_cache(clone / ".cache", DOC_CODEC).media
    for rel in AUDIO:  # hashed once under the new mtimes: the next build only compares stats
        st = os.stat(clone / rel)
        assert media[rel][:2] == (st.st_size, st.st_mtime_ns)
    assert tree(clone / "_site") == cold(clone, tmp_path, pdf=False)


def test_a_checkout_sees_audio_whose_bytes_changed(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    clone = checkout(sample, tmp_path / "clone")
    target = clone / AUDIO[1]
    shutil.copyfile(clone / AUDIO[2], target)  # other bytes under a new mtime: measured again
    os.utime(target, ns=(os.stat(clone / "site.toml").st_mtime_ns,) * 2)
    result = build_site(clone, pdf=False)
    assert result.parsed == 1
    assert tree(clone / "_site") == cold(clone, tmp_path, pdf=False)


def test_a_deploy_without_the_last_output_copies_the_pdfs_from_the_cache(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import sitegen.guide as guide

    build_site(sample)
    first = tree(sample / "_site")
    assert any(name.endswith(".pdf") for name in first)
    clone = checkout(sample, tmp_path / "clone")

    def fail(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a PDF was made again")

    monkeypatch.setattr(guide, "build_guide_pdf", fail)
    result = build_site(clone)
    assert result.parsed == 0
    assert tree(clone / "_site") == first


def test_a_restored_output_is_kept_and_only_the_new_episode_rendered(sample: Path, tmp_path: Path):
    """The deploy workflow restores `.cache` and `_site` together: a checkout patches the output."""
    build_site(sample, pdf=False)
    clone = checkout(sample, tmp_path / "clone", keep=(".cache", "_site"))
    text = (clone / "content/episodes/004-remote-bonus.md").read_text()
    (clone / "content/episodes/006-new-one.md").write_text(
        text.replace("number: 4", "number: 6").replace("b5e0a1c2-d3e4-4f50-8617-28394a5b6c44", "b5e0a1c2-d3e4-4f50-8617-28394a5b6c99"))
    before = _mtimes(clone / "_site")
    result = build_site(clone, pdf=False)
    assert result.parsed == 1 and result.stats.written > 0
    after = _mtimes(clone / "_site")
    # pages that do not list episodes are kept as restored, not rendered again
    untouched = [name for name in before if name.startswith(("articles/", "drills/", "guide/"))]
    assert untouched and all(after[name] == before[name] for name in untouched)
    assert tree(clone / "_site") == cold(clone, tmp_path, pdf=False)


def _mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.html")}


def test_a_body_edit_leaves_the_pages_that_list_the_episode_alone(sample: Path, tmp_path: Path):
    """Lists show titles and summaries, never bodies: a sentence added to an episode remakes its
    page and the feeds, not the archive or its tags' pages."""
    build_site(sample, pdf=False)
    before = _mtimes(sample / "_site")
    EDITS["edit an episode"](sample)  # its body only
    build_site(sample, pdf=False)
    after = _mtimes(sample / "_site")
    assert after["episodes/knees-and-you/index.html"] != before["episodes/knees-and-you/index.html"]
    assert after["episodes/index.html"] == before["episodes/index.html"] and after["index.html"] == before["index.html"]
    assert tree(sample / "_site") == cold(sample, tmp_path, pdf=False)


def test_a_template_that_shows_listed_bodies_makes_lists_follow_bodies(sample: Path, tmp_path: Path):
    item = sample / "templates/partials/episode_item.html"
    item.write_text(item.read_text() + "{{ ep.body_html | length }}\n")
    build_site(sample, pdf=False)
    before = _mtimes(sample / "_site")
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)
    assert _mtimes(sample / "_site")["episodes/index.html"] != before["episodes/index.html"]
    assert tree(sample / "_site") == cold(sample, tmp_path, pdf=False)
