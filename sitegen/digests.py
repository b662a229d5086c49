"""What each output is made of, as a digest: equal digests mean equal bytes, so the page is not rendered again.

A page that lists items (the archive, a tag, the home page, an episode's neighbours) keys on
each item without its body when no template shows a listed item's body (`bodies_only_on_own_pages`):
then a sentence added to one episode remakes its own page and the feeds, not the archive of
thousands of episodes that shows only its title and summary."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from .fingerprint import digest
from .models import Item, Post, Program, Site, Tag
from .plan import ArticlePage, DocPage, DrillPage, EpisodePage, PageSpec, field_names

# The one field of a page kind that holds the page's own item, whose body it shows; and the
# template that may show it, under that name.
_OWN = {EpisodePage: "episode", ArticlePage: "article", DrillPage: "drill", DocPage: "doc"}
_OWN_BODIES = {("episode.html", "episode"), ("article.html", "article"), ("drill.html", "drill"), ("page.html", "doc")}
_BODY = re.compile(r"(\w*)(\s*\.\s*)?body_html")


class Digests:
    def __init__(self, site: Site, item_digests: dict[str, str], base: str, listings: dict[str, str] | None = None):
        self.site = site
        self.items = item_digests  # source path -> digest of the file and its media
        self.base = base  # configuration, templates, assets, engine
        self.listings = listings  # source path -> digest of the item without its body; None: lists key on whole items
        # In serve mode a "Scheduled" flag appears until the date passes: it depends on the clock.
        posts: list[Post] = [*site.episodes, *site.articles]
        self.scheduled = frozenset(x.source for x in posts if x.published > site.now) if site.include_drafts else frozenset()
        self._memo: dict[tuple[int, bool], tuple[Any, str]] = {}  # lists and tags shared by many pages, by identity
        self._salts: dict[str, str] = {}

    def item(self, x: Item) -> str:
        d = self.items[x.source]
        return d + "s" if x.source in self.scheduled else d

    def listed(self, x: Item) -> str:
        """The item as a page that lists it sees it."""
        if self.listings is None:
            return self.item(x)
        d = "l" + self.listings[x.source]
        return d + "s" if x.source in self.scheduled else d

    def value(self, v: Any, listed: bool = False) -> str:
        if isinstance(v, Item):
            return self.listed(v) if listed else self.item(v)
        if isinstance(v, (tuple, list, Tag)):
            memo = self._memo.get((id(v), listed))
            if memo is not None and memo[0] is v:
                return memo[1]
            if isinstance(v, Tag):
                text = f"tag:{v.slug}:{v.name!r}:{self.value(v.episodes, listed)}:{self.value(v.articles, listed)}"
            else:
                text = "[" + ",".join(self.value(x, listed) for x in v) + "]"
            self._memo[(id(v), listed)] = (v, text)  # holding v keeps its id from being reused
            return text
        if isinstance(v, Program):
            return digest(v)
        return repr(v)

    def shape(self) -> str:
        """Everything that decides which pages the site has and what each shows of the items it
        lists (all but the bodies, when listings leave them out). Between two builds of equal
        shape, only the own pages of items that changed have other keys."""
        s = self.site
        return self.of("shape", self.value(s.episodes, listed=True), self.value(s.articles, listed=True),
                       self.value(s.drills, listed=True), self.value(s.pages, listed=True), self.value(s.program))

    def page(self, page: PageSpec) -> str:
        """One string hashed once, not a digest of nested values: 20,000 pages are keyed per build."""
        kind = page.kind
        own = _OWN.get(type(kind))
        parts = [self.base, page.url, kind.template, repr(page.title), repr(page.description)]
        for name in field_names(type(kind)):
            value = getattr(kind, name)
            parts += (name, self.value(value) if name == own else self.value(value, listed=True))
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

    def of(self, *parts: Any) -> str:
        return digest(self.base, *parts)

    def piece(self, kind: str, x: Item) -> str:
        """The key of what one item alone makes (a feed item, a search entry, a chapters file):
        joined, not hashed, as 20,000 of them are asked for per build."""
        salt = self._salts.get(kind)
        if salt is None:
            salt = self._salts[kind] = self.of("piece", kind)[:16]
        return salt + self.item(x)


def tree_digest(folder: Path) -> str:
    """Every file's name and bytes below a folder (templates are small; read them)."""
    if not folder.is_dir():
        return ""
    return digest(*[(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()])


def bodies_only_on_own_pages(folder: Path) -> bool:
    """True when the only templates that mention `body_html` are the item pages' own, as
    `episode.body_html` in episode.html (and so on): then no page shows the body of an item it
    lists. Any other mention (a partial, a list, `newer.body_html`, a filter) and every page keys
    on whole items, as safe as before."""
    if not folder.is_dir():
        return False
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        for m in _BODY.finditer(text):
            if not m.group(2) or (name, m.group(1)) not in _OWN_BODIES:
                return False
    return True
