"""The show's editorial rules: what every published episode, article and drill must be.

The limits are the `[editorial]` table of site.toml (a site without it has only the rule about
the health notice); docs/authoring.md, "Editorial rules", explains each to authors. Drafts are
exempt until they are published, so a half-written draft still previews. Every message names
the rule and the fix, at the line it is about.
"""
from __future__ import annotations

import html
import re

from .config import EditorialConfig
from .problems import Problem
from .sources import SourceDoc

# The templates print the health notice on these pages; typed in a body, a page would carry it twice.
NOTICE_SECTIONS = ("episodes", "articles", "drills")
_NOTICE = re.compile(r"not\s+medical\s+advice", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # "don't" and "warm-up" are one word, as a reader counts


def count_words(body_html: str) -> int:
    """Words of the text a reader sees: Markdown syntax and link addresses do not count."""
    return len(_WORD.findall(html.unescape(_TAG.sub(" ", body_html))))


def editorial_problems(doc: SourceDoc, body_html: str, episode_type: str | None, rules: EditorialConfig) -> list[Problem]:
    """Every rule a published file breaks. `episode_type` is None for anything but an episode."""
    problems = [_typed_notice(doc, n) for n in _notice_lines(doc)] if doc.section in NOTICE_SECTIONS else []
    words = count_words(body_html)
    if doc.section == "episodes" and episode_type != "trailer" and rules.episode_words:
        problems += _length(doc, words, rules.episode_words, "episode_words", "an episode's notes (trailers excepted)")
    if doc.section == "articles" and rules.article_words:
        problems += _length(doc, words, rules.article_words, "article_words", "an article")
    if doc.section == "episodes" and rules.synthetic_voice and "synthetic" not in doc.body.lower():
        problems.append(Problem(doc.rel, doc.body_line, (
            "the notes never say that the voice is synthetic, and every episode must ([editorial] synthetic_voice "
            "in site.toml); add a sentence such as \"The voice in this episode is synthetic: a speech synthesiser "
            "reads the script.\"")))
    return problems


def _notice_lines(doc: SourceDoc) -> list[int]:
    return [doc.body_line + i for i, line in enumerate(doc.body.split("\n")) if _NOTICE.search(line)]


def _typed_notice(doc: SourceDoc, line: int) -> Problem:
    return Problem(doc.rel, line, (
        "\"Not medical advice\" is typed in the body, but the page template already prints the notice once on "
        "every episode, article and drill page; delete it here (keep any advice that follows as a plain sentence)"))


def _length(doc: SourceDoc, words: int, limits: tuple[int, int], key: str, what: str) -> list[Problem]:
    least, most = limits
    if least <= words <= most:
        return []
    fix = f"add about {least - words:,}" if words < least else f"cut about {words - most:,}"
    return [Problem(doc.rel, doc.body_line, (
        f"{words:,} words; {what} must have {least:,}-{most:,} words ([editorial] {key} in site.toml, counted "
        f"as a reader sees the text); {fix} words"))]
