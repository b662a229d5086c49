"""The schema of every file an author writes, in one place: front matter of each content kind
and the drill programme (site.toml's tables are in sitegen/config.py).

Each field names its converter (sitegen/convert.py). The same table drives validation,
generates the authoring reference and the `new` command's templates.
"""
from __future__ import annotations

from .convert import (
    PLACES, boolean, byte_length, chapters, clock, content_refs, local_file, media_ref, moment, nonempty_text_list, one_of, places, plain_text, positive_int, references, tags, text, text_list,
    uuid_text,
)
from .fields import Field, FieldProblem, parse_fields, table_list
from .models import Session, Week
from .podcast_fields import EPISODE_PODCAST_FIELDS

__all__ = ["ARTICLE", "DRILL", "EPISODE", "PAGE", "PROGRAM", "SESSION", "WEEK", "Field", "FieldProblem", "parse_fields", "table_list"]


# ---- the schemas --------------------------------------------------------------------------

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
    Field("episode_type", one_of(*EPISODE_TYPES), False, "full, trailer or bonus. A trailer is also announced on the channel as `podcast:trailer`.", "full", "full"),
    _TAGS,
    Field("chapters", chapters, False, "Chapter marks: start (\"M:SS\" or \"H:MM:SS\", quoted, first \"0:00\", ascending) and title.", '\n  - start: "0:00"\n    title: "Introduction"', ()),
    Field("transcript", local_file, False, "A WebVTT (.vtt) or SubRip (.srt) transcript beside this file.", "{stem}.vtt"),
    Field("image", local_file, False, "The episode's own art beside this file (square JPEG or PNG, 1400-3000 px); without it, apps show the show's art.", "{stem}.jpg"),
    _REFS,
    *EPISODE_PODCAST_FIELDS,
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
