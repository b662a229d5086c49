"""The feedgen extensions, checked the way podcast clients will read the feed."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any

import feedparser
import podcastparser
import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

from sitegen.feedext import ITUNES_NS, PODCAST_NS, register_extensions
from sitegen.podcast_spec import podcast_guid_for

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
    fg.podcast20.podcast_person("Ben Okafor", role="Co-Host")
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
    fe.podcast20.podcast_season(1)
    fe.podcast20.podcast_episode(1)
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1.vtt", "text/vtt", language="en", rel="captions")
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1.srt", "application/x-subrip", language="en", rel="captions")
    fe.podcast20.podcast_transcript(f"{SITE}/episodes/1/transcript.html", "text/html", language="en")
    fe.podcast20.podcast_chapters(f"{SITE}/episodes/1.chapters.json")


def _add_episode_2(fg: FeedGenerator) -> None:
    fe = fg.add_entry(order="append")
    fe.title("Treadmill tales (uncut)")
    fe.guid(f"{SITE}/episodes/2", permalink=True)
    fe.description("Strong language about treadmills.")
    fe.enclosure(f"{SITE}/audio/ep2.mp3", "7654321", "audio/mpeg")
    fe.pubDate(datetime(2024, 3, 8, 6, 0, tzinfo=timezone.utc))
    fe.itunes_explicit.explicit(True)
    fe.podcast20.podcast_episode(2)
    fe.podcast20.podcast_season(2)  # set after the episode, as the engine does: written before it


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
    assert dict(people[1].attrib) == {"role": "Co-Host"}


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
    for item, number in ((first, "1"), (second, "2")):
        assert [(e.text, dict(e.attrib)) for e in item.findall(P + "season")] == [(number, {})]
        assert [(e.text, dict(e.attrib)) for e in item.findall(P + "episode")] == [(number, {})]
        tags = [etree.QName(e).localname for e in item if etree.QName(e).namespace == PODCAST_NS]
        assert tags[:2] == ["season", "episode"]


def test_item_transcripts(channel: etree._Element) -> None:
    first, second = _items(channel)
    got = [dict(t.attrib) for t in first.findall(P + "transcript")]
    assert got == [
        {"url": f"{SITE}/episodes/1.vtt", "type": "text/vtt", "language": "en", "rel": "captions"},
        {"url": f"{SITE}/episodes/1.srt", "type": "application/x-subrip", "language": "en", "rel": "captions"},
        {"url": f"{SITE}/episodes/1/transcript.html", "type": "text/html", "language": "en"},
    ]
    assert all(t.text is None and len(t) == 0 for t in first.findall(P + "transcript"))
    assert second.findall(P + "transcript") == []


def test_item_chapters(channel: etree._Element) -> None:
    first, second = _items(channel)
    (chapters,) = first.findall(P + "chapters")
    assert dict(chapters.attrib) == {"url": f"{SITE}/episodes/1.chapters.json", "type": "application/json+chapters"}
    assert second.find(P + "chapters") is None


def test_items_have_no_persons(channel: etree._Element) -> None:
    # Item-level podcast:person would replace the show's people for that episode.
    assert all(item.findall(P + "person") == [] for item in _items(channel))


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
    assert "chapters_json_url" not in second


def test_podcastparser_ignores_official_uri(xml: bytes) -> None:
    # podcastparser 0.6.11 does not know https://podcastindex.org/namespace/1.0 yet.
    # If this starts failing, podcastparser learned it: drop the legacy-URI test above.
    feed = _podcastparser(xml)
    assert "funding_url" not in feed
    assert all("transcript_url" not in e for e in feed["episodes"])


# --- the tags added for issue 15 ---------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def _full_channel() -> etree._Element:
    fg = _new_feed()
    fg.podcast.itunes_owner(name="Owner Name", email=OWNER)  # feedgen writes it after itunes:author
    _set_channel(fg)
    ext = fg.podcast20
    ext.websub_hub("https://hub.example/")
    ext.itunes_block()
    ext.itunes_complete()
    ext.podcast_block()
    ext.podcast_podping()
    ext.podcast_txt("token-1", purpose="applepodcastsverify")
    ext.podcast_license("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/")
    ext.podcast_image(f"{SITE}/social.jpg", "social", alt="Cover", aspect_ratio="40/21", width=1200, height=630,
                      type="image/jpeg")
    ext.podcast_location("London", rel="creator", geo="geo:51.5,-0.12")
    ext.podcast_update_frequency("Weekly", rrule="FREQ=WEEKLY")
    ext.podcast_trailer("Hello", "Tue, 01 Sep 2026 06:00:00 +0100", f"{SITE}/t.mp3", 123, "audio/mpeg", None)
    ext.podcast_remote_item("917393e3-1b1e-5cef-ace4-edaa54e1f810", "https://other.example/feed.xml")
    ext.podcast_remote_item("27293ad7-c199-5047-8135-a864fb546492")
    fe = fg.add_entry()
    fe.title("One")
    fe.guid("one")
    fe.podcast20.podcast_soundbite(73.5, 60, "A clip")
    fe.podcast20.podcast_txt("Synthetic voice.")
    fe.podcast20.podcast_person("Guest Name", role="guest", group="cast")
    channel: etree._Element = etree.fromstring(fg.rss_str()).find("channel")
    return channel


def test_channel_tags_of_issue_15() -> None:
    ch = _full_channel()
    hub = ch.find(f"{ATOM}link[@rel='hub']")
    assert hub is not None and hub.get("href") == "https://hub.example/"
    assert ch.findtext(I + "block") == "Yes" and ch.findtext(I + "complete") == "Yes" and ch.findtext(P + "block") == "yes"
    assert ch.find(P + "podping").attrib == {"usesPodping": "true"}
    assert ch.find(P + "txt").get("purpose") == "applepodcastsverify" and ch.findtext(P + "txt") == "token-1"
    assert ch.find(P + "license").get("url").endswith("/by/4.0/") and ch.findtext(P + "license") == "cc-by-4.0"
    image = ch.find(P + "image")
    assert dict(image.attrib) == {"href": f"{SITE}/social.jpg", "alt": "Cover", "aspect-ratio": "40/21", "width": "1200",
                                  "height": "630", "type": "image/jpeg", "purpose": "social"}
    assert ch.find(P + "location").attrib == {"rel": "creator", "geo": "geo:51.5,-0.12"}
    assert ch.find(P + "updateFrequency").attrib == {"rrule": "FREQ=WEEKLY"}
    trailer = ch.find(P + "trailer")
    assert trailer.text == "Hello" and trailer.get("length") == "123" and trailer.get("season") is None
    items = ch.findall(f"{P}podroll/{P}remoteItem")
    assert [dict(i.attrib) for i in items] == [
        {"feedGuid": "917393e3-1b1e-5cef-ace4-edaa54e1f810", "feedUrl": "https://other.example/feed.xml"},
        {"feedGuid": "27293ad7-c199-5047-8135-a864fb546492"}]
    assert len(ch.findall(P + "podroll")) == 1


def test_owner_before_author_so_feedparser_reads_the_author() -> None:
    ch = _full_channel()
    tags = [el.tag for el in ch]
    assert tags.index(I + "owner") < tags.index(I + "author")
    parsed = feedparser.parse(etree.tostring(ch.getparent()))
    assert parsed.feed.author == "Retro Stride" and parsed.feed.publisher_detail.email == OWNER


def test_item_soundbite_txt_person() -> None:
    item = _full_channel().find("item")
    assert item.find(P + "soundbite").attrib == {"startTime": "73.5", "duration": "60"}
    assert item.findtext(P + "soundbite") == "A clip"
    assert item.findtext(P + "txt") == "Synthetic voice." and item.find(P + "txt").get("purpose") is None
    assert item.find(P + "person").attrib == {"role": "guest", "group": "cast"}
