"""[media] and enclosure_prefix in site.toml, content/media.json, and check's size budget."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import SAMPLE, build_site, make_config
from sitegen.cli import main
from sitegen.manifest import MANIFEST_PATH, ManifestEntry, parse_manifest, read_manifest, render_manifest, write_manifest
from sitegen.problems import BuildError

S3 = ('\n[media]\nstorage = "s3"\nendpoint = "https://acct.r2.cloudflarestorage.com"\nbucket = "retro-audio"\n'
      'prefix = "/episodes/"\nregion = "auto"\npublic_url = "https://media.example.com"\n')
SHA = "0123456789abcdef" * 4


def config_with(extra: str, root: Path = SAMPLE):
    from sitegen.config import parse_config

    return parse_config((SAMPLE / "site.toml").read_text() + extra, "site.toml", root)


def problems_of(extra: str) -> str:
    with pytest.raises(BuildError) as err:
        config_with(extra)
    return err.value.report()


def test_media_defaults_to_the_repository():
    media = make_config().media
    assert media.storage == "repository" and not media.s3 and media.prefix == ""


def test_s3_media_is_read_and_normalised():
    media = config_with(S3).media
    assert media.s3 and media.bucket == "retro-audio" and media.prefix == "episodes/"
    assert media.public_url == "https://media.example.com/" and media.region == "auto"


def test_credentials_in_site_toml_are_refused_at_their_line():
    extra = S3 + 'aws_secret_access_key = "abc"\naccess_key_id = "AKIA"\n'
    report = problems_of(extra)
    lines = (SAMPLE / "site.toml").read_text().count("\n") + extra.count("\n")
    assert re.search(rf"site\.toml:{lines - 1}: \[media\] aws_secret_access_key: credentials never go in site\.toml.*"
                     r"export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", report), report
    assert f"site.toml:{lines}: [media] access_key_id" in report and "unknown key" not in report


def test_a_url_with_a_password_is_refused():
    assert "holds a user name or password" in problems_of(S3.replace("https://acct.", "https://me:pw@acct."))


def test_s3_storage_needs_bucket_public_url_and_an_endpoint_or_region():
    report = problems_of('\n[media]\nstorage = "s3"\n')
    assert "[media] bucket: required when storage = \"s3\"" in report
    assert "[media] public_url: required" in report and "needs endpoint" in report


@pytest.mark.parametrize("line, message", [
    ('storage = "dropbox"', "storage"),
    ('bucket = "Bad_Bucket"', "is not a bucket name"),
    ('public_url = "ftp://media.example.com/"', "expected an absolute URL"),
])
def test_bad_media_values_name_their_line(line: str, message: str):
    key = line.split(" = ")[0]
    extra = re.sub(rf"^{key} = .*$", line, S3, flags=re.M)
    report = problems_of(extra)
    assert re.search(rf"site\.toml:\d+: \[media\] {key}", report) and message in report, report


@pytest.mark.parametrize("value", ["http://op3.dev/e/", "https://op3.dev/e", "op3.dev/e/", "https://x.example/?a=1/"])
def test_enclosure_prefix_must_be_an_https_prefix(value: str):
    text = (SAMPLE / "site.toml").read_text().replace('categories = [', f'enclosure_prefix = "{value}"\ncategories = [', 1)
    from sitegen.config import parse_config

    with pytest.raises(BuildError) as err:
        parse_config(text, "site.toml", SAMPLE)
    assert re.search(r"site\.toml:\d+: \[podcast\] enclosure_prefix: expected an https prefix ending in /", err.value.report())


def test_enclosure_prefix_applies_to_the_feed_only(sample: Path):
    toml = sample / "site.toml"
    toml.write_text(toml.read_text().replace("categories = [", 'enclosure_prefix = "https://op3.dev/e/"\ncategories = [', 1))
    build_site(sample, pdf=False)
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert 'url="https://op3.dev/e/example.github.io/sample-show/episodes/first-steps/001-first-steps.mp3"' in feed
    assert 'url="https://op3.dev/e/media.example.com/sample/004-bonus.mp3"' in feed
    page = (sample / "_site" / "episodes" / "first-steps" / "index.html").read_text()
    assert "op3.dev" not in page and "001-first-steps.mp3" in page


# ---- content/media.json -----------------------------------------------------------------------

def entry(**kw: object) -> dict[str, object]:
    return {"url": "https://media.example.com/a.mp3", "length": 1000, "duration": 61.5, "mime": "audio/mpeg",
            "sha256": SHA, **kw}


def test_manifest_round_trips_sorted_and_atomically(tmp_path: Path):
    (tmp_path / "content").mkdir()
    entries = {"b.mp3": ManifestEntry("https://m.example/b.mp3", 2, 1.0, "audio/mpeg", SHA, "k/b.mp3"),
               "a.mp3": ManifestEntry("https://m.example/a.mp3", 1, 2.0, "audio/mp4", SHA)}
    write_manifest(tmp_path, entries)
    text = (tmp_path / MANIFEST_PATH).read_text()
    assert text == render_manifest(entries) and text.index('"a.mp3"') < text.index('"b.mp3"')
    manifest, found = read_manifest(tmp_path)
    assert found == [] and manifest.entries == entries and manifest.lines["b.mp3"] > manifest.lines["a.mp3"]
    assert os.listdir(tmp_path / "content") == ["media.json"]  # no temporary file left behind


@pytest.mark.parametrize("bad, message", [
    (entry(length=-1), "length: expected the size in bytes"),
    (entry(length=True), "length: expected the size in bytes"),
    (entry(duration="1:00"), "duration: expected seconds"),
    (entry(mime="video/mp4"), "mime: expected one of"),
    (entry(sha256="xyz"), "sha256: expected 64 lowercase hex digits"),
    (entry(url="media.example.com/a.mp3"), "url: expected an absolute http(s) URL"),
    (entry(colour="red"), "unknown key 'colour'"),
    ({"url": "https://m/a.mp3"}, "missing length, duration, mime, sha256"),
])
def test_a_bad_manifest_entry_is_reported_at_its_line(bad: dict[str, object], message: str):
    raw = json.dumps({"audio": {"good.mp3": entry(), "bad.mp3": bad}}, indent=2)
    manifest, found = parse_manifest(raw)
    line = raw.splitlines().index('    "bad.mp3": {') + 1
    assert [(p.path, p.line) for p in found] == [(MANIFEST_PATH, line)] and message in found[0].message
    assert "run `python build.py media push`" in found[0].message and list(manifest.entries) == ["good.mp3"]


def test_a_manifest_that_is_not_json_stops_the_build_at_its_line(sample: Path, capsys: pytest.CaptureFixture[str]):
    (sample / MANIFEST_PATH).write_text('{"audio": {\n  "a.mp3": {,\n}}')
    assert main(["check", "--root", str(sample)]) == 1
    assert re.search(r"content/media\.json:2: not valid JSON", capsys.readouterr().err)


def test_remote_audio_without_an_entry_says_how_to_import_it(sample: Path, capsys: pytest.CaptureFixture[str]):
    ep = sample / "content" / "episodes" / "004-remote-bonus.md"
    ep.write_text(ep.read_text().replace("length: 1234567\n", ""))
    assert main(["check", "--root", str(sample)]) == 1
    assert ("004-remote-bonus.md:7: audio: remote audio needs length, and it has no entry in content/media.json" in
            capsys.readouterr().err)


def test_remote_audio_in_the_manifest_needs_no_length(sample: Path):
    ep = sample / "content" / "episodes" / "004-remote-bonus.md"
    ep.write_text(ep.read_text().replace("length: 1234567\n", "").replace('duration: "1:02:03"\n', ""))
    url = "https://media.example.com/sample/004-bonus.mp3"
    (sample / MANIFEST_PATH).write_text(json.dumps({"audio": {url: entry(url=url, length=777, duration=3723.0)}}))
    build_site(sample, pdf=False)
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert f'url="{url}" length="777"' in feed and "<itunes:duration>3723</itunes:duration>" in feed


# ---- check: the size budget instead of a cap --------------------------------------------------

def grow(path: Path, size: int) -> None:
    """A sparse file: the test's disk holds only the original bytes."""
    with path.open("r+b") as f:
        f.truncate(size)


def test_check_warns_about_a_file_over_50_mb(sample: Path, capsys: pytest.CaptureFixture[str]):
    grow(sample / "content" / "episodes" / "002-knees-and-you.mp3", 60_000_000)
    assert main(["check", "--root", str(sample)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"warning: episodes/knees-and-you/002-knees-and-you\.mp3 is 60 MB, over GitHub's 50 MB file "
                     r"warning .*set \[media\] storage = \"s3\"", err), err
    assert "published site is" not in err


def test_check_warns_when_the_site_passes_800_mb(sample: Path, capsys: pytest.CaptureFixture[str]):
    for n in range(17):  # 17 x 48 MB: each under the file warning, together past the budget
        path = sample / "static" / f"big-{n}.bin"
        path.write_bytes(b"x")
        grow(path, 48_000_000)
    assert main(["check", "--root", str(sample)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"warning: the published site is 8\d\d MB, past the 800 MB budget of GitHub Pages' 1 GB limit; "
                     r"move the audio to object storage", err), err
    assert "over GitHub's 50 MB" not in err


def test_check_is_quiet_under_the_budget(sample: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", "--root", str(sample)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_check_warns_about_audio_not_pushed_with_s3_storage(sample: Path, capsys: pytest.CaptureFixture[str]):
    with (sample / "site.toml").open("a") as f:
        f.write(S3)
    assert main(["check", "--root", str(sample)]) == 0
    err = capsys.readouterr().err
    assert "content/episodes/001-first-steps.md: 001-first-steps.mp3 is not in content/media.json yet" in err


def test_only_the_episode_whose_entry_changed_is_parsed_again(sample: Path):
    import time

    from sitegen.cache import DocCache
    from sitegen.load import list_sources, load_items

    with (sample / "site.toml").open("a") as f:
        f.write(S3)
    config = config_with(S3, sample)
    names = {"001-first-steps.mp3": 96548, "002-knees-and-you.mp3": 48483}
    manifest_of = lambda lengths: parse_manifest(json.dumps({"audio": {  # noqa: E731
        n: entry(url=f"https://media.example.com/{n}", length=size) for n, size in lengths.items()}}))[0]
    files = list_sources(sample)[0]
    first, cache = load_items(files, config, DocCache(), time.time_ns() + 10**10, manifest=manifest_of(names))
    again, _ = load_items(files, config, cache, time.time_ns() + 10**10, manifest=manifest_of({**names, "002-knees-and-you.mp3": 5}))
    changed = [a.rel for a, b in zip(first, again) if a is not b]
    assert changed == ["content/episodes/002-knees-and-you.md"]
    (ep,) = [x.item for x in again if x.rel == changed[0]]
    assert ep is not None and ep.audio.length == 5 and ep.audio.source is None  # type: ignore[union-attr]
