"""sitegen.assemble on in-memory items: what spans files (duplicates, tags, related links, the
program), what is published (drafts, future posts) and in which order."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from conftest import FIXED_NOW, SAMPLE, make_config
from sitegen.assemble import PROGRAM_PATH, assemble_site
from sitegen.frontmatter import LoadedYaml, parse_yaml
from sitegen.load import Loaded
from sitegen.models import Site
from sitegen.parse import MediaFacts, Parsed, parse_doc
from sitegen.problems import BuildError, Problem
from sitegen.sources import SourceDoc, parse_source

CONFIG = make_config()
LINE = 42  # what the stub line_of answers, so a message's line shows it was asked


def parsed(section: str, name: str, front: str) -> Parsed:
    doc = parse_source(f"---\n{front.rstrip()}\n---\nBody.\n", SAMPLE / "content" / section / name, f"content/{section}/{name}", section)
    assert isinstance(doc, SourceDoc), doc
    item, problems = parse_doc(doc, CONFIG, MediaFacts())
    assert item is not None, problems
    return item


def episode(number: int, slug: str, date: str = "2026-03-01", extra: str = "", guid: int | None = None) -> Parsed:
    return parsed("episodes", f"{number:03d}-{slug}.md",
                  f'title: "Episode {number}"\nnumber: {number}\ndate: {date}\nguid: "00000000-0000-4000-8000-{guid or number:012d}"\n'
                  f'summary: "S."\naudio: https://media.example.com/{number}.mp3\nlength: 1\nduration: "1:00"\n{extra}')


def article(slug: str, date: str = "2026-03-01", extra: str = "") -> Parsed:
    return parsed("articles", f"{slug}.md", f'title: "{slug}"\ndate: {date}\nsummary: "S."\n{extra}')


def drill(slug: str, order: int, extra: str = "") -> Parsed:
    return parsed("drills", f"{slug}.md", f'title: "{slug}"\nsummary: "S."\nlevel: beginner\nwhere: [track]\ndose: "5 min"\n'
                                          f'cues: ["Tall"]\nsafety: ["Look"]\nprogression: "More."\nstop_if: ["Pain"]\norder: {order}\n{extra}')


def page(slug: str, extra: str = "") -> Parsed:
    return parsed("pages", f"{slug}.md", f'title: "{slug}"\nsummary: "S."\n{extra}')


def program(drill_slug: str = "walk") -> LoadedYaml:
    weeks = "".join(f'  - week: {i}\n    focus: "F"\n    sessions:\n      - {{day: Mon, drill: {drill_slug}, dose: "5 min"}}\n'
                    for i in range(1, 5))
    return parse_yaml(f'title: "Plan"\nsummary: "S."\nupdated: 2026-03-01\nweeks:\n{weeks}')


def loaded(item: Parsed | None, rel: str = "", problems: tuple[Problem, ...] = ()) -> Loaded:
    return Loaded(item.source if item is not None else rel, "content digest", (), item, problems)


def assemble(*items: Parsed, program_yaml: LoadedYaml | None = None, walk: bool = True, **kw: Any) -> Site:
    """A site of `items` plus (unless `walk` is False) the drill the program names."""
    everything = list(items) + ([drill("walk", 99)] if walk else [])
    kw.setdefault("known", frozenset(f"{i.section}/{i.slug}" for i in everything))
    return assemble_site(CONFIG, [loaded(i) for i in everything], program_yaml or program(), FIXED_NOW,
                         line_of=lambda rel, key: LINE, **kw)


def problems_of(*items: Parsed, **kw: Any) -> list[str]:
    with pytest.raises(BuildError) as caught:
        assemble(*items, **kw)
    return [str(p) for p in caught.value.problems]


# ---- publication and order -------------------------------------------------------------------

def test_order_newest_first_with_ties_broken():
    site = assemble(episode(1, "one", "2026-03-01"), episode(3, "three", "2026-02-01"), episode(2, "two", "2026-03-01"),
                    article("b", "2026-03-01"), article("a", "2026-03-01"), article("c", "2026-04-01"),
                    drill("z", 1), page("terms"), page("about"))
    assert [e.number for e in site.episodes] == [2, 1, 3]  # same day: the higher number is newer
    assert [a.slug for a in site.articles] == ["c", "b", "a"]
    assert [d.slug for d in site.drills] == ["z", "walk"]  # by order, not name
    assert [p.slug for p in site.pages] == ["about", "terms"]
    assert site.now == FIXED_NOW and site.include_drafts is False


def test_drafts_and_future_posts_are_left_out_unless_asked_for():
    today = FIXED_NOW.astimezone(CONFIG.timezone).date().isoformat()
    items = (episode(1, "old"), episode(2, "draft", extra="draft: true"), episode(3, "future", "2027-01-01"),
             article("soon", (FIXED_NOW.date() + timedelta(days=1)).isoformat()), article("today", today),
             page("hidden", "draft: true"), drill("secret", 5, "draft: true"))
    site = assemble(*items)
    # "today" is published at 06:00 London, before the clock's 12:00 UTC; "soon" is tomorrow.
    assert ([e.slug for e in site.episodes], [a.slug for a in site.articles]) == (["old"], ["today"])
    assert (site.pages, [d.slug for d in site.drills]) == ((), ["walk"])
    site = assemble(*items, drafts=True)
    assert [e.slug for e in site.episodes] == ["draft", "old"] and {p.slug for p in site.pages} == {"hidden"}
    assert [d.slug for d in site.drills] == ["secret", "walk"] and site.include_drafts
    site = assemble(*items, future=True)
    assert [e.slug for e in site.episodes] == ["future", "old"] and [a.slug for a in site.articles] == ["soon", "today"]


def test_a_post_is_published_at_exactly_its_time():
    ep = episode(1, "on-the-dot")
    at = ep.published  # type: ignore[union-attr]

    def published(now: datetime) -> list[str]:
        items = [loaded(ep), loaded(drill("walk", 1))]
        return [e.slug for e in assemble_site(CONFIG, items, program(), now, line_of=lambda r, k: 0).episodes]

    assert (published(at - timedelta(seconds=1)), published(at)) == ([], ["on-the-dot"])


def test_tags_of_published_posts_only():
    site = assemble(episode(1, "one", extra="tags: [Straße, balance]"), article("a", extra="tags: [STRASSE]"),
                    article("d", extra="tags: [secret]\ndraft: true"))
    # One page per slug, named as first spelled: episodes newest first, then articles.
    assert [(t.slug, t.name, [e.slug for e in t.episodes], [a.slug for a in t.articles]) for t in site.tags] == [
        ("balance", "balance", ["one"], []), ("strasse", "straße", ["one"], ["a"])]


# ---- checks across files ----------------------------------------------------------------------

def test_duplicate_numbers_guids_and_slugs_name_both_files():
    found = problems_of(episode(1, "one"), episode(2, "two", guid=1), episode(1, "uno", guid=3), episode(4, "one"))
    assert found == [
        f"content/episodes/001-uno.md:{LINE}: number: episode number 1 is already used by content/episodes/001-one.md; pick another",
        f"content/episodes/002-two.md:{LINE}: guid: guid '00000000-0000-4000-8000-000000000001' is already used by "
        "content/episodes/001-one.md; pick another",
        "content/episodes/004-one.md: file name: slug (the file name after the number) 'one' is already used by "
        "content/episodes/001-one.md; pick another",
    ]


def test_duplicate_drill_order():
    assert problems_of(drill("a", 1), drill("b", 1)) == [
        f"content/drills/b.md:{LINE}: order: order 1 is already used by content/drills/a.md; pick another"]


def test_tags_that_would_share_a_page():
    found = problems_of(article("a", extra="tags: [knee-pain]"), episode(1, "one", extra="tags: [Knee Pain]"))
    assert found == [f"content/episodes/001-one.md:{LINE}: tags: 'knee pain' and 'knee-pain' (content/articles/a.md:{LINE}) "
                     "would share the page tags/knee-pain/; write the tag the same way in both files, or as different words"]


def test_a_draft_tag_clash_is_reported_before_it_is_published():
    assert len(problems_of(article("a", extra="tags: [knee-pain]"), article("b", extra="tags: [knee pain]\ndraft: true"))) == 1


def test_drill_related_links():
    ep, draft = episode(1, "knees"), episode(2, "later", extra="draft: true")
    site = assemble(ep, draft, drill("d", 1, "related: [episodes/knees, episodes/later]"))
    # A link to a draft waits for it: dropped from the published drill, not an error.
    assert next(d for d in site.drills if d.slug == "d").related == ("episodes/knees",)
    assert problems_of(ep, drill("d", 1, "related: [episodes/knee]")) == [
        f"content/drills/d.md:{LINE}: related: 'episodes/knee' is not an episode or article; did you mean 'episodes/knees'?"]


def test_the_program_names_published_drills_only():
    lines = (8, 12, 16, 20)  # each week's session
    assert problems_of(drill("jog", 1, "draft: true"), program_yaml=program("jog")) == [
        f"{PROGRAM_PATH}:{n}: drill: no published drill 'jog'; drills are files in content/drills/" for n in lines]
    site = assemble(drill("jog", 1, "draft: true"), program_yaml=program("jog"), drafts=True)
    assert [s.drill for w in site.program.weeks for s in w.sessions] == ["jog"] * 4


def test_a_missing_or_broken_program():
    walk = [loaded(drill("walk", 1))]
    with pytest.raises(BuildError) as caught:
        assemble_site(CONFIG, walk, None, FIXED_NOW, line_of=lambda r, k: 0)
    assert [str(p) for p in caught.value.problems] == [
        f"{PROGRAM_PATH}: missing: the drill guide needs a multi-week program; create it (see docs/authoring.md)"]
    with pytest.raises(BuildError) as caught:
        assemble_site(CONFIG, walk, LoadedYaml(None, {}, ((3, "invalid YAML"),)), FIXED_NOW, line_of=lambda r, k: 0)
    assert [str(p) for p in caught.value.problems] == [f"{PROGRAM_PATH}:3: invalid YAML"]


def test_every_problem_is_reported_at_once():
    """Earlier problems, each file's own, and those across files: one BuildError with all of them."""
    earlier = Problem("static/x", 0, "a link out")
    broken = loaded(None, "content/articles/bad.md", (Problem("content/articles/bad.md", 2, "date: expected a date"),))
    items = [episode(1, "one"), episode(1, "uno", guid=5), drill("walk", 1)]
    with pytest.raises(BuildError) as caught:
        assemble_site(CONFIG, [loaded(i) for i in items] + [broken], program("nope"), FIXED_NOW,
                      line_of=lambda r, k: LINE, earlier=[earlier], known=frozenset())
    assert [(p.path, p.message.split(":")[0]) for p in caught.value.problems] == [
        ("content/articles/bad.md", "date"), ("content/drills/_program.yaml", "drill"), ("content/drills/_program.yaml", "drill"),
        ("content/drills/_program.yaml", "drill"), ("content/drills/_program.yaml", "drill"),
        ("content/episodes/001-uno.md", "number"), ("static/x", "a link out")]
