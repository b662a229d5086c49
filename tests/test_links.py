"""Crawl the built sample site under its subpath and follow every internal link and asset."""
from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

from conftest import SAMPLE_BASE
from webserver import serve


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])  # type: ignore[arg-type]
        if a.get("id"):
            self.ids.add(a["id"])  # type: ignore[arg-type]


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read(), r.headers.get_content_type()
    except urllib.error.HTTPError as e:
        return e.code, b"", ""


def test_every_internal_link_resolves_under_the_subpath(built_sample: Path):
    with serve(built_sample, "/sample-show/") as base:
        origin = f"{urlsplit(base).scheme}://{urlsplit(base).netloc}"
        todo, seen, broken, pages = [base], set(), [], 0
        fragments: list[tuple[str, str, str]] = []
        ids: dict[str, set[str]] = {}
        # Absolute URLs in the sitemap and feeds name the public host; map them onto the test server.
        sitemap = etree.fromstring((built_sample / "sitemap.xml").read_bytes())
        todo += [loc.text.replace(SAMPLE_BASE, base) for loc in sitemap.iter("{*}loc")]
        feed = etree.fromstring((built_sample / "podcast.xml").read_bytes())
        todo += [e.get("url").replace(SAMPLE_BASE, base) for e in feed.iter("enclosure") if e.get("url").startswith(SAMPLE_BASE)]
        todo += [e.get("url", e.get("href", "")).replace(SAMPLE_BASE, base) for e in feed.iter("{*}transcript", "{*}chapters", "{*}image")
                 if (e.get("url") or e.get("href", "")).startswith(SAMPLE_BASE)]
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            status, body, ctype = fetch(url)
            if status != 200:
                broken.append(url)
                continue
            if ctype != "text/html":
                continue
            pages += 1
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            ids[url] = parser.ids
            for link in parser.links:
                absolute = urljoin(url, link)
                if not absolute.startswith(origin):
                    continue
                target, frag = urldefrag(absolute)
                assert target.startswith(base), f"{url} links outside the site's subpath: {link}"
                if frag and not frag.startswith("t="):
                    fragments.append((url, target, frag))
                todo.append(target)
        assert not broken, f"broken links: {sorted(broken)}"
        for page, target, frag in fragments:
            assert frag in ids.get(target, set()), f"{page} links to #{frag}, which {target} lacks"
        assert pages >= 20


def test_404_page_uses_absolute_asset_paths(built_sample: Path):
    html = (built_sample / "404.html").read_text()
    assert 'href="/sample-show/css/site.' in html and 'href="/sample-show/"' in html
