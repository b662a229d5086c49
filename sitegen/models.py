"""The site's data: frozen, fully validated, so templates and feeds never guard."""
from __future__ import annotations

import operator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .body import Body

if TYPE_CHECKING:
    from .config import SiteConfig

C = TypeVar("C", bound=type)


def compact(cls: C) -> C:
    """Pickle a frozen slots dataclass as the tuple of its values: the build cache holds tens of
    thousands of them, and the dataclass default walks fields() for each one."""
    names = tuple(f.name for f in fields(cls))
    get = operator.attrgetter(*names)
    put = object.__setattr__

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return get(self) if len(names) > 1 else (get(self),)

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state):
            put(self, name, value)

    setattr(cls, "__getstate__", __getstate__)  # the class is not known here, only that it is a slots dataclass
    setattr(cls, "__setstate__", __setstate__)
    return cls


@compact
@dataclass(frozen=True, slots=True)
class Chapter:
    start: timedelta
    title: str

    @property
    def seconds(self) -> float:
        return self.start.total_seconds()

    @property
    def clock(self) -> str:
        return format_clock(self.start)


@compact
@dataclass(frozen=True, slots=True)
class Reference:
    authors: str
    title: str
    source: str
    year: int
    details: str | None
    doi: str | None
    url: str | None

    @property
    def link(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


@compact
@dataclass(frozen=True, slots=True)
class Person:
    """A podcast:person: someone on the show, with a page at /people/SLUG/ when in an episode."""

    name: str
    slug: str  # made from the name by the converter, as tag slugs are
    role: str  # the Podcasting 2.0 taxonomy's role, lowercase: host, guest, writer, ...
    group: str  # its group: cast, writing, ...
    href: str | None
    img: str | None

    @property
    def url(self) -> str:
        return f"people/{self.slug}/"


@compact
@dataclass(frozen=True, slots=True)
class Location:
    """A podcast:location: a place's name with optional geo URI, OpenStreetMap id and country."""

    name: str
    rel: str  # "subject" (what the show or episode is about) or "creator" (where it is made)
    geo: str | None
    osm: str | None
    country: str | None


@compact
@dataclass(frozen=True, slots=True)
class Soundbite:
    """A clip apps may share or preview: podcast:soundbite."""

    start: timedelta
    duration: timedelta
    title: str | None

    @property
    def seconds(self) -> float:
        return self.start.total_seconds()

    @property
    def clock(self) -> str:
        return format_clock(self.start)


@compact
@dataclass(frozen=True, slots=True)
class Media:
    """A file the site publishes: where it comes from and what it is."""

    href: str  # site path (e.g. episodes/knee-load/003-knee-load.mp3) or an absolute URL
    source: Path | None  # local file to copy (relative to the project), None when hosted elsewhere
    length: int  # bytes
    mime: str
    duration: timedelta  # zero for non-audio


@compact
@dataclass(frozen=True, slots=True)
class Cue:
    start: timedelta
    end: timedelta
    text: str


@compact
@dataclass(frozen=True, slots=True)
class Transcript:
    file: Media  # the .vtt or .srt as published
    cues: tuple[Cue, ...]


@compact
@dataclass(frozen=True, slots=True)
class Episode:
    source: str  # project-relative path, for messages
    slug: str
    number: int
    season: int | None
    title: str
    published: datetime
    guid: str
    summary: str
    body: Body  # its HTML, loaded from the cache only when shown
    audio: Media
    explicit: bool
    episode_type: str
    tags: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    transcript: Transcript | None
    image: Media | None  # the episode's own art
    references: tuple[Reference, ...]
    draft: bool
    soundbites: tuple[Soundbite, ...]
    persons: tuple[Person, ...]  # its guests and others of its own; the show's hosts are in config
    location: Location | None
    synthetic_voice: bool  # narrated by speech synthesis: the feed says so in a podcast:txt

    section = "episodes"

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def updated(self) -> datetime:
        return self.published

    @property
    def url(self) -> str:
        return f"episodes/{self.slug}/"

    @property
    def ref(self) -> str:
        """How a drill's `related` names it."""
        return f"episodes/{self.slug}"

    @property
    def transcript_page_url(self) -> str:
        """The HTML page of its transcript (only when it has one)."""
        return f"episodes/{self.slug}/transcript/"

    @property
    def chapters_url(self) -> str:
        """Its Podcasting 2.0 chapters JSON (only when it has chapters)."""
        return f"episodes/{self.slug}/chapters.json"


@compact
@dataclass(frozen=True, slots=True)
class Article:
    source: str
    slug: str
    title: str
    published: datetime
    updated: datetime
    summary: str
    author: str
    body: Body  # its HTML, loaded from the cache only when shown
    tags: tuple[str, ...]
    references: tuple[Reference, ...]
    draft: bool

    section = "articles"

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def url(self) -> str:
        return f"articles/{self.slug}/"

    @property
    def ref(self) -> str:
        """How a drill's `related` names it."""
        return f"articles/{self.slug}"


@compact
@dataclass(frozen=True, slots=True)
class Drill:
    source: str
    slug: str
    title: str
    summary: str
    level: str
    where: tuple[str, ...]
    dose: str
    cues: tuple[str, ...]
    safety: tuple[str, ...]
    progression: str
    stop_if: tuple[str, ...]
    equipment: tuple[str, ...]
    related: tuple[str, ...]  # "episodes/slug" or "articles/slug"
    order: int
    body: Body  # its HTML, loaded from the cache only when shown
    draft: bool

    section = "drills"

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def url(self) -> str:
        return f"drills/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Session:
    day: str
    drill: str  # slug
    dose: str


@dataclass(frozen=True, slots=True)
class Week:
    number: int
    focus: str
    sessions: tuple[Session, ...]


@dataclass(frozen=True, slots=True)
class Program:
    title: str
    summary: str
    updated: datetime  # the guide's revision date: its own, so a new episode does not remake the PDFs
    weeks: tuple[Week, ...]


@compact
@dataclass(frozen=True, slots=True)
class Page:
    source: str
    slug: str
    title: str
    summary: str
    body: Body  # its HTML, loaded from the cache only when shown
    draft: bool

    section = "pages"

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def url(self) -> str:
        return f"{self.slug}/"  # pages sit at the top: /about/


Post = Episode | Article  # dated, tagged: in the feeds, the lists and the tag pages
Item = Episode | Article | Drill | Page  # anything parsed from one content file


def format_clock(value: timedelta) -> str:
    """H:MM:SS or M:SS, whole seconds, as podcast apps and readers expect."""
    total = int(value.total_seconds())
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def tag_url(slug: str) -> str:
    """A tag's page; its slug may be in any script (Urls.path percent-encodes it)."""
    return f"tags/{slug}/"


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    name: str
    episodes: tuple[Episode, ...]
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return tag_url(self.slug)


@dataclass(frozen=True, slots=True)
class Site:
    """A valid site: every reference resolved, drafts and future posts already filtered."""

    config: SiteConfig
    episodes: tuple[Episode, ...]  # newest first
    articles: tuple[Article, ...]  # newest first
    drills: tuple[Drill, ...]  # in guide order
    program: Program
    pages: tuple[Page, ...]
    tags: tuple[Tag, ...]  # by slug
    include_drafts: bool  # serve mode marks drafts and future posts on the page
    now: datetime

    @property
    def modified(self) -> datetime:
        """Newest publication or update date: the feeds' build date, never the clock."""
        dates = [e.published for e in self.episodes] + [a.updated for a in self.articles]
        return max(dates) if dates else datetime(2000, 1, 1).astimezone(self.config.timezone)
