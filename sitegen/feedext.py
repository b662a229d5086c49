"""feedgen extensions: Podcasting 2.0 tags, the WebSub hub link, Apple's true/false
itunes:explicit and its block and complete, and the channel order some parsers depend on.

feedgen 1.0.0 has no Podcasting 2.0 support, and its own podcast extension only
accepts yes/no/clean for itunes:explicit while Apple now documents true/false.
Both gaps are filled here through feedgen's public extension mechanism
(FeedGenerator.register_extension), so feedgen itself stays untouched.

The values are trusted: site.toml (sitegen/config.py) and the front matter
(sitegen/schema.py) enforce the spec's rules where the author wrote them, with the line.

Usage (load feedgen's own 'podcast' extension first, see register_extensions):

    fg = FeedGenerator()
    fg.load_extension("podcast")
    register_extensions(fg)
    fg.podcast20.podcast_guid(guid)
    fe = fg.add_entry()
    fe.podcast20.podcast_transcript(url, "text/vtt")
    fe.itunes_explicit.explicit(False)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Final

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
ITUNES_NS: Final = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM_NS: Final = "http://www.w3.org/2005/Atom"

# Attribute names on FeedGenerator / FeedEntry. "podcast" is taken by feedgen's
# own iTunes extension, hence "podcast20" for the Podcasting 2.0 one.
PODCAST20_EXTENSION: Final = "podcast20"
ITUNES_EXPLICIT_EXTENSION: Final = "itunes_explicit"

Attrs = dict[str, str | None]  # attribute name -> value; None leaves the attribute out


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None, attrs: Attrs | None = None) -> None:
    """Append <ns:tag> with the attributes that are set, in the given order."""
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, val in (attrs or {}).items():
        if val is not None:
            el.set(key, val)
    if text is not None:
        el.text = text


class _PodcastTags:
    """The podcast:* elements set so far, written in ORDER whatever order they were set in."""

    ORDER: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._tags: dict[str, list[tuple[str | None, Attrs]]] = {}

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def _set(self, tag: str, text: str | None, attrs: Attrs | None = None) -> None:
        self._tags[tag] = [(text, attrs or {})]

    def _add(self, tag: str, text: str | None, attrs: Attrs | None = None) -> None:
        self._tags.setdefault(tag, []).append((text, attrs or {}))

    def _write(self, parent: etree._Element) -> None:
        for tag in self.ORDER:
            for text, attrs in self._tags.get(tag, ()):
                _sub(parent, PODCAST_NS, tag, text, attrs)


class _SharedTags(_PodcastTags):
    """Tags the spec allows on both the channel and an item."""

    def podcast_person(self, name: str, role: str, group: str | None = None, href: str | None = None,
                       img: str | None = None) -> None:
        self._add("person", name, {"role": role, "group": group, "href": href, "img": img})

    def podcast_txt(self, text: str, purpose: str | None = None) -> None:
        self._add("txt", text, {"purpose": purpose})

    def podcast_location(self, name: str, rel: str | None = None, geo: str | None = None, osm: str | None = None,
                         country: str | None = None) -> None:
        self._add("location", name, {"rel": rel, "geo": geo, "osm": osm, "country": country})

    def podcast_image(self, href: str, purpose: str, alt: str | None = None, aspect_ratio: str | None = None,
                      width: int | None = None, height: int | None = None, type: str | None = None) -> None:
        self._add("image", None, {"href": href, "alt": alt, "aspect-ratio": aspect_ratio,
                                  "width": None if width is None else str(width),
                                  "height": None if height is None else str(height), "type": type, "purpose": purpose})

    def podcast_license(self, name: str, url: str | None = None) -> None:
        self._set("license", name, {"url": url})


class Podcast20Extension(_SharedTags, BaseExtension):
    """Channel-level Podcasting 2.0 tags, reached as fg.podcast20; also the WebSub hub link and
    Apple's block and complete, which feedgen 1.0.0 does not write."""

    ORDER = ("guid", "medium", "locked", "funding", "person", "txt", "license", "image", "location",
             "updateFrequency", "trailer", "podroll", "podping", "block")

    def __init__(self) -> None:
        super().__init__()
        self._hub: str | None = None
        self._itunes: list[tuple[str, str]] = []
        self._podroll: list[Attrs] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "atom": ATOM_NS}

    def websub_hub(self, url: str) -> None:
        """<atom:link rel="hub">: where apps subscribe to be told of changes (WebSub)."""
        self._hub = url

    def itunes_block(self) -> None:
        """<itunes:block>Yes</itunes:block>: keep the show out of Apple's directory."""
        self._itunes.append(("block", "Yes"))

    def itunes_complete(self) -> None:
        """<itunes:complete>Yes</itunes:complete>: no more episodes will come."""
        self._itunes.append(("complete", "Yes"))

    def podcast_block(self) -> None:
        self._set("block", "yes")

    def podcast_podping(self) -> None:
        self._set("podping", None, {"usesPodping": "true"})

    def podcast_update_frequency(self, text: str, rrule: str | None = None, complete: bool = False) -> None:
        self._set("updateFrequency", text, {"complete": "true" if complete else None, "rrule": rrule})

    def podcast_trailer(self, title: str, pubdate: str, url: str, length: int, type: str, season: int | None) -> None:
        self._add("trailer", title, {"pubdate": pubdate, "url": url, "length": str(length), "type": type,
                                     "season": None if season is None else str(season)})

    def podcast_remote_item(self, feed_guid: str, feed_url: str | None = None) -> None:
        """One recommended show in <podcast:podroll>."""
        self._podroll.append({"feedGuid": feed_guid, "feedUrl": feed_url})
        self._set("podroll", None)

    def podcast_guid(self, guid: str) -> None:
        """<podcast:guid>: the UUIDv5 of the feed URL (podcast_spec.podcast_guid_for)."""
        self._set("guid", guid)

    def podcast_medium(self, medium: str) -> None:
        self._set("medium", medium)

    def podcast_locked(self, locked: bool, owner: str) -> None:
        self._set("locked", "yes" if locked else "no", {"owner": owner})

    def podcast_funding(self, url: str, text: str) -> None:
        self._add("funding", text, {"url": url})

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        channel = rss_feed[0]
        _owner_first(channel)
        if self._hub:
            _sub(channel, ATOM_NS, "link", None, {"href": self._hub, "rel": "hub"})
        for tag, text in self._itunes:
            _sub(channel, ITUNES_NS, tag, text)
        self._write(channel)
        podroll = channel.find(f"{{{PODCAST_NS}}}podroll")
        if podroll is not None:
            for attrs in self._podroll:
                _sub(podroll, PODCAST_NS, "remoteItem", None, attrs)
        return rss_feed


def _owner_first(channel: etree._Element) -> None:
    """Move <itunes:owner> before <itunes:author>. feedparser reads the owner's <itunes:name> as the
    channel's author too, and the later element wins: after the author, the owner's name would."""
    owner, author = channel.find(f"{{{ITUNES_NS}}}owner"), channel.find(f"{{{ITUNES_NS}}}author")
    if owner is not None and author is not None:
        author.addprevious(owner)


class Podcast20EntryExtension(_SharedTags, BaseEntryExtension):
    """Item-level Podcasting 2.0 tags, reached as fe.podcast20."""

    # transcript before chapters, and the WebVTT transcript last of the transcripts (see feeds.py)
    ORDER = ("season", "episode", "transcript", "chapters", "soundbite", "person", "location", "image", "license", "txt")

    def podcast_soundbite(self, start: float, duration: float, title: str | None = None) -> None:
        self._add("soundbite", title, {"startTime": f"{start:g}", "duration": f"{duration:g}"})

    def podcast_season(self, number: int) -> None:
        self._set("season", str(number))

    def podcast_episode(self, number: int) -> None:
        self._set("episode", str(number))

    def podcast_transcript(self, url: str, type: str, language: str | None = None, rel: str | None = None) -> None:
        self._add("transcript", None, {"url": url, "type": type, "language": language, "rel": rel})

    def podcast_chapters(self, url: str) -> None:
        self._set("chapters", None, {"url": url, "type": "application/json+chapters"})

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        self._write(entry)
        return entry


# --- itunes:explicit as true/false ---------------------------------------------

def _write_explicit(parent: etree._Element, explicit: bool | None) -> None:
    if explicit is None:
        return
    # Two itunes:explicit elements would contradict each other; fail loudly instead.
    if parent.find(f"{{{ITUNES_NS}}}explicit") is not None:
        raise ValueError("itunes:explicit was already written (by feedgen's podcast.itunes_explicit); "
                         "set it only through the itunes_explicit extension")
    _sub(parent, ITUNES_NS, "explicit", "true" if explicit else "false")


class _ExplicitSetting:
    """The shared bool; feedgen's own extension only knows yes/no/clean."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        # Same prefix and URI as feedgen's podcast extension: the nsmap merge keeps one.
        return {"itunes": ITUNES_NS}

    def explicit(self, value: bool) -> None:
        """Written as <itunes:explicit>true|false</itunes:explicit>."""
        self._explicit = value


class ItunesExplicitExtension(_ExplicitSetting, BaseExtension):
    """Channel <itunes:explicit>, reached as fg.itunes_explicit."""

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        _write_explicit(rss_feed[0], self._explicit)
        return rss_feed


class ItunesExplicitEntryExtension(_ExplicitSetting, BaseEntryExtension):
    """Item <itunes:explicit>, reached as fe.itunes_explicit."""

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        _write_explicit(entry, self._explicit)
        return entry


# --- registration --------------------------------------------------------------

def register_extensions(fg: FeedGenerator) -> None:
    """Register both extensions on fg (RSS only: they mean nothing in Atom).

    Call it after fg.load_extension("podcast") so that a stray
    fg.podcast.itunes_explicit(...) is caught instead of doubling the element.
    """
    fg.register_extension(PODCAST20_EXTENSION, Podcast20Extension, Podcast20EntryExtension,
                          atom=False, rss=True)
    fg.register_extension(ITUNES_EXPLICIT_EXTENSION, ItunesExplicitExtension, ItunesExplicitEntryExtension,
                          atom=False, rss=True)
