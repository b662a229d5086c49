"""What each output is made of, as a digest: equal digests mean equal bytes, so the page is not rendered again."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .fingerprint import digest
from .models import Item, Post, Program, Site, Tag
from .plan import PageSpec


class Digests:
    def __init__(self, site: Site, item_digests: dict[str, str], base: str):
        self.site = site
        self.items = item_digests  # source path -> digest of the file and its media
        self.base = base  # configuration, templates, assets, engine

    def item(self, x: Item) -> str:
        d = self.items[x.source]
        # In serve mode a "Scheduled" flag appears until the date passes: it depends on the clock.
        if self.site.include_drafts and isinstance(x, Post) and x.published > self.site.now:
            d += "s"
        return d

    def value(self, v: Any) -> str:
        if isinstance(v, Item):
            return self.item(v)
        if isinstance(v, (tuple, list)):
            return "[" + ",".join(self.value(x) for x in v) + "]"
        if isinstance(v, Tag):
            return f"tag:{v.slug}:{v.name}:{self.value(v.episodes)}:{self.value(v.articles)}"
        if isinstance(v, Program):
            return digest(v)
        return repr(v)

    def page(self, page: PageSpec) -> str:
        ctx = sorted((k, self.value(v)) for k, v in page.context.items())
        return digest(self.base, page.url, page.template, page.title, page.description, ctx)

    def of(self, *parts: Any) -> str:
        return digest(self.base, *parts)


def tree_digest(folder: Path) -> str:
    """Every file's name and bytes below a folder (templates are small; read them)."""
    if not folder.is_dir():
        return ""
    return digest(*[(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()])
