"""An episode's <description> for podcast apps: its show notes as the simple HTML every app shows
(p, ul, li and a only), under Apple's 4,000 characters, ending with its chapters as "0:00 Title"
lines, which Apple (three or more), Spotify and YouTube turn into chapters. The full notes go
in content:encoded."""
from __future__ import annotations

import re
from html import escape
from typing import Final

import nh3
from lxml import etree
from lxml.html import fragments_fromstring

from .models import Episode

LIMIT: Final = 4000  # Apple's limit on an episode description, in characters
_ALLOWED: Final = {"p", "ul", "li", "a"}
# Headings and other blocks become paragraphs, ordered lists bulleted ones: their text stays,
# on lines of their own, instead of running into the next sentence.
_AS_P = re.compile(r"<(/?)(?:h[1-6]|blockquote|figcaption|dt|dd|pre|table|tr)\b[^>]*>")
_AS_UL = re.compile(r"<(/?)ol\b[^>]*>")


def render_description(ep: Episode, notes_html: str, page_url: str) -> str:
    """The description: as many whole paragraphs and lists of the notes as fit, a link to the
    rest when some did not, and the chapter list."""
    chapters = render_chapter_list(ep)
    more = f'<p>Full show notes: <a href="{escape(page_url)}">{escape(page_url)}</a></p>'
    blocks = _blocks(simple_html(notes_html))
    kept: list[str] = []
    budget = LIMIT - len(chapters) - len(more) - 2  # the two newlines around them
    for block in blocks:
        if len(block) + 1 > budget:
            break
        kept.append(block)
        budget -= len(block) + 1
    cut = len(kept) < len(blocks)
    return "\n".join(kept + ([more] if cut else []) + ([chapters] if chapters else []))


def _blocks(html: str) -> list[str]:
    """The top-level paragraphs and lists, each whole (nested lists stay inside theirs)."""
    if not html:
        return []
    out = []
    for part in fragments_fromstring(html):
        if isinstance(part, str):
            out.append(f"<p>{escape(part.strip(), quote=False)}</p>" if part.strip() else "")
            continue
        tail, part.tail = part.tail, None
        out.append(etree.tostring(part, encoding="unicode", method="html"))
        if tail and tail.strip():
            out.append(f"<p>{escape(tail.strip(), quote=False)}</p>")
    return [b for b in out if b]


def simple_html(html: str) -> str:
    """Rendered notes reduced to p, ul, li and a (with href only); other markup keeps its text."""
    html = _AS_UL.sub(r"<\1ul>", _AS_P.sub(r"<\1p>", html))
    cleaned: str = nh3.clean(html, tags=_ALLOWED, attributes={"a": {"href"}}, attribute_filter=_href_only, link_rel=None,
                             strip_comments=True)
    # A paragraph inside a list item (loose Markdown lists) is just its text there.
    cleaned = re.sub(r"<li>\s*<p>(.*?)</p>\s*</li>", r"<li>\1</li>", cleaned, flags=re.S)
    return re.sub(r"<p>\s*</p>", "", cleaned).strip()


def _href_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps lang and title on every element; apps want a bare href."""
    return value if (tag, attribute) == ("a", "href") else None


def render_chapter_list(ep: Episode) -> str:
    """The chapters as "0:00 Title" lines, the timestamps apps look for; empty without chapters."""
    if not ep.chapters:
        return ""
    lines = "\n".join(f"<li>{ch.clock} {escape(ch.title, quote=False)}</li>" for ch in ep.chapters)
    return f"<p>Chapters:</p>\n<ul>\n{lines}\n</ul>"
