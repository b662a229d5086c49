"""An episode's <description>: its notes as p, ul, li and a only, under Apple's 4,000 characters,
ending with the chapters as "0:00 Title" lines (what Apple, Spotify and YouTube read as chapters)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lxml import etree

from sitegen.markdown_html import render_markdown
from sitegen.models import Chapter, Episode, Media
from sitegen.shownotes import LIMIT, render_chapter_list, render_description, simple_html

PAGE = "https://example.org/episodes/one/"


def episode(chapters: tuple[Chapter, ...] = ()) -> Episode:
    audio = Media("episodes/one/one.mp3", None, 1000, "audio/mpeg", timedelta(minutes=70))
    return Episode("content/episodes/001-one.md", "one", 1, None, "One", datetime(2026, 1, 1, tzinfo=timezone.utc),
                   "5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11", "Summary.", "", audio, False, "full", (), chapters, None, None,
                   (), False, (), (), None, False)


def tags_in(html: str) -> set[str]:
    return {el.tag for el in etree.fromstring(f"<div>{html}</div>").iter()} - {"div"}


def test_markup_is_reduced_to_paragraphs_lists_and_links() -> None:
    md = ("## A heading\n\nSome **bold** and *italic* text with [a link](https://example.org/x \"t\").\n\n"
          "1. first\n2. second\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- loose\n\n- list\n")
    html = simple_html(render_markdown(md, "/").html)
    assert tags_in(html) <= {"p", "ul", "li", "a"}
    assert "<p>A heading</p>" in html and '<a href="https://example.org/x">a link</a>' in html
    assert "<ul>\n<li>first</li>" in html and "<li>loose</li>" in html and "a quote" in html


def test_chapters_end_the_description_as_timestamp_lines() -> None:
    chapters = (Chapter(timedelta(0), "Introduction"), Chapter(timedelta(seconds=65), "Knees & hips"),
                Chapter(timedelta(hours=1, seconds=5), "Late"))
    ep = episode(chapters)
    text = render_description(ep, "<p>Notes.</p>", PAGE)
    assert text == "<p>Notes.</p>\n" + render_chapter_list(ep)
    assert render_chapter_list(ep).splitlines()[2:5] == ["<li>0:00 Introduction</li>", "<li>1:05 Knees &amp; hips</li>",
                                                       "<li>1:00:05 Late</li>"]
    assert render_description(episode(), "<p>Notes.</p>", PAGE) == "<p>Notes.</p>"


def test_long_notes_keep_whole_blocks_under_the_limit_and_link_the_rest() -> None:
    chapters = tuple(Chapter(timedelta(minutes=i), f"Chapter {i}") for i in range(10))
    paragraphs = "".join(f"<p>{i} {'word ' * 60}</p>\n" for i in range(40))  # about 12,000 characters
    text = render_description(episode(chapters), paragraphs, PAGE)
    assert len(text) <= LIMIT
    assert tags_in(text) <= {"p", "ul", "li", "a"}  # well formed: no block cut in half
    assert f'<p>Full show notes: <a href="{PAGE}">{PAGE}</a></p>' in text
    assert text.endswith(render_chapter_list(episode(chapters)))
    assert text.startswith("<p>0 word") and "<p>39 word" not in text


def test_a_nested_list_stays_whole() -> None:
    html = simple_html("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><p>after</p>")
    text = render_description(episode(), html, PAGE)
    assert text == "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>\n<p>after</p>"
