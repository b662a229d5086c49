"""Whole-archive outputs built from per-item pieces equal the same outputs built in one go."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import tempfile
from html import unescape
from pathlib import Path
from typing import Iterable

import pytest
from lxml import etree

import sitegen.feeds as feeds
from conftest import FIXED_NOW, build_site, copy_sample
from sitegen.body import Body
from sitegen.assets import read_static
from sitegen.models import Site
from sitegen.fingerprint import stat_sig
from sitegen.parts import Part, write_parts
from sitegen.pieces import Pieces, Written, build_podcast_feed_reusing, build_search_index_reusing
from sitegen.pipeline import BuildOptions, check
from sitegen.urls import Urls
from sitegen.write import Staging


def read_parts(parts: Iterable[Part]) -> bytes:
    """The output the parts make, as the build's writer writes it."""
    with tempfile.TemporaryFile() as fh:
        write_parts(fh.fileno(), parts)
        fh.seek(0)
        return fh.read()


@pytest.fixture(scope="module")
def site_urls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Urls]:
    root = copy_sample(tmp_path_factory.mktemp("feeds") / "site")
    site = check(BuildOptions(root=root, now=FIXED_NOW, cache=False)).site
    assert site is not None and len(site.episodes) >= 3
    return site, Urls(site.config.url, read_static(root / "static")[1])


def test_feed_in_batches_equals_one_feedgen_pass(site_urls, monkeypatch: pytest.MonkeyPatch):
    site, urls = site_urls
    whole = feeds._podcast_xml(site, urls, site.episodes)
    monkeypatch.setattr(feeds, "FEED_BATCH", 1)
    assert feeds.build_podcast_feed(site, urls) == whole


def published(folder: Path, name: str, output: bytes | None = None) -> Pieces:
    """The pieces as the next build sees them: the last output is the file a build left, made from "v1"."""
    path = folder / name
    if output is not None:
        path.write_bytes(output)
    last = Written(path, "v1", *stat_sig(path)[1:]) if path.exists() else None
    return Pieces(folder, name, "v1", last)


def test_feed_from_stored_pieces_renders_only_new_episodes(site_urls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, urls = site_urls
    whole = feeds._podcast_xml(site, urls, site.episodes)
    out = read_parts(build_podcast_feed_reusing(site, urls, published(tmp_path, "podcast.xml"), lambda ep: ep.guid))
    assert out == whole
    added: list[str] = []
    real = feeds._add_episode
    monkeypatch.setattr(feeds, "_add_episode", lambda fg, ep, s, u: (added.append(ep.guid), real(fg, ep, s, u)))
    assert read_parts(build_podcast_feed_reusing(site, urls, published(tmp_path, "podcast.xml", out), lambda ep: ep.guid)) == whole
    assert added == []
    changed = site.episodes[1]
    assert read_parts(build_podcast_feed_reusing(site, urls, published(tmp_path, "podcast.xml"), lambda ep: ep.guid + ("x" if ep is changed else ""))) == whole
    assert added == [changed.guid]


def test_pieces_of_an_output_changed_since_are_not_used(site_urls, tmp_path: Path):
    """The pieces are read from the last output only while it is the file that build wrote."""
    site, urls = site_urls
    whole = feeds._podcast_xml(site, urls, site.episodes)
    guid = site.episodes[0].guid
    read_parts(build_podcast_feed_reusing(site, urls, published(tmp_path, "podcast.xml"), lambda ep: ep.guid))  # keeps its pieces
    path = tmp_path / "podcast.xml"
    path.write_bytes(whole)
    record = Written(path, "v1", *stat_sig(path)[1:])  # what the index says that build wrote
    assert Pieces(tmp_path, "podcast.xml", "v1", record).where(guid) is not None
    path.write_bytes(whole.replace(b"<title>", b"<title>X", 3))  # edited since
    os.utime(path, ns=(1, 1))
    assert Pieces(tmp_path, "podcast.xml", "v1", record).where(guid) is None
    assert read_parts(build_podcast_feed_reusing(site, urls, Pieces(tmp_path, "podcast.xml", "v1", record), lambda ep: ep.guid)) == whole
    other = Written(path, "v0", *stat_sig(path)[1:])  # a file made from other inputs than the recorded pieces
    assert Pieces(tmp_path, "podcast.xml", "v1", other).where(guid) is None


def test_show_notes_that_look_like_an_item_end_are_made_an_episode_at_a_time(site_urls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, urls = site_urls
    odd = dataclasses.replace(site.episodes[1], body=Body(site.episodes[1].body_html + "\n    </item>\n    <item>\n"))
    site = dataclasses.replace(site, episodes=(site.episodes[0], odd, *site.episodes[2:]))
    whole = feeds._podcast_xml(site, urls, site.episodes)
    monkeypatch.setattr(feeds, "FEED_BATCH", 2)  # the odd notes in the second episode of the first batch
    out = read_parts(build_podcast_feed_reusing(site, urls, published(tmp_path, "podcast.xml"), lambda ep: ep.guid))
    assert out == whole
    assert len(etree.fromstring(out).findall("channel/item")) == len(site.episodes)
    # its pieces are kept like any other: the next feed reuses them all, rendering nothing
    monkeypatch.setattr(feeds, "_podcast_xml", lambda *a: pytest.fail("rendered again"))
    pieces = published(tmp_path, "podcast.xml", out)
    assert all(pieces.where(ep.guid) is not None for ep in site.episodes)


def test_search_index_from_stored_pieces_equals_fresh(site_urls, tmp_path: Path):
    site, urls = site_urls
    fresh = feeds.build_search_index(site, urls)
    key = lambda x: x.source  # noqa: E731
    assert read_parts(build_search_index_reusing(site, urls, published(tmp_path, "search.json"), key)) == fresh
    assert read_parts(build_search_index_reusing(site, urls, published(tmp_path, "search.json", fresh), key)) == fresh
    docs = json.loads(fresh)
    assert [d["kind"] for d in docs].count("Episode") == len(site.episodes) and all(d["text"] == d["text"].lower() for d in docs)


def _js_match(hay: str, query: str) -> bool:
    """static/js/site.js: every whitespace-separated query word is a substring of the lowercased text."""
    terms = query.lower().split()
    return all(t in hay.lower() for t in terms)


def test_distinct_words_find_exactly_what_the_full_text_finds():
    html = ("<p>Backward walking, knees &amp; hips: the <em>knee</em> likes it. Retro-running (RR) "
            "raised VO<sub>2</sub> max; walking backward, walking slowly.</p>")
    full = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())  # the text as the index held it before
    words = feeds._words(html)
    assert len(words) < len(full) and "&" in words
    tokens = full.split()
    rng = random.Random(7)
    queries = ["knee", "knees hips", "walking backward", "ward walk", "vo", "2", "retro-run", "(rr)", "it.", "&", "slow", "zebra",
               "max;", "ing,"]
    for _ in range(300):  # random pieces of real words, alone and in pairs
        picks = [rng.choice(tokens) for _ in range(rng.randint(1, 2))]
        queries.append(" ".join(t[rng.randint(0, len(t) - 1):][: rng.randint(1, 6)] for t in picks))
    for q in queries:
        assert _js_match(full, q) == _js_match(words, q), q


RFC3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"


def test_dates_in_a_zones_old_local_time_are_valid_rfc3339(tmp_path: Path):
    """Amsterdam's summer time was +01:19:32 until 1937: offsets with seconds are not RFC 3339
    (sitemap, Atom, <time>) nor RFC 822 (RSS); the wall clock is kept, the offset rounded."""
    root = copy_sample(tmp_path / "site")
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace('timezone = "Europe/London"', 'timezone = "Europe/Amsterdam"'))
    for name, old, new in [("episodes/001-first-steps.md", "date: 2026-03-03", "date: 1920-05-01"),
                           ("articles/safety-first.md", "date: 2026-03-05", "date: 1920-05-02"),
                           ("articles/safety-first.md", "updated: 2026-03-12", "updated: 1920-05-03")]:
        path = root / "content" / name
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    build_site(root, pdf=False)
    out = root / "_site"
    sitemap = (out / "sitemap.xml").read_text()
    atom = (out / "atom.xml").read_text()
    html = (out / "articles" / "safety-first" / "index.html").read_text()
    stamps = (re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap) + re.findall(r"<(?:published|updated)>([^<]*)<", atom)
              + re.findall(r'<time datetime="(\d{4}-[^"]*)"', html) + re.findall(r'"date(?:Published|Modified)": ?"([^"]*T[^"]*)"', html))
    assert "1920-05-02T06:00:00+01:20" in stamps and "1920-05-03T06:00:00+01:20" in stamps
    assert [s for s in stamps if not re.fullmatch(RFC3339, s)] == []
    rss = etree.fromstring((out / "podcast.xml").read_bytes())
    dates = [e.text for e in rss.iter("pubDate")]
    assert "Sat, 01 May 1920 06:00:00 +0120" in dates
    assert [d for d in dates if not re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", d)] == []


def made(site: Site, urls: Urls, out: Path, cache: Path, key: str, patching: bool) -> None:
    """The feed and the search index written as a build writes them: as parts, into the staging
    folder, reusing the pieces of the last output (made from "v1") when there is one."""
    def pieces(name: str) -> Pieces:
        path = out / name
        return Pieces(cache, name, key, Written(path, "v1", *stat_sig(path)[1:]) if path.exists() else None)

    def body(x: object) -> str:
        return hashlib.sha256(getattr(x, "body_html").encode()).hexdigest()

    staging = Staging(out, patch=patching)
    staging.put_parts("podcast.xml", build_podcast_feed_reusing(site, urls, pieces("podcast.xml"), lambda ep: ep.guid + body(ep)))
    staging.put_parts("search.json", build_search_index_reusing(site, urls, pieces("search.json"), lambda x: x.source + body(x)))
    staging.commit(["podcast.xml", "search.json"], ["podcast.xml", "search.json"])


@pytest.mark.parametrize("edit", ["change", "removal", "addition"])
def test_feed_and_index_after_one_edit_equal_a_cold_build(edit: str, site_urls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, urls = site_urls
    eps = site.episodes
    before = dataclasses.replace(site, episodes=eps[1:]) if edit == "addition" else site
    after = {"change": dataclasses.replace(site, episodes=(eps[0], dataclasses.replace(eps[1], body=Body(eps[1].body_html + "<p>More.</p>")),
                                                           *eps[2:])),
             "removal": dataclasses.replace(site, episodes=(eps[0], *eps[2:])),
             "addition": site}[edit]
    out, cache = tmp_path / "out", tmp_path / "cache"
    cache.mkdir()
    made(before, urls, out, cache, "v1", patching=False)
    copies: list[int] = []
    rendered: list[str] = []
    real_copy, real_add = os.copy_file_range, feeds._add_episode
    monkeypatch.setattr(os, "copy_file_range", lambda src, dst, n, at=None, to=None: (copies.append(n), real_copy(src, dst, n, at, to))[1])
    monkeypatch.setattr(feeds, "_add_episode", lambda fg, ep, s, u: (rendered.append(ep.guid), real_add(fg, ep, s, u)))
    made(after, urls, out, cache, "v2", patching=True)
    assert rendered == {"change": [eps[1].guid], "removal": [], "addition": [eps[0].guid]}[edit]
    # the unchanged items and entries: one copy per run of them, on each side of the edit in each output
    assert len(copies) == {"change": 4, "removal": 4, "addition": 2}[edit]
    assert (out / "podcast.xml").read_bytes() == feeds.build_podcast_feed(after, urls)
    assert (out / "search.json").read_bytes() == feeds.build_search_index(after, urls)


def test_a_check_makes_the_whole_archive_outputs_it_does_not_write():
    """The feed's parts are made as they are taken: a check takes them all, so a rendering
    error in any episode still fails it."""
    from sitegen.schedule import NoWriter

    taken: list[int] = []

    def parts() -> Iterable[Part]:
        taken.append(1)
        yield b"<rss>"
        taken.append(2)
        yield b"</rss>"

    assert NoWriter().put_parts("podcast.xml", parts()) == (0, 0)
    assert taken == [1, 2]
