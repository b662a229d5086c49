"""The feedgen extensions, checked the way podcast clients will read the feed."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timezone
from typing import Any

import feedparser
import podcastparser
import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

from sitegen.feedext import (
    ITUNES_NS,
    PODCAST_NS,
    podcast_guid_for,
    register_extensions,
)

FEED_URL = "https://retrostride.example/feed.xml"
SITE = "https://retrostride.example"
OWNER = "host@retrostride.example"
# podcastparser 0.6.11 only knows the namespace's old GitHub URI (the spec says
# clients must treat both as identical), so some tests swap it in.
LEGACY_PODCAST_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"

P = f"{{{PODCAST_NS}}}"
I = f"{{{ITUNES_NS}}}"


# --- building ---------------------------------------------------------------------

def _new_feed() -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("podcast")  # feedgen's own iTunes extension, as the engine uses it
    register_extensions(fg)
    fg.title("Retro Stride")
    fg.link(href=SITE, rel="alternate")
    fg.link(href=FEED_URL, rel="self")
    fg.description("Backward walking for runners.")
    fg.language("en")
    fg.podcast.itunes_author("Retro Stride")
    fg.podcast.itunes_category("Sports", "Running")
    fg.podcast.itunes_image(f"{SITE}/cover.jpg")
    return fg


def _set_channel(fg: FeedGenerator) -> None:
    fg.podcast20.podcast_guid(podcast_guid_for(FEED_URL))
    fg.podcast20.podcast_medium("podcast")
    fg.podcast20.podcast_locked(True, OWNER)
    fg.podcast20.podcast_funding(f"{SITE}/support", "Support the show!")
    fg.podcast20.podcast_person("Ada Reyes", role="host", href=f"{SITE}/about", img=f"{SITE}/ada.jpg")
    fg.podcast20.podcast_person("Ben Okafor", role="Co-Host", group="Cast")
    fg.itunes_explicit.explicit(False)


def _add_episode_1(fg: FeedGenerator) -> None:
    fe = fg.add_entry(order="append")
    fe.title("Why walk backward?")
    fe.guid(f"{SITE}/episodes/1", permalink=True)
    fe.description("Retro walking basics.")
    fe.enclosure(f"{SITE}/audio/ep1.mp3", "1234567", "audio/mpeg")
    fe.pubDate(datetime(2024, 3, 1, 6, 0, tzinfo=timezone.utc))
    fe.podcast.itunes_duration("00:31:07")
    fe.itunes_explicit.explicit(False)
    fe.podcast20.podcast_season(1, name="First Steps")
    fe.podcast20.podcast_episode(1)
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1.vtt", "text/vtt", language="en", rel="captions")
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1.srt", "application/x-subrip")
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1/transcript.html", "text/html")
    fe.podcast20.podcast_chapters(f"{SITE}/episodes/1.chapters.json")


def _add_episode_2(fg: FeedGenerator) -> None:
    fe = fg.add_entry(order="append")
    fe.title("Treadmill tales (uncut)")
    fe.guid(f"{SITE}/episodes/2", permalink=True)
    fe.description("Strong language about treadmills.")
    fe.enclosure(f"{SITE}/audio/ep2.mp3", "7654321", "audio/mpeg")
    fe.pubDate(datetime(2024, 3, 8, 6, 0, tzinfo=timezone.utc))
    fe.itunes_explicit.explicit(True)
    fe.podcast20.podcast_episode(1.5, display="Bonus")
    fe.podcast20.podcast_person("Ada Reyes", role="host")
    fe.podcast20.podcast_person("Cy Lund", role="guest", href="https://example.org/cy")


def build_feed() -> bytes:
    fg = _new_feed()
    _set_channel(fg)
    _add_episode_1(fg)
    _add_episode_2(fg)
    return fg.rss_str(pretty=True)


@pytest.fixture(scope="module")
def xml() -> bytes:
    return build_feed()


@pytest.fixture(scope="module")
def channel(xml: bytes) -> etree._Element:
    return etree.fromstring(xml).find("channel")


def _items(channel: etree._Element) -> list[etree._Element]:
    return channel.findall("item")


# --- GUID -------------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("http://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),  # scheme and trailing slash ignored
    ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),  # docs/tags/guid.md
])
def test_podcast_guid_vectors(url: str, expected: str) -> None:
    assert podcast_guid_for(url) == expected


def test_podcast_guid_is_uuid5() -> None:
    assert uuid.UUID(podcast_guid_for(FEED_URL)).version == 5


@pytest.mark.parametrize("bad", ["", "   ", "https://", "https:///"])
def test_podcast_guid_for_rejects_empty(bad: str) -> None:
    with pytest.raises(ValueError, match="podcast_guid_for"):
        podcast_guid_for(bad)


# --- raw XML: namespaces -------------------------------------------------------------

def test_namespaces_declared_once_on_root(xml: bytes) -> None:
    root = etree.fromstring(xml)
    assert root.nsmap["itunes"] == ITUNES_NS
    assert root.nsmap["podcast"] == PODCAST_NS
    # feedgen's podcast extension and ours both ask for the itunes prefix: one declaration only.
    assert xml.count(b"xmlns:itunes=") == 1
    assert xml.count(b"xmlns:podcast=") == 1
    assert b"xmlns:ns0" not in xml and b"<ns0:" not in xml  # no auto-generated prefixes in items


def test_every_namespaced_element_uses_the_right_prefix(xml: bytes) -> None:
    root = etree.fromstring(xml)
    for el in root.iter():
        ns = etree.QName(el).namespace
        if ns in (PODCAST_NS, ITUNES_NS):
            assert el.prefix == ("podcast" if ns == PODCAST_NS else "itunes")
        # nsmap includes inherited declarations: equal means nothing re-declared below the root.
        assert el.nsmap == root.nsmap, etree.tostring(el)[:200]


def test_output_is_wellformed_with_strict_parser(xml: bytes) -> None:
    # recover=False: any namespace or escaping problem raises.
    etree.fromstring(xml, etree.XMLParser(recover=False, resolve_entities=False))


# --- raw XML: channel -----------------------------------------------------------

def test_channel_guid_medium_locked(channel: etree._Element) -> None:
    assert [e.text for e in channel.findall(P + "guid")] == [podcast_guid_for(FEED_URL)]
    assert [e.text for e in channel.findall(P + "medium")] == ["podcast"]
    (locked,) = channel.findall(P + "locked")
    assert locked.text == "yes"
    assert dict(locked.attrib) == {"owner": OWNER}


def test_channel_funding(channel: etree._Element) -> None:
    (funding,) = channel.findall(P + "funding")
    assert funding.text == "Support the show!"
    assert dict(funding.attrib) == {"url": f"{SITE}/support"}


def test_channel_persons(channel: etree._Element) -> None:
    people = channel.findall(P + "person")
    assert [p.text for p in people] == ["Ada Reyes", "Ben Okafor"]
    assert dict(people[0].attrib) == {"role": "host", "href": f"{SITE}/about", "img": f"{SITE}/ada.jpg"}
    assert dict(people[1].attrib) == {"role": "Co-Host", "group": "Cast"}


def test_channel_explicit_is_true_false_once(channel: etree._Element) -> None:
    assert [e.text for e in channel.findall(I + "explicit")] == ["false"]


def test_channel_keeps_feedgen_itunes_tags(channel: etree._Element) -> None:
    (cat,) = channel.findall(I + "category")
    assert cat.get("text") == "Sports"
    assert [c.get("text") for c in cat.findall(I + "category")] == ["Running"]
    assert channel.find(I + "image").get("href") == f"{SITE}/cover.jpg"


# --- raw XML: items ---------------------------------------------------------------

def test_item_season_episode(channel: etree._Element) -> None:
    first, second = _items(channel)
    (season,) = first.findall(P + "season")
    assert (season.text, dict(season.attrib)) == ("1", {"name": "First Steps"})
    assert [(e.text, dict(e.attrib)) for e in first.findall(P + "episode")] == [("1", {})]
    assert second.find(P + "season") is None
    assert [(e.text, dict(e.attrib)) for e in second.findall(P + "episode")] == [("1.5", {"display": "Bonus"})]


def test_item_transcripts(channel: etree._Element) -> None:
    first, second = _items(channel)
    got = [dict(t.attrib) for t in first.findall(P + "transcript")]
    assert got == [
        {"url": f"{SITE}/episodes/1.vtt", "type": "text/vtt", "language": "en", "rel": "captions"},
        {"url": f"{SITE}/episodes/1.srt", "type": "application/x-subrip"},
        {"url": f"{SITE}/episodes/1/transcript.html", "type": "text/html"},
    ]
    assert all(t.text is None and len(t) == 0 for t in first.findall(P + "transcript"))
    assert second.findall(P + "transcript") == []


def test_item_chapters(channel: etree._Element) -> None:
    first, second = _items(channel)
    (chapters,) = first.findall(P + "chapters")
    assert dict(chapters.attrib) == {"url": f"{SITE}/episodes/1.chapters.json", "type": "application/json+chapters"}
    assert second.find(P + "chapters") is None


def test_item_persons(channel: etree._Element) -> None:
    first, second = _items(channel)
    assert first.findall(P + "person") == []
    people = second.findall(P + "person")
    assert [(p.text, dict(p.attrib)) for p in people] == [
        ("Ada Reyes", {"role": "host"}),
        ("Cy Lund", {"role": "guest", "href": "https://example.org/cy"}),
    ]


def test_item_explicit_true_false_once(channel: etree._Element) -> None:
    first, second = _items(channel)
    assert [e.text for e in first.findall(I + "explicit")] == ["false"]
    assert [e.text for e in second.findall(I + "explicit")] == ["true"]


def test_item_core_rss(channel: etree._Element) -> None:
    first, _ = _items(channel)
    assert first.findtext("title") == "Why walk backward?"
    enc = first.find("enclosure")
    assert dict(enc.attrib) == {"url": f"{SITE}/audio/ep1.mp3", "length": "1234567", "type": "audio/mpeg"}
    assert first.findtext(I + "duration") == "00:31:07"


def test_unset_extensions_write_nothing() -> None:
    fg = _new_feed()
    fe = fg.add_entry()
    fe.title("Bare")
    fe.guid("bare-1")
    root = etree.fromstring(fg.rss_str())
    assert not [e for e in root.iter() if etree.QName(e).namespace == PODCAST_NS]
    assert root.find(f"channel/{I}explicit") is None


def test_itunes_explicit_works_without_feedgen_podcast_extension() -> None:
    fg = FeedGenerator()
    register_extensions(fg)
    fg.title("t")
    fg.link(href=SITE)
    fg.description("d")
    fg.itunes_explicit.explicit(True)
    xml = fg.rss_str()
    assert etree.fromstring(xml).nsmap["itunes"] == ITUNES_NS
    assert xml.count(b"xmlns:itunes=") == 1
    assert b"<itunes:explicit>true</itunes:explicit>" in xml


def test_atom_output_is_untouched() -> None:
    fg = _new_feed()
    _set_channel(fg)
    fg.id(FEED_URL)
    atom = fg.atom_str()
    assert PODCAST_NS.encode() not in atom  # registered rss-only


# --- duplicate guard ---------------------------------------------------------------

def test_feedgen_own_explicit_plus_ours_is_refused_on_channel() -> None:
    fg = _new_feed()
    fg.podcast.itunes_explicit("no")
    fg.itunes_explicit.explicit(False)
    with pytest.raises(ValueError, match="already written"):
        fg.rss_str()


def test_feedgen_own_explicit_plus_ours_is_refused_on_item() -> None:
    fg = _new_feed()
    fe = fg.add_entry()
    fe.title("x")
    fe.podcast.itunes_explicit("yes")
    fe.itunes_explicit.explicit(True)
    with pytest.raises(ValueError, match="already written"):
        fg.rss_str()


# --- real client parsers ------------------------------------------------------------

def test_feedparser_reads_feed(xml: bytes) -> None:
    d = feedparser.parse(xml)
    assert not d.bozo, d.get("bozo_exception")
    assert d.feed.title == "Retro Stride"
    assert d.feed.podcast_guid == podcast_guid_for(FEED_URL)
    assert d.feed.podcast_locked == {"owner": OWNER}
    assert [e.title for e in d.entries] == ["Why walk backward?", "Treadmill tales (uncut)"]
    (enc,) = d.entries[0].enclosures
    assert (enc.href, enc.length, enc.type) == (f"{SITE}/audio/ep1.mp3", "1234567", "audio/mpeg")
    assert d.entries[0].itunes_duration == "00:31:07"
    assert d.entries[0].podcast_chapters["url"] == f"{SITE}/episodes/1.chapters.json"
    assert d.entries[0].podcast_season == {"name": "First Steps"}


def test_feedparser_explicit_limitation(xml: bytes) -> None:
    # feedparser 6.0.x maps only "yes" to True ("clean" to False, anything else to None),
    # so Apple's true/false come out as None. Pinned here so an upgrade that fixes it shows up.
    d = feedparser.parse(xml)
    assert d.feed.itunes_explicit is None
    assert [e.itunes_explicit for e in d.entries] == [None, None]


def _podcastparser(xml: bytes) -> dict[str, Any]:
    return podcastparser.parse(FEED_URL, io.BytesIO(xml))


def test_podcastparser_reads_feed(xml: bytes) -> None:
    feed = _podcastparser(xml)
    assert feed["title"] == "Retro Stride"
    assert feed["explicit"] is False
    # podcastparser sorts newest first
    first, second = sorted(feed["episodes"], key=lambda e: e["published"])
    assert first["title"] == "Why walk backward?"
    assert first["enclosures"] == [{"url": f"{SITE}/audio/ep1.mp3", "file_size": 1234567, "mime_type": "audio/mpeg"}]
    assert first["total_time"] == 31 * 60 + 7
    assert (first["explicit"], second["explicit"]) == (False, True)


def test_podcastparser_podcast_tags_with_legacy_uri(xml: bytes) -> None:
    # Same document under the old URI proves the element shapes match what podcastparser expects.
    feed = _podcastparser(xml.replace(PODCAST_NS.encode(), LEGACY_PODCAST_NS.encode()))
    assert feed["funding_url"] == f"{SITE}/support"
    assert feed["import_prohibited"] is True  # podcast:locked yes
    first, second = sorted(feed["episodes"], key=lambda e: e["published"])
    assert first["transcript_url"] == f"{SITE}/episodes/1/transcript.html"  # podcastparser keeps the last one
    assert first["chapters_json_url"] == f"{SITE}/episodes/1.chapters.json"
    assert second["persons"] == [
        {"name": "Ada Reyes", "role": "host", "group": "cast", "href": None, "img": None},
        {"name": "Cy Lund", "role": "guest", "group": "cast", "href": "https://example.org/cy", "img": None},
    ]


def test_podcastparser_ignores_official_uri(xml: bytes) -> None:
    # podcastparser 0.6.11 does not know https://podcastindex.org/namespace/1.0 yet.
    # If this starts failing, podcastparser learned it: drop the legacy-URI test above.
    feed = _podcastparser(xml)
    assert "funding_url" not in feed
    assert all("transcript_url" not in e for e in feed["episodes"])


# --- validation ------------------------------------------------------------------------

@pytest.fixture
def fg() -> FeedGenerator:
    return _new_feed()


@pytest.fixture
def fe(fg: FeedGenerator) -> Any:
    return fg.add_entry()


@pytest.mark.parametrize("guid, message", [
    ("not-a-uuid", "not a UUID"),
    ("9B024349CCF05F69A6096B82873EAB3C", "not a UUID"),  # hex without hyphens
    ("{9b024349-ccf0-5f69-a609-6b82873eab3c}", "not a UUID"),
    (str(uuid.UUID(int=0x1234, version=4)), "UUIDv4"),
    (42, "not a UUID"),
])
def test_bad_guid(fg: FeedGenerator, guid: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fg.podcast20.podcast_guid(guid)


def test_guid_is_canonicalised(fg: FeedGenerator) -> None:
    assert fg.podcast20.podcast_guid("9B024349-CCF0-5F69-A609-6B82873EAB3C") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


@pytest.mark.parametrize("call, message", [
    (lambda x: x.podcast_locked("yes", OWNER), "True or False"),
    (lambda x: x.podcast_locked(True, "not an email"), "not an email"),
    (lambda x: x.podcast_locked(owner=OWNER), "needs a locked value"),
    (lambda x: x.podcast_medium("radio"), "podcast:medium"),
    (lambda x: x.podcast_funding("/support", "Give"), "absolute http"),
    (lambda x: x.podcast_funding("ftp://example.org/x", "Give"), "absolute http"),
    (lambda x: x.podcast_funding(f"{SITE}/support", "  "), "non-empty"),
    (lambda x: x.podcast_funding(f"{SITE}/support", "x" * 129), "at most 128"),
    (lambda x: x.podcast_person(""), "non-empty"),
    (lambda x: x.podcast_person("Ada", img="ada.jpg"), "absolute http"),
    (lambda x: x.podcast_person("Ada", href="javascript:alert(1)"), "absolute http"),
    (lambda x: x.podcast_person("Ada", role=""), "non-empty"),
])
def test_bad_channel_values(fg: FeedGenerator, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(fg.podcast20)


@pytest.mark.parametrize("call, message", [
    (lambda x: x.podcast_season(0), "positive integer"),
    (lambda x: x.podcast_season(-2), "positive integer"),
    (lambda x: x.podcast_season(1.0), "positive integer"),
    (lambda x: x.podcast_season("1"), "positive integer"),
    (lambda x: x.podcast_season(True), "positive integer"),
    (lambda x: x.podcast_season(name="Spring"), "needs a season number"),
    (lambda x: x.podcast_season(1, name="x" * 129), "at most 128"),
    (lambda x: x.podcast_episode(0), "positive"),
    (lambda x: x.podcast_episode(-1.5), "positive"),
    (lambda x: x.podcast_episode(float("nan")), "finite"),
    (lambda x: x.podcast_episode("3"), "positive number"),
    (lambda x: x.podcast_episode(False), "positive number"),
    (lambda x: x.podcast_episode(3, display="x" * 33), "at most 32"),
    (lambda x: x.podcast_transcript(f"{SITE}/t.txt", "text/markdown"), "podcast:transcript type"),
    (lambda x: x.podcast_transcript("t.vtt", "text/vtt"), "absolute http"),
    (lambda x: x.podcast_transcript(f"{SITE}/t.vtt", "text/vtt", language="english!"), "language code"),
    (lambda x: x.podcast_transcript(f"{SITE}/t.vtt", "text/vtt", rel="subtitles"), "podcast:transcript rel"),
    (lambda x: x.podcast_chapters(f"{SITE}/c.json", type="text/plain"), "podcast:chapters type"),
    (lambda x: x.podcast_chapters("c.json"), "absolute http"),
])
def test_bad_item_values(fe: Any, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(fe.podcast20)


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "clean"])
def test_bad_explicit(fg: FeedGenerator, fe: Any, value: Any) -> None:
    with pytest.raises(ValueError, match="True or False"):
        fg.itunes_explicit.explicit(value)
    with pytest.raises(ValueError, match="True or False"):
        fe.itunes_explicit.explicit(value)


def test_getters_return_what_was_set(fg: FeedGenerator, fe: Any) -> None:
    assert fg.podcast20.podcast_guid() is None
    assert fg.itunes_explicit.explicit() is None
    fg.itunes_explicit.explicit(False)
    assert fg.itunes_explicit.explicit() is False
    season = fe.podcast20.podcast_season(2, "Hills")
    assert fe.podcast20.podcast_season() == season
    assert season.number == 2 and season.name == "Hills"
    assert fe.podcast20.podcast_episode(100.5).number == "100.5"
