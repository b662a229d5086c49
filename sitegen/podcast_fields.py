"""Converters and field tables for the Podcasting 2.0 values an author writes, in front matter
(podcast:soundbite, podcast:person, podcast:location) and in site.toml (podcast:txt,
podcast:license, podcast:location, podcast:podroll, podcast:updateFrequency, podcast:person).

The limits are the spec's (Podcastindex-org/podcast-namespace, docs/tags/*.md): the feed writer
trusts what these return.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from .convert import Context, FieldError, boolean, clock, feed_url, one_of, show, tag_slug, text, uuid_text
from .fields import Field, parse_fields, table_list
from .models import Location, Person, Soundbite
from .podcast_spec import MAX_TEXT

MAX_TXT = 4000  # docs/tags/txt.md: the node value's limit
# docs/tags/soundbite.md: a clip is meant to be short; apps expect 15 to 120 seconds.
SOUNDBITE_SECONDS = (15, 120)
# The person taxonomy (podcast-namespace taxonomy.json), groups and the roles of the two groups a
# show like this one uses; other groups' roles are taken as written.
PERSON_GROUPS = ("creative direction", "cast", "writing", "audio production", "audio post-production",
                 "administration", "visuals", "community", "misc.", "video production", "video post-production")
PERSON_ROLES = {
    "cast": ("host", "co-host", "guest host", "guest", "voice actor", "narrator", "announcer", "reporter"),
    "writing": ("author", "editorial director", "co-writer", "writer", "songwriter", "guest writer", "story editor",
                "managing editor", "script editor", "script coordinator", "researcher", "editor", "fact checker",
                "translator", "transcriber", "logger"),
}


@dataclass(frozen=True, slots=True)
class Txt:
    text: str
    purpose: str | None


@dataclass(frozen=True, slots=True)
class License:
    name: str  # an SPDX identifier such as cc-by-4.0, or the licence's own name
    url: str | None


@dataclass(frozen=True, slots=True)
class RemoteItem:
    feed_guid: str
    feed_url: str | None
    title: str | None  # for people reading site.toml; the feed carries only the GUID and URL


@dataclass(frozen=True, slots=True)
class UpdateFrequency:
    text: str
    rrule: str | None
    complete: bool


def short_text(value: Any, ctx: Context) -> str:
    """Text of a Podcasting 2.0 element or attribute: the spec asks for at most 128 characters."""
    value = " ".join(text(value, ctx).split())
    if len(value) > MAX_TEXT:
        raise FieldError(f"{len(value)} characters; the Podcasting 2.0 spec allows at most {MAX_TEXT}, shorten it")
    return value


def _txt_text(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if len(value) > MAX_TXT:
        raise FieldError(f"{len(value)} characters; podcast:txt allows at most {MAX_TXT}, shorten it")
    return value


def _purpose(value: Any, ctx: Context) -> str:
    value = short_text(value, ctx)
    if any(c.isspace() for c in value):
        raise FieldError(f"{value!r}: a purpose is one word, such as applepodcastsverify")
    return value


def _geo(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?", value):
        raise FieldError(f"{value!r} is not a geo URI; write latitude,longitude as geo:51.5072,-0.1276")
    lat, lon = (float(x) for x in value[4:].split(",")[:2])
    if abs(lat) > 90 or abs(lon) > 180:
        raise FieldError(f"{value!r}: latitude runs from -90 to 90 and longitude from -180 to 180")
    return value


def _osm(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"[NWR]\d+(#\d+)?", value):
        raise FieldError(f"{value!r} is not an OpenStreetMap id; write N, W or R and the number, such as R65606")
    return value


def _country(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise FieldError(f"{value!r}: write the two-letter ISO 3166 country code, such as gb")
    return value.lower()


def _rrule(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if not re.fullmatch(r"FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+:.-]+)*", value):
        raise FieldError(f"{value!r} is not an iCalendar recurrence rule; write e.g. FREQ=WEEKLY or FREQ=WEEKLY;INTERVAL=2")
    return value


def _single_table(fields: tuple[Field, ...], build: Callable[[dict[str, Any]], Any], what: str) -> Callable[[Any, Context], Any]:
    """One table (a mapping) checked against `fields`."""
    def convert(value: Any, ctx: Context) -> Any:
        if not isinstance(value, dict):
            raise FieldError(f"expected a table ({what}), got {show(value)}")
        values, problems = parse_fields(value, fields, ctx)
        if problems:
            raise FieldError(problems[0].message, problems[0].key)
        return build(values)

    return convert


def _person(values: dict[str, Any]) -> Person:
    name, role, group = values["name"], values["role"].lower(), values["group"].lower()
    if group not in PERSON_GROUPS:
        raise FieldError(f"group: {group!r} is not in the Podcasting 2.0 taxonomy; use one of {', '.join(PERSON_GROUPS)}", ("group",))
    roles = PERSON_ROLES.get(group)
    if roles and role not in roles:
        raise FieldError(f"role: {role!r} is not a role of the group {group!r}; use one of {', '.join(roles)}", ("role",))
    slug = tag_slug(name)
    if not slug:
        raise FieldError(f"name: {name!r} has no letters or digits to make its page's address from", ("name",))
    return Person(name, slug, role, group, values["href"], values["img"])


def person_fields(default_role: str) -> tuple[Field, ...]:
    return (
        Field("name", short_text, True, "", ""),
        Field("role", short_text, False, "", "", default_role),
        Field("group", short_text, False, "", "", "cast"),
        Field("href", feed_url, False, "", ""),
        Field("img", feed_url, False, "", ""),
    )


def _persons(default_role: str) -> Callable[[Any, Context], tuple[Person, ...]]:
    convert = table_list(person_fields(default_role), _person)

    def checked(value: Any, ctx: Context) -> tuple[Person, ...]:
        found: tuple[Person, ...] = convert(value, ctx)
        seen: set[str] = set()
        for i, person in enumerate(found):
            if person.slug in seen:
                raise FieldError(f"item {i + 1}: {person.name!r} is listed twice; list each person once", (i,))
            seen.add(person.slug)
        return found

    return checked


def _clip_seconds(value: Any, ctx: Context) -> timedelta:
    low, high = SOUNDBITE_SECONDS
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise FieldError(f"expected seconds from {low} to {high} (a number such as 45), got {show(value)}")
    return timedelta(seconds=value)


SOUNDBITE_FIELDS = (
    Field("start", clock, True, "", ""),
    Field("duration", _clip_seconds, True, "", ""),
    Field("title", short_text, False, "", ""),
)
LOCATION_FIELDS = (
    Field("name", short_text, True, "", ""),
    Field("rel", one_of("subject", "creator"), False, "", "", "subject"),
    Field("geo", _geo, False, "", ""),
    Field("osm", _osm, False, "", ""),
    Field("country", _country, False, "", ""),
)
location = _single_table(LOCATION_FIELDS, lambda v: Location(**v), "name, and optionally rel, geo, osm, country")

EPISODE_PODCAST_FIELDS: tuple[Field, ...] = (
    Field("soundbites", table_list(SOUNDBITE_FIELDS, lambda v: Soundbite(**v), "soundbite"), False,
          f"`podcast:soundbite` clips apps can share: start (\"M:SS\", quoted), duration in seconds ({SOUNDBITE_SECONDS[0]} to "
          f"{SOUNDBITE_SECONDS[1]}) and an optional title (at most {MAX_TEXT} characters). The page links each one as "
          "EPISODE_URL#t=START.", '\n  - start: "1:47"\n    duration: 45\n    title: "Balance and body awareness"', ()),
    Field("persons", _persons("guest"), False,
          "`podcast:person` for people in this episode besides the show's own (site.toml [podcast] persons, restated on "
          "every episode): name, role (default guest) and group (default cast) from the Podcasting 2.0 taxonomy, "
          "optional href and img (https). Each gets a page at /people/<name>/.",
          '\n  - name: "Dr Jane Example"\n    role: guest\n    href: "https://example.org/jane"', ()),
    Field("location", location, False,
          "`podcast:location` of what the episode is about: name (at most 128 characters), optional rel (subject or "
          "creator), geo (geo:LAT,LON), osm (OpenStreetMap id such as R65606) and country (two letters).",
          '\n  name: "Kent, England"\n  geo: "geo:51.19,0.73"\n  osm: "R57582"\n  country: gb'),
    Field("synthetic_voice", boolean, False,
          "true when the narration is synthesised speech: the feed says so in a `podcast:txt` on the episode.", "true", False),
)

SHOW_PERSONS = _persons("host")
TXT = table_list((Field("text", _txt_text, True, "", ""), Field("purpose", _purpose, False, "", "")),
                 lambda v: Txt(**v))
LICENSE = _single_table((Field("name", short_text, True, "", ""), Field("url", feed_url, False, "", "")),
                        lambda v: License(**v), "name, and url unless name is an SPDX identifier")
PODROLL = table_list((Field("feed_guid", uuid_text, True, "", ""), Field("feed_url", feed_url, False, "", ""),
                      Field("title", short_text, False, "", "")), lambda v: RemoteItem(**v))
UPDATE_FREQUENCY = _single_table((Field("text", short_text, True, "", ""), Field("rrule", _rrule, False, "", ""),
                                  Field("complete", boolean, False, "", "", False)),
                                 lambda v: UpdateFrequency(**v), "text, and rrule or complete")
