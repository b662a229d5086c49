"""Every page of the built sample site is valid HTML (Nu Html Checker) and carries the accessibility and metadata
features the site promises: landmarks, one h1, a skip link, captions and transcripts, Open Graph and JSON-LD."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html

from conftest import ROOT, SAMPLE_BASE

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
EPISODE = "episodes/first-steps/index.html"
ARTICLE = "articles/safety-first/index.html"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


@pytest.mark.skipif(not shutil.which("java"), reason="no Java runtime for the Nu Html Checker: apt-get install -y default-jre-headless")
@pytest.mark.skipif(not VNU.exists(), reason=f"{VNU} is missing: run `npm ci`")
def test_every_page_is_valid_html(built_sample: Path):
    files = pages(built_sample)
    assert len(files) >= 20
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [f"{m.get('url', '').split('_site/')[-1]}:{m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '').strip()}"
              for m in messages if m["type"] != "info"]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_every_page_has_landmarks_one_h1_and_a_skip_link(built_sample: Path):
    for path in pages(built_sample):
        doc, name = parse(path), path.relative_to(built_sample).as_posix()
        assert doc.get("lang"), f"{name}: <html> has no lang"
        assert len(doc.findall(".//h1")) == 1, f"{name}: needs exactly one h1"
        assert len(doc.xpath("//main[@id='main']")) == 1, f"{name}: needs one <main id=main>"
        assert doc.xpath("//body/header//nav[@aria-label]") and doc.xpath("//body/footer"), f"{name}: header, nav or footer missing"
        first = doc.xpath("//body//*[self::a[@href] or self::button or self::input or self::audio][1]")[0]
        assert first.get("class") == "skip" and first.get("href") == "#main", f"{name}: the first control is not the skip link"
        for img in doc.iter("img"):
            assert img.get("alt") is not None, f"{name}: <img src={img.get('src')}> has no alt"


def test_every_page_has_open_graph_and_twitter_tags(built_sample: Path):
    for path in pages(built_sample):
        doc, name = parse(path), path.relative_to(built_sample).as_posix()
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
        for key in ("description", "og:title", "og:description", "og:url", "og:type", "og:image", "og:image:alt",
                    "twitter:card", "twitter:title", "twitter:description", "twitter:image"):
            assert meta.get(key), f"{name}: <meta {key}> missing or empty"
        assert meta["og:url"].startswith(SAMPLE_BASE) and meta["og:image"].startswith(SAMPLE_BASE), name
    assert parse(built_sample / EPISODE).xpath("//meta[@property='og:audio']/@content")[0].endswith(".mp3")


def json_ld(path: Path) -> list[dict]:
    return [json.loads(s.text) for s in parse(path).xpath("//script[@type='application/ld+json']")]


def test_json_ld_is_valid_and_complete(built_sample: Path):
    iso_duration = re.compile(r"^PT(\d+H)?(\d+M)?\d+S$")
    (series,) = json_ld(built_sample / "index.html")
    assert series["@context"] == "https://schema.org" and series["@type"] == "PodcastSeries"
    assert series["name"] and series["description"] and series["url"] == SAMPLE_BASE
    assert series["webFeed"] == SAMPLE_BASE + "podcast.xml" and series["image"].startswith(SAMPLE_BASE)

    for path in sorted(built_sample.glob("episodes/*/index.html")):
        (ep,) = json_ld(path)
        assert ep["@type"] == "PodcastEpisode", path
        assert ep["name"] and ep["description"] and ep["url"].startswith(SAMPLE_BASE), path
        assert re.match(r"^\d{4}-\d\d-\d\d$", ep["datePublished"]) and iso_duration.match(ep["duration"]), ep
        assert ep["associatedMedia"]["contentUrl"].startswith("https://") and ep["associatedMedia"]["encodingFormat"] == "audio/mpeg"
        assert ep["partOfSeries"]["@type"] == "PodcastSeries" and ep["partOfSeries"]["url"] == SAMPLE_BASE
    # The sample title has <, > and &: the JSON must survive inside <script> and still say the same thing.
    assert json_ld(built_sample / EPISODE)[0]["name"] == 'First steps <backward> & "why"'
    assert "</" not in (built_sample / EPISODE).read_text().split("application/ld+json")[1].split("</script>")[0]

    (article,) = json_ld(built_sample / ARTICLE)
    assert article["@type"] == "Article" and article["headline"] and article["description"]
    assert article["datePublished"] and article["dateModified"] and article["author"]["name"]
    assert article["image"].startswith(SAMPLE_BASE) and article["publisher"]["name"]


def test_episode_page_has_captions_transcript_and_chapters(built_sample: Path):
    doc = parse(built_sample / EPISODE)
    (audio,) = doc.xpath("//main//audio[@controls]")
    (track,) = audio.xpath("track[@kind='captions']")
    assert track.get("srclang") == "en" and track.get("label")
    vtt = built_sample / track.get("src").removeprefix("/sample-show/")
    assert vtt.read_text().startswith("WEBVTT")
    cues = doc.xpath("//section[@class='transcript']//div[@class='cues']/p")
    assert len(cues) >= 3 and "Welcome to the sample show." in cues[0].text_content()
    chapters = doc.xpath("//section[@class='chapters']/ol/li/a[@data-seek]")
    assert [a.text_content() for a in chapters][:2] == ["0:00 Introduction", "0:05 Why backward?"]
