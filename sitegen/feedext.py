"""feedgen extensions: Podcasting 2.0 tags and Apple's true/false itunes:explicit.

feedgen 1.0.0 has no Podcasting 2.0 support, and its own podcast extension only
accepts yes/no/clean for itunes:explicit while Apple now documents true/false.
Both gaps are filled here through feedgen's public extension mechanism
(FeedGenerator.register_extension), so feedgen itself stays untouched.

Usage (load feedgen's own 'podcast' extension first, see register_extensions):

    fg = FeedGenerator()
    fg.load_extension("podcast")
    register_extensions(fg)
    fg.podcast20.podcast_guid(podcast_guid_for(feed_url))
    fe = fg.add_entry()
    fe.podcast20.podcast_transcript(url, "text/vtt")
    fe.itunes_explicit.explicit(False)
"""
from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from .podcast_spec import MAX_TEXT, PODCAST_GUID_NAMESPACE, podcast_guid_for  # noqa: F401 - part of this module's API

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
ITUNES_NS: Final = "http://www.itunes.com/dtds/podcast-1.0.dtd"

# Attribute names on FeedGenerator / FeedEntry. "podcast" is taken by feedgen's
# own iTunes extension, hence "podcast20" for the Podcasting 2.0 one.
PODCAST20_EXTENSION: Final = "podcast20"
ITUNES_EXPLICIT_EXTENSION: Final = "itunes_explicit"


# docs/tags/transcript.md lists the first five; docs/1.0.md also names application/srt.
TRANSCRIPT_TYPES: Final = frozenset(
    {"text/plain", "text/html", "text/vtt", "application/json", "application/x-subrip", "application/srt"}
)
TRANSCRIPT_RELS: Final = frozenset({"captions"})
# docs/tags/chapters.md: JSON chapters, 'application/json+chapters' preferred.
CHAPTERS_TYPES: Final = frozenset({"application/json+chapters", "application/json"})
# docs/tags/medium.md: the mediums, their "L" (list) variants and "mixed".
_BASE_MEDIUMS: Final = (
    "podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course",
)
MEDIUMS: Final = frozenset(_BASE_MEDIUMS) | {m + "L" for m in _BASE_MEDIUMS} | {"mixed"}

MAX_EPISODE_DISPLAY: Final = 32

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


# --- GUID ---------------------------------------------------------------------

# --- validation -----------------------------------------------------------------

def _check_url(value: object, what: str) -> str:
    # Relative or schemeless URLs would be resolved differently by every client.
    if not isinstance(value, str):
        raise ValueError(f"{what}: URL must be a string, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"{what}: {value!r} is not an absolute http(s) URL")
    return value


def _check_text(value: object, what: str, max_len: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what}: must be a non-empty string, got {value!r}")
    text = value.strip()
    if len(text) > max_len:
        raise ValueError(f"{what}: {len(text)} characters, the spec allows at most {max_len}")
    return text


def _check_positive_int(value: object, what: str) -> int:
    # bool is an int subclass; True as a season number is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}: must be a positive integer, got {value!r}")
    return value


def _check_episode_number(value: object, what: str) -> str:
    """Episode numbers are decimal in the spec (100.5 for a mini-episode); returns the node text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}: must be a positive number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what}: must be a finite number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{what}: must be positive, got {value!r}")
    if isinstance(value, int):
        return str(value)
    # Decimal(repr()) keeps 100.5 as "100.5" and never yields "1e-05" notation.
    return format(Decimal(repr(value)).normalize(), "f")


def _check_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{what}: must be True or False, got {value!r}")
    return value


def _check_choice(value: object, what: str, allowed: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in allowed:  # isinstance: lists are unhashable
        raise ValueError(f"{what}: {value!r} is not one of {', '.join(sorted(allowed))}")
    return str(value)


def _check_email(value: object, what: str) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ValueError(f"{what}: {value!r} is not an email address")
    return value


def _check_language(value: object, what: str) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise ValueError(f"{what}: {value!r} is not a language code such as 'en' or 'en-US'")
    return value


def _parse_uuid(value: object) -> uuid.UUID | None:
    # Only the plain 36-character form: uuid.UUID() would also take braces or urn:uuid:.
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _check_guid(value: object) -> str:
    parsed = _parse_uuid(value)
    if parsed is None:
        raise ValueError(f"podcast:guid: {value!r} is not a UUID string like 9b024349-ccf0-5f69-a609-6b82873eab3c")
    if parsed.version != 5:
        raise ValueError(f"podcast:guid: {value!r} is a UUIDv{parsed.version}; the spec requires a UUIDv5 "
                         "(use podcast_guid_for(feed_url))")
    return str(parsed)  # canonical lower-case form


# --- values ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Locked:
    locked: bool
    owner: str | None


@dataclass(frozen=True, slots=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None
    group: str | None
    href: str | None
    img: str | None


@dataclass(frozen=True, slots=True)
class Season:
    number: int
    name: str | None


@dataclass(frozen=True, slots=True)
class Episode:
    number: str  # already formatted: decimal per spec
    display: str | None


@dataclass(frozen=True, slots=True)
class Transcript:
    url: str
    type: str
    language: str | None
    rel: str | None


@dataclass(frozen=True, slots=True)
class Chapters:
    url: str
    type: str


def make_person(name: str, role: str | None = None, group: str | None = None,
                href: str | None = None, img: str | None = None) -> Person:
    """A validated podcast:person (spec defaults: role 'host', group 'cast' when absent)."""
    return Person(
        name=_check_text(name, "podcast:person name"),
        role=None if role is None else _check_text(role, "podcast:person role"),
        group=None if group is None else _check_text(group, "podcast:person group"),
        href=None if href is None else _check_url(href, "podcast:person href"),
        img=None if img is None else _check_url(img, "podcast:person img"),
    )


# --- XML writing ---------------------------------------------------------------

def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None,
         attrs: dict[str, str | None] | None = None) -> etree._Element:
    """Append <ns:tag> with the attributes that are set, in the given order."""
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, val in (attrs or {}).items():
        if val is not None:
            el.set(key, val)
    if text is not None:
        el.text = text
    return el


def _write_person(parent: etree._Element, p: Person) -> None:
    _sub(parent, PODCAST_NS, "person", p.name,
         {"role": p.role, "group": p.group, "href": p.href, "img": p.img})


def _write_explicit(parent: etree._Element, explicit: bool | None) -> None:
    if explicit is None:
        return
    # Two itunes:explicit elements would contradict each other; fail loudly instead.
    if parent.find(f"{{{ITUNES_NS}}}explicit") is not None:
        raise ValueError("itunes:explicit was already written (by feedgen's podcast.itunes_explicit); "
                         "set it only through the itunes_explicit extension")
    _sub(parent, ITUNES_NS, "explicit", "true" if explicit else "false")


# --- Podcasting 2.0 extension --------------------------------------------------

class Podcast20Extension(BaseExtension):
    """Channel-level Podcasting 2.0 tags, reached as fg.podcast20."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._medium: str | None = None
        self._locked: Locked | None = None
        self._funding: list[Funding] = []
        self._persons: list[Person] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def podcast_guid(self, guid: str | None = None) -> str | None:
        """Get or set <podcast:guid> (a UUIDv5, see podcast_guid_for)."""
        if guid is not None:
            self._guid = _check_guid(guid)
        return self._guid

    def podcast_medium(self, medium: str | None = None) -> str | None:
        """Get or set <podcast:medium>; apps assume 'podcast' when it is absent."""
        if medium is not None:
            self._medium = _check_choice(medium, "podcast:medium", MEDIUMS)
        return self._medium

    def podcast_locked(self, locked: bool | None = None, owner: str | None = None) -> Locked | None:
        """Get or set <podcast:locked owner="...">yes|no</podcast:locked>."""
        if locked is not None:
            self._locked = Locked(
                _check_bool(locked, "podcast:locked"),
                None if owner is None else _check_email(owner, "podcast:locked owner"),
            )
        elif owner is not None:
            raise ValueError("podcast:locked: an owner needs a locked value (True or False)")
        return self._locked

    def podcast_funding(self, url: str, text: str) -> tuple[Funding, ...]:
        """Add a <podcast:funding url="...">text</podcast:funding>; returns all of them."""
        self._funding.append(Funding(_check_url(url, "podcast:funding url"),
                                     _check_text(text, "podcast:funding text")))
        return tuple(self._funding)

    def podcast_person(self, name: str, role: str | None = None, group: str | None = None,
                       href: str | None = None, img: str | None = None) -> tuple[Person, ...]:
        """Add a show-level <podcast:person>; returns all of them."""
        self._persons.append(make_person(name, role, group, href, img))
        return tuple(self._persons)

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        channel = rss_feed[0]
        if self._guid:
            _sub(channel, PODCAST_NS, "guid", self._guid)
        if self._medium:
            _sub(channel, PODCAST_NS, "medium", self._medium)
        if self._locked:
            _sub(channel, PODCAST_NS, "locked", "yes" if self._locked.locked else "no",
                 {"owner": self._locked.owner})
        for f in self._funding:
            _sub(channel, PODCAST_NS, "funding", f.text, {"url": f.url})
        for p in self._persons:
            _write_person(channel, p)
        return rss_feed


class Podcast20EntryExtension(BaseEntryExtension):
    """Item-level Podcasting 2.0 tags, reached as fe.podcast20."""

    def __init__(self) -> None:
        self._season: Season | None = None
        self._episode: Episode | None = None
        self._transcripts: list[Transcript] = []
        self._chapters: Chapters | None = None
        self._persons: list[Person] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def podcast_season(self, number: int | None = None, name: str | None = None) -> Season | None:
        """Get or set <podcast:season name="...">number</podcast:season>."""
        if number is not None:
            self._season = Season(_check_positive_int(number, "podcast:season"),
                                  None if name is None else _check_text(name, "podcast:season name"))
        elif name is not None:
            raise ValueError("podcast:season: a name needs a season number")
        return self._season

    def podcast_episode(self, number: int | float | None = None, display: str | None = None) -> Episode | None:
        """Get or set <podcast:episode display="...">number</podcast:episode>."""
        if number is not None:
            self._episode = Episode(
                _check_episode_number(number, "podcast:episode"),
                None if display is None else _check_text(display, "podcast:episode display", MAX_EPISODE_DISPLAY),
            )
        elif display is not None:
            raise ValueError("podcast:episode: a display value needs an episode number")
        return self._episode

    def podcast_transcript(self, url: str, type: str, language: str | None = None,
                           rel: str | None = None) -> tuple[Transcript, ...]:
        """Add a <podcast:transcript>; returns all of them."""
        self._transcripts.append(Transcript(
            _check_url(url, "podcast:transcript url"),
            _check_choice(type, "podcast:transcript type", TRANSCRIPT_TYPES),
            None if language is None else _check_language(language, "podcast:transcript language"),
            None if rel is None else _check_choice(rel, "podcast:transcript rel", TRANSCRIPT_RELS),
        ))
        return tuple(self._transcripts)

    def podcast_chapters(self, url: str | None = None,
                         type: str = "application/json+chapters") -> Chapters | None:
        """Get or set <podcast:chapters url="..." type="..."/> (one per item)."""
        if url is not None:
            self._chapters = Chapters(_check_url(url, "podcast:chapters url"),
                                      _check_choice(type, "podcast:chapters type", CHAPTERS_TYPES))
        return self._chapters

    def podcast_person(self, name: str, role: str | None = None, group: str | None = None,
                       href: str | None = None, img: str | None = None) -> tuple[Person, ...]:
        """Add an episode-level <podcast:person>. Per spec these REPLACE the show's people
        for this episode, so restate the hosts when adding a guest."""
        self._persons.append(make_person(name, role, group, href, img))
        return tuple(self._persons)

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        if self._season:
            _sub(entry, PODCAST_NS, "season", str(self._season.number), {"name": self._season.name})
        if self._episode:
            _sub(entry, PODCAST_NS, "episode", self._episode.number, {"display": self._episode.display})
        for t in self._transcripts:
            _sub(entry, PODCAST_NS, "transcript",
                 attrs={"url": t.url, "type": t.type, "language": t.language, "rel": t.rel})
        if self._chapters:
            _sub(entry, PODCAST_NS, "chapters", attrs={"url": self._chapters.url, "type": self._chapters.type})
        for p in self._persons:
            _write_person(entry, p)
        return entry


# --- itunes:explicit as true/false ---------------------------------------------

class _ExplicitSetting:
    """The shared bool; feedgen's own extension only knows yes/no/clean."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def explicit(self, value: bool | None = None) -> bool | None:
        """Get or set the value written as <itunes:explicit>true|false</itunes:explicit>."""
        if value is not None:
            self._explicit = _check_bool(value, "itunes:explicit")
        return self._explicit


class ItunesExplicitExtension(_ExplicitSetting, BaseExtension):
    """Channel <itunes:explicit>, reached as fg.itunes_explicit."""

    def extend_ns(self) -> dict[str, str]:
        # Same prefix and URI as feedgen's podcast extension: the nsmap merge keeps one.
        return {"itunes": ITUNES_NS}

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        _write_explicit(rss_feed[0], self._explicit)
        return rss_feed


class ItunesExplicitEntryExtension(_ExplicitSetting, BaseEntryExtension):
    """Item <itunes:explicit>, reached as fe.itunes_explicit."""

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS}

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
