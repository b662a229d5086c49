"""Markdown to HTML with one reused Python-Markdown instance per process.

Site-absolute links ("/drills/first-steps/") get the site's base path, so content works
when the site lives under a subpath; images without alt text and stray h1s are reported.
The HTML is then sanitized once, here, so pages and both feeds carry the same safe markup,
and whatever the sanitizer took out is reported to the author.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .markdown_inline import use_skipping_inline

# "smarty" (curly quotes) alone doubled the time per post, so authors type their own typography.
_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "toc"]
_CONFIG = {"toc": {"permalink": False}}


# One allow-list for pages and feeds: everything the Markdown above produces, plus the inline
# HTML that prose uses. No scripts, event handlers, styles, forms, frames or embedded SVG.
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "details", "summary",
    "figure", "figcaption", "div", "span", "a", "img", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark",
    "small", "sup", "sub", "abbr", "cite", "q", "dfn", "kbd", "samp", "var", "time", "wbr",
}
_URL_ATTRIBUTES = {"href", "src", "cite"}
_ATTRIBUTES = {
    "*": {"id", "title", "lang"},  # ids come from the toc extension's headings and authors' anchors
    "code": {"class"},  # fenced_code's "language-python"; only styling, and checking it by callback costs 10%
    "a": {"href", "hreflang"}, "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"}, "li": {"value"}, "th": {"colspan", "rowspan", "scope", "align"},
    "td": {"colspan", "rowspan", "align"}, "col": {"span"}, "colgroup": {"span"}, "details": {"open"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"}, "time": {"datetime"},
}
# Exactly what the tables extension writes for :--, :-: and --:, so no other CSS gets in.
_ALIGN = {"style": {f"text-align: {side};" for side in ("left", "center", "right")}}

_CLEANER = nh3.Cleaner(
    tags=_TAGS, attributes=_ATTRIBUTES, tag_attribute_values={"th": _ALIGN, "td": _ALIGN},
    url_schemes={"http", "https", "mailto"},  # relative URLs pass too
    link_rel=None,  # no target= is allowed, so no opener to cut; the referrer policy is the page's, not each link's
    strip_comments=True,
)
# A tag as written, with quoted values that may hold '>': comparing these lists is the fast "nothing removed".
_TAG = re.compile(r"""<[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>""")
# Fenced code blocks and inline code spans in the Markdown text.
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[ \t]*$|(`+)[^\n]*?\2", re.MULTILINE | re.DOTALL)


class _Markup(HTMLParser):
    """Counts elements and attribute values, to tell what the sanitizer removed (not its re-spelling)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[tuple[str, str, str]] = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[(tag, "", "")] += 1
        for name, value in attrs:
            self.found[(tag, name, value or "")] += 1


def _removal_issues(text: str, html: str, clean: str) -> list[tuple[int, str]]:
    """What the sanitizer took out of html, each with its line in the Markdown text."""
    if clean == html or _TAG.findall(clean) == _TAG.findall(html):
        return []
    # Search the text outside code, where "<script>" is only shown: blank code out, keeping the line breaks.
    prose = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text).lower()
    issues: dict[str, int] = {}
    for tag, attr, value in _Markup(html).found - _Markup(clean).found:
        if not attr:
            needle = f"<{tag}"
            message = (f"<{tag}> is not allowed in content and was removed from the page and feeds; "
                       f"delete it, or put it in `backticks` to show it as code")
        elif tag not in _TAGS:
            continue  # the whole element went, and is reported as such
        elif attr in _URL_ATTRIBUTES and attr in _ATTRIBUTES.get(tag, ()):
            needle = value
            message = (f"<{tag} {attr}={value!r}> was removed from the page and feeds; only http:, https:, mailto: "
                       f"and relative links are allowed, so fix or remove it")
        else:
            needle = attr
            message = f"<{tag} {attr}> is not allowed in content and was removed from the page and feeds; delete the {attr} attribute"
        at = prose.find(needle.lower()) if needle else -1
        issues.setdefault(message, text.count("\n", 0, at) + 1 if at >= 0 else 1)
    return sorted((line, message) for message, line in issues.items())


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    html: str  # sanitized
    issues: tuple[tuple[int, str], ...]  # (line in the text, 1-based; message): missing alt, h1, removed HTML


class _SiteLinks(Treeprocessor):
    base_path = "/"

    def run(self, root: Element) -> None:
        self.issues: list[str] = []
        for el in root.iter():
            if el.tag == "img" and not (el.get("alt") or "").strip():
                self.issues.append(f"image {el.get('src')!r} has no alt text; describe it: ![what it shows]({el.get('src')})")
            for attr in ("href", "src"):
                value = el.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    el.set(attr, self.base_path + value[1:])
            if el.tag == "h1":
                self.issues.append("a '# ' heading in the body; the title is the page's only h1, so start sections with '## '")


class _Renderer:
    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")
        use_skipping_inline(self.md)  # the same HTML, a third less time
        self.links = _SiteLinks(self.md)
        self.md.treeprocessors.register(self.links, "site_links", 1)

    def render(self, text: str, base_path: str) -> RenderedMarkdown:
        self.md.reset()
        self.links.base_path = base_path
        html = self.md.convert(text)
        clean = _CLEANER.clean(html)
        issues = [(1, issue) for issue in self.links.issues] + _removal_issues(text, html, clean)
        return RenderedMarkdown(clean, tuple(issues))


_renderer: _Renderer | None = None


def render_markdown(text: str, base_path: str = "/") -> RenderedMarkdown:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer()
    return _renderer.render(text, base_path)


_TABLE_OR_HEADING = re.compile(r"<h[2-6][^>]*>(?P<heading>.*?)</h[2-6]>|<table>.*?</table>", re.DOTALL)
_TAGS_IN_TEXT = re.compile(r"<[^>]+>")
_HINT_COLUMNS = 4  # from four columns on, a table is wider than a phone


def wrap_tables(html: str) -> str:
    """Put each table of sanitized content HTML in a frame that scrolls sideways on a narrow
    screen. The frame takes keyboard focus (so it can be scrolled without a mouse) and is named
    after the heading above the table; wide tables get a visible hint. Pages only: feeds keep
    the plain table."""
    if "<table>" not in html:
        return html
    heading = ""

    def frame(m: re.Match[str]) -> str:
        nonlocal heading
        if m.group("heading") is not None:
            heading = _TAGS_IN_TEXT.sub("", m.group("heading")).strip()
            return m.group()
        table = m.group()
        head = table.split("</tr>", 1)[0]
        columns = head.count("<th") + head.count("<td")
        hint = '<p class="table-hint" aria-hidden="true">Scroll sideways for every column.</p>\n' if columns >= _HINT_COLUMNS else ""
        name = (f"Table: {heading}" if heading else "Table").replace('"', "&quot;")
        return f'{hint}<div class="table-wrap" role="region" tabindex="0" aria-label="{name} (scrolls sideways)">\n{table}\n</div>'

    return _TABLE_OR_HEADING.sub(frame, html)
