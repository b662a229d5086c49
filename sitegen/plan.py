"""Decide every page the site has: output path, what kind of page it is and what it shows."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Callable, ClassVar, Collection

from .models import Article, Drill, Episode, Page, Person, Post, Program, Site, Tag
from .problems import BuildError, Problem

FEED_STYLESHEET = "podcast.xsl"  # beside the feed: browsers apply XSLT only from the feed's own origin

# Each kind of page is a type: its fields are the variables its template receives, so code that
# asks "is this an episode's page?" matches on the type (seo, sitemap dates) and mypy checks it.


@dataclass(frozen=True, slots=True)
class HomePage:
    template: ClassVar[str] = "home.html"
    latest_episodes: tuple[Episode, ...]
    latest_articles: tuple[Article, ...]
    program: Program
    drills: tuple[Drill, ...]


@dataclass(frozen=True, slots=True)
class EpisodeListPage:
    template: ClassVar[str] = "episode_list.html"
    episodes: tuple[Episode, ...]


@dataclass(frozen=True, slots=True)
class ArticleListPage:
    template: ClassVar[str] = "article_list.html"
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class TagListPage:
    template: ClassVar[str] = "tags.html"
    tags: tuple[Tag, ...]


@dataclass(frozen=True, slots=True)
class DrillListPage:
    template: ClassVar[str] = "drill_list.html"
    drills: tuple[Drill, ...]


@dataclass(frozen=True, slots=True)
class GuidePage:
    template: ClassVar[str] = "guide.html"
    drills: tuple[Drill, ...]
    program: Program
    modified: datetime


@dataclass(frozen=True, slots=True)
class SearchPage:
    template: ClassVar[str] = "search.html"


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    template: ClassVar[str] = "404.html"


@dataclass(frozen=True, slots=True)
class FeedStylesheetPage:
    """The XSLT stylesheet a browser applies to the podcast feed (<?xml-stylesheet?>): it turns the
    feed into a readable page; apps and validators read the feed and ignore it."""

    template: ClassVar[str] = "podcast_xsl.xml"


@dataclass(frozen=True, slots=True)
class EpisodePage:
    template: ClassVar[str] = "episode.html"
    episode: Episode
    newer: Episode | None
    older: Episode | None
    drills: tuple[Drill, ...]
    people: tuple[Person, ...]  # the show's own, then the episode's: each has a page


@dataclass(frozen=True, slots=True)
class PersonPage:
    """Someone named in the feed's podcast:person tags, and the episodes they are in."""

    template: ClassVar[str] = "person.html"
    person: Person
    episodes: tuple[Episode, ...]


@dataclass(frozen=True, slots=True)
class TranscriptPage:
    template: ClassVar[str] = "transcript.html"
    episode: Episode


@dataclass(frozen=True, slots=True)
class ArticlePage:
    template: ClassVar[str] = "article.html"
    article: Article
    drills: tuple[Drill, ...]


@dataclass(frozen=True, slots=True)
class DrillPage:
    template: ClassVar[str] = "drill.html"
    drill: Drill
    related: tuple[Post, ...]


@dataclass(frozen=True, slots=True)
class TagPage:
    template: ClassVar[str] = "tag.html"
    tag: Tag


@dataclass(frozen=True, slots=True)
class DocPage:
    """A standalone page from content/pages (about, privacy)."""

    template: ClassVar[str] = "page.html"
    doc: Page


PageKind = (HomePage | EpisodeListPage | ArticleListPage | TagListPage | DrillListPage | GuidePage | SearchPage
            | NotFoundPage | EpisodePage | TranscriptPage | ArticlePage | DrillPage | TagPage | DocPage | PersonPage
            | FeedStylesheetPage)


@dataclass(frozen=True, slots=True)
class PageSpec:
    url: str  # site-relative URL, e.g. "episodes/knee-load/"
    kind: PageKind = field(hash=False, compare=False)
    source: str  # what asked for it, for collision messages
    title: str = ""
    description: str = ""
    in_sitemap: bool = True
    output: str = field(init=False, compare=False)  # the file it is written to, relative to the output folder

    def __post_init__(self) -> None:  # asked for several times per page: computed once
        object.__setattr__(self, "output", self.url + "index.html" if self.url.endswith("/") or not self.url else self.url)

    @property
    def template(self) -> str:
        return self.kind.template

    @property
    def context(self) -> dict[str, Any]:
        """The variables its template receives besides the common ones: the kind's fields, by name."""
        kind = self.kind
        return {name: getattr(kind, name) for name in field_names(type(kind))}


_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(kind: type) -> tuple[str, ...]:
    """A page kind's fields, sorted: fields() is slow to ask 20,000 times."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(sorted(f.name for f in fields(kind)))
    return names


@dataclass(frozen=True, slots=True)
class _Related:
    """Drills and the posts they name, looked up once per plan (not a scan of every drill for
    every post: 20,000 posts would cost a second)."""

    drills: dict[str, tuple[Drill, ...]]  # post ref -> the drills naming it, in the site's order
    posts: dict[str, tuple[Post, ...]]  # drill slug -> the posts it names, episodes then articles, in the site's order

    @staticmethod
    def of(site: Site) -> _Related:
        drills: dict[str, list[Drill]] = {}
        for d in site.drills:
            for ref in dict.fromkeys(d.related):
                drills.setdefault(ref, []).append(d)
        posts: dict[str, list[Post]] = {d.slug: [] for d in site.drills}
        listed: tuple[Post, ...] = (*site.episodes, *site.articles)
        for x in listed:
            for d in drills.get(x.ref, ()):
                posts[d.slug].append(x)
        return _Related({k: tuple(v) for k, v in drills.items()}, {k: tuple(v) for k, v in posts.items()})


def plan_pages(site: Site) -> list[PageSpec]:
    pages = _fixed_pages(site) + _item_pages(site, lambda source: True)
    for t in site.tags:
        pages.append(PageSpec(t.url, TagPage(t), f"tag {t.name!r}", f"Topic: {t.name}", f"Episodes and articles about {t.name}."))
    pages += [_doc_page(p) for p in site.pages]
    for person, episodes in people(site):
        pages.append(PageSpec(person.url, PersonPage(person, episodes), f"person {person.name!r}", person.name,
                              f"Episodes of {site.config.title} with {person.name} ({person.role})."))
    check_unique_outputs([(p.output, p.source) for p in pages])
    return pages


def _fixed_pages(site: Site) -> list[PageSpec]:
    """The pages every site has, whatever its content."""
    c = site.config
    return [
        PageSpec("", HomePage(site.episodes[:4], site.articles[:4], site.program, site.drills), "the home page",
                 c.title, c.description),
        PageSpec("episodes/", EpisodeListPage(site.episodes), "the episode archive", "Episodes",
                 f"Every episode of {c.title}, newest first, with show notes, chapters and transcripts."),
        PageSpec("articles/", ArticleListPage(site.articles), "the article list", "Articles",
                 f"Articles from {c.title} on backward walking and running for runners."),
        PageSpec("tags/", TagListPage(site.tags), "the tag index", "Topics", f"Every topic on {c.title}."),
        PageSpec("drills/", DrillListPage(site.drills), "the drill list", "Drills",
                 "Backward walking and running drills, from first steps to intervals, with doses, cues and safety notes."),
        PageSpec("guide/", GuidePage(site.drills, site.program, site.program.updated), "the drill guide",
                 site.program.title, site.program.summary),
        PageSpec("search/", SearchPage(), "the search page", "Search", f"Search the episodes and articles of {c.title}."),
        PageSpec("404.html", NotFoundPage(), "the not-found page", "Page not found", "This page does not exist.", in_sitemap=False),
        PageSpec(FEED_STYLESHEET, FeedStylesheetPage(), "the podcast feed's stylesheet", "Podcast feed",
                 f"The podcast feed of {c.title}.", in_sitemap=False),
    ]


def own_pages(site: Site, sources: Collection[str]) -> list[PageSpec]:
    """The pages that show one of these content files' own item (an episode's and its
    transcript's, an article's, a drill's, a standalone page's), as plan_pages() plans them,
    without planning the rest."""
    return _item_pages(site, sources.__contains__) + [_doc_page(p) for p in site.pages if p.source in sources]


def _item_pages(site: Site, wanted: Callable[[str], bool]) -> list[PageSpec]:
    """The pages of the episodes, articles and drills whose source is `wanted`, in plan order."""
    related = _Related.of(site)
    pages = []
    for i, ep in enumerate(site.episodes):
        if wanted(ep.source):
            pages += _episode_pages(site, i, related)
    pages += [_article_page(a, related) for a in site.articles if wanted(a.source)]
    pages += [_drill_page(d, related) for d in site.drills if wanted(d.source)]
    return pages


def _episode_pages(site: Site, i: int, related: _Related) -> list[PageSpec]:
    """The i-th episode's page, linked to its neighbours, and its transcript's page when it has one."""
    episodes = site.episodes
    ep = episodes[i]
    newer = episodes[i - 1] if i > 0 else None
    older = episodes[i + 1] if i + 1 < len(episodes) else None
    drills = related.drills.get(ep.ref, ())
    pages = [PageSpec(ep.url, EpisodePage(ep, newer, older, drills, _episode_people(site, ep)), ep.source, ep.title, ep.summary)]
    if ep.transcript:
        pages.append(PageSpec(ep.transcript_page_url, TranscriptPage(ep), ep.source,
                              f"Transcript: {ep.title}", f"Full transcript of the episode {ep.title}."))
    return pages


def _article_page(a: Article, related: _Related) -> PageSpec:
    return PageSpec(a.url, ArticlePage(a, related.drills.get(a.ref, ())), a.source, a.title, a.summary)


def _drill_page(d: Drill, related: _Related) -> PageSpec:
    return PageSpec(d.url, DrillPage(d, related.posts[d.slug]), d.source, d.title, d.summary)


def _doc_page(p: Page) -> PageSpec:
    return PageSpec(p.url, DocPage(p), p.source, p.title, p.summary)


def _episode_people(site: Site, ep: Episode) -> tuple[Person, ...]:
    """As the feed restates them: the show's own, then the episode's (one entry per page)."""
    return _people_of(site.config.podcast.persons, ep.persons)


@functools.lru_cache(maxsize=1024)
def _people_of(show: tuple[Person, ...], own: tuple[Person, ...]) -> tuple[Person, ...]:
    """One tuple for each distinct list: most episodes have the show's alone, and the page keys
    digest a tuple they have seen once by its identity."""
    seen: dict[str, Person] = {}
    for person in show + own:
        seen.setdefault(person.slug, person)
    return tuple(seen.values())


def people(site: Site) -> list[tuple[Person, tuple[Episode, ...]]]:
    """Everyone in a published episode, by slug, with their episodes (newest first). The first
    mention names the page: the show's own entry, else the newest episode's."""
    found: dict[str, tuple[Person, list[Episode]]] = {}
    for ep in site.episodes:
        for person in _episode_people(site, ep):
            found.setdefault(person.slug, (person, []))[1].append(ep)
    return [(person, tuple(eps)) for person, eps in sorted(found.values(), key=lambda x: x[0].slug)]


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
