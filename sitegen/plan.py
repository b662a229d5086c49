"""Decide every page the site has: output path, template and what it shows."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Site
from .problems import BuildError, Problem


@dataclass(frozen=True, slots=True)
class PageSpec:
    url: str  # site-relative URL, e.g. "episodes/knee-load/"
    template: str
    source: str  # what asked for it, for collision messages
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    title: str = ""
    description: str = ""
    in_sitemap: bool = True

    @property
    def output(self) -> str:
        """The file it is written to, relative to the output folder."""
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url


def plan_pages(site: Site) -> list[PageSpec]:
    c = site.config
    pages = [
        PageSpec("", "home.html", "the home page", {"latest_episodes": site.episodes[:4], "latest_articles": site.articles[:4],
                                                    "program": site.program, "drills": site.drills}, c.title, c.description),
        PageSpec("episodes/", "episode_list.html", "the episode archive", {"episodes": site.episodes}, "Episodes",
                 f"Every episode of {c.title}, newest first, with show notes, chapters and transcripts."),
        PageSpec("articles/", "article_list.html", "the article list", {"articles": site.articles}, "Articles",
                 f"Articles from {c.title} on backward walking and running for runners."),
        PageSpec("tags/", "tags.html", "the tag index", {"tags": site.tags}, "Topics", f"Every topic on {c.title}."),
        PageSpec("drills/", "drill_list.html", "the drill list", {"drills": site.drills}, "Drills",
                 "Backward walking and running drills, from first steps to intervals, with doses, cues and safety notes."),
        PageSpec("guide/", "guide.html", "the drill guide", {"drills": site.drills, "program": site.program, "modified": site.program.updated},
                 site.program.title,
                 site.program.summary),
        PageSpec("search/", "search.html", "the search page", {}, "Search", f"Search the episodes and articles of {c.title}."),
        PageSpec("404.html", "404.html", "the not-found page", {}, "Page not found", "This page does not exist.", in_sitemap=False),
    ]
    episodes = site.episodes
    for i, ep in enumerate(episodes):
        newer = episodes[i - 1] if i > 0 else None
        older = episodes[i + 1] if i + 1 < len(episodes) else None
        drills = tuple(d for d in site.drills if f"episodes/{ep.slug}" in d.related)
        pages.append(PageSpec(f"episodes/{ep.slug}/", "episode.html", ep.source,
                              {"episode": ep, "newer": newer, "older": older, "drills": drills}, ep.title, ep.summary))
        if ep.transcript:
            pages.append(PageSpec(f"episodes/{ep.slug}/transcript/", "transcript.html", ep.source, {"episode": ep},
                                  f"Transcript: {ep.title}", f"Full transcript of the episode {ep.title}."))
    for a in site.articles:
        drills = tuple(d for d in site.drills if f"articles/{a.slug}" in d.related)
        pages.append(PageSpec(f"articles/{a.slug}/", "article.html", a.source, {"article": a, "drills": drills}, a.title, a.summary))
    for d in site.drills:
        related = tuple(x for x in site.episodes + site.articles if f"{x.section}/{x.slug}" in d.related)
        pages.append(PageSpec(f"drills/{d.slug}/", "drill.html", d.source, {"drill": d, "related": related}, d.title, d.summary))
    for t in site.tags:
        pages.append(PageSpec(f"tags/{t.slug}/", "tag.html", f"tag {t.name!r}", {"tag": t}, f"Topic: {t.name}",
                              f"Episodes and articles about {t.name}."))
    for p in site.pages:
        pages.append(PageSpec(f"{p.slug}/", "page.html", p.source, {"doc": p}, p.title, p.summary))
    check_unique_outputs([(p.output, p.source) for p in pages])
    return pages


def check_unique_outputs(claims: list[tuple[str, str]]) -> None:
    """Two sources may never write one output file; the later one would silently win."""
    owner: dict[str, str] = {}
    problems = []
    for path, source in claims:
        if path in owner:
            problems.append(Problem(source if "/" in source else owner[path], 0,
                                    f"would write {path}, which {owner[path]} writes too; rename one of them"))
        else:
            owner[path] = source
    if problems:
        raise BuildError(problems)
