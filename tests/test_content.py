"""The show's own content: complete, cited, narrated, and within the limits the issue set."""
from __future__ import annotations

import re
from pathlib import Path

import mutagen
import pytest
import webvtt

from conftest import ROOT
from sitegen.frontmatter import parse_yaml, split_front_matter
from sitegen.pipeline import BuildOptions, check

CONTENT = ROOT / "content"


def load(path: Path) -> tuple[dict, str]:
    yaml_text, body, _ = split_front_matter(path.read_text())
    return parse_yaml(yaml_text).data, body


EPISODES = sorted((CONTENT / "episodes").glob("*.md"))
ARTICLES = sorted((CONTENT / "articles").glob("*.md"))

# A study named in the text must be in that page's references (surname of its first author).
STUDIES = {
    r"\bOrdway\b": "Ordway", r"\bNegra\b": "Negra", r"\bRoos\b": "Roos", r"\bPetrakis\b": "Petrakis",
    r"\bWhitley\b": "Whitley", r"\bUthoff\b": "Uthoff",
}

DOIS = {"Ordway": "10.1519/JSC.0000000000001153", "Negra": "10.1080/02640414.2023.2184770",
        "Roos": "10.1016/j.jbiomech.2012.03.020", "Petrakis": "10.3390/sports8040055"}


def test_season_one_has_a_trailer_and_six_full_episodes():
    types = [load(p)[0].get("episode_type", "full") for p in EPISODES]
    assert types.count("trailer") >= 1 and types.count("full") >= 6


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.name)
def test_episode_is_narrated_with_transcript_and_chapters(path: Path):
    data, body = load(path)
    audio = path.parent / data["audio"]
    info = mutagen.File(audio).info
    assert audio.stat().st_size < 6_000_000 and info.bitrate == 96_000 and info.channels == 1  # narrate's limit
    cues = webvtt.read(str(path.parent / data["transcript"]))
    assert abs(cues[-1].end_in_seconds - info.length) < 2
    starts = [c["start"] for c in data["chapters"]]
    assert len(starts) >= 3 and starts[0] == "0:00"


def test_the_show_meets_its_editorial_rules():
    """Lengths, the synthetic voice and the printed health notice are site.toml's [editorial] rules,
    which every build and `build.py check` apply (tests/test_editorial.py proves they catch each)."""
    check(BuildOptions(root=ROOT, cache=False))  # raises BuildError listing every problem


@pytest.mark.parametrize("path", EPISODES + ARTICLES, ids=lambda p: p.name)
def test_every_study_named_is_referenced_with_authors_journal_year(path: Path):
    data, body = load(path)
    refs = data.get("references") or []
    for ref in refs:
        assert ref["authors"] and ref["source"] and ref["year"]
        if ref["source"].startswith(("J ", "Journal", "Sports", "International")):
            assert ref.get("doi") or ref.get("url"), ref
    for pattern, surname in STUDIES.items():
        if re.search(pattern, body):
            assert any(surname in r["authors"] for r in refs), f"{path.name} names {surname} without a reference"
    for ref in refs:
        for surname, doi in DOIS.items():
            if ref["authors"].startswith(surname):
                assert ref.get("doi") == doi, f"{path.name}: {surname}'s study has a DOI: {doi}"


def test_drills_and_program():
    drills = [p for p in (CONTENT / "drills").glob("*.md")]
    assert len(drills) >= 8
    levels = {load(p)[0]["level"] for p in drills}
    assert levels == {"beginner", "intermediate", "advanced"}
    program = parse_yaml((CONTENT / "drills/_program.yaml").read_text()).data
    assert len(program["weeks"]) >= 4


def test_about_page_covers_subscribing_contact_and_disclaimer():
    body = load(CONTENT / "pages/about.md")[1].lower()
    for needle in ("subscribe", "podcast.xml", "write to us", "not medical advice", "synthetic"):
        assert needle in body, needle
