"""Markdown to HTML with one reused Python-Markdown instance per process.

Site-absolute links ("/drills/first-steps/") get the site's base path, so content works
when the site lives under a subpath; images without alt text and stray h1s are reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor

_SCRIPT = re.compile(r"<\s*script", re.IGNORECASE)
# "smarty" (curly quotes) alone doubled the time per post, so authors type their own typography.
_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "toc"]
_CONFIG = {"toc": {"permalink": False}}


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    html: str
    links: tuple[str, ...]  # site-absolute links as written, for link checking
    issues: tuple[str, ...]  # messages about the text (missing alt, h1)


class _SiteLinks(Treeprocessor):
    base_path = "/"

    def run(self, root: Element) -> None:
        self.links: list[str] = []
        self.issues: list[str] = []
        for el in root.iter():
            if el.tag == "img" and not (el.get("alt") or "").strip():
                self.issues.append(f"image {el.get('src')!r} has no alt text; describe it: ![what it shows]({el.get('src')})")
            for attr in ("href", "src"):
                value = el.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    self.links.append(value)
                    el.set(attr, self.base_path + value[1:])
            if el.tag == "h1":
                self.issues.append("a '# ' heading in the body; the title is the page's only h1, so start sections with '## '")


class _Renderer:
    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")
        self.links = _SiteLinks(self.md)
        self.md.treeprocessors.register(self.links, "site_links", 1)

    def render(self, text: str, base_path: str) -> RenderedMarkdown:
        self.md.reset()
        self.links.base_path = base_path
        html = self.md.convert(text)
        issues = list(self.links.issues)
        if _SCRIPT.search(text):
            # Feeds carry the notes as HTML; apps strip or refuse scripts, and pages must not run them.
            issues.append("raw <script> in the text; remove it (pages and feeds carry no scripts from content)")
        return RenderedMarkdown(html, tuple(self.links.links), tuple(issues))


_renderer: _Renderer | None = None


def render_markdown(text: str, base_path: str = "/") -> RenderedMarkdown:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer()
    return _renderer.render(text, base_path)
