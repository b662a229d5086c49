"""Pages as typed kinds: every item's page sits at the item's own URL, and what reads a page
(template variables, JSON-LD, sitemap dates) follows from its kind."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from conftest import FIXED_NOW, build_site, copy_sample
from sitegen.feeds import _lastmod
from sitegen.models import Site
from sitegen.pipeline import BuildOptions, check
from sitegen.plan import (ArticlePage, DocPage, DrillPage, EpisodePage, HomePage, PageSpec, PersonPage, TagPage,
                          TranscriptPage, plan_pages)
from sitegen.seo import structured_data
from sitegen.urls import Urls


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = copy_sample(tmp_path_factory.mktemp("plan") / "site")
    site = check(BuildOptions(root=root, now=FIXED_NOW, cache=False)).site
    assert site is not None
    return site


def by_url(site: Site) -> dict[str, PageSpec]:
    return {p.url: p for p in plan_pages(site)}


def test_every_item_has_its_page_at_its_url(site: Site):
    pages = by_url(site)
    for i, ep in enumerate(site.episodes):
        assert pages[ep.url].kind == EpisodePage(ep, site.episodes[i - 1] if i else None,
                                                 site.episodes[i + 1] if i + 1 < len(site.episodes) else None,
                                                 pages[ep.url].context["drills"], pages[ep.url].context["people"])
        assert (ep.transcript_page_url in pages) == (ep.transcript is not None)
    assert any(ep.transcript for ep in site.episodes)
    for kind, items in ((ArticlePage, site.articles), (DrillPage, site.drills), (TagPage, site.tags), (DocPage, site.pages)):
        assert items
        for x in items:
            assert isinstance(pages[x.url].kind, kind)
    assert {ep.url for ep in site.episodes} == {f"episodes/{ep.slug}/" for ep in site.episodes}
    assert {p.url for p in site.pages} == {f"{p.slug}/" for p in site.pages}


def test_a_drill_and_its_related_posts_link_both_ways(site: Site):
    pages = by_url(site)
    for d in site.drills:
        related = pages[d.url].context["related"]
        assert [x.ref for x in related] == [r for r in [x.ref for x in site.episodes + site.articles] if r in d.related]
        for x in related:
            assert d in pages[x.url].context["drills"]
    assert any(d.related for d in site.drills)


def test_the_kind_gives_the_template_and_its_variables(site: Site):
    pages = by_url(site)
    ep = site.episodes[0]
    assert pages[ep.url].template == "episode.html"
    assert set(pages[ep.url].context) == {"episode", "newer", "older", "drills", "people"}
    assert pages[ep.url].context["episode"] is ep
    assert pages[""].template == "home.html" and isinstance(pages[""].kind, HomePage)
    assert set(pages[""].context) == {"latest_episodes", "latest_articles", "program", "drills"}
    assert pages["guide/"].context["modified"] == site.program.updated
    assert pages["search/"].context == {} and pages["404.html"].output == "404.html"


def test_structured_data_and_sitemap_dates_follow_the_kind(site: Site):
    pages, urls = by_url(site), Urls(site.config.url)
    ep = next(e for e in site.episodes if e.transcript)
    transcript = pages[ep.transcript_page_url]
    assert isinstance(transcript.kind, TranscriptPage)
    assert structured_data(transcript, site, urls) is None  # the episode's own page describes it
    assert structured_data(pages[ep.url], site, urls)["url"] == urls.absolute(ep.url)  # type: ignore[index]
    assert _lastmod(transcript, site.modified) == ep.updated
    article = site.articles[0]
    assert structured_data(pages[article.url], site, urls)["@type"] == "Article"  # type: ignore[index]
    tag = site.tags[0]
    assert _lastmod(pages[tag.url], site.modified) == max(x.updated for x in tag.episodes + tag.articles)
    assert _lastmod(pages[site.drills[0].url], site.modified) == site.modified


def test_an_episode_has_one_label_on_every_page(tmp_path: Path):
    """A bonus episode is "Bonus" in the lists too, not "Episode 1" there and "Bonus" on its page."""
    root = copy_sample(tmp_path / "site")
    md = root / "content/episodes/001-first-steps.md"
    md.write_text(md.read_text().replace("episode_type: full", "episode_type: bonus"))
    build_site(root)
    out = root / "_site"

    def meta(page: str, link: str | None = None) -> list[str]:
        doc = html.fromstring((out / page).read_text())
        scope = doc.xpath(f"//li[.//a[@href='{link}']]") if link else [doc]
        return [p.text_content().split(" · ")[0] for s in scope for p in s.xpath(".//p[@class='meta']")]

    link = "/sample-show/episodes/first-steps/"
    assert meta("episodes/index.html", link) == ["Bonus"]
    assert meta("index.html", link) == ["Bonus"]
    assert meta("episodes/first-steps/index.html") == ["Bonus"]
    assert meta("episodes/first-steps/transcript/index.html") == ["Bonus"]
    assert meta("episodes/knees-and-you/index.html") == ["Trailer"]  # the sample's trailer keeps its own label


def test_people_have_pages_listing_their_episodes_and_episodes_list_their_people(site: Site):
    pages = by_url(site)
    people = {p.url: p for p in pages.values() if isinstance(p.kind, PersonPage)}
    assert set(people) == {"people/sam-ple/", "people/gus-test/", "people/ed-itor/"}
    by_slug = {ep.slug: ep for ep in site.episodes}
    host = people["people/sam-ple/"].kind
    assert isinstance(host, PersonPage) and host.episodes == site.episodes  # the show's own: in every episode
    guest = people["people/gus-test/"].kind
    assert isinstance(guest, PersonPage) and [ep.slug for ep in guest.episodes] == ["remote-bonus"]
    assert guest.person.role == "guest" and guest.person.group == "cast"
    assert [p.name for p in pages[by_slug["remote-bonus"].url].context["people"]] == ["Sam Ple", "Gus Test", "Ed Itor"]
    assert [p.name for p in pages[by_slug["first-steps"].url].context["people"]] == ["Sam Ple"]
    assert _lastmod(people["people/gus-test/"], site.modified) == by_slug["remote-bonus"].updated
    assert all(p.in_sitemap for p in people.values())
