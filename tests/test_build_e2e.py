"""Whole builds of the sample site: reproducibility, drafts and future posts, guid stability, subpaths."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from lxml import etree, html

from conftest import FIXED_NOW, build_site, copy_sample


def digest_tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def guids(out: Path) -> dict[str, str]:
    feed = etree.fromstring((out / "podcast.xml").read_bytes())
    return {i.findtext("enclosure") or i.find("enclosure").get("url").rsplit("/", 1)[1]: i.findtext("guid") for i in feed.iter("item")}


def test_two_builds_are_byte_identical_pdf_included(built_sample: Path, tmp_path: Path):
    other = copy_sample(tmp_path / "again")
    build_site(other)
    assert digest_tree(other / "_site") == digest_tree(built_sample)


def test_drafts_and_future_only_with_flags(sample: Path):
    build_site(sample, pdf=False)
    out = sample / "_site"
    assert not (out / "episodes/draft-episode").exists() and not (out / "episodes/future").exists()
    assert not (out / "articles/a-draft-article").exists()
    build_site(sample, pdf=False, drafts=True, future=True)
    assert (out / "episodes/draft-episode/index.html").exists() and (out / "episodes/future/index.html").exists()
    page = (out / "episodes/draft-episode/index.html").read_text()
    assert '<span class="flag">Draft</span>' in page
    assert "Scheduled" in (out / "episodes/future/index.html").read_text()


def test_guids_survive_rename_retitle_and_new_url(sample: Path):
    build_site(sample, pdf=False)
    before = guids(sample / "_site")
    eps = sample / "content/episodes"
    (eps / "001-first-steps.md").rename(eps / "001-walking-backward-101.md")
    text = (eps / "001-walking-backward-101.md").read_text().replace('title: "First steps', 'title: "Walking backward 101, first')
    (eps / "001-walking-backward-101.md").write_text(text)
    drill = sample / "content/drills/first-walk.md"
    drill.write_text(drill.read_text().replace("episodes/first-steps", "episodes/walking-backward-101"))
    build_site(sample, pdf=False, base_url="https://retro.example.org/")
    after = guids(sample / "_site")
    assert sorted(before.values()) == sorted(after.values())
    assert (sample / "_site/episodes/walking-backward-101/index.html").exists()
    assert "https://retro.example.org/podcast.xml" in (sample / "_site/podcast.xml").read_text()


def test_base_url_at_domain_root(sample: Path):
    build_site(sample, pdf=False, base_url="https://retro.example.org")
    page = (sample / "_site/index.html").read_text()
    assert 'href="/episodes/"' in page and "/sample-show/" not in page


def test_titles_are_escaped_everywhere(built_sample: Path):
    for path in built_sample.rglob("*.html"):
        text = path.read_text()
        assert "<backward>" not in text and "<Stride>" not in text, path
        html.fromstring(text)


def test_every_page_has_one_h1_and_main_landmark(built_sample: Path):
    for path in built_sample.rglob("*.html"):
        doc = html.fromstring(path.read_text())
        assert len(doc.findall(".//h1")) == 1, path
        assert len(doc.findall(".//main")) == 1, path
        assert doc.find(".//a[@class='skip']") is not None


def test_media_copied_and_audio_player(built_sample: Path):
    page = (built_sample / "episodes/first-steps/index.html").read_text()
    assert '<audio id="player" controls preload="metadata" src="/sample-show/episodes/first-steps/001-first-steps.mp3">' in page
    assert (built_sample / "episodes/first-steps/001-first-steps.mp3").stat().st_size > 1000
    assert 'kind="captions"' in page


def test_drill_links_both_ways(built_sample: Path):
    drill = (built_sample / "drills/first-walk/index.html").read_text()
    assert 'href="/sample-show/episodes/first-steps/"' in drill and 'href="/sample-show/articles/safety-first/"' in drill
    assert "draft-episode" not in drill  # links to unpublished posts are left out
    assert 'href="/sample-show/drills/first-walk/"' in (built_sample / "episodes/first-steps/index.html").read_text()


def test_build_uses_injected_clock_only_for_publishing(sample: Path):
    early = build_site(sample, pdf=False, now=FIXED_NOW.replace(year=2026, month=3, day=4))
    assert [e.slug for e in early.site.episodes] == ["first-steps"]


def test_output_folder_flag(sample: Path, tmp_path: Path):
    out = tmp_path / "elsewhere"
    build_site(sample, pdf=False, out=out)
    assert (out / "index.html").exists() and not (sample / "_site").exists()
    shutil.rmtree(out)
