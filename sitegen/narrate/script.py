"""The spoken script: an episode's Markdown body as sections of paragraphs of sentences.

The script is "Retro Stride. Episode N: Title." and then the body as plain speakable text;
the text before the first `## ` heading is the "Introduction" section and each `## ` heading
starts a section (the heading is spoken too). The body is rendered by the site's own Markdown
set-up, so the listener hears what the page shows.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from ..markdown_html import render_markdown

SHOW = "Retro Stride"


@dataclass(frozen=True, slots=True)
class Sentence:
    display: str  # as shown in the transcript
    spoken: str  # as given to the synthesiser (ASCII, expanded)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    paragraphs: tuple[tuple[Sentence, ...], ...]


_BLOCK_KIND = {"h2": "h2", "li": "item", "dt": "item", "tr": "item", "p": "para", "dd": "para",
               "blockquote": "para", "h1": "heading", "h3": "heading", "h4": "heading",
               "h5": "heading", "h6": "heading", "table": "para", "ul": "para", "ol": "para",
               "dl": "para", "div": "para"}
_SKIP = {"pre", "script", "style", "img"}


def _is_skipped(tag: str, attrs: dict[str, str | None]) -> bool:
    """Not spoken: code, images, and footnotes in raw HTML (the site's Markdown has no footnote syntax)."""
    if tag in _SKIP:
        return True
    if tag == "sup":
        return (attrs.get("id") or "").startswith("fnref")
    return tag == "div" and "footnote" in (attrs.get("class") or "").split()


class _BlockCollector(HTMLParser):
    """Rendered Markdown to (kind, text) blocks: emphasis and links keep only their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._buf: list[str] = []
        self._kinds: list[str] = ["para"]
        self._skip_tag: str | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if _is_skipped(tag, dict(attrs)):
            if tag != "img":
                self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in ("td", "th", "br", "hr"):
            self._break(tag)
        elif tag in _BLOCK_KIND:
            self._flush()
            kind = _BLOCK_KIND[tag]
            if tag == "p" and self._kinds[-1] == "item":
                kind = "item"  # a loose list item's paragraph
            self._kinds.append(kind)

    def _break(self, tag: str) -> None:
        if tag in ("td", "th"):
            if "".join(self._buf).strip():
                self._buf.append(", ")
            return
        self._buf.append(" ")
        if tag == "hr":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        if tag in _BLOCK_KIND:
            self._flush()
            if len(self._kinds) > 1:
                self._kinds.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf.clear()
        if text:
            self.blocks.append((self._kinds[-1], text))


_ABBREVIATIONS = {"e.g", "i.e", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "al", "fig", "figs",
                  "approx", "cf", "jr", "sr", "ca", "no"}
_SPLIT = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at sentence ends, not after common abbreviations or initials."""
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        before = text[start : m.start() + 1]
        word = re.search(r"([A-Za-z][A-Za-z.]*)\.$", before)
        if word and text[m.start()] == ".":
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or len(w) == 1:
                continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _as_sentence(text: str) -> str:
    text = text.strip().rstrip(":;,").rstrip()
    return text if _TERMINAL.search(text) else text + "."


_UNITS = [  # after a number: (pattern, singular, plural)
    (r"km/h|kph", "kilometre per hour", "kilometres per hour"),
    (r"mph", "mile per hour", "miles per hour"),
    (r"bpm", "beat per minute", "beats per minute"),
    (r"km", "kilometre", "kilometres"),
    (r"cm", "centimetre", "centimetres"),
    (r"mm", "millimetre", "millimetres"),
    (r"kg", "kilogram", "kilograms"),
    (r"lbs?", "pound", "pounds"),
    (r"mi", "mile", "miles"),
    (r"m", "metre", "metres"),
    (r"mins?", "minute", "minutes"),
    (r"secs?|s", "second", "seconds"),
    (r"hrs?|h", "hour", "hours"),
]
_UNIT_RE = re.compile(r"\b(\d+(?:\.\d+)?)\s?(" + "|".join(p for p, _, _ in _UNITS) + r")(?![A-Za-z0-9])")
_WORDS = [
    (r"\be\.g\.,?", "for example,"), (r"\bi\.e\.,?", "that is,"), (r"\bvs\.?(?=\s)", "versus"),
    (r"\bet al\.", "and colleagues"), (r"\bapprox\.", "approximately"), (r"\betc\.", "et cetera."),
    (r"\bcf\.", "compare"), (r"&", " and "), (r"\+", " plus "), (r"=", " equals "),
    (r"/(week|day|hour|minute|min|session|side|leg)\b", r" per \1"),
    (r"/km\b", " per kilometre"), (r"/mi\b", " per mile"),  # paces: 5:30/km, 6 min/km
]
_CHARS = {"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "—": ", ",
          "…": "...", "°": " degrees", "×": " times ", "½": " and a half", "¼": " and a quarter",
          "¾": " and three quarters", "±": " plus or minus ", "≈": " about ", "→": " to ",
          "€": " euros ", "£": " pounds ", "\u00a0": " ", "\u2009": " ", "\u202f": " "}


def _unit(m: re.Match[str]) -> str:
    for pattern, one, many in _UNITS:
        if re.fullmatch(pattern, m.group(2)):
            return f"{m.group(1)} {one if m.group(1) == '1' else many}"
    return m.group(0)  # pragma: no cover


def speakable(text: str) -> str:
    """Display text to what the synthesiser should read: ASCII, units and abbreviations expanded."""
    text = re.sub(r"(\d)\s*[–-]\s*(\d)", r"\1 to \2", text)  # 10-15, 3–4
    text = text.replace("–", ", ")
    text = "".join(_CHARS.get(c, c) for c in text)
    text = re.sub(r"\bhttps?://(?:www\.)?([^/\s]+)\S*", r"\1", text)  # a bare URL: its site only
    text = re.sub(r"\b(\d+)\s?x\s?(\d+)\b", r"\1 times \2", text)  # 2 x 5 min
    for pattern, repl in _WORDS:
        text = re.sub(pattern, repl, text)
    text = _UNIT_RE.sub(_unit, text)
    text = re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", " or ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if ord(c) < 128 and (c.isprintable() or c == " "))
    text = " ".join(text.replace(" ,", ",").split())
    text = text.rstrip(":;,").rstrip()
    return text if re.search(r"[.!?][\"')\]]*$", text) else text + "."


def _sentence(display: str) -> Sentence | None:
    display = _as_sentence(display)
    spoken = speakable(display)
    if not re.search(r"[A-Za-z0-9]", spoken):
        return None
    return Sentence(display, spoken)


def parse_blocks(body: str) -> list[tuple[str, str]]:
    """The body's text blocks as (kind, text), in the site's own Markdown rendering."""
    collector = _BlockCollector()
    collector.feed(render_markdown(body).html)
    collector.close()
    return collector.blocks


def build_script(number: int, title: str, body: str) -> list[Section]:
    """The spoken script as sections of paragraphs of sentences."""
    title_line = f"Episode {number}: {title.strip()}"
    opening = [s for s in (_sentence(f"{SHOW}."), _sentence(title_line)) if s]
    sections: list[tuple[str, list[tuple[Sentence, ...]]]] = [("Introduction", [tuple(opening)])]
    for kind, text in parse_blocks(body):
        if kind == "h2":
            head = _sentence(text)
            sections.append((text.rstrip(":").strip(), [(head,) if head else ()]))
            continue
        parts = [text] if kind == "heading" else split_sentences(text)
        para = tuple(s for s in map(_sentence, parts) if s)
        if para:
            sections[-1][1].append(para)
    return [Section(title, tuple(paragraphs)) for title, paragraphs in sections]


def spoken_texts(sections: list[Section]) -> list[str]:
    """Every distinct text to synthesise, in a fixed order."""
    return sorted({s.spoken for sec in sections for para in sec.paragraphs for s in para})
