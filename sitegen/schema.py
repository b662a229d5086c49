"""The front-matter schema of every content kind, in one place.

Each field names its converter; a converter turns the YAML value into a typed value or
raises FieldError with a message that says what is wrong and how to fix it. The same table
generates the authoring reference and the `new` command's templates.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .frontmatter import Key
from .models import Chapter, Reference, Session, Week


class FieldError(ValueError):
    """A value that does not fit its field; `key` narrows the line to a nested item."""

    def __init__(self, message: str, key: Key = ()):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class Context:
    """What converters need besides the value: the show's clock for bare dates."""

    timezone: ZoneInfo
    publish_time: time


Converter = Callable[[Any, Context], Any]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    convert: Converter
    required: bool
    doc: str
    example: str  # YAML, as an author would write it
    default: Any = None


# ---- converters ---------------------------------------------------------------------------

def text(value: Any, ctx: Context) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"expected text, got {_show(value)}; write it in quotes")
    return value.strip()


def plain_text(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if "\n\n" in value:
        raise FieldError("expected one short paragraph of plain text; remove the blank line")
    return " ".join(value.split())


def positive_int(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FieldError(f"expected a whole number from 1 up, got {_show(value)}")
    return value


def boolean(value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {_show(value)}")
    return value


EARLIEST_YEAR = 1900  # nothing on this site was published before; an earlier year is a typo


def moment(value: Any, ctx: Context) -> datetime:
    """A date means the show's publishing time of day in its time zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FieldError(
                f"{value.isoformat(' ')} has no time zone; add one, e.g. {value.strftime('%Y-%m-%dT%H:%M:%S')}+00:00, or give only the date"
            )
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, ctx.publish_time, tzinfo=ctx.timezone)
    else:
        raise FieldError(f"expected a date like 2026-03-01, got {_show(value)}; write it unquoted as YYYY-MM-DD")
    if when.year < EARLIEST_YEAR:
        raise FieldError(f"{when.date().isoformat()} is before {EARLIEST_YEAR}, surely a typo for a publication date; check the year")
    return _whole_minute_offset(when)


def _whole_minute_offset(when: datetime) -> datetime:
    """RFC 3339 (sitemap, Atom, <time>) and RSS dates carry offsets in hours and minutes, but a zone's
    old local mean time has seconds (Amsterdam +00:19:32 until 1937, Monrovia -00:44:30 until 1972):
    such a time keeps its wall clock, with the offset rounded to the minute."""
    offset = when.utcoffset()
    assert offset is not None
    if offset % timedelta(minutes=1) == timedelta(0):
        return when
    return when.replace(tzinfo=timezone(timedelta(minutes=round(offset / timedelta(minutes=1)))))


def one_of(*choices: str) -> Converter:
    def convert(value: Any, ctx: Context) -> str:
        if value not in choices:
            hint = _did_you_mean(str(value), choices)
            raise FieldError(f"expected one of {', '.join(choices)}, got {_show(value)}{hint}")
        return value

    convert.__doc__ = " | ".join(choices)
    return convert


def text_list(value: Any, ctx: Context, *, min_items: int = 0) -> tuple[str, ...]:
    if isinstance(value, str):
        raise FieldError(f"expected a list, got the text {_show(value)}; write [{value}] or one '- item' per line")
    if not isinstance(value, list):
        raise FieldError(f"expected a list, got {_show(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"item {i + 1}: expected text, got {_show(item)}; quote it", (i,))
        out.append(" ".join(item.split()))
    if len(out) < min_items:
        raise FieldError(f"expected at least {min_items} item{'s' if min_items > 1 else ''}")
    return tuple(out)


def nonempty_text_list(value: Any, ctx: Context) -> tuple[str, ...]:
    return text_list(value, ctx, min_items=1)


def tags(value: Any, ctx: Context) -> tuple[str, ...]:
    """Lowercased, one per tag_key; two different tags that would share a page are an error."""
    items = text_list(value, ctx)
    out: dict[str, str] = {}  # tag_key -> the tag as written first
    pages: dict[str, str] = {}  # tag_slug -> the tag that has that page
    for i, tag in enumerate(items):
        slug = tag_slug(tag)
        if not slug:
            raise FieldError(f"tag {tag!r} has no letters or digits", (i,))
        other = pages.setdefault(slug, tag)
        if tag_key(other) != tag_key(tag):
            raise FieldError(f"{other!r} and {tag!r} would share the page tags/{slug}/; write them the same way, or as different words", (i,))
        out.setdefault(tag_key(tag), unicodedata.normalize("NFKC", tag).lower())
    return tuple(out.values())


def uuid_text(value: Any, ctx: Context) -> str:
    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) else _raise()
    except ValueError:
        raise FieldError(f"expected a UUID like {uuid.uuid4()}, got {_show(value)}; never change it once published") from None


def clock(value: Any, ctx: Context) -> timedelta:
    """'M:SS', 'MM:SS' or 'H:MM:SS', quoted."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise FieldError(f"got the number {value}; write a quoted time such as \"{value // 60}:{value % 60:02d}\"")
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?", str(value).strip()) if isinstance(value, str) else None
    if not m or int(m.group(3)) > 59 or (m.group(1) is not None and int(m.group(2)) > 59):
        raise FieldError(f"expected a time like \"12:34\" or \"1:02:03\", got {_show(value)}")
    h, mi, s, frac = m.groups()
    return timedelta(hours=int(h or 0), minutes=int(mi), seconds=int(s), milliseconds=int((frac or "0").ljust(3, "0")))


def chapters(value: Any, ctx: Context) -> tuple[Chapter, ...]:
    if not isinstance(value, list):
        raise FieldError("expected a list of chapters, each '- start: \"0:00\"' and 'title: ...'")
    out: list[Chapter] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FieldError(f"chapter {i + 1}: expected start and title", (i,))
        extra = set(item) - {"start", "title"}
        if extra:
            raise FieldError(f"chapter {i + 1}: unknown key {sorted(extra)[0]!r}; a chapter has start and title", (i,))
        for key in ("start", "title"):
            if key not in item:
                raise FieldError(f"chapter {i + 1}: missing {key}", (i,))
        try:
            start = clock(item["start"], ctx)
            title = text(item["title"], ctx)
        except FieldError as exc:
            raise FieldError(f"chapter {i + 1}: {exc}", (i,)) from None
        if out and start <= out[-1].start:
            raise FieldError(f"chapter {i + 1} starts at {item['start']}, not after the chapter before it; keep chapters in order", (i,))
        out.append(Chapter(start, title))
    if out and out[0].start != timedelta(0):
        raise FieldError("the first chapter must start at \"0:00\"", (0,))
    return tuple(out)


_REF_KEYS = {"authors": True, "title": True, "source": True, "year": True, "details": False, "doi": False, "url": False}


def references(value: Any, ctx: Context) -> tuple[Reference, ...]:
    if not isinstance(value, list):
        raise FieldError("expected a list of references, each with authors, title, source, year")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FieldError(f"reference {i + 1}: expected authors, title, source, year (and details, doi, url)", (i,))
        for key in item:
            if key not in _REF_KEYS:
                raise FieldError(f"reference {i + 1}: unknown key {key!r}{_did_you_mean(str(key), _REF_KEYS)}", (i, key))
        for key, needed in _REF_KEYS.items():
            if needed and key not in item:
                raise FieldError(f"reference {i + 1}: missing {key}", (i,))
        year = item["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2100:
            raise FieldError(f"reference {i + 1}: year must be a year like 2016, got {_show(year)}", (i, "year"))
        doi = item.get("doi")
        if doi is not None and not (isinstance(doi, str) and re.fullmatch(r"10\.\d{4,9}/\S+", doi)):
            raise FieldError(f"reference {i + 1}: doi must look like 10.1519/JSC.0000000000001153 (no https://doi.org/ prefix)", (i, "doi"))
        url = item.get("url")
        if url is not None:
            url = absolute_url(url, ctx)
        try:
            out.append(Reference(
                authors=text(item["authors"], ctx), title=text(item["title"], ctx), source=text(item["source"], ctx),
                year=year, details=text(item["details"], ctx) if "details" in item else None, doi=doi, url=url,
            ))
        except FieldError as exc:
            raise FieldError(f"reference {i + 1}: {exc}", (i,)) from None
    return tuple(out)


def absolute_url(value: Any, ctx: Context) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme != "https" or not parts.netloc:
        raise FieldError(f"expected an absolute https:// URL, got {_show(value)}")
    return value


def feed_url(value: Any, ctx: Context) -> str:
    """An https URL that goes into the podcast feed as written, where a space is not allowed."""
    return no_space(absolute_url(value, ctx))


def no_space(url: str) -> str:
    if any(c.isspace() for c in url):
        raise FieldError(f"{url!r} contains a space; write it as %20, or leave it out")
    return url


def media_ref(value: Any, ctx: Context) -> str:
    """A file beside the Markdown file, or an https URL."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"expected a file name beside this file (e.g. 004-hills.mp3) or an https URL, got {_show(value)}")
    if "://" in value:
        return absolute_url(value, ctx)
    if value.startswith("/") or ".." in value.split("/"):
        raise FieldError(f"{value!r}: give a path relative to this file's folder, without '..'")
    return value


def local_file(value: Any, ctx: Context) -> str:
    value = media_ref(value, ctx)
    if "://" in value:
        raise FieldError("expected a file beside this file, not a URL")
    return value


def byte_length(value: Any, ctx: Context) -> int:
    return positive_int(value, ctx)


def content_refs(value: Any, ctx: Context) -> tuple[str, ...]:
    items = text_list(value, ctx)
    for i, item in enumerate(items):
        if not re.fullmatch(r"(episodes|articles|drills)/[a-z0-9][a-z0-9-]*", item):
            raise FieldError(f"{item!r}: expected section/slug such as episodes/knee-load or articles/evidence-review", (i,))
    return items


def places(value: Any, ctx: Context) -> tuple[str, ...]:
    items = text_list(value, ctx, min_items=1)
    pick = one_of(*PLACES)
    for i, item in enumerate(items):
        try:
            pick(item, ctx)
        except FieldError as exc:
            raise FieldError(str(exc), (i,)) from None
    return items


def table_list(fields: tuple[Field, ...], build: Callable[[dict[str, Any]], Any], item: str = "item",
               min_items: int = 0) -> Converter:
    """A list of tables (mappings), each checked against `fields` and made into `build(values)`."""
    def convert(value: Any, ctx: Context) -> tuple[Any, ...]:
        if not isinstance(value, list) or len(value) < min_items:
            many = f"{min_items} {item}{'s' if min_items > 1 else ''}"
            raise FieldError(f"expected a list of at least {many}" if min_items else "expected a list of tables")
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise FieldError(f"{item} {i + 1}: expected a table", (i,))
            values, problems = parse_fields(entry, fields, ctx)
            if problems:
                raise FieldError(f"{item} {i + 1}: {problems[0].message}", (i,) + problems[0].key)
            out.append(build(values))
        return tuple(out)

    return convert


@dataclass(frozen=True, slots=True)
class FieldProblem:
    key: Key
    message: str


def _raise() -> Any:
    raise ValueError


# ---- the schemas --------------------------------------------------------------------------

PLACES = ("track", "treadmill", "path", "hill", "field", "indoors")
LEVELS = ("beginner", "intermediate", "advanced")
EPISODE_TYPES = ("full", "trailer", "bonus")

_REFS = Field("references", references, False, "Studies and sources cited, rendered as a list: authors, title, source (journal or publisher), year, and optional details, doi, url.",
              '\n  - authors: "Roos PE, Barton N, van Deursen RWM"\n    title: "Patellofemoral joint compression forces in backward and forward running"\n    source: "Journal of Biomechanics"\n    year: 2012\n    details: "45(9):1656-1660"\n    doi: "10.1016/j.jbiomech.2012.03.020"', ())
_TAGS = Field("tags", tags, False, "Topics; each gets a page at /tags/<tag>/. Any script works (колено); Knees and knees are one tag; two tags that differ only in punctuation (knee-pain, knee pain) are an error.", "[knees, evidence]", ())
_DRAFT = Field("draft", boolean, False, "true keeps it out of the site and feeds unless built with --drafts.", "false", False)
_TITLE = Field("title", text, True, "The title, without an episode number.", '"Your title"')
_SUMMARY = Field("summary", plain_text, True, "One or two plain sentences (no Markdown): used in lists, feeds and search results.", '"One or two plain sentences."')
_DATE = Field("date", moment, True, "Publication date (YYYY-MM-DD, published at the show's time of day) or a date-time with a zone. A future date stays hidden until that day.", "2026-09-01")

EPISODE: tuple[Field, ...] = (
    _TITLE,
    Field("number", positive_int, True, "Episode number, unique across the show.", "8"),
    Field("season", positive_int, False, "Season number.", "1"),
    _DATE,
    Field("guid", uuid_text, True, "The episode's permanent id in the feed: a UUID made once by `build.py new episode`. Never change it: apps would download the episode again.", '"{uuid}"'),
    _SUMMARY,
    Field("audio", media_ref, True, "The audio file beside this file (e.g. 008-slug.mp3), or an https URL of a file hosted elsewhere.", "{stem}.mp3"),
    Field("duration", clock, False, "Only for remote audio: its length as \"H:MM:SS\" (local files are measured).", '"12:34"'),
    Field("length", byte_length, False, "Only for remote audio: its size in bytes (local files are measured).", "12345678"),
    Field("explicit", boolean, False, "Explicit content; defaults to the podcast's setting in site.toml.", "false"),
    Field("episode_type", one_of(*EPISODE_TYPES), False, "full, trailer or bonus.", "full", "full"),
    _TAGS,
    Field("chapters", chapters, False, "Chapter marks: start (\"M:SS\" or \"H:MM:SS\", quoted, first \"0:00\", ascending) and title.", '\n  - start: "0:00"\n    title: "Introduction"', ()),
    Field("transcript", local_file, False, "A WebVTT (.vtt) or SubRip (.srt) transcript beside this file.", "{stem}.vtt"),
    Field("image", local_file, False, "The episode's own art beside this file (square JPEG or PNG, 1400-3000 px); without it, apps show the show's art.", "{stem}.jpg"),
    _REFS,
    _DRAFT,
)

ARTICLE: tuple[Field, ...] = (
    _TITLE,
    _DATE,
    _SUMMARY,
    Field("author", text, False, "Author's name; defaults to the site's author.", '"Retro Stride"'),
    _TAGS,
    Field("updated", moment, False, "Date of the last substantial change.", "2026-10-01"),
    _REFS,
    _DRAFT,
)

DRILL: tuple[Field, ...] = (
    _TITLE,
    Field("summary", plain_text, True, "The drill's purpose in one sentence.", '"What this drill trains."'),
    Field("level", one_of(*LEVELS), True, "beginner, intermediate or advanced.", "beginner"),
    Field("where", places, True, f"Where to do it: any of {', '.join(PLACES)}.", "[track, path]"),
    Field("dose", text, True, "Time or distance and sets.", '"2 x 5 min, 1 min rest"'),
    Field("cues", nonempty_text_list, True, "Short form cues.", '["Tall posture", "Reach back with the toes"]'),
    Field("safety", nonempty_text_list, True, "Safety points.", '["Clear the lane first"]'),
    Field("progression", text, True, "How to make it harder next time.", '"Add a minute per set."'),
    Field("stop_if", nonempty_text_list, True, "Warning signs to stop.", '["Sharp knee pain"]'),
    Field("equipment", text_list, False, "What to bring.", "[]", ()),
    Field("related", content_refs, False, "Episodes and articles that discuss it, as section/slug.", "[episodes/starting-safely]", ()),
    Field("order", positive_int, True, "Position in the guide, unique.", "9"),
    _DRAFT,
)

PAGE: tuple[Field, ...] = (_TITLE, _SUMMARY, _DRAFT)

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

SESSION: tuple[Field, ...] = (
    Field("day", one_of(*DAYS), True, "Mon, Tue, Wed, Thu, Fri, Sat or Sun.", '"Mon"'),
    Field("drill", text, True, "The drill's slug: its file name in content/drills/ without .md.", "first-steps"),
    Field("dose", text, True, "How much, in the runner's words.", '"2 x 5 min, 1 min forward walking between"'),
)
WEEK: tuple[Field, ...] = (
    Field("week", positive_int, True, "The week's number: 1, 2, 3 and so on, in order.", "1"),
    Field("focus", text, True, "What the week works on.", '"Learn the movement"'),
    Field("sessions", table_list(SESSION, lambda v: Session(**v), "session", 1), True, "At least one: day, drill, dose.",
          '\n  - day: "Mon"\n    drill: first-steps\n    dose: "10 min"'),
)
PROGRAM: tuple[Field, ...] = (
    Field("title", text, True, "The plan's title, shown on the guide page and in its PDFs.", '"Twelve weeks to backward running"'),
    Field("summary", text, True, "What the plan is and how to use it.", '"Four sessions a week, walking first."'),
    Field("updated", moment, True, "The date you last revised the guide's drills or plan: it dates the guide and its PDFs.", "2026-11-24"),
    Field("weeks", table_list(WEEK, lambda v: Week(v["week"], v["focus"], v["sessions"]), "week", 4), True,
          "At least 4 weeks, each with week (its number), focus and sessions (day, drill, dose).",
          '\n  - week: 1\n    focus: "Learn the movement"\n    sessions:\n      - day: "Mon"\n        drill: first-steps\n        dose: "2 x 5 min"'),
)

# ---- applying a schema --------------------------------------------------------------------

def parse_fields(data: Mapping[str, Any], fields: tuple[Field, ...], ctx: Context,
                 assign: str = ": ") -> tuple[dict[str, Any], list[FieldProblem]]:
    """Convert every known key, report unknown and missing ones; never raises for bad input."""
    names = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key in data:
        if key not in names:
            hint = _did_you_mean(key, names) or f"; known keys: {', '.join(names)}"
            problems.append(FieldProblem((key,), f"{key}: unknown key{hint}"))
    for f in fields:
        if f.name not in data or data[f.name] is None:
            if f.required:
                where = (f.name,) if f.name in data else ()
                problems.append(FieldProblem(where, f"{f.name}: required; add e.g. {f.name}{assign}{_example(f)}"))
            else:
                values[f.name] = f.default
            continue
        try:
            values[f.name] = f.convert(data[f.name], ctx)
        except FieldError as exc:
            problems.append(FieldProblem((f.name,) + exc.key, f"{f.name}: {exc}"))
    return values, problems


@functools.lru_cache(maxsize=4096)  # tags repeat across thousands of posts
def tag_key(tag: str) -> str:
    """What makes two spellings one tag: Knees and knees, Straße and STRASSE (Unicode case folding),
    composed and decomposed accents (NFKC)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", " ".join(tag.split())).casefold())


@functools.lru_cache(maxsize=4096)  # tags repeat across thousands of posts
def tag_slug(tag: str) -> str:
    """A tag's folder under /tags/: the letters, marks and digits of any script (колено, straße -> strasse),
    everything else one hyphen. Not for file names, which stay ASCII (slugify)."""
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in tag_key(tag))
    return "-".join(kept.split())


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)  # tags repeat across thousands of posts
def slugify(value: str) -> str:
    return _NOT_SLUG.sub("-", value.lower()).strip("-")


def _example(f: Field) -> str:
    ex = f.example.replace("{uuid}", str(uuid.uuid4())).replace("{stem}", "NNN-slug")
    return ex.splitlines()[0] if not ex.startswith("\n") else "(see docs/authoring.md)"


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(value) if isinstance(value, str) else f"{value}"
