from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sitegen.convert import Context, FieldError, chapters, clock, moment, references, tag_slug, tags
from sitegen.schema import EPISODE, PROGRAM, parse_fields

CTX = Context(ZoneInfo("Europe/London"), time(6, 0))


def test_moment_bare_date_uses_show_time_and_zone():
    assert moment(date(2026, 7, 1), CTX) == datetime(2026, 7, 1, 6, 0, tzinfo=ZoneInfo("Europe/London"))


def test_moment_naive_datetime_is_rejected_with_fix():
    with pytest.raises(FieldError, match="no time zone"):
        moment(datetime(2026, 7, 1, 6, 0), CTX)


def test_moment_before_1900_is_a_typo():
    # Europe/London before 1847 is local mean time, -00:01:15: no publication date is that old.
    with pytest.raises(FieldError, match="1846-05-01 is before 1900"):
        moment(date(1846, 5, 1), CTX)
    with pytest.raises(FieldError, match="before 1900"):
        moment(datetime(1899, 12, 31, 12, 0, tzinfo=timezone.utc), CTX)


@pytest.mark.parametrize("zone, day, offset", [
    ("Europe/Amsterdam", date(1920, 5, 1), "+01:20"),  # +01:19:32, Amsterdam summer time until 1937
    ("Africa/Monrovia", date(1971, 5, 1), "-00:44"),  # -00:44:30 until 1972
    ("Europe/London", date(1900, 1, 1), "+00:00"),
])
def test_moment_offsets_are_whole_minutes_keeping_the_wall_clock(zone: str, day: date, offset: str):
    when = moment(day, Context(ZoneInfo(zone), time(6, 0)))
    assert when.isoformat() == f"{day.isoformat()}T06:00:00{offset}"  # RFC 3339: offsets are hh:mm


def test_moment_text_is_rejected():
    with pytest.raises(FieldError, match="YYYY-MM-DD"):
        moment("next tuesday", CTX)


def test_clock_formats():
    assert clock("1:02:03", CTX) == timedelta(hours=1, minutes=2, seconds=3)
    assert clock("12:34", CTX) == timedelta(minutes=12, seconds=34)
    with pytest.raises(FieldError):
        clock("12:99", CTX)
    with pytest.raises(FieldError, match="quoted"):
        clock(90, CTX)


def test_chapters_must_ascend_and_start_at_zero():
    with pytest.raises(FieldError, match="not after") as exc:
        chapters([{"start": "0:00", "title": "a"}, {"start": "0:00", "title": "b"}], CTX)
    assert exc.value.key == (1,)
    with pytest.raises(FieldError, match="0:00"):
        chapters([{"start": "0:05", "title": "a"}], CTX)


def test_references_need_authors_title_source_year():
    with pytest.raises(FieldError, match="missing source"):
        references([{"authors": "A", "title": "T", "year": 2020}], CTX)
    with pytest.raises(FieldError, match="doi"):
        references([{"authors": "A", "title": "T", "source": "J", "year": 2020, "doi": "https://doi.org/10.1/x"}], CTX)


def test_tags_lowercase_and_unique():
    assert tags(["Knees", "knees", "Balance"], CTX) == ("knees", "balance")


def test_tags_in_any_script_are_tags():
    assert tags(["колено", "Straße", "हिन्दी"], CTX) == ("колено", "straße", "हिन्दी")
    with pytest.raises(FieldError, match="no letters or digits"):
        tags(["ok", "!!!"], CTX)


def test_tag_slug_keeps_letters_of_any_script_casefolded_and_nfkc():
    assert tag_slug("колено") == "колено"
    assert tag_slug("Колено боль") == "колено-боль"
    assert tag_slug("हिन्दी") == "हिन्दी"  # vowel signs and virama are marks: kept, or the word breaks up
    assert tag_slug("Straße") == "strasse" and tag_slug("Stra e") == "stra-e"  # two tags, two pages
    assert tag_slug("caf\u00e9") == tag_slug("cafe\u0301") == "caf\u00e9"  # composed or not: one page, NFC
    assert tag_slug("ＡＢＣ①") == "abc1"  # NFKC: full-width letters and circled digits
    assert tag_slug("Knee_Pain / 2") == "knee-pain-2"  # ASCII tags keep their old slugs


def test_tag_case_variants_are_one_tag():
    # Decided: tags differing only in case (Knees/knees, Straße/STRASSE by Unicode case folding)
    # are the same tag, written as the first spelling, lowercased.
    assert tags(["Straße", "STRASSE", "Knees", "knees"], CTX) == ("straße", "knees")


def test_two_tags_that_would_share_a_page_are_refused():
    with pytest.raises(FieldError, match=r"'knee pain' and 'knee-pain' would share the page tags/knee-pain/") as exc:
        tags(["knee pain", "balance", "knee-pain"], CTX)
    assert exc.value.key == (2,)


def test_parse_fields_unknown_key_suggests_the_right_one():
    _, problems = parse_fields({"titel": "x"}, EPISODE, CTX)
    messages = [p.message for p in problems]
    assert any("did you mean 'title'" in m for m in messages)
    assert any(m.startswith("title: required") for m in messages)


def test_parse_fields_defaults_for_optional_fields():
    data = {"title": "t", "number": 1, "date": date(2026, 1, 1), "guid": "5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11",
            "summary": "s", "audio": "a.mp3"}
    values, problems = parse_fields(data, EPISODE, CTX)
    assert problems == []
    assert values["episode_type"] == "full" and values["tags"] == () and values["draft"] is False


def test_parse_fields_wrong_type_names_field():
    _, problems = parse_fields({"number": "three"}, EPISODE, CTX)
    assert any(p.key == ("number",) and "whole number" in p.message for p in problems)


@pytest.mark.parametrize("field", ["number", "season"])
@pytest.mark.parametrize("value", [0, -2, 1.0, 1.5, -1.5, float("nan"), "1", True, False])
def test_episode_and_season_numbers_are_whole_numbers_from_1(field: str, value: object):
    # The feed writes them as podcast:episode / podcast:season and itunes:episode / itunes:season as given.
    _, problems = parse_fields({field: value}, EPISODE, CTX)
    assert any(p.key == (field,) and "expected a whole number from 1 up" in p.message for p in problems), problems


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "clean"])
def test_episode_explicit_is_true_or_false(value: object):
    _, problems = parse_fields({"explicit": value}, EPISODE, CTX)
    assert any(p.key == ("explicit",) and "expected true or false" in p.message for p in problems), problems


# ---- the drill programme (content/drills/_program.yaml) -----------------------------------

def _program(weeks: int = 4) -> dict:
    session = {"day": "Mon", "drill": "first-steps", "dose": "10 min"}
    return {"title": "Plan", "summary": "Walk.", "updated": date(2026, 11, 24),
            "weeks": [{"week": n, "focus": "Walk", "sessions": [dict(session)]} for n in range(1, weeks + 1)]}


def _program_problems(data: object) -> list[tuple[int, str]]:
    from conftest import make_config
    from sitegen.parse import parse_program

    lines = {("weeks",): 4, ("weeks", 1): 9, ("weeks", 1, "week"): 9, ("weeks", 1, "sessions", 0): 12,
             ("weeks", 1, "sessions", 0, "day"): 12, ("weeks", 1, "sessions", 0, "drill"): 13}
    program, problems = parse_program(data, lines, "_program.yaml", make_config(), frozenset({"first-steps"}))
    assert (program is None) == bool(problems)
    return [(p.line, p.message) for p in problems]


def test_program_reads_weeks_and_sessions():
    values, problems = parse_fields(_program(), PROGRAM, CTX)
    assert problems == []
    assert [w.number for w in values["weeks"]] == [1, 2, 3, 4]
    assert values["weeks"][0].sessions[0].drill == "first-steps"
    assert _program_problems(_program()) == []


@pytest.mark.parametrize("edit, expected", [
    (lambda p: p.update(weeks=p["weeks"][:3]), (4, "weeks: expected a list of at least 4 weeks")),
    (lambda p: p["weeks"][1].update(week=3), (9, "week: expected 2 (weeks are numbered in order)")),
    (lambda p: p["weeks"][1]["sessions"][0].update(day="Mo"), (12, "weeks: week 2: sessions: session 1: day: expected one of Mon, Tue")),
    (lambda p: p["weeks"][1]["sessions"][0].update(drill="first-step"), (13, "drill: no published drill 'first-step'; did you mean 'first-steps'?")),
    (lambda p: p["weeks"][1].update(sessions=[]), (9, "weeks: week 2: sessions: expected a list of at least 1 session")),
    (lambda p: p["weeks"][1]["sessions"][0].pop("dose"), (12, "weeks: week 2: sessions: session 1: dose: required")),
    (lambda p: p.update(level=1), (1, "level: unknown key; known keys: title, summary, updated, weeks")),
    (lambda p: p.pop("updated"), (1, "updated: required; add e.g. updated: 2026-11-24")),
])
def test_program_problems_name_the_line(edit, expected):
    data = _program()
    edit(data)
    ((line, message),) = _program_problems(data)
    assert line == expected[0] and message.startswith(expected[1]), (line, message)


def test_program_must_be_a_mapping():
    assert _program_problems(["weeks"]) == [(1, "expected title, summary, updated and weeks")]
