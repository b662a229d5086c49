"""sitegen.parse on in-memory input: front matter text and measured media facts in, items or problems out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import SAMPLE, make_config
from sitegen.frontmatter import parse_yaml
from sitegen.media import AudioInfo, MediaError, TranscriptInfo
from sitegen.models import Article, Cue, Drill, Episode, Page, Program
from sitegen.parse import MediaFacts, parse_article, parse_doc, parse_episode, parse_program
from sitegen.problems import Problem
from sitegen.sources import SourceDoc, parse_source

CONFIG = make_config()  # Europe/London, published at 06:00, under /sample-show/
FOLDER = SAMPLE / "content" / "episodes"
EP = "content/episodes/007-hills.md"

EPISODE = """\
title: "Hills"
number: 7
date: 2026-04-02
guid: "0b0e7e0a-1111-4c2d-8e3f-000000000007"
summary: "Backward up a slope."
audio: 007-hills.mp3
tags: [hills]
"""


def source(front: str, body: str = "Walk [back](/drills/first-walk/).\n", name: str = "007-hills.md",
           section: str = "episodes") -> SourceDoc:
    doc = parse_source(f"---\n{front}---\n{body}", SAMPLE / "content" / section / name, f"content/{section}/{name}", section)
    assert isinstance(doc, SourceDoc), doc
    return doc


def audio(seconds: float = 600.0) -> MediaFacts:
    return MediaFacts(audio={FOLDER / "007-hills.mp3": AudioInfo(123_456, seconds, "audio/mpeg")})


def episode(front: str, facts: MediaFacts | None = None, body: str = "Body.\n") -> tuple[Episode | None, list[Problem]]:
    return parse_episode(source(front, body), CONFIG, audio() if facts is None else facts)


def messages(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in problems]


# ---- episodes ---------------------------------------------------------------------------------

def test_episode_from_text_and_measured_audio():
    ep, problems = episode(EPISODE, body="Walk [back](/drills/first-walk/).\n")
    assert problems == [] and ep is not None
    assert (ep.source, ep.slug, ep.number, ep.title, ep.tags, ep.draft) == (EP, "hills", 7, "Hills", ("hills",), False)
    # A bare date is published at the show's time of day in its zone.
    assert ep.published == datetime(2026, 4, 2, 5, 0, tzinfo=timezone.utc) and ep.published.utcoffset() == timedelta(hours=1)  # BST
    assert ep.audio.href == "episodes/hills/007-hills.mp3" and ep.audio.source == Path("content/episodes/007-hills.mp3")  # project-relative: a moved project keeps its cache
    assert (ep.audio.length, ep.audio.mime, ep.audio.duration) == (123_456, "audio/mpeg", timedelta(minutes=10))
    assert ep.explicit is CONFIG.podcast.explicit and ep.episode_type == "full"
    assert 'href="/sample-show/drills/first-walk/"' in ep.body_html  # site links get the base path


def test_episode_explicit_overrides_the_show():
    ep, _ = episode(EPISODE + f"explicit: {str(not CONFIG.podcast.explicit).lower()}\n")
    assert ep is not None and ep.explicit is not CONFIG.podcast.explicit


def test_local_audio_that_was_not_measured_is_a_problem_at_its_line():
    ep, problems = episode(EPISODE, facts=MediaFacts())
    assert ep is None and messages(problems) == [(7, "audio: 007-hills.mp3 does not exist next to 007-hills.md; add the file or fix the name")]


def test_a_measuring_error_is_reported_as_the_audio_problem():
    ep, problems = episode(EPISODE, facts=MediaFacts(audio={FOLDER / "007-hills.mp3": MediaError("is not an MP3")}))
    assert ep is None and messages(problems) == [(7, "audio: is not an MP3")]


def test_local_audio_refuses_length_and_duration():
    ep, problems = episode(EPISODE + "length: 5\n")
    assert ep is None and messages(problems) == [(9, "length: only for remote audio; the local file is measured, so remove it")]


def test_remote_audio_needs_length_and_duration():
    front = EPISODE.replace("audio: 007-hills.mp3", "audio: https://media.example.com/7.mp3")
    ep, problems = episode(front, facts=MediaFacts())
    assert ep is None and len(problems) == 1 and "needs length and duration" in problems[0].message and problems[0].line == 7
    ep, problems = episode(front + 'length: 999\nduration: "1:02:03"\n', facts=MediaFacts())
    assert problems == [] and ep is not None
    assert (ep.audio.href, ep.audio.source, ep.audio.length, ep.audio.mime) == ("https://media.example.com/7.mp3", None, 999, "audio/mpeg")
    assert ep.audio.duration == timedelta(hours=1, minutes=2, seconds=3)


def test_remote_audio_of_unknown_format():
    front = EPISODE.replace("audio: 007-hills.mp3", "audio: https://media.example.com/7.wav") + 'length: 9\nduration: "1:00"\n'
    ep, problems = episode(front, facts=MediaFacts())
    assert ep is None and "cannot tell the format" in problems[0].message


def test_a_chapter_after_the_audio_ends_is_reported_at_that_chapter():
    front = EPISODE + 'chapters:\n  - start: "0:00"\n    title: "Intro"\n  - start: "10:00"\n    title: "Late"\n'
    ep, problems = episode(front, facts=audio(seconds=599))
    assert ep is None and len(problems) == 1
    assert problems[0].line == 12 and "'Late' starts at 10:00, after the audio ends (9:59)" in problems[0].message
    ep, problems = episode(front, facts=audio(seconds=601))
    assert problems == [] and ep is not None and [c.title for c in ep.chapters] == ["Intro", "Late"]


def test_transcript_from_its_measured_cues():
    cues = (Cue(timedelta(0), timedelta(seconds=2), "Hello"),)
    facts = MediaFacts(audio=audio().audio, transcripts={FOLDER / "007-hills.vtt": TranscriptInfo(cues, 42)})
    ep, problems = episode(EPISODE + "transcript: 007-hills.vtt\n", facts=facts)
    assert problems == [] and ep is not None and ep.transcript is not None
    assert ep.transcript.cues == cues
    assert (ep.transcript.file.href, ep.transcript.file.length, ep.transcript.file.mime) == ("episodes/hills/007-hills.vtt", 42, "text/vtt")


@pytest.mark.parametrize("ref, expected", [
    ("007-hills.txt", "must be a .vtt (WebVTT) or .srt (SubRip) file"),
    ("007-hills.srt", "007-hills.srt does not exist next to 007-hills.md"),
])
def test_transcript_problems(ref: str, expected: str):
    ep, problems = episode(EPISODE + f"transcript: {ref}\n")
    assert ep is None and problems[0].line == 9 and expected in problems[0].message


def test_episode_image():
    facts = MediaFacts(audio=audio().audio, art={FOLDER / "007-hills.png": ((), 2048)})
    ep, problems = episode(EPISODE + "image: 007-hills.png\n", facts=facts)
    assert problems == [] and ep is not None and ep.image is not None
    assert (ep.image.href, ep.image.length, ep.image.mime) == ("episodes/hills/007-hills.png", 2048, "image/png")
    ep, problems = episode(EPISODE + "image: 007-hills.gif\n")
    assert ep is None and [p.message for p in problems] == ["image: 007-hills.gif must be a .jpg or .png file (Apple's rule)",
                                                            "image: 007-hills.gif does not exist; add it beside the Markdown file"]


def test_body_problems_carry_their_line_in_the_file():
    body = "Fine.\n\nHi <script>x()</script>\n"
    ep, problems = episode(EPISODE, body=body)
    # The front matter is lines 1-9 (two fences and seven keys); the body starts on line 10.
    assert ep is None and [p.line for p in problems] == [12] and "<script>" in problems[0].message


def test_every_problem_of_a_file_is_reported_together():
    front = EPISODE.replace("number: 7", "number: seven").replace("audio: 007-hills.mp3\n", "audio: 007-hills.mp3\nlength: 5\n")
    ep, problems = episode(front, body="# Big\n")
    assert ep is None and sorted(p.line for p in problems) == [3, 8, 11]  # number, length, the h1 in the body


# ---- articles, drills, pages ------------------------------------------------------------------

ARTICLE = 'title: "Shoes"\ndate: 2026-05-01\nsummary: "What to wear."\n'


def test_article_defaults_author_and_updated():
    art, problems = parse_article(source(ARTICLE, name="shoes.md", section="articles"), CONFIG, MediaFacts())
    assert problems == [] and art is not None
    assert (art.slug, art.author, art.updated, art.tags, art.draft) == ("shoes", CONFIG.author, art.published, (), False)


def test_article_updated_before_its_date():
    art, problems = parse_article(source(ARTICLE + "updated: 2026-04-01\n", name="shoes.md", section="articles"), CONFIG, MediaFacts())
    assert art is None and messages(problems) == [(5, "updated: earlier than date; it should be the date of a later revision")]


DRILL = ('title: "Walk"\nsummary: "Walk."\nlevel: beginner\nwhere: [track]\ndose: "5 min"\ncues: ["Tall"]\nsafety: ["Look"]\n'
         'progression: "More."\nstop_if: ["Pain"]\norder: 3\n')


@pytest.mark.parametrize("section, name, front, kind", [
    ("episodes", "007-hills.md", EPISODE, Episode),
    ("articles", "shoes.md", ARTICLE, Article),
    ("drills", "walk.md", DRILL, Drill),
    ("pages", "about.md", 'title: "About"\nsummary: "Us."\n', Page),
])
def test_parse_doc_picks_the_section_parser(section: str, name: str, front: str, kind: type):
    item, problems = parse_doc(source(front, name=name, section=section), CONFIG, audio())
    assert problems == [] and type(item) is kind and item.section == section  # type: ignore[union-attr]


def test_a_key_of_another_section_is_unknown():
    item, problems = parse_doc(source(ARTICLE + "order: 1\n", name="shoes.md", section="articles"), CONFIG, MediaFacts())
    assert item is None and problems[0].line == 5 and problems[0].message.startswith("order: unknown key")


# ---- the drill program ------------------------------------------------------------------------

def program(text: str, drills: frozenset[str] = frozenset({"walk", "jog"})) -> tuple[Program | None, list[Problem]]:
    loaded = parse_yaml(text)
    assert not loaded.errors
    return parse_program(loaded.data, loaded.lines, "content/drills/_program.yaml", CONFIG, drills)


def weeks(*sessions: str) -> str:
    return "".join(f"  - week: {i}\n    focus: \"F{i}\"\n    sessions:\n      - {{day: Mon, drill: {s}, dose: \"5 min\"}}\n"
                   for i, s in enumerate(sessions, 1))


PROGRAM = 'title: "Plan"\nsummary: "Four weeks."\nupdated: 2026-03-01\nweeks:\n'


def test_program_from_yaml():
    plan, problems = program(PROGRAM + weeks("walk", "walk", "jog", "jog"))
    assert problems == [] and plan is not None
    assert [(w.number, w.focus, [s.drill for s in w.sessions]) for w in plan.weeks] == [
        (1, "F1", ["walk"]), (2, "F2", ["walk"]), (3, "F3", ["jog"]), (4, "F4", ["jog"])]
    assert plan.updated == datetime(2026, 3, 1, 6, 0, tzinfo=timezone.utc)  # GMT in March


def test_program_problems_with_lines_and_hints():
    text = PROGRAM + weeks("walk", "wlak", "jog", "jog").replace("week: 3", "week: 4")
    plan, problems = program(text)
    assert plan is None
    assert messages(problems) == [(12, "drill: no published drill 'wlak'; did you mean 'walk'?"),
                                  (13, "week: expected 3 (weeks are numbered in order)")]


def test_program_needs_four_weeks_and_a_date():
    plan, problems = program(PROGRAM.replace("updated: 2026-03-01\n", "") + weeks("walk"))
    assert plan is None and [p.message.split(":")[0] for p in problems] == ["updated", "weeks"]
