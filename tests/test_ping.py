"""`build.py ping` against a stand-in hub on 127.0.0.1 that records what it is sent (the real hubs
are not reachable from CI), and the Pages workflow's notify job that runs it."""
from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ROOT, SAMPLE, SAMPLE_BASE
from test_workflows import load, pages

FEED_URL = SAMPLE_BASE + "podcast.xml"


class Request(NamedTuple):
    method: str
    path: str
    query: dict[str, list[str]]
    content_type: str | None
    form: dict[str, list[str]]
    user_agent: str | None


@contextmanager
def stand_in_hub(status: int = 204) -> Iterator[tuple[str, list[Request]]]:
    """A local endpoint answering every request with `status`; yields its base URL and what it got."""
    got: list[Request] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            url = urlsplit(self.path)
            got.append(Request(self.command, url.path, parse_qs(url.query), self.headers.get("Content-Type"),
                               parse_qs(body), self.headers.get("User-Agent")))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _record

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample's site.toml and a built feed: all `ping` reads."""
    (tmp_path / "site.toml").write_text((SAMPLE / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "podcast.xml").write_bytes(b"<rss>first</rss>")
    return tmp_path


def ping(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "ping", "--root", str(project), *args],
                          capture_output=True, text=True, timeout=60)


def test_a_changed_feed_is_announced_to_the_hub_and_podcast_index(project: Path) -> None:
    state = project / "state" / "feed.sha256"
    with stand_in_hub() as (base, got):
        proc = ping(project, "--hub", f"{base}/hub", "--pubnotify", f"{base}/api/1.0/hub/pubnotify", "--state", str(state))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    websub, index = got
    assert (websub.method, websub.path, websub.content_type) == ("POST", "/hub", "application/x-www-form-urlencoded")
    assert websub.form == {"hub.mode": ["publish"], "hub.url": [FEED_URL]}
    assert (index.method, index.path, index.query) == ("GET", "/api/1.0/hub/pubnotify", {"url": [FEED_URL]})
    assert websub.user_agent and websub.user_agent.startswith("RetroStride-sitegen/")
    assert state.read_text().strip() == hashlib.sha256(b"<rss>first</rss>").hexdigest()
    assert f"that {FEED_URL} changed" in proc.stdout


def test_the_same_feed_is_not_announced_twice_and_a_new_one_is(project: Path) -> None:
    state = project / "feed.sha256"
    with stand_in_hub() as (base, got):
        args = ("--hub", f"{base}/hub", "--pubnotify", f"{base}/notify", "--state", str(state))
        assert ping(project, *args).returncode == 0 and len(got) == 2
        again = ping(project, *args)
        assert again.returncode == 0 and len(got) == 2 and "nothing sent" in again.stdout
        (project / "_site" / "podcast.xml").write_bytes(b"<rss>second</rss>")
        assert ping(project, *args).returncode == 0 and len(got) == 4


def test_the_base_url_names_the_deployed_feed(project: Path) -> None:
    with stand_in_hub() as (base, got):
        proc = ping(project, "--hub", f"{base}/hub", "--pubnotify", f"{base}/notify", "--base-url", "https://owner.github.io/show")
    assert proc.returncode == 0, proc.stderr
    assert got[0].form["hub.url"] == ["https://owner.github.io/show/podcast.xml"]
    assert got[1].query == {"url": ["https://owner.github.io/show/podcast.xml"]}


def test_without_hub_the_one_in_site_toml_is_told(project: Path) -> None:
    # site.toml takes only https hubs; nothing listens on this port, so the warning names the hub tried
    toml = project / "site.toml"
    toml.write_text(toml.read_text().replace("podping = true", 'podping = true\nhub = "https://127.0.0.1:9/from-config"'))
    with stand_in_hub() as (base, got):
        proc = ping(project, "--pubnotify", f"{base}/notify")
    assert proc.returncode == 0
    assert "WebSub hub https://127.0.0.1:9/from-config did not take the notification" in proc.stderr
    assert len(got) == 1 and got[0].path == "/notify"


@pytest.mark.parametrize("status", [500, 404])
def test_a_refused_ping_is_a_warning_and_is_tried_again_next_time(project: Path, status: int) -> None:
    state = project / "feed.sha256"
    with stand_in_hub(status) as (base, got):
        proc = ping(project, "--hub", f"{base}/hub", "--pubnotify", f"{base}/notify", "--state", str(state))
    assert proc.returncode == 0
    assert proc.stderr.count("build.py ping: warning:") == 2 and f"HTTP {status}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not state.exists()  # nothing recorded: the next deploy tries again


def test_an_unreachable_hub_is_a_warning(project: Path) -> None:
    with stand_in_hub() as (base, got):
        pass  # closed again: nothing listens on its port now
    proc = ping(project, "--hub", f"{base}/hub", "--pubnotify", f"{base}/notify")
    assert proc.returncode == 0 and "could not connect" in proc.stderr and "Traceback" not in proc.stderr


def test_print_digest_and_a_given_digest(project: Path) -> None:
    proc = ping(project, "--print-digest")
    assert proc.returncode == 0 and proc.stdout == f"sha256={hashlib.sha256(b'<rss>first</rss>').hexdigest()}\n"
    state = project / "feed.sha256"
    state.write_text("a" * 64 + "\n")
    quiet = ping(project, "--feed-sha256", "a" * 64, "--state", str(state), "--hub", "http://127.0.0.1:9/never")
    assert quiet.returncode == 0 and "nothing sent" in quiet.stdout
    bad = ping(project, "--feed-sha256", "$(whoami)")
    assert bad.returncode == 1 and "not a SHA-256 digest" in bad.stderr


def test_without_a_built_feed_the_error_says_to_build(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text((SAMPLE / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    proc = ping(tmp_path)
    assert proc.returncode == 1 and "podcast.xml" in proc.stderr and "build the site first" in proc.stderr


# ---- the workflow ---------------------------------------------------------------------------------

def test_the_notify_job_runs_after_the_deploy_never_for_pull_requests_or_forks() -> None:
    jobs = pages()["jobs"]
    notify = jobs["notify"]
    assert set(notify["needs"]) == {"build", "deploy"}
    assert "github.event_name != 'pull_request'" in notify["if"] and "!github.event.repository.fork" in notify["if"]
    assert "pull_request" not in pages()["on"]
    assert "permissions" not in notify  # the workflow's contents: read, nothing to deploy or write
    digest_step = next(s for s in jobs["build"]["steps"] if s.get("id") == "feed")
    assert digest_step["run"] == '.venv/bin/python build.py ping --print-digest >> "$GITHUB_OUTPUT"'
    names = [s["name"] for s in jobs["build"]["steps"]]
    assert names.index("Build") < names.index("Digest the podcast feed")
    assert jobs["build"]["outputs"]["feed_sha256"] == "${{ steps.feed.outputs.sha256 }}"


def test_the_notify_step_passes_values_through_env_and_parses() -> None:
    from sitegen.cli import make_parser

    step = next(s for s in pages()["jobs"]["notify"]["steps"] if s["name"] == "Notify WebSub and Podcast Index")
    assert "${{" not in step["run"]  # expressions reach the shell through env only
    assert set(step["env"]) == {"BASE_URL", "FEED_SHA256"}
    words = shlex.split(step["run"].replace("$BASE_URL", "https://o.github.io/s").replace("$FEED_SHA256", "a" * 64))
    assert words[:3] == [".venv/bin/python", "build.py", "ping"]
    args = make_parser().parse_args(words[2:])
    assert args.command == "ping" and args.state == Path(".notified/feed.sha256") and args.feed_sha256 == "a" * 64
    cache_paths = {s["with"]["path"] for s in pages()["jobs"]["notify"]["steps"] if "actions/cache" in s.get("uses", "")}
    assert cache_paths == {".notified"}


def test_load_reads_the_pages_workflow() -> None:
    assert load(ROOT / ".github" / "workflows" / "pages.yml")["jobs"]["notify"]["runs-on"] == "ubuntu-24.04"
