"""Check what spans files and assemble one valid Site from the parsed items (or fail with all problems)."""
from __future__ import annotations

import difflib
from collections import defaultdict
from datetime import datetime
from typing import Any, Callable, Iterable, TypeVar

from .config import SiteConfig
from .frontmatter import LoadedYaml
from .models import Article, Drill, Episode, Item, Page, Post, Site, Tag
from .load import Loaded
from .parse import parse_program
from .problems import BuildError, Problem
from .convert import tag_key, tag_slug

PROGRAM_PATH = "content/drills/_program.yaml"


LineOf = Callable[[str, tuple[str | int, ...]], int]


def assemble_site(config: SiteConfig, loaded: list[Loaded], program_yaml: LoadedYaml | None, now: datetime, *,
                  line_of: LineOf, drafts: bool = False, future: bool = False,
                  earlier: Iterable[Problem] = (), known: frozenset[str] = frozenset()) -> Site:
    """`line_of(path, key)` finds a key's line for problems that span files (only on the error path)."""
    problems: list[Problem] = list(earlier)
    for entry in loaded:
        problems.extend(entry.problems)
    items = [entry.item for entry in loaded if entry.item is not None]
    all_episodes, all_articles, all_drills = _only(Episode, items), _only(Article, items), _only(Drill, items)

    problems += _unique(line_of, all_episodes, lambda e: e.number, "number", "episode number")
    problems += _unique(line_of, all_episodes, lambda e: e.guid, "guid", "guid")
    problems += _unique(line_of, all_episodes, lambda e: e.slug, "", "slug (the file name after the number)")
    problems += _unique(line_of, all_drills, lambda d: d.order, "order", "order")
    problems += _tag_clashes(line_of, [*all_episodes, *all_articles])

    def public(item: Item) -> bool:
        scheduled = isinstance(item, Post) and item.published > now  # drills and pages have no date
        return (drafts or not item.draft) and (future or not scheduled)

    episodes = tuple(sorted(filter(public, all_episodes), key=lambda e: (e.published, e.number), reverse=True))
    articles = tuple(sorted(filter(public, all_articles), key=lambda a: (a.published, a.slug), reverse=True))
    drills = tuple(sorted(filter(public, all_drills), key=lambda d: d.order))
    pages = tuple(sorted(filter(public, _only(Page, items)), key=lambda p: p.slug))

    problems += _unknown_related(line_of, all_drills, known)
    published = {x.ref for x in episodes + articles}
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


T = TypeVar("T")


def _only(kind: type[T], items: list[Item]) -> list[T]:
    return [x for x in items if isinstance(x, kind)]


def _unknown_related(line_of: LineOf, drills: list[Drill], known: frozenset[str]) -> list[Problem]:
    """A drill's `related` must name an episode or article file, drafts included."""
    existing = {ref for ref in known if ref.startswith(("episodes/", "articles/"))}
    out = []
    for d in drills:
        for i, ref in enumerate(d.related):
            if ref not in existing:
                hint = difflib.get_close_matches(ref, sorted(existing), n=1)
                out.append(Problem(d.source, line_of(d.source, ("related", i)),
                                   f"related: {ref!r} is not an episode or article"
                                   + (f"; did you mean {hint[0]!r}?" if hint else "; use section/slug of an existing file")))
    return out


def _unique(line_of: LineOf, items: list[Any], key: Any, field: str, label: str) -> list[Problem]:
    seen: dict[Any, Any] = {}
    out = []
    for item in sorted(items, key=lambda i: i.source):
        k = key(item)
        if k in seen:
            out.append(Problem(item.source, line_of(item.source, (field,)) if field else 0, f"{field or 'file name'}: {label} {k!r} is already used by {seen[k].source}; pick another"))
        else:
            seen[k] = item
    return out


def _tag_clashes(line_of: LineOf, items: list[Post]) -> list[Problem]:
    """Two different tags (knee-pain, knee pain) would write one page; drafts count too, so the
    clash shows before the draft is published."""
    first: dict[str, tuple[str, Post, int]] = {}  # slug -> (tag, item, index in its tags)
    out = []
    for item in sorted(items, key=lambda i: i.source):
        for i, tag in enumerate(item.tags):
            seen = first.setdefault(tag_slug(tag), (tag, item, i))
            if tag_key(seen[0]) != tag_key(tag):
                where = f"{seen[1].source}:{line_of(seen[1].source, ('tags', seen[2]))}"
                out.append(Problem(item.source, line_of(item.source, ("tags", i)),
                                   f"tags: {tag!r} and {seen[0]!r} ({where}) would share the page tags/{tag_slug(tag)}/; "
                                   "write the tag the same way in both files, or as different words"))
    return out


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
            names.setdefault(tag_slug(t), t)
            by_slug[tag_slug(t)][0].append(e)
    for a in articles:
        for t in a.tags:
            names.setdefault(tag_slug(t), t)
            by_slug[tag_slug(t)][1].append(a)
    return tuple(Tag(s, names[s], tuple(by_slug[s][0]), tuple(by_slug[s][1])) for s in sorted(by_slug))
