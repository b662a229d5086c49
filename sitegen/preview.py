"""What `serve` shows first: the pages of the files an edit changed, before the rest of the rebuild.

After one edit at 5,000 posts most of a rebuild is bookkeeping over the whole archive (keys of
every page, the feeds, the search index, the sitemap), while the author looks at one page. Once
the site is assembled (so valid), that page is rendered and put in place by itself, and open
pages reload; the full rebuild follows and finds it current. Only for the preview's own output
folder: a build for publishing puts everything in place at once.
"""
from __future__ import annotations

import os
from pathlib import Path

from .assets import read_static
from .cache import DocCache
from .digests import tree_digest
from .load import Loaded
from .models import Site
from .plan import own_pages
from .render import make_environment, render_pages
from .schedule import template_globals
from .urls import Urls

MOST_FIRST = 8  # more changed files than this (a configuration change re-reads them all): no first pass


def changed_sources(loaded: list[Loaded], before: DocCache) -> set[str]:
    """The content files this build parsed again: new, or changed since the last build."""
    return {e.rel for e in loaded if before.docs.get(e.rel) is not e}


def write_first_pages(site: Site, root: Path, out_dir: Path, sources: set[str]) -> tuple[str, ...]:
    """Render the own pages of `sources` and put each in place atomically; their output names.
    Nothing when there are too many, or none."""
    if not sources or len(sources) > MOST_FIRST:
        return ()
    pages = own_pages(site, sources)
    if not pages:
        return ()
    _, fingerprints = read_static(root / "static")
    urls = Urls(site.config.url, fingerprints)
    templates = make_environment(root / "templates", tree_digest(root / "templates"))
    made = render_pages(site, pages, urls, templates, template_globals(site, urls))
    for name, data in made.items():
        _replace(out_dir / name, data)
    return tuple(made)


def _replace(path: Path, data: bytes) -> None:
    """Write beside, then rename over: a page being served is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.first-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
