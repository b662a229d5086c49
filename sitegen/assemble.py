"""Parse every source, check what spans files, and assemble one valid Site (or fail with all problems)."""
from __future__ import annotations

import difflib
from collections import defaultdict
from datetime import datetime
from typing import Any, Iterable

from .config import SiteConfig
from .frontmatter import LoadedYaml
from .models import Article, Drill, Episode, Page, Program, Site, Tag
from .parse import MediaFacts, parse_doc, parse_program
from .problems import BuildError, Problem
from .schema import slugify
from .sources import SourceDoc

PROGRAM_PATH = "content/drills/_program.yaml"


def assemble_site(config: SiteConfig, docs: list[SourceDoc], facts: MediaFacts, program_yaml: LoadedYaml | None,
                  now: datetime, *, drafts: bool = False, future: bool = False,
                  earlier: Iterable[Problem] = (), known: frozenset[str] = frozenset()) -> Site:
    problems: list[Problem] = list(earlier)
    parsed: dict[str, list[Any]] = defaultdict(list)
    for doc in docs:
        item, found = parse_doc(doc, config, facts)
        problems.extend(found)
        if item is not None:
            parsed[doc.section].append(item)

    problems += _unique(docs, parsed["episodes"], lambda e: e.number, "number", "episode number")
    problems += _unique(docs, parsed["episodes"], lambda e: e.guid, "guid", "guid")
    problems += _unique(docs, parsed["episodes"], lambda e: e.slug, "", "slug (the file name after the number)")
    problems += _unique(docs, parsed["drills"], lambda d: d.order, "order", "order")

    def public(item: Any) -> bool:
        return (drafts or not item.draft) and (future or not hasattr(item, "published") or item.published <= now)

    episodes = tuple(sorted(filter(public, parsed["episodes"]), key=lambda e: (e.published, e.number), reverse=True))
    articles = tuple(sorted(filter(public, parsed["articles"]), key=lambda a: (a.published, a.slug), reverse=True))
    drills = tuple(sorted(filter(public, parsed["drills"]), key=lambda d: d.order))
    pages = tuple(sorted(filter(public, parsed["pages"]), key=lambda p: p.slug))

    existing = {ref for ref in known | {f"{d.section}/{d.slug}" for d in docs} if ref.startswith(("episodes/", "articles/"))}
    published = {f"{x.section}/{x.slug}" for x in episodes + articles}
    for d in parsed["drills"]:
        for i, ref in enumerate(d.related):
            if ref not in existing:
                hint = difflib.get_close_matches(ref, sorted(existing), n=1)
                problems.append(Problem(d.source, _line_of(docs, d.source, "related", i),
                                        f"related: {ref!r} is not an episode or article"
                                        + (f"; did you mean {hint[0]!r}?" if hint else "; use section/slug of an existing file")))
    drills = tuple(_drop_unpublished(d, published) for d in drills)

    program = None
    if program_yaml is None:
        problems.append(Problem(PROGRAM_PATH, 0, "missing: the drill guide needs a multi-week program; create it (see docs/authoring.md)"))
    elif program_yaml.errors:
        problems += [Problem(PROGRAM_PATH, line, msg) for line, msg in program_yaml.errors]
    else:
        program, found = parse_program(program_yaml.data, program_yaml.lines, PROGRAM_PATH, config,
                                       frozenset(d.slug for d in drills))
        problems += found

    if problems:
        raise BuildError(problems)
    assert program is not None
    return Site(config, episodes, articles, drills, program, pages, _tags(episodes, articles), drafts or future, now)


def _unique(docs: list[SourceDoc], items: list[Any], key: Any, field: str, label: str) -> list[Problem]:
    seen: dict[Any, Any] = {}
    out = []
    for item in sorted(items, key=lambda i: i.source):
        k = key(item)
        if k in seen:
            out.append(Problem(item.source, _line_of(docs, item.source, field) if field else 0, f"{field or 'file name'}: {label} {k!r} is already used by {seen[k].source}; pick another"))
        else:
            seen[k] = item
    return out


def _line_of(docs: list[SourceDoc], source: str, *key: str | int) -> int:
    return next((d.line(key) for d in docs if d.rel == source), 0)


def _drop_unpublished(drill: Drill, published: set[str]) -> Drill:
    """A drill may point at a draft episode; the link appears once the episode is published."""
    from dataclasses import replace

    kept = tuple(r for r in drill.related if r in published)
    return drill if kept == drill.related else replace(drill, related=kept)


def _tags(episodes: tuple[Episode, ...], articles: tuple[Article, ...]) -> tuple[Tag, ...]:
    names: dict[str, str] = {}
    by_slug: dict[str, tuple[list[Episode], list[Article]]] = defaultdict(lambda: ([], []))
    for e in episodes:
        for t in e.tags:
            names.setdefault(slugify(t), t)
            by_slug[slugify(t)][0].append(e)
    for a in articles:
        for t in a.tags:
            names.setdefault(slugify(t), t)
            by_slug[slugify(t)][1].append(a)
    return tuple(Tag(s, names[s], tuple(by_slug[s][0]), tuple(by_slug[s][1])) for s in sorted(by_slug))
