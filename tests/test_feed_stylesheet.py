"""The podcast feed opened in a browser: <?xml-stylesheet?> points at podcast.xsl, which turns the
feed into a readable page styled like the site (what a feed is, how to subscribe, the episodes),
while apps and validators still read the same feed. Checked with libxslt (lxml) and in Debian's
headless Chromium through Playwright."""
from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from conftest import SAMPLE_BASE
from webserver import serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TITLES = ["A bonus hosted elsewhere", "Knees and you", 'First steps <backward> & "why"']


def test_the_feed_names_its_stylesheet_and_parsers_do_not_mind(built_sample: Path) -> None:
    raw = (built_sample / "podcast.xml").read_bytes()
    lines = raw.split(b"\n")
    assert lines[0] == b"<?xml version='1.0' encoding='UTF-8'?>"
    assert lines[1] == b'<?xml-stylesheet type="text/xsl" href="/sample-show/podcast.xsl"?>'
    assert (built_sample / "podcast.xsl").is_file()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo and [e.title for e in parsed.entries] == TITLES
    assert etree.fromstring(raw).tag == "rss"  # the instruction sits before the root, outside the feed


def test_libxslt_renders_the_page(built_sample: Path) -> None:
    transform = etree.XSLT(etree.parse(str(built_sample / "podcast.xsl")))
    page = html.fromstring(str(transform(etree.parse(str(built_sample / "podcast.xml")))))
    assert page.findtext(".//h1") == "Sample <Stride> & Co: the podcast feed"
    assert [a.text_content() for a in page.xpath("//li[@class='card']/h3/a")] == TITLES
    assert page.xpath("//li[@class='card']/h3/a/@href")[0] == SAMPLE_BASE + "episodes/remote-bonus/"
    meta = [" ".join(p.text_content().split()) for p in page.xpath("//li[@class='card']/p")]
    assert meta[0] == "20 Mar 2026 · 1:02:03 · Download the audio"  # itunes:duration 3723, as the site shows it
    assert meta[2].startswith("03 Mar 2026 · 0:12 ·")
    assert page.xpath("string(//p[@class='feed-url']/code)") == SAMPLE_BASE + "podcast.xml"
    assert page.xpath("//ul[@class='apps']/li/a/text()") == ["Apple Podcasts", "Overcast"]
    css, = page.xpath("//link[@rel='stylesheet']/@href")
    assert (built_sample / css.removeprefix("/sample-show/")).is_file()  # the site's own styles


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: `apt-get install -y chromium` (CI installs it)")
def test_chromium_shows_the_feed_as_a_page(built_sample: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing: pip install -r requirements-dev.txt")
    with serve(built_sample, "/sample-show/") as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.goto(base + "podcast.xml")
            page.wait_for_load_state("load")
            assert page.locator("h1").inner_text() == "Sample <Stride> & Co: the podcast feed"
            assert page.locator("li.card h3 a").all_inner_texts() == TITLES
            assert page.locator(".subscribe").is_visible() and "add by URL" in page.locator(".subscribe").inner_text()
            # the site's stylesheet applied: the cards have its border radius, the page does not scroll sideways
            assert page.locator("li.card").first.evaluate("e => getComputedStyle(e).borderTopLeftRadius") == "10px"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert failed == []
        finally:
            browser.close()
