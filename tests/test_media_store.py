"""`build.py media push | import | verify` against a real S3-compatible server (SeaweedFS), and
the build that reads content/media.json instead of the audio."""
from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import feedparser
import podcastparser
import pytest

from conftest import SAMPLE_BASE, build_site
from s3server import S3Server, serve
from sitegen.cli import main
from sitegen.manifest import MANIFEST_PATH

EPISODES = "content/episodes"
LOCAL = ("001-first-steps.mp3", "002-knees-and-you.mp3", "003-draft-episode.mp3")


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    yield from serve(tmp_path_factory.mktemp("s3"))


@dataclass
class Show:
    root: Path
    bucket: str
    prefix: str
    server: S3Server

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.root / MANIFEST_PATH).read_text())["audio"]

    def media(self, *args: str) -> int:
        return main(["media", *args, "--root", str(self.root)])

    def feed(self) -> tuple[bytes, Any]:
        build_site(self.root, pdf=False)
        raw = (self.root / "_site" / "podcast.xml").read_bytes()
        return raw, feedparser.parse(raw)


def s3_table(endpoint: str, bucket: str, prefix: str) -> str:
    return (f'\n[media]\nstorage = "s3"\nendpoint = "{endpoint}"\nbucket = "{bucket}"\nprefix = "{prefix}"\n'
            f'region = "us-east-1"\npublic_url = "{endpoint}/{bucket}/"\n')


@pytest.fixture
def show(sample: Path, s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> Show:
    prefix = s3.new_prefix()
    with (sample / "site.toml").open("a") as f:
        f.write(s3_table(s3.endpoint, s3.bucket, prefix))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.secret_key)
    return Show(sample, s3.bucket, prefix, s3)


def head(url: str) -> int:
    with urllib.request.urlopen(urllib.request.Request(url, method="HEAD")) as resp:
        return int(resp.headers["Content-Length"])


def enclosures(parsed: Any) -> dict[str, tuple[str, int]]:
    return {e.id: (e.enclosures[0].href, int(e.enclosures[0].length)) for e in parsed.entries}


def test_push_uploads_under_content_addressed_keys_and_records_verified_objects(show: Show, capsys: pytest.CaptureFixture[str]):
    assert show.media("push") == 0
    entries = show.manifest
    assert sorted(entries) == sorted(LOCAL)
    for name, entry in entries.items():
        data = (show.root / EPISODES / name).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        assert entry["sha256"] == sha and entry["length"] == len(data)
        assert entry["key"] == f"{show.prefix}{name[:-4]}-{sha[:16]}.mp3"
        assert entry["url"] == f"{show.server.endpoint}/{show.bucket}/{entry['key']}"
        obj = show.server.client().head_object(Bucket=show.bucket, Key=entry["key"])
        assert obj["ContentLength"] == len(data) and obj["ContentType"] == "audio/mpeg"
    assert "3 uploaded, 0 already there" in capsys.readouterr().out


def test_push_again_uploads_nothing_and_leaves_the_manifest_as_it_was(show: Show, capsys: pytest.CaptureFixture[str]):
    assert show.media("push") == 0
    before = (show.root / MANIFEST_PATH).read_bytes()
    modified = {e["key"]: show.server.client().head_object(Bucket=show.bucket, Key=e["key"])["LastModified"]
                for e in show.manifest.values()}
    capsys.readouterr()
    assert show.media("push") == 0
    assert "0 uploaded, 3 already there" in capsys.readouterr().out
    assert (show.root / MANIFEST_PATH).read_bytes() == before
    assert {k: show.server.client().head_object(Bucket=show.bucket, Key=k)["LastModified"] for k in modified} == modified


def test_feed_enclosures_come_from_the_manifest_and_match_the_servers_content_length(show: Show):
    assert show.media("push") == 0
    raw, parsed = show.feed()
    assert not parsed.bozo
    entries = show.manifest
    got = enclosures(parsed)
    first, second = entries["001-first-steps.mp3"], entries["002-knees-and-you.mp3"]
    assert got["5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11"] == (first["url"], head(first["url"]))
    assert (second["url"], head(second["url"])) in got.values()
    assert not (show.root / "_site" / "episodes" / "first-steps" / "001-first-steps.mp3").exists()  # not on Pages
    podcast = podcastparser.parse(SAMPLE_BASE + "podcast.xml", __import__("io").BytesIO(raw))
    urls = {e["enclosures"][0]["url"]: e["enclosures"][0]["file_size"] for e in podcast["episodes"]}
    assert urls[first["url"]] == first["length"]


def test_changed_audio_gets_a_new_key_and_url_and_keeps_its_guid(show: Show):
    assert show.media("push") == 0
    old = show.manifest["001-first-steps.mp3"]
    mp3 = show.root / EPISODES / "001-first-steps.mp3"
    mp3.write_bytes(mp3.read_bytes() + b"\0" * 417)  # re-exported: other bytes, still an MP3
    assert show.media("push") == 0
    new = show.manifest["001-first-steps.mp3"]
    assert new["key"] != old["key"] and new["url"] != old["url"] and new["length"] == old["length"] + 417
    _, parsed = show.feed()
    assert enclosures(parsed)["5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11"] == (new["url"], head(new["url"]))


def test_deleting_the_local_audio_still_builds_the_same_feed(show: Show):
    assert show.media("push") == 0
    before, _ = show.feed()
    for name in LOCAL:
        (show.root / EPISODES / name).unlink()
    after, parsed = show.feed()
    assert after == before and len(parsed.entries) == 3  # two published, one remote bonus


def test_repository_storage_uses_the_manifest_only_for_audio_that_is_not_here(sample: Path):
    """The default storage: a local file is measured and published; without it the entry is used."""
    entry = {"url": "https://cdn.example.com/001.mp3", "length": 4242, "duration": 12.5, "mime": "audio/mpeg", "sha256": "a" * 64}
    (sample / MANIFEST_PATH).write_text(json.dumps({"audio": {"001-first-steps.mp3": entry}}))
    build_site(sample, pdf=False)
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert "001-first-steps.mp3" in feed and "cdn.example.com" not in feed
    (sample / EPISODES / "001-first-steps.mp3").unlink()
    build_site(sample, pdf=False)  # incremental: the missing file is a dependency of the cached episode
    feed = (sample / "_site" / "podcast.xml").read_text()
    assert 'url="https://cdn.example.com/001.mp3" length="4242"' in feed


# ---- bad input: one message with the fix, exit 1, nothing half-published --------------------

def assert_refused(show: Show, capsys: pytest.CaptureFixture[str], pattern: str, *args: str) -> str:
    before = (show.root / MANIFEST_PATH).read_bytes() if (show.root / MANIFEST_PATH).exists() else None
    assert show.media(*(args or ("push",))) == 1
    err = capsys.readouterr().err
    assert re.search(pattern, err), err
    assert "Traceback" not in err
    after = (show.root / MANIFEST_PATH).read_bytes() if (show.root / MANIFEST_PATH).exists() else None
    assert after == before
    return err


def set_media(show: Show, endpoint: str, bucket: str) -> None:
    text = (show.root / "site.toml").read_text()
    (show.root / "site.toml").write_text(text[:text.index("\n[media]")] + s3_table(endpoint, bucket, show.prefix))


def test_unreachable_endpoint(show: Show, capsys: pytest.CaptureFixture[str]):
    from s3server import _free_ports

    set_media(show, f"http://127.0.0.1:{_free_ports(1)[0]}", show.bucket)
    assert_refused(show, capsys, r"cannot reach http://127\.0\.0\.1:\d+ .*check \[media\] endpoint \(site\.toml:\d+\)")


def test_wrong_credentials(show: Show, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    assert_refused(show, capsys, r"refused the credentials .*check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


def test_missing_credentials(show: Show, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert_refused(show, capsys, r"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")


def test_missing_bucket(show: Show, capsys: pytest.CaptureFixture[str]):
    set_media(show, show.server.endpoint, "no-such-bucket-here")
    assert_refused(show, capsys, r"bucket 'no-such-bucket-here' does not exist .*fix \[media\] bucket \(site\.toml:\d+\)")


def _pushed_then_local_gone(show: Show) -> dict[str, Any]:
    assert show.media("push") == 0
    (show.root / EPISODES / "002-knees-and-you.mp3").unlink()
    return show.manifest["002-knees-and-you.mp3"]


def test_an_entry_whose_object_is_gone(show: Show, capsys: pytest.CaptureFixture[str]):
    entry = _pushed_then_local_gone(show)
    show.server.client().delete_object(Bucket=show.bucket, Key=entry["key"])
    assert_refused(show, capsys, rf"content/media\.json:\d+: 002-knees-and-you\.mp3: {entry['key']} is not in the bucket; put")
    assert_refused(show, capsys, r"content/media\.json:\d+: 002-knees-and-you\.mp3: .* answers HTTP 404", "verify")


def test_an_entry_whose_object_has_another_size(show: Show, capsys: pytest.CaptureFixture[str]):
    entry = _pushed_then_local_gone(show)
    show.server.client().put_object(Bucket=show.bucket, Key=entry["key"], Body=b"short", Metadata={"sha256": entry["sha256"]})
    assert_refused(show, capsys, rf"{entry['key']} is 5 bytes in the bucket, not {entry['length']}")
    assert_refused(show, capsys, rf"is 5 bytes, the manifest says {entry['length']}", "verify")


def test_push_with_repository_storage_says_how_to_switch(sample: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["media", "push", "--root", str(sample)]) == 1
    assert 'storage is "repository"' in capsys.readouterr().err


def test_verify_passes_after_push(show: Show, capsys: pytest.CaptureFixture[str]):
    assert show.media("push") == 0
    assert show.media("verify") == 0
    assert "verified: 3 files" in capsys.readouterr().out


# ---- import: audio already on another host ---------------------------------------------------

def test_import_downloads_once_measures_and_the_build_uses_it(show: Show, capsys: pytest.CaptureFixture[str]):
    data = (show.root / EPISODES / "001-first-steps.mp3").read_bytes()
    show.server.client().put_object(Bucket=show.bucket, Key=f"{show.prefix}elsewhere/bonus.mp3", Body=data)
    url = f"{show.server.endpoint}/{show.bucket}/{show.prefix}elsewhere/bonus.mp3"
    ep = show.root / EPISODES / "004-remote-bonus.md"
    text = ep.read_text().replace("https://media.example.com/sample/004-bonus.mp3", "004-bonus.mp3")  # a name, not here
    text = re.sub(r"soundbites:\n(?:  .*\n)+", "", text)  # its clips fall past the end of this 12-second stand-in
    ep.write_text(text.replace("length: 1234567\n", "").replace('duration: "1:02:03"\n', ""))
    assert show.media("import", url, "--episode", str(ep)) == 0
    entry = show.manifest["004-bonus.mp3"]
    assert entry["url"] == url
    assert entry["length"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest() and "key" not in entry
    _, parsed = show.feed()
    assert enclosures(parsed)["b5e0a1c2-d3e4-4f50-8617-28394a5b6c44"] == (url, head(url))


def test_import_of_a_missing_url(show: Show, capsys: pytest.CaptureFixture[str]):
    url = f"{show.server.endpoint}/{show.bucket}/{show.prefix}nothing-here.mp3"
    ep = show.root / EPISODES / "004-remote-bonus.md"
    ep.write_text(ep.read_text().replace("https://media.example.com/sample/004-bonus.mp3", "004-bonus.mp3"))
    assert_refused(show, capsys, r"nothing-here\.mp3 answers HTTP 404; check the address", "import", url, "--episode", str(ep))


def test_import_of_a_url_the_episode_does_not_name(show: Show, capsys: pytest.CaptureFixture[str]):
    ep = show.root / EPISODES / "004-remote-bonus.md"
    assert_refused(show, capsys, r"004-remote-bonus\.md:\d+: audio: is https://media\.example\.com/.*, not http",
                   "import", f"{show.server.endpoint}/x.mp3", "--episode", str(ep))


def test_the_command_line_exits_1_without_a_traceback(show: Show):
    """Through build.py itself, as an author runs it."""
    import subprocess
    import sys

    from conftest import ROOT
    from s3server import _free_ports

    set_media(show, f"http://127.0.0.1:{_free_ports(1)[0]}", show.bucket)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "media", "push", "--root", str(show.root)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"build.py media push: checking bucket '{show.bucket}': cannot reach http://127.0.0.1:")
    assert not (show.root / MANIFEST_PATH).exists()
