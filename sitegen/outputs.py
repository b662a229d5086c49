"""The output plan: every file a build may write, as data.

Each `Output` names its path, the key of everything it is made from (equal keys, equal bytes),
how heavy it is to make, and how to make it: a page (rendered in batches with the templates),
a function returning bytes, one returning parts (an archive output: new bytes and ranges of
the last output, see parts.py), or a file published as it is. `plan_outputs` lists them all,
the whole-archive ones planned first by `plan_archives`; nothing here renders, reads the cache or writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Literal, Mapping

from .cache import Entry
from .fingerprint import digest, stat_sig
from .digests import Digests, bodies_only_on_own_pages, tree_digest
from .feeds import atom_posts, build_atom_feed, build_chapters_json, build_robots, build_sitemap
from .freshness import config_key
from .guide import pdf_file_name
from .load import Loaded
from .models import Site
from .parts import Parts
from .pieces import Pieces, build_podcast_feed_reusing, build_search_index_reusing
from .plan import PageSpec, check_unique_outputs, plan_pages
from .urls import Urls

# page: rendered with the others of its batch; small: a few KB, batched; archive: the whole
# archive in one file (feed, search index), a job of its own; pdf: the drill guide, seconds each.
Weight = Literal["page", "small", "archive", "pdf"]
# The pieces an archive output was last made of (feed items, search entries), given its name and key.
PiecesOf = Callable[[str, str], Pieces]


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative to the output folder
    key: str  # digest of everything it is made from
    weight: Weight
    make: Callable[[], bytes] | None = None  # bytes of a generated file
    parts: Callable[[], Parts] | None = None  # a generated file as parts, streamed into place by the writer
    page: PageSpec | None = None  # a page: rendered by the scheduler with the templates
    source: Path | None = None  # a file published as it is
    paper: str | None = None  # a PDF of the drill guide: its paper size


@dataclass(frozen=True, slots=True)
class Plan:
    outputs: tuple[Output, ...]
    pages: tuple[PageSpec, ...]
    urls: Urls
    template_digest: str
    copies: dict[str, Path]  # published path -> source, for the PDF's images
    shape: str  # Digests.shape() of the site, recorded with the keys for the next build


@dataclass(frozen=True, slots=True)
class LastPlan:
    """What the last build recorded, for the page keys of a site of the same shape."""

    shape: str
    outputs: Mapping[str, Entry]  # path -> (key, ...)
    items: Mapping[str, str]  # content file -> digest of its item, as the keys were made from it


@dataclass(frozen=True, slots=True)
class Keys:
    """What the outputs' keys are made from."""

    urls: Urls
    digests: Digests
    template_digest: str


def plan_keys(site: Site, root: Path, loaded: list[Loaded], fingerprints: tuple[tuple[str, str], ...]) -> Keys:
    template_digest = tree_digest(root / "templates")
    listings = {e.rel: e.listing for e in loaded} if bodies_only_on_own_pages(root / "templates") else None
    base = digest(config_key(site.config), template_digest, fingerprints, site.include_drafts)
    return Keys(Urls(site.config.url, fingerprints), Digests(site, {e.rel: e.digest for e in loaded}, base, listings), template_digest)


def plan_archives(site: Site, keys: Keys, pieces_of: PiecesOf) -> tuple[Output, ...]:
    """The whole-archive outputs, the podcast feed and the search index: the slowest to make at
    a large archive's size, and keyed on the items alone, so they may be made while the pages
    are still being planned (see schedule.ahead_of_plan)."""
    c, dig, urls = site.config, keys.digests, keys.urls
    feed_key = dig.of("podcast", dig.value(site.episodes))
    search_key = dig.of("search", dig.value(site.episodes), dig.value(site.articles), dig.value(site.drills))
    return (Output(c.podcast.feed, feed_key, "archive",
                   parts=lambda: build_podcast_feed_reusing(site, urls, pieces_of(c.podcast.feed, feed_key), partial(dig.piece, "item"))),
            Output("search.json", search_key, "archive",
                   parts=lambda: build_search_index_reusing(site, urls, pieces_of("search.json", search_key), partial(dig.piece, "entry"))))


def plan_outputs(site: Site, root: Path, keys: Keys, archives: tuple[Output, ...], copies: dict[str, Path], pdf: bool,
                 last: LastPlan | None = None) -> Plan:
    """Every output of the site; two outputs may never share a path (checked before any page is
    made; whole-archive outputs made ahead meanwhile are thrown away with the rest when it fails)."""
    c, dig = site.config, keys.digests
    pages = plan_pages(site)
    shape = dig.shape()
    page_keys = _page_keys(pages, dig, last if last is not None and last.shape == shape else None)
    outputs = [Output(p.output, page_keys[p.output], "page", page=p) for p in pages]
    outputs += [*archives, *_feeds(site, keys.urls, dig, pages)]
    if pdf:
        guide = page_keys["guide/index.html"]
        outputs += [Output(f"guide/{pdf_file_name(c.guide.pdf_name, paper)}", digest(guide, paper), "pdf", paper=paper)
                    for paper in c.guide.papers]
    media = _local_media(site, root)
    claims = [(o.path, "generated") for o in outputs] + [(n, str(src)) for n, src in [*copies.items(), *media]]
    check_unique_outputs(claims)
    published = {**copies, **dict(media)}
    outputs += [Output(name, digest("copy", stat_sig(src)[1:]), "small", source=src) for name, src in published.items()]
    return Plan(tuple(outputs), tuple(pages), keys.urls, keys.template_digest, published, shape)


def _local_media(site: Site, root: Path) -> list[tuple[str, Path]]:
    """The episodes' audio, transcripts and art kept in the project, by published path: copied as they are."""
    return [(m.href, root / m.source) for ep in site.episodes for m in (ep.audio, ep.transcript.file if ep.transcript else None, ep.image)
            if m is not None and m.source is not None]


def _page_keys(pages: list[PageSpec], dig: Digests, last: LastPlan | None) -> dict[str, str]:
    """Each page's key. Given the last build's, of a site of the same shape, a page keeps its key
    unless its own item changed (an item's pages ask for themselves by its file, `source`):
    whatever else a page shows is in the shape, so one edit does not key every page again."""
    if last is None:
        return {p.output: dig.page(p) for p in pages}
    keys = {}
    for p in pages:
        old = last.outputs.get(p.output)
        own = dig.items.get(p.source)  # None: not an item's page
        keys[p.output] = old[0] if old is not None and (own is None or last.items.get(p.source) == own) else dig.page(p)
    return keys


def _feeds(site: Site, urls: Urls, dig: Digests, pages: list[PageSpec]) -> list[Output]:
    """The small generated files: the Atom feed, the sitemap, robots.txt and each episode's chapters."""
    # The sitemap shows each page's address and the dates of the posts it lists, nothing of a
    # body: a sentence added to one episode leaves it as it is.
    sitemap_key = dig.of("sitemap", [p.url for p in pages if p.in_sitemap],
                         dig.value(site.episodes, listed=True), dig.value(site.articles, listed=True))
    outputs = [
        Output("atom.xml", dig.of("atom", site.modified, dig.value(atom_posts(site))), "small", partial(build_atom_feed, site, urls)),
        Output("sitemap.xml", sitemap_key, "small", partial(build_sitemap, site, pages, urls)),
        Output("robots.txt", dig.of("robots"), "small", partial(build_robots, urls)),
    ]
    outputs += [Output(ep.chapters_url, dig.piece("chapters", ep), "small",
                       partial(build_chapters_json, ep, site, urls)) for ep in site.episodes if ep.chapters]
    return outputs
