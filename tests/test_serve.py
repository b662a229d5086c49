"""`build.py serve`: a preview server on port 0, driven step by step (no sleeping loops)."""
from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FIXED_NOW, copy_sample
from sitegen import serve
from sitegen.serve import DevServer, devserver, watch

BASE = "/sample-show/"  # the subpath of the sample's [site] url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(dev: DevServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(f"http://127.0.0.1:{dev.port}{path}", headers=headers or {})
    try:
        with _opener.open(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def touch(path: Path, text: str | None = None) -> None:
    """Change a file and make sure its modification time moves, however coarse the clock."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _started(root: Path) -> DevServer:
    messages: list[str] = []
    server = DevServer(root, port=0, pdf=False, now=lambda: FIXED_NOW, say=messages.append, warn=messages.append)
    server.messages = messages  # type: ignore[attr-defined]
    server.start()
    return server


@pytest.fixture
def dev(sample: Path) -> Iterator[DevServer]:
    """A preview of its own, for tests that edit files."""
    server = _started(sample)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """One preview shared by the tests that only read."""
    server = _started(copy_sample(tmp_path_factory.mktemp("served") / "site"))
    try:
        yield server
    finally:
        server.stop()


def test_serves_the_drafts_build_under_the_subpath(served: DevServer) -> None:
    dev, sample = served, served.root
    assert dev.url == f"http://127.0.0.1:{dev.port}{BASE}"
    assert dev.version == 1
    status, headers, body = get(dev, BASE)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    # Built with the preview's base URL, so links, feeds and enclosures stay on the preview.
    assert f'<link rel="canonical" href="http://127.0.0.1:{dev.port}{BASE}">' in page
    assert f'href="{BASE}css/' in page
    feed = get(dev, f"{BASE}podcast.xml")[2].decode()
    assert f'url="http://127.0.0.1:{dev.port}{BASE}episodes/first-steps/001-first-steps.mp3"' in feed
    assert "injected by build.py serve" in page
    # Drafts and future posts are built, and flagged on their pages.
    status, _, body = get(dev, f"{BASE}episodes/draft-episode/")
    assert status == 200 and b'class="flag">Draft' in body
    status, _, body = get(dev, f"{BASE}episodes/future/")
    assert status == 200 and b'class="flag">Scheduled' in body
    # The preview has its own folder: never _site, and the script is only in responses.
    assert dev.out_dir == sample / ".cache" / "serve"
    assert not (sample / "_site").exists()
    assert b"__reload" not in (dev.out_dir / "index.html").read_bytes()


def test_urls_behave_like_github_pages(served: DevServer) -> None:
    dev = served
    status, headers, _ = get(dev, "/")
    assert status == 302 and headers["Location"] == BASE
    status, headers, _ = get(dev, BASE.rstrip("/"))
    assert status == 302 and headers["Location"] == BASE
    status, headers, _ = get(dev, f"{BASE}episodes")
    assert status == 302 and headers["Location"] == f"{BASE}episodes/"
    status, _, body = get(dev, f"{BASE}no/such/page/")
    assert status == 404 and b"injected by build.py serve" in body  # the site's own 404 page
    status, _, _ = get(dev, "/elsewhere/index.html")  # outside the subpath: nothing
    assert status == 404
    status, headers, body = get(dev, f"{BASE}podcast.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml") and b"<rss" in body
    assert b"__reload" not in body  # only HTML gets the script


def test_audio_can_be_fetched_in_ranges(served: DevServer) -> None:
    dev = served
    mp3 = f"{BASE}episodes/first-steps/001-first-steps.mp3"
    status, headers, whole = get(dev, mp3)
    assert status == 200 and headers["Content-Type"] == "audio/mpeg" and headers["Accept-Ranges"] == "bytes"
    status, headers, part = get(dev, mp3, {"Range": "bytes=10-19"})
    assert status == 206 and part == whole[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(whole)}"
    status, _, _ = get(dev, mp3, {"Range": f"bytes={len(whole) + 5}-"})
    assert status == 416


def test_rebuilds_on_change_and_reports_the_build_number(dev: DevServer, sample: Path) -> None:
    assert dev.rebuild_if_changed() is None  # nothing changed since the first build
    about = sample / "content" / "pages" / "about.md"
    touch(about, about.read_text(encoding="utf-8") + "\nA new closing line.\n")
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and outcome.ok and outcome.changed == ("content/pages/about.md",)
    assert outcome.version == dev.version == 2
    assert "content/pages/about.md changed" in outcome.message
    # Two outcomes (the edited page first, then the rest), one reload: nothing else shows the page's body
    assert json.loads(get(dev, serve.RELOAD_PATH)[2]) == {"version": 2, "problems": [], "state": 3}
    assert b"A new closing line." in get(dev, f"{BASE}about/")[2]
    assert b'<script data-version="2" ' in get(dev, f"{BASE}about/")[2]
    # Templates, static files and site.toml are watched too.
    touch(sample / "templates" / "base.html")
    assert dev.rebuild_if_changed().changed == ("templates/base.html",)  # type: ignore[union-attr]
    touch(sample / "site.toml")
    assert dev.rebuild_if_changed().ok  # type: ignore[union-attr]
    # Editor swap and hidden files are not changes.
    (sample / "content" / "pages" / ".about.md.swp").write_text("x")
    assert dev.rebuild_if_changed() is None


def test_a_broken_edit_keeps_the_last_good_build(dev: DevServer, sample: Path) -> None:
    about = sample / "content" / "pages" / "about.md"
    good = about.read_text(encoding="utf-8")
    good_page = get(dev, f"{BASE}about/")[2]
    touch(about, good.replace("title:", "titel:", 1))
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and not outcome.ok and outcome.version == 1
    assert any("titel: unknown key; did you mean 'title'?" in p.message for p in outcome.problems)
    printed = "\n".join(dev.messages)  # type: ignore[attr-defined]
    assert "content/pages/about.md:2: titel: unknown key" in printed
    assert "still serving the last good build" in printed
    # The last good build is still served, and open pages are told about the problems.
    assert get(dev, f"{BASE}about/")[2] == good_page
    state = json.loads(get(dev, serve.RELOAD_PATH)[2])
    assert state["version"] == 1 and any("titel" in p for p in state["problems"])
    assert dev.rebuild_if_changed() is None  # not retried until something changes
    touch(about, good)
    fixed = dev.rebuild_if_changed()
    assert fixed is not None and fixed.ok and fixed.version == 2
    assert json.loads(get(dev, serve.RELOAD_PATH)[2]) == {"version": 2, "problems": [], "state": 3}


def test_an_unexpected_crash_does_not_stop_the_preview(dev: DevServer, monkeypatch: pytest.MonkeyPatch, sample: Path) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(devserver, "build", boom)
    touch(sample / "site.toml")
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and not outcome.ok and "a bug" in (outcome.error or "")
    assert get(dev, BASE)[0] == 200


def test_inject_reload_places_the_script_before_body_end() -> None:
    page = serve.inject_reload(b"<html><body><p>x</p></BODY></html>", 7)
    script = b'<script data-version="7" data-endpoint="/__reload">' + (Path(serve.__file__).parent / "reload.js").read_bytes()
    assert page == b"<html><body><p>x</p>" + script + b"</script>\n</BODY></html>"
    assert b"var seen = Number(config.version)" in script and b"document.currentScript" in script
    assert serve.inject_reload(b"<p>fragment</p>", 1).startswith(b'<p>fragment</p><script data-version="1" ')


def test_the_run_loop_stops_when_asked(served: DevServer) -> None:
    import threading

    stop = threading.Event()
    stop.set()
    served.run(poll_seconds=0.01, stop=stop)  # returns at once instead of polling forever


def test_a_busy_port_is_a_clear_error(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve.main(sample, port=port, pdf=False) == 1
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and f"--port {port + 1}" in err
    assert not (sample / ".cache" / "serve").exists()


@pytest.mark.parametrize("flag", ["-q", "", "-v"])
def test_cli_serve_and_its_quiet_and_verbose_flags(flag: str, sample: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from sitegen import cli

    ran: list[DevServer] = []
    monkeypatch.setattr(DevServer, "run", lambda self, **kwargs: ran.append(self))  # instead of polling forever
    args = ["serve", "--port", "0", "--no-pdf", "--root", str(sample)] + ([flag] if flag else [])
    assert cli.main(args) == 0
    (dev,) = ran
    out = capsys.readouterr().out
    assert dev.version == 1 and dev.pdf is False and dev.verbose is (flag == "-v")
    assert f"serving http://127.0.0.1:{dev.port}{BASE}  (first build ok" in out
    assert ("watching content, templates, static, site.toml" in out) is (flag != "-q")
    steps = [ln for ln in out.splitlines() if not ln.startswith(("serving ", "watching ", "stopped"))]
    assert bool(steps) is (flag == "-v")  # -v prints each build step
    assert (sample / ".cache" / "serve" / "index.html").is_file()


@pytest.mark.parametrize("notify", [True, False], ids=["notified", "polling"])
def test_the_run_loop_rebuilds_after_a_save(notify: bool, dev: DevServer, sample: Path) -> None:
    import threading
    import time

    stop = threading.Event()
    loop = threading.Thread(target=dev.run, kwargs={"poll_seconds": 0.05, "stop": stop, "quiet": True, "notify": notify})
    loop.start()
    try:
        time.sleep(0.3)  # the watcher is up
        (sample / ".cache" / "unrelated.txt").write_text("not watched")
        about = sample / "content" / "pages" / "about.md"
        touch(about, about.read_text(encoding="utf-8") + "\nSaved while serving.\n")
        deadline = time.monotonic() + 10
        while dev.version < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert dev.version == 2
        assert b"Saved while serving." in get(dev, f"{BASE}about/")[2]
    finally:
        stop.set()
        loop.join(timeout=5)
    assert not loop.is_alive()
    assert not any("notifications unavailable" in m for m in dev.messages)  # type: ignore[attr-defined]


def test_only_sources_are_watched(dev: DevServer, sample: Path) -> None:
    watched = lambda rel: watch.is_watched(dev.root, str(dev.root / rel))  # noqa: E731
    assert watched("content/episodes/001-first-steps.md") and watched("site.toml") and watched("templates/base.html")
    assert watched("static/css/site.css")
    assert not watched("_site/index.html") and not watched(".cache/serve/index.html") and not watched("README.md")
    assert not watched("content/pages/.about.md.swp") and not watched("content/.git/x") and not watched("content/a.md~")


def test_open_pages_hear_of_a_rebuild_as_soon_as_it_ends(dev: DevServer, sample: Path) -> None:
    import threading
    import time

    first = json.loads(get(dev, f"{serve.RELOAD_PATH}?state=-1")[2])  # a new page: answered at once
    assert first == {"version": 1, "problems": [], "state": 1}
    answers: list[tuple[float, dict]] = []

    def wait() -> None:
        answers.append((time.monotonic(), json.loads(get(dev, f"{serve.RELOAD_PATH}?state=1")[2])))

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(0.3)
    assert waiting.is_alive() and not answers  # held until something happens
    touch(sample / "site.toml")
    assert dev.rebuild_if_changed().ok  # type: ignore[union-attr]
    built = time.monotonic()
    waiting.join(timeout=5)
    assert answers and answers[0][1] == {"version": 2, "problems": [], "state": 2} and answers[0][0] - built < 1
    assert dev.reload_state(after=2, timeout=0.05)["state"] == 2  # nothing new: answered after the timeout


def test_the_real_command_sees_a_save_and_stops_on_ctrl_c(sample: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--no-pdf", "--root", str(sample)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as from a terminal
    try:
        url = f"http://127.0.0.1:{port}{BASE}about/"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        about = sample / "content" / "pages" / "about.md"
        touch(about, about.read_text(encoding="utf-8") + "\nSaved in an editor.\n")
        while time.monotonic() < deadline and b"Saved in an editor." not in urllib.request.urlopen(url, timeout=1).read():
            time.sleep(0.05)
        assert b"Saved in an editor." in urllib.request.urlopen(url, timeout=1).read()
        # The edited page is shown first; the rebuild ends (the third outcome) a moment later
        state = f"http://127.0.0.1:{port}{serve.RELOAD_PATH}"
        while time.monotonic() < deadline and json.loads(urllib.request.urlopen(state, timeout=1).read())["state"] < 3:
            time.sleep(0.05)
        time.sleep(1.0)  # the run loop prints its line after the build record is kept
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in out and "after content/pages/about.md changed" in out


# ---- hardening: Host header, the build-state query, closed connections, paths that leave the folder ----


def raw(dev: DevServer, path: str, hosts: tuple[str, ...] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request as written (no quoting of `path`), with exactly the Host headers given (default: the preview's)."""
    conn = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for host in (f"127.0.0.1:{dev.port}",) if hosts is None else hosts:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.headers), resp.read()
    finally:
        conn.close()


def test_only_requests_for_this_machine_are_answered(served: DevServer, capfd: pytest.CaptureFixture[str]) -> None:
    # A web page whose name is rebound to 127.0.0.1 (DNS rebinding) sends its own name as Host: it must not read drafts.
    dev, port = served, served.port
    refused = [(), ("",), ("evil.example",), (f"evil.example:{port}",), (f"127.0.0.1.evil.example:{port}",),
               ("localhost.evil.example",), (f"127.0.0.1:{port}.evil.example",), ("127.0.0.1:x",), ("127.0.0.1:",),
               (f"127.0.0.2:{port}",), (f"[::1]:{port}",), (f"127.0.0.1:{port}", "evil.example")]
    for hosts in refused:
        for path, method in ((BASE, "GET"), (f"{BASE}episodes/draft-episode/", "GET"), (serve.RELOAD_PATH, "GET"), (BASE, "HEAD")):
            status, headers, body = raw(dev, path, hosts, method)
            assert status == (421 if len(hosts) == 1 else 400), (hosts, path, status)
            assert headers["Content-Type"].startswith("text/plain")
            assert method == "HEAD" or (body and b"Draft" not in body and b"<" not in body and len(body) < 200), body
    assert "Traceback" not in capfd.readouterr().err
    # The names a browser here uses, with any port (an SSH tunnel may forward another one).
    for host in ("127.0.0.1", f"127.0.0.1:{port}", "localhost", f"localhost:{port}", f"LocalHost:{port}", "127.0.0.1:9000"):
        status, _, body = raw(dev, f"{BASE}episodes/draft-episode/", (host,))
        assert status == 200 and b'class="flag">Draft' in body, host


@pytest.mark.parametrize("state", ["9" * 5000, "%C2%B2", "%EF%BC%91", "1%C2%B2", "+1", "%201", "1_0", "0x1", "--1", "", "1e3",
                                   "9" * 40, "1&state=2"], ids=lambda s: f"{len(s)}-digits" if len(s) > 20 else s or "blank")
def test_a_malformed_build_state_is_a_400_not_a_traceback(served: DevServer, state: str, capfd: pytest.CaptureFixture[str]) -> None:
    status, headers, body = raw(served, f"{serve.RELOAD_PATH}?state={state}")
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert "state" in json.loads(body)["error"]
    assert "Traceback" not in capfd.readouterr().err
    # Well-formed ones still work: a state the page does not have yet is answered at once.
    assert raw(served, f"{serve.RELOAD_PATH}?state=-1")[0] == 200
    assert json.loads(raw(served, f"{serve.RELOAD_PATH}?state=123456789")[2])["version"] == served.version


def _request_threads() -> list[object]:
    import threading

    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_a_browser_closing_a_connection_is_not_an_error(served: DevServer, capfd: pytest.CaptureFixture[str]) -> None:
    import struct
    import time

    dev = served
    capfd.readouterr()
    paths = [BASE, f"{BASE}episodes/first-steps/001-first-steps.mp3", f"{BASE}about/"]
    for i in range(30):  # a browser cancelling loads: the request is sent, then the connection is reset
        with socket.create_connection(("127.0.0.1", dev.port), timeout=5) as s:
            s.sendall(f"GET {paths[i % 3]} HTTP/1.1\r\nHost: 127.0.0.1:{dev.port}\r\n\r\n".encode())
            if i % 2:
                s.recv(1)  # the answer has begun
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    deadline = time.monotonic() + 10
    while _request_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert get(dev, BASE)[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err
    # A real error in a request is still reported.
    try:
        raise RuntimeError("a real bug in a request")
    except RuntimeError:
        assert dev._server is not None
        dev._server.handle_error(None, ("127.0.0.1", 1))  # type: ignore[arg-type]
    err = capfd.readouterr().err
    assert "Traceback" in err and "RuntimeError: a real bug in a request" in err


def test_paths_that_leave_the_served_folder_are_404(served: DevServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    dev, out = served, served.out_dir
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "drafts.txt").write_text("SECRET-OUTSIDE")
    links = {"outside-file.txt": secret / "drafts.txt", "outside-dir": secret, "inside-file.html": out / "about" / "index.html",
             "inside-dir": out / "about", "dangling": tmp_path / "nothing"}
    for name, target in links.items():
        (out / name).symlink_to(target)
    (out / "about" / "alias.html").symlink_to(out / "index.html")
    try:
        for path in ("outside-file.txt", "outside-dir/drafts.txt", "outside-dir/", "inside-file.html", "inside-dir/",
                     "inside-dir/index.html", "dangling", "about/alias.html", "outside-dir%2fdrafts.txt"):
            status, _, body = raw(dev, BASE + path)
            assert status == 404 and b"SECRET-OUTSIDE" not in body, (path, status)
        assert raw(dev, f"{BASE}about/")[0] == 200  # the real files still are served
        # Traversal, plain and percent-encoded, cannot climb out of the folder either (site.toml is two levels up).
        for path in ("../../site.toml", "%2e%2e/%2e%2e/site.toml", "%2e%2e%2f%2e%2e%2fsite.toml", "..%2f..%2fsite.toml",
                     "about/../../../site.toml", "%2E%2E/%2E%2E/site.toml", "..%5c..%5csite.toml"):
            status, _, body = raw(dev, BASE + path)
            assert status == 404 and b"[site]" not in body, (path, status)
        for path in ("%00", "a%00b/", "%ff", "%ed%a0%80", "%2fetc%2fpasswd"):  # not names of files: no traceback either
            assert raw(dev, BASE + path)[0] == 404, path
        assert "Traceback" not in capfd.readouterr().err
    finally:
        for name in links:
            (out / name).unlink()
        (out / "about" / "alias.html").unlink()


def _outcomes(dev: DevServer, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool, bool]]:
    """(version, whether the edited episode's page had the edit, whether the podcast feed had it) at each outcome."""
    seen: list[tuple[int, bool, bool]] = []
    record = dev._outcome
    page, feed = dev.out_dir / "episodes" / "first-steps" / "index.html", dev.out_dir / "podcast.xml"

    def spy(version: int, problems: tuple[str, ...]) -> None:
        seen.append((version, b"Edited in the preview." in page.read_bytes(), b"Edited in the preview." in feed.read_bytes()))
        record(version, problems)

    monkeypatch.setattr(dev, "_outcome", spy)
    return seen


def test_the_edited_page_is_shown_before_the_rest_of_the_rebuild(dev: DevServer, sample: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The episode's own page is in place and open pages reload before the feeds are made; the
    end of the rebuild does not reload them again when no other page changed."""
    seen = _outcomes(dev, monkeypatch)
    source = sample / "content" / "episodes" / "001-first-steps.md"
    touch(source, source.read_text(encoding="utf-8") + "\nEdited in the preview.\n")
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and outcome.ok
    assert seen == [(2, True, False), (2, True, True)]  # reloaded once, with the page there; the feed came after
    # The output is what a build from scratch makes: the page shown first is not different
    fresh = sample.parent / "fresh"
    from sitegen.pipeline import BuildOptions, build
    build(BuildOptions(root=sample, out=fresh, base_url=f"http://127.0.0.1:{dev.port}{BASE}", drafts=True, future=True,
                       now=FIXED_NOW, pdf=False, cache=False))
    for name in ("episodes/first-steps/index.html", "episodes/index.html", "podcast.xml", "search.json"):
        assert (dev.out_dir / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_new_title_reloads_open_pages_again_when_the_lists_are_in_place(dev: DevServer, sample: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _outcomes(dev, monkeypatch)
    source = sample / "content" / "episodes" / "001-first-steps.md"
    text = source.read_text(encoding="utf-8")
    touch(source, text.replace("title:", "title: Renamed,", 1) + "\nEdited in the preview.\n")
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and outcome.ok
    assert seen == [(2, True, False), (3, True, True)]  # the archive lists the new title: open pages reload again
    assert b"Renamed," in (dev.out_dir / "episodes" / "index.html").read_bytes()


def test_a_template_error_on_the_edited_page_shows_nothing_first(dev: DevServer, sample: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _outcomes(dev, monkeypatch)
    template = sample / "templates" / "episode.html"
    touch(template, template.read_text(encoding="utf-8").replace('<h1 class="p-name">{{ episode.title }}', '<h1 class="p-name">{{ episode.no_such_field }}'))
    source = sample / "content" / "episodes" / "001-first-steps.md"
    touch(source, source.read_text(encoding="utf-8") + "\nEdited in the preview.\n")
    outcome = dev.rebuild_if_changed()
    assert outcome is not None and not outcome.ok
    assert seen == [(1, False, False)]  # one outcome, the failure; the last good page is still served
