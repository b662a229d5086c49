import uuid

import pytest

from conftest import make_config
from sitegen.podcast_spec import podcast_guid_for
from sitegen.problems import BuildError


def test_config_reads_sample():
    c = make_config()
    assert c.url == "https://example.github.io/sample-show/"
    assert c.base_path == "/sample-show/"
    assert c.podcast.categories == (("Sports", "Running"), ("Health & Fitness", "Fitness"))
    assert c.podcast.apps[0][0] == "apple"


def test_config_url_gets_trailing_slash_and_base_url_override():
    c = make_config(edits={'url = "https://example.github.io/sample-show/"': 'url = "https://example.org/x"'})
    assert c.url == "https://example.org/x/"
    assert c.with_base_url("https://other.example/retro").base_path == "/retro/"


def test_config_unknown_key_names_line_and_suggests():
    with pytest.raises(BuildError) as exc:
        make_config(edits={"language = ": "langauge = "})
    problem = next(p for p in exc.value.problems if "langauge" in p.message)
    assert problem.path == "site.toml" and problem.line == 7
    assert "did you mean 'language'" in problem.message


def test_config_unknown_category_gives_did_you_mean():
    with pytest.raises(BuildError, match="Running"):
        make_config(edits={'["Sports", "Running"]': '["Sports", "Runing"]'})


def test_config_malformed_owner_email():
    with pytest.raises(BuildError, match="owner_email"):
        make_config(edits={'owner_email = "owner@example.com"': 'owner_email = "owner at example"'})


def test_config_invalid_toml_names_line():
    with pytest.raises(BuildError) as exc:
        make_config(edits={'title = "Sample': 'title = Sample'})
    assert exc.value.problems[0].line == 3


def test_config_bad_timezone():
    with pytest.raises(BuildError, match="time zone"):
        make_config(edits={'timezone = "Europe/London"': 'timezone = "Mars/Olympus"'})


def test_config_guid_is_written_in_canonical_form():
    # The feed writes the guid as given: braces, upper case or a urn: prefix never reach it.
    upper = "{9B024349-CCF0-5F69-A609-6B82873EAB3C}"
    for written in (upper, "urn:uuid:9b024349-ccf0-5f69-a609-6b82873eab3c", "9B024349CCF05F69A6096B82873EAB3C"):
        c = make_config(edits={'guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"': f'guid = "{written}"'})
        assert c.podcast.guid == "9b024349-ccf0-5f69-a609-6b82873eab3c"


@pytest.mark.parametrize("url, expected", [
    ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("http://podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),  # scheme and trailing slash ignored
    ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),  # docs/tags/guid.md
])
def test_podcast_guid_vectors(url: str, expected: str) -> None:
    assert podcast_guid_for(url) == expected
    assert uuid.UUID(podcast_guid_for(url)).version == 5


@pytest.mark.parametrize("bad", ["", "   ", "https://", "https:///"])
def test_podcast_guid_for_rejects_empty(bad: str) -> None:
    with pytest.raises(ValueError, match="podcast_guid_for"):
        podcast_guid_for(bad)
