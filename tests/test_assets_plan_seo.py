import hashlib
import json
from pathlib import Path

import pytest
from lxml import html

from conftest import write_tree
from sitegen.assets import read_static
from sitegen.plan import check_unique_outputs
from sitegen.problems import BuildError, Problem


def test_read_static_fingerprints_css_and_js_only(tmp_path: Path):
    write_tree(tmp_path, {"css/site.css": "body{}", "js/a.js": "x", "img/a.png": "png", ".hidden": "no"})
    copies, renames = read_static(tmp_path)
    css = "css/site." + hashlib.sha256(b"body{}").hexdigest()[:10] + ".css"
    assert dict(renames)["css/site.css"] == css and css in copies
    assert "img/a.png" in copies and ".hidden" not in copies


def test_two_sources_may_not_write_one_output():
    with pytest.raises(BuildError, match="writes too"):
        check_unique_outputs([("about/index.html", "content/pages/about.md"), ("about/index.html", "content/articles/about.md")])


def test_problem_format_and_annotation():
    p = Problem("content/episodes/001-a.md", 3, "date: bad\nvalue 100%")
    assert str(p) == "content/episodes/001-a.md:3: date: bad\nvalue 100%"
    assert p.github_annotation() == "::error file=content/episodes/001-a.md,line=3::date: bad%0Avalue 100%25"


def test_json_ld_on_home_episode_and_article(built_sample: Path):
    def ld(page: str) -> dict:
        doc = html.fromstring((built_sample / page).read_text())
        return json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)

    home = ld("index.html")
    assert home["@type"] == "PodcastSeries" and home["webFeed"].endswith("/podcast.xml")
    ep = ld("episodes/first-steps/index.html")
    assert ep["@type"] == "PodcastEpisode" and ep["duration"] == "PT12S" and ep["datePublished"] == "2026-03-03"
    assert ep["associatedMedia"]["contentUrl"].endswith("001-first-steps.mp3") and ep["partOfSeries"]["@type"] == "PodcastSeries"
    art = ld("articles/safety-first/index.html")
    assert art["@type"] == "Article" and art["dateModified"].startswith("2026-03-12")
