"""Read and validate site.toml into a frozen SiteConfig; unknown keys are errors."""
from __future__ import annotations

import re
import tomllib
import uuid
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .convert import Context, FieldError, boolean, feed_url, no_space, one_of, text, uuid_text
from .frontmatter import Key
from .models import Location, Person
from .podcast_fields import (LICENSE, PODROLL, SHOW_PERSONS, TXT, UPDATE_FREQUENCY, License, RemoteItem, Txt, UpdateFrequency,
                             location, short_text)
from .mediaconfig import SECRET_KEYS, MEDIA_FIELDS, MediaConfig, enclosure_prefix, make_media_config, media_problems
from .narration_spec import NARRATION_FIELDS, Voice, narration_problems
from .podcast_spec import PODCAST_GUID_NAMESPACE, podcast_guid_for
from .problems import BuildError, Problem
from .schema import Field, parse_fields, table_list

__all__ = ["Funding", "GuideConfig", "Person", "PodcastConfig", "SiteConfig", "parse_config", "read_config"]
from .sources import read_author_text


@dataclass(frozen=True, slots=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class PodcastConfig:
    feed: str  # output file name, e.g. podcast.xml
    guid: str
    image: str  # project-relative path of the show art
    explicit: bool
    type: str
    author: str
    owner_name: str
    owner_email: str
    copyright: str
    locked: bool
    categories: tuple[tuple[str, str | None], ...]
    funding: tuple[Funding, ...]
    persons: tuple[Person, ...]
    apps: tuple[tuple[str, str], ...]  # (app name, subscribe URL), in site.toml order
    new_feed_url: str | None
    image_alt: str | None
    hub: str  # the WebSub hub the feed names, told of each change by `build.py ping`
    podping: bool
    txt: tuple[Txt, ...]
    license: License | None
    location: Location | None
    podroll: tuple[RemoteItem, ...]
    update_frequency: UpdateFrequency | None
    complete: bool
    block: bool
    enclosure_prefix: str | None  # OP3, Podtrac...: applied to enclosure URLs in the feed only


@dataclass(frozen=True, slots=True)
class GuideConfig:
    pdf_name: str  # file stem; the paper size is appended
    papers: tuple[str, ...]  # "a4", "letter"


@dataclass(frozen=True, slots=True)
class EditorialConfig:
    """The show's house rules for published notes (sitegen/editorial.py applies them); None: no rule."""

    episode_words: tuple[int, int] | None  # least and most words of an episode's notes (trailers exempt)
    article_words: tuple[int, int] | None
    synthetic_voice: bool  # every episode's notes must say the voice is synthetic


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    title: str
    tagline: str
    description: str
    url: str  # absolute, ends with "/"
    language: str
    author: str
    email: str
    timezone: ZoneInfo
    publish_time: time
    podcast: PodcastConfig
    guide: GuideConfig
    editorial: EditorialConfig
    output: Path
    media: MediaConfig
    narration: Voice

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" or "/repo/"."""
        return urlsplit(self.url).path

    @property
    def context(self) -> Context:
        return Context(self.timezone, self.publish_time)

    def with_base_url(self, url: str) -> "SiteConfig":
        try:
            return replace(self, url=_site_url(url, self.context))
        except FieldError as exc:
            raise BuildError([Problem("--base-url", 0, str(exc))]) from None


DEFAULT_HUB = "https://pubsubhubbub.appspot.com/"  # the public hub Google runs
APP_NAMES = ("apple", "spotify", "overcast", "pocketcasts", "antennapod", "podcastaddict", "castbox", "youtube")
APP_LABELS = {"apple": "Apple Podcasts", "spotify": "Spotify", "overcast": "Overcast", "pocketcasts": "Pocket Casts",
              "antennapod": "AntennaPod", "podcastaddict": "Podcast Addict", "castbox": "Castbox", "youtube": "YouTube Music"}
PAPERS = ("a4", "letter")


def _site_url(value: Any, ctx: Context) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise FieldError(f"expected an absolute URL such as https://example.github.io/retro-stride/, got {value!r}")
    no_space(value)  # every URL of the feed is built on this one
    return value if value.endswith("/") else value + "/"


def _language(value: Any, ctx: Context) -> str:
    # The feed's transcripts carry it as podcast:transcript language, which takes only a code.
    value = text(value, ctx)
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", value):
        raise FieldError(f"{value!r} is not a language code; write e.g. \"en\" or \"en-GB\"")
    return value


def _zone(value: Any, ctx: Context) -> ZoneInfo:
    try:
        return ZoneInfo(text(value, ctx))
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError(f"unknown time zone {value!r}; use a name such as Europe/London or America/New_York") from None


def _time_of_day(value: Any, ctx: Context) -> time:
    if isinstance(value, time):
        return value
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise FieldError(f"expected a time of day like \"06:00\", got {value!r}")
    return time(int(m.group(1)), int(m.group(2)))


def _email(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}", value):
        raise FieldError(f"{value!r} is not an email address like name@example.com")
    return value


def _file_name(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
        raise FieldError(f"{value!r}: use a plain file name (letters, digits, . _ -)")
    return value


def _categories(value: Any, ctx: Context) -> tuple[tuple[str, str | None], ...]:
    from .apple_categories import check_category

    if not isinstance(value, list) or not value:
        raise FieldError('expected a list such as [["Sports", "Running"], ["Health & Fitness", "Fitness"]]')
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            item = [item]
        if not isinstance(item, list) or not 1 <= len(item) <= 2 or not all(isinstance(x, str) for x in item):
            raise FieldError(f"category {i + 1}: expected [\"Category\", \"Subcategory\"]")
        cat, sub = item[0], item[1] if len(item) > 1 else None
        problem = check_category(cat, sub)
        if problem:
            raise FieldError(f"category {i + 1}: {problem}")
        out.append((cat, sub))
    return tuple(out)


def _apps(value: Any, ctx: Context) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise FieldError("expected a table of app = \"subscribe URL\"")
    for name, url in value.items():
        if name not in APP_NAMES:
            raise FieldError(f"unknown app {name!r}; known: {', '.join(APP_NAMES)}", (name,))
        feed_url(url, ctx)
    return tuple(value.items())


def _papers(value: Any, ctx: Context) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError('expected a list such as ["a4", "letter"]')
    pick = one_of(*PAPERS)
    return tuple(dict.fromkeys(pick(v, ctx) for v in value))


def _word_range(value: Any, ctx: Context) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 < value[0] <= value[1]):
        raise FieldError(f"expected the least and most words, such as [500, 1000], got {value!r}")
    return value[0], value[1]


def _str(name: str, doc: str, required: bool = True, default: Any = None) -> Field:
    return Field(name, text, required, doc, '"..."', default)


SITE_FIELDS = (
    _str("title", "The show's name."),
    _str("tagline", "A few words under the title."),
    _str("description", "One paragraph describing the show (feeds, home page, search engines)."),
    Field("url", _site_url, True, "Absolute URL the site is served from, with its subpath.", '"https://example.github.io/retro-stride/"'),
    Field("language", _language, True, "Language code, e.g. en or en-GB.", '"en"'),
    _str("author", "Default author of articles and the feed."),
    Field("email", _email, True, "Contact address shown on the site.", '"hello@example.com"'),
    Field("timezone", _zone, True, "The show's time zone (IANA name).", '"Europe/London"'),
    Field("publish_time", _time_of_day, False, "Time of day a bare date is published.", '"06:00"', time(6, 0)),
)
PODCAST_FIELDS = (
    Field("feed", _file_name, False, "Output file of the podcast feed.", '"podcast.xml"', "podcast.xml"),
    Field("guid", uuid_text, True, "`podcast:guid`: the UUIDv5 of the first feed URL (Podcasting 2.0), computed once and pinned.", '"..."'),
    _str("image", "Show art: square JPEG or PNG, RGB, 1400-3000 px."),
    Field("explicit", boolean, True, "Default for itunes:explicit.", "false"),
    Field("type", one_of("episodic", "serial"), False, "itunes:type.", '"episodic"', "episodic"),
    _str("author", "itunes:author."),
    _str("owner_name", "itunes:owner name."),
    Field("owner_email", _email, True, "itunes:owner email (Apple and directories write here).", '"owner@example.com"'),
    _str("copyright", "Copyright line."),
    Field("locked", boolean, False, "`podcast:locked`: refuse imports to other hosts.", "true", True),
    Field("categories", _categories, True, "Apple categories, most important first.", '[["Sports", "Running"]]'),
    Field("funding", table_list((Field("url", feed_url, True, "", ""), Field("text", short_text, True, "", "")), lambda v: Funding(**v)), False, "`podcast:funding` links: url and text (at most 128 characters).", "[]", ()),
    Field("persons", SHOW_PERSONS, False, "`podcast:person` for the show's own people, restated on every episode: name, role (default host) and group (default cast) from the Podcasting 2.0 taxonomy, href, img. Each gets a page at /people/<name>/ listing the episodes.", "[]", ()),
    Field("apps", _apps, False, "Subscribe links per app.", "{}", ()),
    Field("new_feed_url", feed_url, False, "Set only when moving the feed: itunes:new-feed-url.", '"https://..."'),
    Field("image_alt", short_text, False, "What the show art shows, for `podcast:image` alt (at most 128 characters).", '"..."'),
    Field("hub", feed_url, False, "The WebSub hub the feed names (`atom:link rel=hub`); `build.py ping` tells it of each change.", f'"{DEFAULT_HUB}"', DEFAULT_HUB),
    Field("podping", boolean, False, "`podcast:podping usesPodping=\"true\"`: apps learn of new episodes through Podping, so they need not poll.", "true", False),
    Field("txt", TXT, False, "`podcast:txt` entries: text (at most 4,000 characters) and an optional one-word purpose, such as applepodcastsverify with the token Apple gives.", '[{ purpose = "applepodcastsverify", text = "..." }]', ()),
    Field("license", LICENSE, False, "`podcast:license`: name (an SPDX identifier such as cc-by-4.0) and url (needed when the name is not an SPDX identifier).", '{ name = "cc-by-4.0", url = "https://creativecommons.org/licenses/by/4.0/" }'),
    Field("location", location, False, "`podcast:location` of the show: name, rel (subject or creator), geo, osm, country.", '{ name = "London, UK", rel = "creator" }'),
    Field("podroll", PODROLL, False, "`podcast:podroll`: shows you recommend, each feed_guid (its `podcast:guid`), optional feed_url and title.", '[{ feed_guid = "...", title = "..." }]', ()),
    Field("update_frequency", UPDATE_FREQUENCY, False, "`podcast:updateFrequency`: text (such as Weekly), rrule (RFC 5545, such as FREQ=WEEKLY), complete.", '{ text = "Weekly", rrule = "FREQ=WEEKLY" }'),
    Field("complete", boolean, False, "`itunes:complete`: no more episodes will ever be added.", "false", False),
    Field("block", boolean, False, "`itunes:block` and `podcast:block`: ask directories and apps not to list the show.", "false", False),
    Field("enclosure_prefix", enclosure_prefix, False, "Download-analytics prefix (OP3, Podtrac) put before each "
          "enclosure URL in the podcast feed, e.g. https://op3.dev/e/.", '"https://op3.dev/e/"'),
)
GUIDE_FIELDS = (
    Field("pdf", _file_name, False, "File stem of the drill guide PDF.", '"retro-stride-drill-guide"', "retro-stride-drill-guide"),
    Field("papers", _papers, False, "Paper sizes of the PDF (a4, letter); one file each.", '["a4", "letter"]', ("a4", "letter")),
)
EDITORIAL_FIELDS = (
    Field("episode_words", _word_range, False, "Least and most words in an episode's notes (trailers exempt); leave out for no limit.", "[500, 1000]"),
    Field("article_words", _word_range, False, "Least and most words in an article; leave out for no limit.", "[800, 1600]"),
    Field("synthetic_voice", boolean, False, "true: every episode's notes must say its voice is synthetic.", "false", False),
)
BUILD_FIELDS = (
    Field("output", text, False, "Output folder.", '"_site"', "_site"),
)
TABLES = {"site": SITE_FIELDS, "podcast": PODCAST_FIELDS, "guide": GUIDE_FIELDS, "editorial": EDITORIAL_FIELDS,
          "build": BUILD_FIELDS, "media": MEDIA_FIELDS,
          "narration": NARRATION_FIELDS}


def read_config(path: Path) -> SiteConfig:
    """Read site.toml; raise BuildError naming the line of every problem."""
    try:
        raw_text = read_author_text(path, path.name)
    except OSError as exc:
        raise BuildError([Problem(path.name, 0, f"cannot read the configuration: {exc.strerror}")]) from None
    return parse_config(raw_text, path.name, path.parent)


def parse_config(raw_text: str, name: str, root: Path) -> SiteConfig:
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise BuildError([Problem(name, int(m.group(1)) if m else 0, f"invalid TOML: {exc}")]) from None
    lines = _toml_lines(raw_text)
    problems: list[Problem] = []
    for table in data:
        if table not in TABLES:
            problems.append(Problem(name, lines.get((table,), 0), f"[{table}]: unknown table; known: {', '.join(TABLES)}"))
    parsed = _parse_tables(data, lines, name, problems)
    guid = parsed["podcast"].get("guid")
    if guid is not None:
        message = _guid_problem(guid, parsed["site"].get("url"), parsed["podcast"].get("feed"))
        if message:
            problems.append(Problem(name, lines.get(("podcast", "guid"), 0), f"[podcast] guid: {message}"))
    problems += narration_problems(parsed["narration"], name, lines)
    if problems:
        raise BuildError(problems)
    s, p, g, e, b = parsed["site"], parsed["podcast"], parsed["guide"], parsed["editorial"], parsed["build"]
    return SiteConfig(
        root=root, title=s["title"], tagline=s["tagline"], description=s["description"], url=s["url"],
        language=s["language"], author=s["author"], email=s["email"], timezone=s["timezone"],
        publish_time=s["publish_time"],
        podcast=PodcastConfig(
            feed=p["feed"], guid=p["guid"], image=p["image"], explicit=p["explicit"], type=p["type"],
            author=p["author"], owner_name=p["owner_name"], owner_email=p["owner_email"], copyright=p["copyright"],
            locked=p["locked"], categories=p["categories"], funding=p["funding"], persons=p["persons"],
            apps=p["apps"], new_feed_url=p["new_feed_url"], image_alt=p["image_alt"], hub=p["hub"],
            podping=p["podping"], txt=p["txt"], license=p["license"], location=p["location"], podroll=p["podroll"],
            update_frequency=p["update_frequency"], complete=p["complete"], block=p["block"], enclosure_prefix=p["enclosure_prefix"],
        ),
        guide=GuideConfig(pdf_name=g["pdf"], papers=g["papers"]),
        editorial=EditorialConfig(e["episode_words"], e["article_words"], e["synthetic_voice"]),
        output=root / b["output"],
        media=make_media_config(parsed["media"]),
        narration=Voice.of(parsed["narration"]["voice"], parsed["narration"]["length_scale"]),
    )


def _parse_tables(data: dict[str, Any], lines: dict[Key, int], name: str, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """Each known table's values; appends the problems of each."""
    # Bare dates need a zone before the site table is read; UTC stands in for a bad one.
    ctx = Context(ZoneInfo("UTC"), time(6, 0))
    parsed: dict[str, dict[str, Any]] = {}
    for table, fields in TABLES.items():
        section = data.get(table, {})
        if not isinstance(section, dict):
            problems.append(Problem(name, lines.get((table,), 0), f"{table}: expected a [{table}] table"))
            section = {}
        plain = {k: v for k, v in section.items() if table != "media" or not SECRET_KEYS.search(k)}
        values, found = parse_fields(plain, fields, ctx, assign=" = ")
        for fp in found:
            key = (table,) + fp.key
            line = next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), 0)
            problems.append(Problem(name, line, f"[{table}] {fp.message}"))
        if table == "media":  # secrets always; what s3 needs once each key is valid
            problems += [Problem(name, lines.get((table, k), lines.get((table,), 0)), msg)
                         for k, msg in media_problems(section, None if found else values)]
        parsed[table] = values
    return parsed


def _guid_problem(guid: str, site_url: str | None, feed: str | None) -> str | None:
    """Podcasting 2.0 wants the UUIDv5 of the feed URL; any other UUID is refused by the feed."""
    version = uuid.UUID(guid).version
    if version == 5:
        return None
    got = f"a version-{version} UUID" if version else "not an RFC 4122 UUID"
    how = (f"the version-5 UUID of the feed URL without its scheme and trailing slash, in the namespace "
           f"{PODCAST_GUID_NAMESPACE}")
    if site_url is None or feed is None:
        return f"{guid!r} is {got}; Podcasting 2.0 requires {how}"
    feed_url = site_url + feed
    return (f"{guid!r} is {got}; Podcasting 2.0 requires {how}. For {feed_url} write "
            f"guid = \"{podcast_guid_for(feed_url)}\" and never change it after publishing")


def _toml_lines(raw_text: str) -> dict[Key, int]:
    """Line of each [table] and key: tomllib keeps no positions, and messages need them."""
    lines: dict[Key, int] = {}
    table: Key = ()
    items: dict[Key, int] = {}  # [[x.y]] tables seen so far: each is item i of the list x.y
    for n, line in enumerate(raw_text.splitlines(), 1):
        stripped = line.strip()
        m = re.fullmatch(r"(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?.*", stripped)
        if m:
            table = tuple(m.group(2).split("."))
            lines.setdefault(table, n)
            if m.group(1) == "[[":
                items[table] = items.get(table, -1) + 1
                table += (items[table],)
                lines[table] = n
            continue
        m = re.match(r"([A-Za-z0-9_-]+)\s*=", stripped)
        if m:
            lines.setdefault(table + (m.group(1),), n)
    return lines


def config_line(root: Path, table: str, key: str) -> int:
    """Line of a key in site.toml, for problems found after the config was read."""
    try:
        return _toml_lines((root / "site.toml").read_text(encoding="utf-8")).get((table, key), 0)
    except OSError:
        return 0
