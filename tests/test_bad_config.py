"""Values the feed would carry wrongly, refused where the author wrote them.

site.toml: the Podcasting 2.0 spec's rules (UUIDv5 guid, 128-character texts, absolute URLs
without spaces, language codes, true/false) are checked by sitegen/config.py and nowhere else:
the feed extension (sitegen/feedext.py) trusts its input, so every rule has a case here naming
the line, and the build and check commands report it as a problem, not a traceback.

Content: tags in any script, two tags that would write one page, a transcript file name with a
space, publication dates in a zone's old local mean time, transcript formats the feed cannot type.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import SAMPLE, build_site, make_config, parse_config
from sitegen import cli
from sitegen.problems import BuildError

LONG = "x" * 129  # the spec's limit is 128 characters
FUNDING = '{ url = "https://example.com/support", text = "Support the show" }'
PERSON = '{ name = "Sam Ple", role = "host", href = "https://example.com/sam" }'
V4 = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
V1 = "a8098c1a-f86e-11da-bd1a-00112444be1e"
# Podcasting 2.0, docs/tags/guid.md: uuid5 of the feed URL without scheme and trailing slash.
SPEC_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
SAMPLE_GUID = str(uuid.uuid5(SPEC_NAMESPACE, "example.github.io/sample-show/podcast.xml"))


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# name: (old line part, new line part, the line that must be named, message regex)
CASES: dict[str, tuple[str, str, str, str]] = {
    "guid_v4": ('guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"', f'guid = "{V4}"', "guid =",
                rf"\[podcast\] guid: '{V4}' is a version-4 UUID; .*version-5 UUID of the feed URL.*{SPEC_NAMESPACE}.*"
                rf'guid = "{SAMPLE_GUID}"'),
    "guid_v1": ('guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"', f'guid = "{V1}"', "guid =",
                r"\[podcast\] guid: .* is a version-1 UUID"),
    "funding_text": ('text = "Support the show"', f'text = "{LONG}"', "funding =",
                     r"\[podcast\] funding: item 1: text: 129 characters; .* at most 128"),
    "funding_url_space": ('url = "https://example.com/support"', 'url = "https://example.com/sup port"', "funding =",
                          r"\[podcast\] funding: item 1: url: .* contains a space"),
    "person_name": ('name = "Sam Ple"', f'name = "{LONG}"', "persons =",
                    r"\[podcast\] persons: item 1: name: 129 characters"),
    "person_role": ('role = "host"', f'role = "{LONG}"', "persons =",
                    r"\[podcast\] persons: item 1: role: 129 characters"),
    "person_href_space": ('href = "https://example.com/sam"', 'href = "https://example.com/s am"', "persons =",
                          r"\[podcast\] persons: item 1: href: .* contains a space"),
    "person_img_space": ('href = "https://example.com/sam"', 'img = "https://example.com/s am.jpg"', "persons =",
                         r"\[podcast\] persons: item 1: img: .* contains a space"),
    # The feed's podcast:transcript language is [site] language.
    "language": ('language = "en"', 'language = "English"', "language =",
                 r"\[site\] language: 'English' is not a language code"),
    # Transcript and chapters URLs are built on [site] url.
    "site_url_space": ('url = "https://example.github.io/sample-show/"', 'url = "https://example.github.io/sample show/"',
                       "url = \"https://example.github.io/sample show/\"", r"\[site\] url: .* contains a space"),
    "site_url_relative": ('url = "https://example.github.io/sample-show/"', 'url = "/sample-show/"', 'url = "/sample-show/"',
                          r"\[site\] url: expected an absolute URL"),
    "guid_not_a_uuid": ('guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"', 'guid = "not-a-uuid"', "guid =",
                        r"\[podcast\] guid: expected a UUID like .*, got 'not-a-uuid'"),
    "guid_number": ('guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"', "guid = 42", "guid =",
                    r"\[podcast\] guid: expected a UUID like .*, got 42"),
    "funding_url_relative": ('url = "https://example.com/support"', 'url = "/support"', "funding =",
                             r"\[podcast\] funding: item 1: url: expected an absolute https:// URL, got '/support'"),
    "funding_url_ftp": ('url = "https://example.com/support"', 'url = "ftp://example.com/x"', "funding =",
                        r"\[podcast\] funding: item 1: url: expected an absolute https:// URL"),
    "funding_text_blank": ('text = "Support the show"', 'text = "  "', "funding =",
                           r"\[podcast\] funding: item 1: text: expected text"),
    "person_name_blank": ('{ name = "Sam Ple"', '{ name = ""', "persons =", r"\[podcast\] persons: item 1: name: expected text"),
    "person_role_blank": ('role = "host"', 'role = ""', "persons =", r"\[podcast\] persons: item 1: role: expected text"),
    "person_img_relative": ('href = "https://example.com/sam"', 'img = "sam.jpg"', "persons =",
                            r"\[podcast\] persons: item 1: img: expected an absolute https:// URL"),
    "person_href_script": ('href = "https://example.com/sam"', 'href = "javascript:alert(1)"', "persons =",
                           r"\[podcast\] persons: item 1: href: expected an absolute https:// URL"),
    # podcast:locked and itunes:explicit are true or false, nothing else.
    "explicit_yes": ("explicit = false", 'explicit = "yes"', "explicit =", r"\[podcast\] explicit: expected true or false"),
    "explicit_number": ("explicit = false", "explicit = 0", "explicit =", r"\[podcast\] explicit: expected true or false"),
    "locked_yes": ("explicit = false", 'explicit = false\nlocked = "yes"', "locked =",
                   r"\[podcast\] locked: expected true or false"),
    # The Podcasting 2.0 tags added for issue 15.
    "person_role_not_in_taxonomy": ('role = "host"', 'role = "presenter"', "persons =",
                                    r"\[podcast\] persons: item 1: role: 'presenter' is not a role of the group 'cast'; use one of host, co-host"),
    "person_group_unknown": ('role = "host"', 'role = "host", group = "band"', "persons =",
                             r"\[podcast\] persons: item 1: group: 'band' is not in the Podcasting 2.0 taxonomy"),
    "person_twice": (PERSON, f"{PERSON}, {PERSON}", "persons =", r"\[podcast\] persons: item 2: 'Sam Ple' is listed twice"),
    "hub_http": ("podping = true", 'podping = true\nhub = "http://hub.example.com/"', "hub =",
                 r"\[podcast\] hub: expected an absolute https:// URL"),
    "podping_yes": ("podping = true", 'podping = "yes"', "podping =", r"\[podcast\] podping: expected true or false"),
    "txt_too_long": ('text = "sample-apple-token"', f'text = "{"t" * 4001}"', "txt =",
                     r"\[podcast\] txt: item 1: text: 4001 characters; podcast:txt allows at most 4000"),
    "txt_purpose_two_words": ('purpose = "applepodcastsverify"', 'purpose = "apple verify"', "txt =",
                              r"\[podcast\] txt: item 1: purpose: 'apple verify': a purpose is one word"),
    "license_no_name": ('license = { name = "cc-by-4.0",', 'license = {', "license =",
                        r"\[podcast\] license: name: required"),
    "location_geo": ('geo = "geo:51.5072,-0.1276"', 'geo = "51.5072,-0.1276"', "location =",
                     r"\[podcast\] location: geo: '51.5072,-0.1276' is not a geo URI; write latitude,longitude as geo:"),
    "location_geo_range": ('geo = "geo:51.5072,-0.1276"', 'geo = "geo:95.1,-0.1276"', "location =",
                           r"\[podcast\] location: geo: .*latitude runs from -90 to 90"),
    "location_osm": ('osm = "R65606"', 'osm = "65606"', "location =", r"\[podcast\] location: osm: '65606' is not an OpenStreetMap id"),
    "location_rel": ('rel = "creator"', 'rel = "studio"', "location =", r"\[podcast\] location: rel: expected one of subject, creator"),
    "podroll_guid": ('feed_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"', 'feed_guid = "not-a-guid"', "podroll =",
                     r"\[podcast\] podroll: item 1: feed_guid:"),
    "update_frequency_rrule": ('rrule = "FREQ=WEEKLY"', 'rrule = "every week"', "update_frequency =",
                               r"\[podcast\] update_frequency: rrule: 'every week' is not an iCalendar recurrence rule"),
    "image_alt_long": ('image_alt = "The sample show\'s cover"', f'image_alt = "{LONG}"', "image_alt =",
                       r"\[podcast\] image_alt: 129 characters"),
    "block_yes": ("podping = true", 'podping = true\nblock = "yes"', "block =", r"\[podcast\] block: expected true or false"),
    # The owner of podcast:locked.
    "owner_email": ('owner_email = "owner@example.com"', 'owner_email = "not an email"', "owner_email =",
                    r"\[podcast\] owner_email: 'not an email' is not an email address"),
}


@pytest.mark.parametrize("case", CASES)
def test_config_refuses_what_the_feed_cannot_carry_naming_the_line(case: str) -> None:
    old, new, needle, message = CASES[case]
    text = (SAMPLE / "site.toml").read_text().replace(old, new)
    with pytest.raises(BuildError) as exc:
        make_config(edits={old: new})
    (problem,) = exc.value.problems
    assert problem.path == "site.toml" and problem.line == line_of(text, needle), str(problem)
    assert re.search(message, problem.message), problem.message


def test_the_guid_suggested_is_the_spec_one() -> None:
    # The spec's own example (docs/tags/guid.md): podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c.
    assert str(uuid.uuid5(SPEC_NAMESPACE, "podnews.net/rss")) == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    with pytest.raises(BuildError) as exc:
        make_config(edits={'guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"': f'guid = "{V4}"'})
    suggested = re.search(r'guid = "([0-9a-f-]{36})"', exc.value.problems[0].message)
    assert suggested and suggested.group(1) == SAMPLE_GUID
    # ... and the configuration takes it.
    assert make_config(edits={'guid = "f0b8a7a5-7a79-5e2b-8f6e-8d7d5e5b6f11"': f'guid = "{SAMPLE_GUID}"'}).podcast.guid == SAMPLE_GUID


def test_array_of_tables_names_the_line_of_the_bad_item() -> None:
    text = (SAMPLE / "site.toml").read_text().replace(f"funding = [{FUNDING}]\n", "")
    text += ('\n[[podcast.funding]]\nurl = "https://example.com/a"\ntext = "Fine"\n'
             f'\n[[podcast.funding]]\nurl = "https://example.com/b"\ntext = "{LONG}"\n')
    with pytest.raises(BuildError) as exc:
        parse_config(text, "site.toml", SAMPLE)
    (problem,) = exc.value.problems
    assert problem.line == line_of(text, f'text = "{LONG}"'), str(problem)
    assert "item 2: text: 129 characters" in problem.message


def test_the_longest_values_the_config_takes_build(sample: Path) -> None:
    """The other way round: what site.toml accepts, the feed accepts (128 characters is allowed)."""
    toml = sample / "site.toml"
    text = toml.read_text()
    text = text.replace('text = "Support the show"', f'text = "{"x" * 128}"')
    # (a group whose roles the taxonomy check leaves open: cast and writing take only theirs)
    text = text.replace('name = "Sam Ple", role = "host"', f'name = "{"n" * 128}", role = "{"r" * 128}", group = "community"')
    text = text.replace('language = "en"', 'language = "en-GB"')
    toml.write_text(text)
    build_site(sample, pdf=False)
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert f">{'x' * 128}</podcast:funding>" in feed and 'language="en-GB"' in feed


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("case", ["guid_v4", "funding_text", "language"])
def test_build_and_check_exit_1_with_the_line_not_a_traceback(sample: Path, case: str, command: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    old, new, needle, message = CASES[case]
    toml = sample / "site.toml"
    text = toml.read_text().replace(old, new)
    toml.write_text(text)
    assert cli.main([command, "--root", str(sample), "-q"]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^site\.toml:{line_of(text, needle)}: {message}", err, re.M), err
    assert not (sample / "_site").exists()


def test_a_bad_base_url_is_a_problem_not_a_traceback(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--root", str(sample), "--base-url", "nonsense", "-q"]) == 1
    assert "--base-url: expected an absolute URL" in capsys.readouterr().err


# ---- content ------------------------------------------------------------------------------

EP1 = "content/episodes/001-first-steps.md"
ARTICLE = "content/articles/safety-first.md"


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_tags_in_any_script_get_pages_and_valid_links(sample: Path) -> None:
    edit(sample, EP1, "tags: [balance, Beginners]", 'tags: [balance, Beginners, Колено, Straße, "Stra e"]')
    edit(sample, ARTICLE, "tags: [safety, beginners]", "tags: [safety, beginners, STRASSE]")
    build_site(sample, pdf=False)
    out = sample / "_site"
    # Straße and Stra e used to share tags/stra-e/; STRASSE is Straße in another case: one tag.
    assert "<h1>Topic: колено</h1>" in (out / "tags" / "колено" / "index.html").read_text()
    strasse = (out / "tags" / "strasse" / "index.html").read_text()
    assert "Safety first" in strasse and "First steps" in strasse
    assert "Safety first" not in (out / "tags" / "stra-e" / "index.html").read_text()
    page = (out / "episodes" / "first-steps" / "index.html").read_text()
    links = re.findall(r'href="/sample-show/(tags/[^"]+)"', page)
    assert "tags/%D0%BA%D0%BE%D0%BB%D0%B5%D0%BD%D0%BE/" in links and "tags/strasse/" in links and "tags/stra-e/" in links
    for link in links:  # ASCII only, and each one leads to a page
        assert link.isascii() and (out / unquote(link) / "index.html").is_file(), link
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.github.io/sample-show/tags/%D0%BA%D0%BE%D0%BB%D0%B5%D0%BD%D0%BE/</loc>" in sitemap
    assert sitemap.isascii()


def test_two_tags_that_would_share_a_page_name_both_files(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(sample, EP1, "tags: [balance, Beginners]", "tags: [balance, Beginners, knee pain]")
    edit(sample, ARTICLE, "tags: [safety, beginners]", "tags: [safety, beginners, Knee-Pain]")
    for command in ("check", "build"):
        assert cli.main([command, "--root", str(sample), "-q"]) == 1
        err = capsys.readouterr().err
        assert re.search(rf"^{EP1}:10: tags: 'knee pain' and 'knee-pain' \({ARTICLE}:5\) would share the page "
                         r"tags/knee-pain/", err, re.M), err
    assert not (sample / "_site").exists()


def test_a_transcript_file_name_with_a_space_gets_an_encoded_url(sample: Path) -> None:
    (sample / "content/episodes/001-first-steps.vtt").rename(sample / "content/episodes/001 first.vtt")
    edit(sample, EP1, "transcript: 001-first-steps.vtt", 'transcript: "001 first.vtt"')
    build_site(sample, pdf=False)
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert 'url="https://example.github.io/sample-show/episodes/first-steps/001%20first.vtt"' in feed
    assert (sample / "_site" / "episodes" / "first-steps" / "001 first.vtt").is_file()


def test_a_date_before_1900_is_a_problem_with_its_line(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(sample, EP1, "date: 2026-03-03", "date: 1846-03-03")
    assert cli.main(["check", "--root", str(sample), "-q"]) == 1
    assert f"{EP1}:5: date: 1846-03-03 is before 1900" in capsys.readouterr().err


def test_a_transcript_the_feed_cannot_type_is_a_problem(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # podcast:transcript type comes from the file's suffix: only WebVTT and SubRip are taken.
    (sample / "content/episodes/001-first-steps.vtt").rename(sample / "content/episodes/001-first-steps.txt")
    edit(sample, EP1, "transcript: 001-first-steps.vtt", "transcript: 001-first-steps.txt")
    assert cli.main(["check", "--root", str(sample), "-q"]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^{EP1}:\d+: transcript: 001-first-steps.txt must be a .vtt \(WebVTT\) or .srt \(SubRip\) file", err, re.M), err
