"""What social sites, search engines and IndieWeb readers read from the pages: Open Graph and Twitter
cards on every page, JSON-LD with linked ids, complete h-entry microformats (parsed with mf2py), and
the small formatting fixes (tables framed for phones, references with one full stop)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.request import urlopen

import mf2py
from lxml import html

from conftest import SAMPLE_BASE
from sitegen.markdown_html import wrap_tables
from sitegen.render import og_locale, sentence_end


def doc(site: Path, page: str) -> html.HtmlElement:
    return html.fromstring((site / page).read_bytes())


def ld(site: Path, page: str) -> dict:
    return json.loads(doc(site, page).xpath("//script[@type='application/ld+json']")[0].text)


def test_every_page_has_image_alt_text_and_a_locale(built_sample: Path):
    pages = sorted(built_sample.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        d = html.fromstring(page.read_bytes())
        meta = {m.get("property") or m.get("name"): m.get("content") for m in d.xpath("//head/meta")}
        name = page.relative_to(built_sample)
        assert meta.get("twitter:image:alt"), f"{name}: no twitter:image:alt"
        assert meta["twitter:image:alt"] == meta["og:image:alt"], name
        assert meta["og:locale"] == "en", name


def test_og_locale_is_language_underscore_territory():
    assert og_locale("en-GB") == "en_GB"
    assert og_locale("en-gb") == "en_GB"
    assert og_locale("pt-BR") == "pt_BR"
    assert og_locale("en") == "en"


def test_episode_pages_are_articles_with_their_own_art(built_sample: Path):
    d = doc(built_sample, "episodes/knees-and-you/index.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in d.xpath("//head/meta")}
    assert meta["og:type"] == "article"
    assert meta["article:published_time"].startswith("2026-03-10")
    assert meta["twitter:image"] == meta["og:image"] == SAMPLE_BASE + "episodes/knees-and-you/002-knees-and-you.jpg"
    assert meta["og:image:alt"] == "Episode art for Knees and you"


def test_json_ld_links_episode_series_season_and_team(built_sample: Path):
    home = ld(built_sample, "index.html")
    assert home["@id"] == SAMPLE_BASE + "#podcast" and home["image"].endswith("img/cover.jpg")
    team = home["author"]
    assert team == {"@type": "Organization", "@id": SAMPLE_BASE + "#team", "name": "Sam Ple", "url": SAMPLE_BASE,
                    "email": "sam@example.com"}
    ep = ld(built_sample, "episodes/first-steps/index.html")
    assert ep["@id"] == SAMPLE_BASE + "episodes/first-steps/#episode"
    assert ep["partOfSeries"]["@id"] == home["@id"] and ep["author"] == {"@id": team["@id"]}
    assert ep["partOfSeason"] == {"@type": "PodcastSeason", "@id": SAMPLE_BASE + "#season-1", "seasonNumber": 1,
                                  "partOfSeries": {"@id": home["@id"]}}
    assert ep["image"] == home["image"]  # no art of its own: the show's cover
    art = ld(built_sample, "episodes/knees-and-you/index.html")
    assert art["image"] == SAMPLE_BASE + "episodes/knees-and-you/002-knees-and-you.jpg"
    article = ld(built_sample, "articles/safety-first/index.html")
    assert article["@id"] == SAMPLE_BASE + "articles/safety-first/#article"
    assert article["author"]["@type"] == "Organization"  # written by the site's author: the team


def test_h_entry_has_name_published_url_and_author(built_sample: Path):
    for page, author in (("episodes/first-steps/index.html", "Sample Show"), ("articles/safety-first/index.html", "Sam Ple")):
        parsed = mf2py.parse(doc=(built_sample / page).read_text(encoding="utf-8"), url=SAMPLE_BASE + page.removesuffix("index.html"))
        entries = [i for i in parsed["items"] if "h-entry" in i["type"]]
        assert len(entries) == 1, page
        props = entries[0]["properties"]
        title = doc(built_sample, page).xpath("//h1")[0].text_content()
        assert props["name"] == [title], page
        assert props["published"][0].startswith("2026-03-0"), page
        assert props["url"] == [SAMPLE_BASE + page.removesuffix("index.html")], page
        assert props["author"][0]["properties"]["name"] == [author], page
        assert props["summary"] and props["content"], page


def test_tables_get_a_focusable_named_frame_and_a_hint_when_wide():
    narrow = "<h2 id='a'>Where &amp; when</h2>\n<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n</table>"
    framed = wrap_tables(narrow)
    assert '<div class="table-wrap" role="region" tabindex="0" aria-label="Table: Where &amp; when (scrolls sideways)">' in framed
    assert "table-hint" not in framed
    wide = "<table>\n<thead>\n<tr>" + "<th>x</th>" * 5 + "</tr>\n</thead>\n</table>"
    assert wrap_tables(wide).startswith('<p class="table-hint" aria-hidden="true">')
    assert 'aria-label="Table (scrolls sideways)"' in wrap_tables(wide)
    assert wrap_tables('<h2>Say "hi"</h2><table><tr><td>1</td></tr></table>').count('aria-label="Table: Say &quot;hi&quot; (scrolls sideways)"') == 1
    assert wrap_tables("<p>No table</p>") == "<p>No table</p>"


def test_a_reference_never_ends_with_two_full_stops(real_site: str):
    assert sentence_end("Uthoff A, et al.") == ""
    assert sentence_end("Does it work?") == ""
    assert sentence_end("Roos PE, Barton N") == "."
    with urlopen(real_site + "articles/evidence-review/") as response:
        text = html.fromstring(response.read()).xpath("string(//section[@class='references'])")
    assert "et al." in text and "et al.." not in text
    assert ".." not in text
