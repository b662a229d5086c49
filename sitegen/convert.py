"""Converters: each turns a value an author wrote (YAML front matter, the drill programme,
site.toml) into a typed value, or raises FieldError with a message that says what is wrong
and how to fix it. The schema tables (sitegen/schema.py, sitegen/config.py) name them.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .frontmatter import Key
from .models import Chapter, Reference


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


# ---- converters ---------------------------------------------------------------------------

def text(value: Any, ctx: Context) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"expected text, got {show(value)}; write it in quotes")
    return value.strip()


def plain_text(value: Any, ctx: Context) -> str:
    value = text(value, ctx)
    if "\n\n" in value:
        raise FieldError("expected one short paragraph of plain text; remove the blank line")
    return " ".join(value.split())


def positive_int(value: Any, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FieldError(f"expected a whole number from 1 up, got {show(value)}")
    return value


def boolean(value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"expected true or false, got {show(value)}")
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
        raise FieldError(f"expected a date like 2026-03-01, got {show(value)}; write it unquoted as YYYY-MM-DD")
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
            hint = did_you_mean(str(value), choices)
            raise FieldError(f"expected one of {', '.join(choices)}, got {show(value)}{hint}")
        return value

    convert.__doc__ = " | ".join(choices)
    return convert


def text_list(value: Any, ctx: Context, *, min_items: int = 0) -> tuple[str, ...]:
    if isinstance(value, str):
        raise FieldError(f"expected a list, got the text {show(value)}; write [{value}] or one '- item' per line")
    if not isinstance(value, list):
        raise FieldError(f"expected a list, got {show(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise FieldError(f"item {i + 1}: expected text, got {show(item)}; quote it", (i,))
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
        raise FieldError(f"expected a UUID like {uuid.uuid4()}, got {show(value)}; never change it once published") from None


def clock(value: Any, ctx: Context) -> timedelta:
    """'M:SS', 'MM:SS' or 'H:MM:SS', quoted."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise FieldError(f"got the number {value}; write a quoted time such as \"{value // 60}:{value % 60:02d}\"")
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?", str(value).strip()) if isinstance(value, str) else None
    if not m or int(m.group(3)) > 59 or (m.group(1) is not None and int(m.group(2)) > 59):
        raise FieldError(f"expected a time like \"12:34\" or \"1:02:03\", got {show(value)}")
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
    return tuple(_reference(item, i, ctx) for i, item in enumerate(value))


def _reference(item: Any, i: int, ctx: Context) -> Reference:
    if not isinstance(item, dict):
        raise FieldError(f"reference {i + 1}: expected authors, title, source, year (and details, doi, url)", (i,))
    _reference_keys(item, i)
    year = item["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2100:
        raise FieldError(f"reference {i + 1}: year must be a year like 2016, got {show(year)}", (i, "year"))
    doi = item.get("doi")
    if doi is not None and not (isinstance(doi, str) and re.fullmatch(r"10\.\d{4,9}/\S+", doi)):
        raise FieldError(f"reference {i + 1}: doi must look like 10.1519/JSC.0000000000001153 (no https://doi.org/ prefix)", (i, "doi"))
    url = item.get("url")
    if url is not None:
        url = absolute_url(url, ctx)
    try:
        return Reference(
            authors=text(item["authors"], ctx), title=text(item["title"], ctx), source=text(item["source"], ctx),
            year=year, details=text(item["details"], ctx) if "details" in item else None, doi=doi, url=url,
        )
    except FieldError as exc:
        raise FieldError(f"reference {i + 1}: {exc}", (i,)) from None


def _reference_keys(item: dict[str, Any], i: int) -> None:
    for key in item:
        if key not in _REF_KEYS:
            raise FieldError(f"reference {i + 1}: unknown key {key!r}{did_you_mean(str(key), _REF_KEYS)}", (i, key))
    for key, needed in _REF_KEYS.items():
        if needed and key not in item:
            raise FieldError(f"reference {i + 1}: missing {key}", (i,))


def absolute_url(value: Any, ctx: Context) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme != "https" or not parts.netloc:
        raise FieldError(f"expected an absolute https:// URL, got {show(value)}")
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
        raise FieldError(f"expected a file name beside this file (e.g. 004-hills.mp3) or an https URL, got {show(value)}")
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


def _raise() -> Any:
    raise ValueError


PLACES = ("track", "treadmill", "path", "hill", "field", "indoors")


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


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(value) if isinstance(value, str) else f"{value}"
