"""The built sample feed as four real clients read it: feedparser and podcastparser (Python),
podcast-partytime (the Podcast Index aggregator's parser) and rss-parser (npm, run by node on
tests/node/parse_feed.js). They must agree on what matters to a listener, and partytime must
recognise every Podcasting 2.0 tag the feed writes, without a warning."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest

import sitegen.feeds as feeds
from conftest import FIXED_NOW, ROOT, SAMPLE_BASE, copy_sample
from sitegen.pipeline import BuildOptions, check
from sitegen.urls import Urls

SCRIPT = ROOT / "tests" / "node" / "parse_feed.js"
MODULES = ROOT / "node_modules"


def read_with_node(feed: Path, out: Path) -> dict[str, Any]:
    """What partytime and rss-parser read in `feed`, and what they logged."""
    node = shutil.which("node")
    if node is None or not (MODULES / "podcast-partytime").is_dir() or not (MODULES / "rss-parser").is_dir():
        pytest.skip("node or node_modules is absent; run `npm ci` to read the feed with partytime and rss-parser")
    env = {**os.environ, "PARTYTIME_LOG": "warn"}
    proc = subprocess.run([node, str(SCRIPT), str(feed), str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["logged"] = proc.stdout + proc.stderr
    return data


@pytest.fixture(scope="module")
def node_read(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return read_with_node(built_sample / "podcast.xml", tmp_path_factory.mktemp("parsed") / "parsed.json")


def test_a_blocked_complete_show_is_read_as_such(tmp_path: Path) -> None:
    """site.toml's block and complete: itunes:block, itunes:complete and podcast:block, as partytime reads them."""
    root = copy_sample(tmp_path / "site")
    toml = root / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("podping = true", "podping = true\nblock = true\ncomplete = true"),
                    encoding="utf-8")
    site = check(BuildOptions(root=root, now=FIXED_NOW, cache=False)).site
    assert site is not None
    feed = tmp_path / "podcast.xml"
    feed.write_bytes(feeds.build_podcast_feed(site, Urls(site.config.url)))
    party = read_with_node(feed, tmp_path / "parsed.json")["partytime"]
    assert party["itunesBlock"] is True and party["itunesComplete"] is True and party["podcastBlocked"] == "yes"
    assert "block" in party["pc20support"]["5"]


def test_partytime_parses_without_a_warning(node_read: dict[str, Any]) -> None:
    # partytime logs (pino, to stdout) and console.warns (stderr) what it cannot read; nothing, here
    assert node_read["logged"] == ""
    assert len(node_read["partytime"]["items"]) == 3


def test_partytime_recognises_every_podcasting20_tag(node_read: dict[str, Any]) -> None:
    party = node_read["partytime"]
    supported = {tag for tags in party["pc20support"].values() for tag in tags}
    assert supported >= {"locked", "funding", "soundbite", "transcript", "chapters", "person", "location", "episode",
                         "season", "trailer", "license", "guid", "medium", "txt", "podroll"}
    assert party["pubsub"] == {"self": SAMPLE_BASE + "podcast.xml", "hub": "https://pubsubhubbub.appspot.com/"}
    assert party["podcastTxt"][0] == {"value": "sample-apple-token", "purpose": "applepodcastsverify"}
    assert party["license"] == {"identifier": "cc-by-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert party["podroll"] == [{"feedGuid": "917393e3-1b1e-5cef-ace4-edaa54e1f810", "feedUrl": "https://example.org/other/feed.xml"}]
    assert party["podcastLocation"]["name"] == "London, UK" and party["podcastLocation"]["osm"] == "R65606"
    trailer, = party["trailers"]
    assert trailer["title"] == "Knees and you" and trailer["url"].endswith("/002-knees-and-you.mp3") and trailer["season"] == 1
    assert party["itunesBlock"] is False and party["itunesComplete"] is False and party["podcastBlocked"] == "no"
    by_guid = {item["guid"]: item for item in party["items"]}
    first, bonus = by_guid["5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11"], by_guid["b5e0a1c2-d3e4-4f50-8617-28394a5b6c44"]
    assert [(p["name"], p["role"], p["group"]) for p in bonus["podcastPeople"]] == [
        ("Sam Ple", "Host", "Cast"), ("Gus Test", "Guest", "Cast"), ("Ed Itor", "Editor", "Writing")]
    assert [p["name"] for p in first["podcastPeople"]] == ["Sam Ple"]  # the show's host, restated
    assert bonus["podcastLocation"]["name"] == "Hyde Park, London"
    assert "synthetic voice" in bonus["podcastTxt"][0]["value"] and "podcastTxt" not in first
    assert [t["type"] for t in first["podcastTranscripts"]] == ["text/html", "text/vtt"]  # both kept
    bites = bonus["podcastSoundbites"]
    assert [(b["startTime"], b["duration"]) for b in bites] == [(90, 45.5), (3540, 20)]
    assert bites[0]["title"] == "The best bit"  # (partytime titles an untitled one with the show's name)


def _utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def test_four_parsers_agree(node_read: dict[str, Any], built_sample: Path) -> None:
    raw = (built_sample / "podcast.xml").read_bytes()
    fp = feedparser.parse(raw)
    with (built_sample / "podcast.xml").open("rb") as fh:
        pp = podcastparser.parse(SAMPLE_BASE + "podcast.xml", fh)
    party, rss = node_read["partytime"], node_read["rssParser"]

    titles = {fp.feed.title, pp["title"], party["title"], rss["title"]}
    authors = {fp.feed.author, pp["itunes_author"], party["author"], rss["itunes"]["author"]}
    assert titles == {"Sample <Stride> & Co"} and authors == {"Sample Show"}

    def episodes_fp() -> dict[str, tuple[Any, ...]]:
        return {e.id: (e.title, e.enclosures[0].href, int(e.enclosures[0].length), e.enclosures[0].type,
                       int(e.itunes_duration), _utc(datetime(*e.published_parsed[:6], tzinfo=timezone.utc)))
                for e in fp.entries}

    def episodes_pp() -> dict[str, tuple[Any, ...]]:
        return {e["guid"]: (e["title"], e["enclosures"][0]["url"], e["enclosures"][0]["file_size"],
                            e["enclosures"][0]["mime_type"], e["total_time"],
                            _utc(datetime.fromtimestamp(e["published"], timezone.utc))) for e in pp["episodes"]}

    def episodes_party() -> dict[str, tuple[Any, ...]]:
        return {i["guid"]: (i["title"], i["enclosure"]["url"], i["enclosure"]["length"], i["enclosure"]["type"],
                            i["duration"], i["pubDate"][:19]) for i in party["items"]}

    def episodes_rss() -> dict[str, tuple[Any, ...]]:
        return {i["guid"]: (i["title"], i["enclosure"]["url"], int(i["enclosure"]["length"]), i["enclosure"]["type"],
                            int(i["itunes"]["duration"]), i["isoDate"][:19]) for i in rss["items"]}

    readings = [episodes_fp(), episodes_pp(), episodes_party(), episodes_rss()]
    assert len(readings[0]) == 3
    assert all(r == readings[0] for r in readings[1:]), readings
