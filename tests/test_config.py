import pytest

from conftest import make_config
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
