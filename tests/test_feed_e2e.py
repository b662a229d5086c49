"""The built sample feed, read by the parsers real podcast apps use, and checked against Apple's and Podcasting 2.0's rules."""
from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import mutagen
import podcastparser
import pytest
from lxml import etree

from conftest import SAMPLE, SAMPLE_BASE
from sitegen.apple_categories import check_category

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
EPISODES = SAMPLE / "content" / "episodes"
LOCAL = {"first-steps": EPISODES / "001-first-steps.mp3", "knees-and-you": EPISODES / "002-knees-and-you.mp3"}


@pytest.fixture(scope="module")
def feed(built_sample: Path) -> etree._Element:
    return etree.fromstring((built_sample / "podcast.xml").read_bytes())


def items(feed: etree._Element) -> list[etree._Element]:
    return feed.findall("channel/item")


def test_feed_items_newest_first_without_drafts_or_future(feed):
    titles = [i.findtext("title") for i in items(feed)]
    assert titles == ["A bonus hosted elsewhere", "Knees and you", 'First steps <backward> & "why"']
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in items(feed)]
    assert dates == sorted(dates, reverse=True) and all(d.tzinfo for d in dates)


def test_feed_channel_apple_tags(feed, built_sample):
    ch = feed.find("channel")
    assert ch.findtext("link") == SAMPLE_BASE
    assert ch.find("atom:link[@rel='self']", NS).get("href") == SAMPLE_BASE + "podcast.xml"
    assert ch.findtext("language") == "en" and ch.findtext("copyright")
    assert ch.find("itunes:image", NS).get("href") == SAMPLE_BASE + "img/cover.jpg"
    cats = [(c.get("text"), c.find("itunes:category", NS).get("text")) for c in ch.findall("itunes:category", NS)]
    assert cats == [("Sports", "Running"), ("Health & Fitness", "Fitness")]
    assert all(check_category(c, s) is None for c, s in cats)
    assert ch.findtext("itunes:explicit", namespaces=NS) == "false"
    assert ch.findtext("itunes:author", namespaces=NS) == "Sample Show"
    assert ch.findtext("itunes:owner/itunes:email", namespaces=NS) == "owner@example.com"
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    # lastBuildDate is the newest episode's date, never the build's clock
    assert parsedate_to_datetime(ch.findtext("lastBuildDate")) == parsedate_to_datetime(items(feed)[0].findtext("pubDate"))


def test_feed_channel_podcasting20_tags(feed):
    ch = feed.find("channel")
    assert ch.findtext("podcast:guid", namespaces=NS) == "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"
    locked = ch.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == "owner@example.com"
    assert ch.find("podcast:funding", NS).get("url") == "https://example.com/support"
    assert ch.findtext("podcast:person", namespaces=NS) == "Sam Ple"


def test_feed_items_every_field(feed):
    for item in items(feed):
        link = item.findtext("link")
        slug = link.rstrip("/").rsplit("/", 1)[1]
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and len(guid.text) == 36
        assert_simple_html(item.findtext("description"))
        enc = item.find("enclosure")
        assert enc.get("type") == "audio/mpeg"
        assert item.findtext("itunes:episodeType", namespaces=NS) in ("full", "trailer", "bonus")
        assert item.findtext("itunes:explicit", namespaces=NS) in ("true", "false")
        assert item.findtext("itunes:episode", namespaces=NS) == item.findtext("podcast:episode", namespaces=NS)
        assert str(int(item.findtext("itunes:duration", namespaces=NS))) == item.findtext("itunes:duration", namespaces=NS)
        html = item.findtext("content:encoded", namespaces=NS)
        assert "<script" not in html and 'href="/' not in html and 'src="/' not in html
        if slug in LOCAL:
            f = LOCAL[slug]
            assert enc.get("url") == f"{SAMPLE_BASE}episodes/{slug}/{f.name}"
            assert int(enc.get("length")) == f.stat().st_size
            assert abs(int(item.findtext("itunes:duration", namespaces=NS)) - mutagen.File(f).info.length) <= 1
    first = items(feed)[2]
    assert first.findtext("itunes:season", namespaces=NS) == "1" and first.findtext("podcast:season", namespaces=NS) == "1"
    assert 'href="https://example.github.io/sample-show/drills/first-walk/"' in first.findtext("content:encoded", namespaces=NS)
    knees = items(feed)[1]
    assert knees.findtext("itunes:explicit", namespaces=NS) == "true"
    assert knees.find("itunes:image", NS).get("href") == SAMPLE_BASE + "episodes/knees-and-you/002-knees-and-you.jpg"
    assert first.find("itunes:image", NS) is None  # no art of its own: apps use the show's


def assert_simple_html(description: str) -> None:
    """p, ul, li and a (href only), under Apple's 4,000 characters, well formed."""
    assert 0 < len(description) < 4000
    fragment = etree.fromstring(f"<div>{description}</div>")
    for el in fragment.iter():
        assert el.tag in ("div", "p", "ul", "li", "a"), el.tag
        assert set(el.attrib) <= ({"href"} if el.tag == "a" else set()), el.attrib
        assert el.tag != "a" or el.get("href").startswith("https://"), el.get("href")  # apps have no base URL
    assert fragment[0].tag in ("p", "ul")


def test_feed_description_is_the_notes_with_chapter_timestamps(feed):
    first = items(feed)[2]
    description = first.findtext("description")
    # the notes' headings become paragraphs, their links stay, with absolute URLs
    assert '<p>Why backward?</p>' in description and "<h2" not in description and "<strong>" not in description
    assert '<a href="https://example.github.io/sample-show/drills/first-walk/">first drill</a>' in description
    assert description.endswith("<ul>\n<li>0:00 Introduction</li>\n<li>0:05 Why backward?</li>\n"
                                "<li>0:09 Your first session</li>\n</ul>")
    # content:encoded keeps the full notes as written
    assert '<h2 id="why-backward">Why backward?</h2>' in first.findtext("content:encoded", namespaces=NS)


def test_feed_transcripts_and_chapters(feed, built_sample):
    first = items(feed)[2]
    transcripts = {t.get("type"): t for t in first.findall("podcast:transcript", NS)}
    assert transcripts["text/vtt"].get("url") == SAMPLE_BASE + "episodes/first-steps/001-first-steps.vtt"
    assert transcripts["text/vtt"].get("rel") == "captions"
    assert transcripts["text/html"].get("url") == SAMPLE_BASE + "episodes/first-steps/transcript/"
    chapters = first.find("podcast:chapters", NS)
    assert chapters.get("type") == "application/json+chapters"
    data = json.loads((built_sample / "episodes/first-steps/chapters.json").read_text())
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert max(starts) < mutagen.File(LOCAL["first-steps"]).info.length
    assert all(isinstance(c["title"], str) and c["title"] for c in data["chapters"])


def test_feed_read_by_feedparser(built_sample):
    parsed = feedparser.parse((built_sample / "podcast.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Sample <Stride> & Co"
    # itunes:owner comes before itunes:author: otherwise feedparser reports the owner as the author
    assert parsed.feed.author == "Sample Show"
    assert parsed.feed.publisher_detail.email == "owner@example.com"
    assert [t.term for t in parsed.feed.tags][:1] == ["Sports"]
    by_title = {e.title: e for e in parsed.entries}
    first = by_title['First steps <backward> & "why"']
    assert first.id == "5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11" and first.guidislink is False
    enclosure, = first.enclosures
    assert int(enclosure.length) == LOCAL["first-steps"].stat().st_size and enclosure.type == "audio/mpeg"
    assert first.itunes_duration == "12" and first.itunes_episode == "1"
    assert first.published_parsed[:3] == (2026, 3, 3)
    # feedparser keeps one transcript: the WebVTT one, which the feed puts last for that reason
    assert first.podcast_transcript["type"] == "text/vtt" and first.podcast_transcript["url"].endswith(".vtt")


def test_feed_read_by_podcastparser(built_sample):
    path = built_sample / "podcast.xml"
    with path.open("rb") as fh:
        parsed = podcastparser.parse(SAMPLE_BASE + "podcast.xml", fh)
    assert parsed["title"] == "Sample <Stride> & Co"
    assert parsed["cover_url"] == SAMPLE_BASE + "img/cover.jpg"
    assert parsed["link"] == SAMPLE_BASE
    episodes = {e["title"]: e for e in parsed["episodes"]}
    assert len(episodes) == 3
    first = episodes['First steps <backward> & "why"']
    assert first["guid"] == "5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11"
    assert first["total_time"] == 12
    assert first["enclosures"][0]["file_size"] == LOCAL["first-steps"].stat().st_size
    assert first["enclosures"][0]["mime_type"] == "audio/mpeg"
    assert first["number"] == 1 and first["link"] == SAMPLE_BASE + "episodes/first-steps/"
    assert first["published"] > 0
    remote = episodes["A bonus hosted elsewhere"]
    assert remote["total_time"] == 3723 and remote["enclosures"][0]["file_size"] == 1234567


def test_feed_w3c_rules_checkable_offline(feed, built_sample):
    """The W3C feed validator's main RSS 2.0 rules: required channel elements, one self link that
    matches the feed's URL, RFC 822 dates, unique guids, enclosures with url/length/type, absolute URLs."""
    raw = (built_sample / "podcast.xml").read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    ch = feed.find("channel")
    for tag in ("title", "link", "description"):
        assert ch.findtext(tag)
    guids = [i.findtext("guid") for i in items(feed)]
    assert len(set(guids)) == len(guids)
    for item in items(feed):
        assert item.findtext("title") or item.findtext("description")
        enc = item.find("enclosure")
        assert enc.get("url").startswith("https://") and int(enc.get("length")) > 0 and "/" in enc.get("type")
        assert item.findtext("link").startswith("https://")
    assert len(ch.findall("atom:link[@rel='self']", NS)) == 1


def test_atom_feed_parses(built_sample):
    parsed = feedparser.parse((built_sample / "atom.xml").read_bytes())
    assert not parsed.bozo and parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert "Safety first" in titles and "Knees and you" in titles and "Unfinished" not in titles
    assert all(e.link.startswith(SAMPLE_BASE) for e in parsed.entries)


def test_sitemap_and_robots(built_sample):
    tree = etree.fromstring((built_sample / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in tree.findall("s:url", ns)]
    assert SAMPLE_BASE in locs and SAMPLE_BASE + "episodes/first-steps/" in locs
    assert all(u.findtext("s:lastmod", namespaces=ns) for u in tree.findall("s:url", ns))
    assert not any("404" in loc for loc in locs)
    assert f"Sitemap: {SAMPLE_BASE}sitemap.xml" in (built_sample / "robots.txt").read_text()
