"""The editorial rules (sitegen/editorial.py): `build.py check` names the file, the line, the rule
and the fix for each, drafts are exempt, and the health notice is printed once by the templates."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from conftest import FIXED_NOW
from sitegen import cli
from sitegen.editorial import count_words
from sitegen.pipeline import BuildOptions, check
from sitegen.problems import BuildError

RULES = "[editorial]\nepisode_words = [10, 20]\narticle_words = [1, 3]\nsynthetic_voice = true\n"
EP2 = "content/episodes/002-knees-and-you.md"  # a trailer; body: "Less compression at the knee, in one study." (8 words), line 14


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BuildError) as caught:
        check(BuildOptions(root=root, now=FIXED_NOW))
    return [str(p) for p in caught.value.problems]


def with_rules(root: Path, rules: str = RULES) -> Path:
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace("[guide]", rules + "\n[guide]"))
    return root


def append(root: Path, name: str, text: str) -> int:
    """Add a paragraph to a file's body; returns its line."""
    path = root / name
    old = path.read_text()
    path.write_text(old.rstrip("\n") + "\n\n" + text + "\n")
    return old.rstrip("\n").count("\n") + 3


def test_count_words_counts_what_a_reader_sees() -> None:
    body = '<p>Try the <a href="/drills/first-walk/">warm-up</a> &amp; don&#x27;t <em>stop</em>.</p>\n<ul>\n<li>2.5%</li>\n</ul>'
    assert count_words(body) == 7  # Try, the, warm-up, don't, stop, 2, 5: the link address and "&" are not words


def test_a_typed_notice_is_reported_at_its_line_on_pages_whose_template_prints_it(sample: Path) -> None:
    typed = "*Not medical advice:* ask a physiotherapist first."
    lines = {name: append(sample, name, typed) for name in
             ("content/articles/safety-first.md", "content/drills/first-walk.md", EP2)}
    append(sample, "content/pages/about.md", typed)  # the about page has no printed notice: it may say it
    found = problems_of(sample)
    for name, line in lines.items():
        assert (f'{name}:{line}: "Not medical advice" is typed in the body, but the page template already prints the '
                "notice once on every episode, article and drill page; delete it here (keep any advice that follows "
                "as a plain sentence)") in found, found
    assert len(found) == 3, found


def test_episode_length_names_the_count_the_rule_and_the_fix(sample: Path) -> None:
    with_rules(sample)
    ep = sample / EP2  # the sample's trailer, made a full episode: trailers are exempt from the length rule
    ep.write_text(ep.read_text().replace("episode_type: trailer", "episode_type: full"))
    found = problems_of(sample)
    assert (f"{EP2}:14: 8 words; an episode's notes (trailers excepted) must have 10-20 words ([editorial] "
            "episode_words in site.toml, counted as a reader sees the text); add about 2 words") in found, found
    (sample / EP2).write_text((sample / EP2).read_text().replace("in one study.", "in one study. " + "More words here. " * 5))
    assert any(p.startswith(f"{EP2}:14: 23 words;") and p.endswith("cut about 3 words") for p in problems_of(sample))


def test_article_length_and_the_synthetic_voice(sample: Path) -> None:
    with_rules(sample)
    found = problems_of(sample)
    assert any(p.startswith("content/articles/safety-first.md:8: ") and "an article must have 1-3 words" in p
               and p.endswith("words") and "cut about" in p for p in found), found
    voice = [p for p in found if "the voice is synthetic" in p]
    # Every published episode (the bonus and the scheduled one too), never the draft.
    assert sorted(p.split(":")[0] for p in voice) == [
        "content/episodes/001-first-steps.md", EP2, "content/episodes/004-remote-bonus.md", "content/episodes/005-future.md"]
    assert all('add a sentence such as "The voice in this episode is synthetic' in p for p in voice)


def test_drafts_and_trailers_are_exempt_until_published(sample: Path) -> None:
    with_rules(sample, "[editorial]\nepisode_words = [10, 20]\n")
    path = sample / EP2
    assert "episode_type: trailer\n" in path.read_text()
    draft = sample / "content/episodes/003-draft-episode.md"
    assert "draft: true" in draft.read_text()
    found = problems_of(sample)
    assert not any(p.startswith((EP2, "content/episodes/003-draft-episode.md")) for p in found), found
    path.write_text(path.read_text().replace("episode_type: trailer\n", ""))  # now a full episode, body on line 13
    assert any(p.startswith(f"{EP2}:13: 8 words") for p in problems_of(sample))


def test_a_site_without_editorial_rules_has_only_the_notice_rule(sample: Path) -> None:
    assert check(BuildOptions(root=sample, now=FIXED_NOW)).pages > 0  # short, unsigned episodes are fine


def test_bad_limits_in_site_toml_are_reported_with_their_line(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_rules(sample, "[editorial]\narticle_words = [1600, 800]\n")
    assert cli.main(["check", "--root", str(sample), "-q"]) == 1
    line = (sample / "site.toml").read_text().split("\n").index("article_words = [1600, 800]") + 1
    assert (f"site.toml:{line}: [editorial] article_words: expected the least and most words, such as [500, 1000], "
            "got [1600, 800]") in capsys.readouterr().err


def test_the_notice_is_printed_once_on_every_page_that_gives_exercise_advice(built_sample: Path) -> None:
    pages = [built_sample / "guide/index.html", built_sample / "drills/index.html"]
    for section in ("episodes", "articles", "drills"):
        pages += [p for p in (built_sample / section).glob("*/index.html")]
    assert len(pages) >= 7
    for page in pages:
        text = html.parse(str(page)).getroot().text_content()
        assert text.count("Not medical advice") == 1, page
