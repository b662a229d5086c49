"""sitegen.plan on an in-memory site: every page's output file, template and context; collisions."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sitegen.models import Media, Site, Transcript
from sitegen.plan import ArticlePage, DrillPage, EpisodePage, PageSpec, plan_pages
from sitegen.problems import BuildError
from test_assemble import article, assemble, drill, episode, page


def by_output(pages: list[PageSpec]) -> dict[str, PageSpec]:
    return {p.output: p for p in pages}


def small_site() -> Site:
    with_transcript = replace(episode(2, "two", "2026-03-02", "tags: [knees]"),  # type: ignore[type-var]
                              transcript=Transcript(Media("episodes/two/002-two.vtt", Path("002-two.vtt"), 1, "text/vtt", timedelta(0)), ()))
    return assemble(episode(1, "one", "2026-03-01"), with_transcript, episode(3, "three", "2026-03-03"),
                    article("shoes", extra="tags: [knees, gear]"), drill("hop", 1, "related: [episodes/two, articles/shoes]"),
                    page("about"))


def test_every_page_of_a_site_and_its_template():
    pages = plan_pages(small_site())
    assert sorted((p.output, p.template) for p in pages) == [
        ("404.html", "404.html"),
        ("about/index.html", "page.html"),
        ("articles/index.html", "article_list.html"),
        ("articles/shoes/index.html", "article.html"),
        ("drills/hop/index.html", "drill.html"),
        ("drills/index.html", "drill_list.html"),
        ("drills/walk/index.html", "drill.html"),
        ("episodes/index.html", "episode_list.html"),
        ("episodes/one/index.html", "episode.html"),
        ("episodes/three/index.html", "episode.html"),
        ("episodes/two/index.html", "episode.html"),
        ("episodes/two/transcript/index.html", "transcript.html"),  # only the episode with a transcript
        ("guide/index.html", "guide.html"),
        ("index.html", "home.html"),
        ("people/sam-ple/index.html", "person.html"),  # the show's host (site.toml), in every episode
        ("podcast.xsl", "podcast_xsl.xml"),  # what a browser shows for the feed
        ("search/index.html", "search.html"),
        ("tags/gear/index.html", "tag.html"),
        ("tags/index.html", "tags.html"),
        ("tags/knees/index.html", "tag.html"),
    ]
    assert [p.output for p in pages if not p.in_sitemap] == ["404.html", "podcast.xsl"]
    assert len({p.output for p in pages}) == len(pages)


def test_output_file_of_a_url():
    assert [PageSpec(url, "t.html", "s").output for url in ("", "a/", "a/b/", "404.html")] == [
        "index.html", "a/index.html", "a/b/index.html", "404.html"]


def test_episode_pages_link_their_neighbours_and_drills():
    pages = by_output(plan_pages(small_site()))
    ctx = {slug: pages[f"episodes/{slug}/index.html"].context for slug in ("one", "two", "three")}
    neighbours = {slug: (c["newer"] and c["newer"].slug, c["older"] and c["older"].slug) for slug, c in ctx.items()}
    assert neighbours == {"three": (None, "two"), "two": ("three", "one"), "one": ("two", None)}
    assert [d.slug for d in ctx["two"]["drills"]] == ["hop"] and ctx["one"]["drills"] == ()
    assert [d.slug for d in pages["articles/shoes/index.html"].context["drills"]] == ["hop"]
    hop = pages["drills/hop/index.html"]
    assert [x.slug for x in hop.context["related"]] == ["two", "shoes"] and (hop.title, hop.source) == ("hop", "content/drills/hop.md")


def test_lists_and_titles():
    site = small_site()
    pages = by_output(plan_pages(site))
    assert [e.slug for e in pages["index.html"].context["latest_episodes"]] == ["three", "two", "one"]
    assert pages["index.html"].title == site.config.title and pages["guide/index.html"].title == site.program.title
    assert pages["tags/knees/index.html"].title == "Topic: knees"
    assert pages["episodes/two/transcript/index.html"].title == "Transcript: Episode 2"
    assert [t.slug for t in pages["tags/index.html"].context["tags"]] == ["gear", "knees"]


def test_home_shows_the_four_latest():
    site = assemble(*(episode(n, f"e{n}", f"2026-03-{n:02d}") for n in range(1, 7)))
    assert [e.number for e in by_output(plan_pages(site))["index.html"].context["latest_episodes"]] == [6, 5, 4, 3]


@pytest.mark.parametrize("slug, owner", [("episodes", "the episode archive"), ("tags", "the tag index"),
                                         ("guide", "the drill guide"), ("search", "the search page")])
def test_a_page_that_would_overwrite_a_section_page(slug: str, owner: str):
    with pytest.raises(BuildError) as caught:
        plan_pages(assemble(page(slug)))
    assert [str(p) for p in caught.value.problems] == [
        f"content/pages/{slug}.md: would write {slug}/index.html, which {owner} writes too; rename one of them"]


def test_own_pages_are_those_plan_pages_makes_for_that_file():
    """serve shows an edited file's own pages first (sitegen/preview.py): the same pages, with the same
    neighbours, drills and people, as the full plan gives it."""
    from sitegen.plan import own_pages

    site = small_site()
    full = plan_pages(site)
    sources = sorted({x.source for x in (*site.episodes, *site.articles, *site.drills, *site.pages)})
    assert len(sources) >= 6
    for source in sources:
        own = own_pages(site, {source})
        expected = [p for p in full if p.source == source]
        assert [(p.output, p.template, p.title, p.description, p.context) for p in own] == \
               [(p.output, p.template, p.title, p.description, p.context) for p in expected], source
    assert {p.output for p in own_pages(site, {"content/episodes/002-two.md"})} == {
        "episodes/two/index.html", "episodes/two/transcript/index.html"}
    assert own_pages(site, set()) == []


def test_drills_and_posts_are_linked_as_a_scan_of_every_pair_links_them():
    site = small_site()
    for p in plan_pages(site):
        k = p.kind
        if isinstance(k, (EpisodePage, ArticlePage)):
            item = k.episode if isinstance(k, EpisodePage) else k.article
            assert k.drills == tuple(d for d in site.drills if item.ref in d.related)
        elif isinstance(k, DrillPage):
            assert k.related == tuple(x for x in site.episodes + site.articles if x.ref in k.drill.related)
    hop = next(p.kind for p in plan_pages(site) if p.output == "drills/hop/index.html")
    assert [x.slug for x in hop.related] == ["two", "shoes"]  # type: ignore[union-attr]
