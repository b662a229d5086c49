"""`build.py serve`: preview the site as GitHub Pages will serve it, rebuilding on every edit.

- Builds with drafts and future posts (the pages flag them) into .cache/serve/, never _site/.
- Serves that folder on 127.0.0.1 under the site's subpath (e.g. /retro-stride/), built with
  base URL http://127.0.0.1:PORT/<subpath>/ so every link stays on the preview.
- Watches content/, templates/, static/ and site.toml: notified by the kernel (watchfiles),
  or by polling modification times where notifications are not available.
- A broken edit prints its problems and keeps the last good build on screen; the atomic
  write leaves the output untouched, and open pages show the problems in a banner.
- Open pages reload themselves: HTML *responses* (never the built files) get a small script
  that asks /__reload for the build number and is answered as soon as a rebuild ends.

Everything is drivable from a test: `DevServer.start()` on port 0, `rebuild_if_changed()`
(returns what happened, never sleeps) and `stop()`; `run()` is the endless loop around them.
"""
from __future__ import annotations

import json
import mimetypes
import os
import re
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

from .config import read_config
from .pipeline import BuildOptions, build
from .problems import BuildError, Problem

HOST = "127.0.0.1"
RELOAD_PATH = "/__reload"
WATCHED = ("content", "templates", "static", "site.toml")
POLL_SECONDS = 0.5  # when the file system gives no notifications
LONG_POLL_SECONDS = 20.0  # an open page's request for the build state is answered by then at the latest
NOTICE_MS = 10  # after a notification, wait this long for the rest of a save (editors write, then rename)
QUIET_MS = 1000  # with notifications, look anyway after this long without one
# The names a browser on this machine uses for the preview, with any port (an SSH tunnel may move it). A web page
# whose own name an attacker points at 127.0.0.1 (DNS rebinding) still sends that name, so it cannot read the drafts.
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::[0-9]{1,5})?", re.ASCII | re.IGNORECASE)
# What pages send as ?state=: ASCII digits only, since int() and str.isdigit() also take '²' or '١' (and int()
# refuses over 4,300 digits); 18 digits fit any counter.
BUILD_STATE = re.compile(r"-?[0-9]{1,18}", re.ASCII)

# Asks for the build state and waits for the next (the server answers when a rebuild ends, or
# after LONG_POLL_SECONDS); reloads when the build number changes; shows a failed rebuild's problems.
RELOAD_SCRIPT = """<script>/* injected by build.py serve; not part of the site */
(function () {
  var seen = %(version)d, state = -1, box = null;
  function banner(problems) {
    if (!problems.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;z-index:99999;margin:0;max-height:45vh;" +
        "overflow:auto;padding:1em;background:#7a1010;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap");
      document.body.appendChild(box);
    }
    box.textContent = "The last edit did not build (still showing the previous build):\\n\\n" + problems.join("\\n");
  }
  function poll() {
    fetch("%(endpoint)s?state=" + state, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.version !== seen) { location.reload(); return; }
      state = s.state;
      banner(s.problems);
      poll();
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
</script>
"""

for _suffix, _type in ((".vtt", "text/vtt"), (".srt", "application/x-subrip"), (".xml", "application/xml"),
                       (".json", "application/json"), (".webmanifest", "application/manifest+json"),
                       (".m4a", "audio/mp4"), (".opus", "audio/ogg")):
    mimetypes.add_type(_type, _suffix)


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What one rebuild did: `ok` with the files it wrote, or the problems it found."""

    ok: bool
    version: int  # the build number now served (unchanged when the rebuild failed)
    changed: tuple[str, ...]  # watched paths that changed since the last look ("" for the first build)
    problems: tuple[Problem, ...]
    error: str | None  # an unexpected crash (a bug), with its last line
    seconds: float
    message: str  # one line for the terminal


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every watched file; hidden and editor swap files are skipped.
    (One scandir per folder: 5,000 posts take about 20 ms.)"""
    state: dict[str, tuple[int, int]] = {}
    pending = [(str(root / name), name) for name in WATCHED]
    while pending:
        path, rel = pending.pop()
        try:
            if rel == "site.toml":
                st = os.stat(path)
                state[rel] = (st.st_mtime_ns, st.st_size)
                continue
            entries = list(os.scandir(path))
        except OSError:  # missing, or deleted while walking
            continue
        for e in entries:
            if _ignored(e.name):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    pending.append((e.path, f"{rel}/{e.name}"))
                elif e.is_file():
                    st = e.stat()
                    state[f"{rel}/{e.name}"] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue
    return state


def _diff(old: dict[str, tuple[int, int]], new: dict[str, tuple[int, int]]) -> tuple[str, ...]:
    return tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


class _Handler(SimpleHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        if self.server.dev.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def translate_path(self, path: str) -> str:
        """Map /<subpath>/x to the output folder's x; anything outside the subpath maps nowhere."""
        base = self.server.dev.base_path
        url_path = urlsplit(path).path
        if not url_path.startswith(base) and url_path + "/" != base:
            return ""
        rest = "/" + url_path[len(base):]
        fs_path = SimpleHTTPRequestHandler.translate_path(self, rest)  # drops '..', also percent-encoded
        return fs_path if _inside(self.directory, fs_path) else ""

    def _servable(self, fs_path: str) -> bool:
        return os.path.isfile(fs_path) and _inside(self.directory, fs_path)

    def _respond(self, *, with_body: bool) -> None:
        dev = self.server.dev
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not LOCAL_HOST.fullmatch(hosts[0].strip()):
            status = HTTPStatus.MISDIRECTED_REQUEST if len(hosts) == 1 else HTTPStatus.BAD_REQUEST
            self._send(status, "text/plain; charset=utf-8",
                       f"{status.value}: this preview answers only requests for 127.0.0.1 or localhost\n".encode(), with_body)
            return
        url_path = urlsplit(self.path).path
        if url_path == RELOAD_PATH:
            values = parse_qs(urlsplit(self.path).query, keep_blank_values=True).get("state")
            if values is not None and (len(values) != 1 or not BUILD_STATE.fullmatch(values[0])):
                error = {"error": "state must be one whole number of at most 18 digits, e.g. ?state=3"}
                self._send(HTTPStatus.BAD_REQUEST, "application/json", json.dumps(error).encode("utf-8"), with_body)
                return
            state = dev.reload_state(after=int(values[0]) if values else None)
            self._send(HTTPStatus.OK, "application/json", json.dumps(state).encode("utf-8"), with_body)
            return
        if url_path in ("", "/") and dev.base_path != "/":
            self._redirect(dev.base_path)
            return
        fs_path = self.translate_path(self.path)
        if fs_path and os.path.isdir(fs_path):
            if not url_path.endswith("/"):
                query = urlsplit(self.path).query
                self._redirect(url_path + "/" + (f"?{query}" if query else ""))
                return
            fs_path = os.path.join(fs_path, "index.html")
        status = HTTPStatus.OK
        if not fs_path or not self._servable(fs_path):
            status = HTTPStatus.NOT_FOUND  # like GitHub Pages: the site's own 404 page
            fs_path = str(dev.out_dir / "404.html")
            if not self._servable(fs_path):
                self._send(status, "text/plain; charset=utf-8", b"404: nothing here, and no 404.html was built yet\n", with_body)
                return
        try:
            with open(fs_path, "rb") as fh:
                data = fh.read()
        except OSError:  # swapped out by a rebuild between the check and the read
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", b"rebuilding; reload\n", with_body)
            return
        ctype = self.guess_type(fs_path)
        if ctype == "text/html":
            data = inject_reload(data, dev.version)
            ctype = "text/html; charset=utf-8"
        elif ctype.startswith("text/") or ctype in ("application/xml", "application/json"):
            ctype += "; charset=utf-8"
        if status == HTTPStatus.OK and self.headers.get("Range", "").startswith("bytes="):
            if self._send_range(data, ctype, with_body):
                return
        self._send(status, ctype, data, with_body, accept_ranges=True)

    def _send_range(self, data: bytes, ctype: str, with_body: bool) -> bool:
        """A single `bytes=a-b` range, so audio players can seek; False to send the whole file."""
        spec = self.headers["Range"][6:].strip()
        if "," in spec or "-" not in spec:
            return False
        first, last = spec.split("-", 1)
        size = len(data)
        try:
            if first:
                start, end = int(first), int(last) if last else size - 1
            else:
                start, end = max(0, size - int(last)), size - 1
        except ValueError:
            return False
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        end = min(end, size - 1)
        part = data[start:end + 1]
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(part)
        return True

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, ctype: str, data: bytes, with_body: bool, accept_ranges: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if accept_ranges:
            self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if with_body:
            self.wfile.write(data)


def _inside(root: str, path: str) -> bool:
    """`path` is `root` or below it, through no symbolic link: a link in the output (made by hand, or copied
    from static/) could lead anywhere on the disk."""
    parts = os.path.relpath(path, root).split(os.sep)
    if os.pardir in parts:
        return False
    current = root
    for part in parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return False
    try:
        real = os.path.realpath(path)
    except ValueError:  # a NUL or an unencodable character: no such file
        return False
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def inject_reload(page: bytes, version: int) -> bytes:
    """The page with the reload script before </body> (or at the end)."""
    script = (RELOAD_SCRIPT % {"version": version, "endpoint": RELOAD_PATH}).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dev: "DevServer"):
        self.dev = dev
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        _Handler(request, client_address, self, directory=str(self.dev.out_dir))

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A browser closing a connection (a page left or reloaded, a cancelled load, a seek in audio) is
        normal, not worth a traceback; anything else is a bug and is printed as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset, ConnectionAborted
            return
        super().handle_error(request, client_address)


class DevServer:
    """The preview: one HTTP server thread plus rebuilds driven by the caller."""

    def __init__(self, root: Path, *, port: int = 8000, out: Path | None = None, pdf: bool = True,
                 now: Callable[[], datetime] | None = None, say: Callable[[str], None] = print,
                 warn: Callable[[str], None] | None = None, verbose: bool = False):
        self.root = root.resolve()
        self.port = port
        self.out_dir = (out or self.root / ".cache" / "serve").resolve()
        self.pdf = pdf
        self.now = now
        self.say = say
        self.warn = warn or (lambda msg: print(msg, file=sys.stderr))
        self.verbose = verbose
        self.base_path = "/"
        self.version = 0
        self.problems: tuple[str, ...] = ()
        self._seen: dict[str, tuple[int, int]] | None = None
        self.state = 0  # counts rebuild outcomes, good or bad: what waiting pages wait for
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- serving ------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind the port, build once, serve in a background thread; return the preview URL."""
        try:
            self._server = _Server((HOST, self.port), self)
        except OSError as exc:
            raise OSError(f"cannot listen on {HOST}:{self.port} ({exc.strerror}); "
                          f"is another serve running? try --port {self.port + 1}") from None
        self.port = self._server.server_address[1]
        self.rebuild_if_changed()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="retro-stride-serve", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        with self._changed:
            self._stopping = True  # release pages waiting for a rebuild
            self._changed.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.base_path}"

    def reload_state(self, after: int | None = None, timeout: float = LONG_POLL_SECONDS) -> dict[str, object]:
        """The served build number and the last rebuild's problems. With `after` (a state the page
        already has), wait until a rebuild ends or `timeout` passes: pages learn of it at once."""
        with self._changed:
            if after is not None:
                self._changed.wait_for(lambda: self.state != after or self._stopping, timeout)
            return {"version": self.version, "problems": list(self.problems), "state": self.state}

    def _outcome(self, version: int, problems: tuple[str, ...]) -> None:
        with self._changed:
            self.version, self.problems = version, problems
            self.state += 1
            self._changed.notify_all()

    # ---- building -----------------------------------------------------------------------------

    def rebuild_if_changed(self) -> Rebuild | None:
        """Rebuild when a watched file changed since the last look (always the first time); None when nothing did."""
        current = snapshot(self.root)
        changed = ("",) if self._seen is None else _diff(self._seen, current)
        if not changed:
            return None  # a failed build is not retried until something changes
        self._seen = current
        return self.rebuild(changed)

    def rebuild(self, changed: tuple[str, ...] = ()) -> Rebuild:
        started = time.perf_counter()
        self._follow_subpath()
        opts = BuildOptions(root=self.root, out=self.out_dir, base_url=f"http://{HOST}:{self.port}{self.base_path}",
                            drafts=True, future=True, now=self.now() if self.now else None, pdf=self.pdf,
                            cache_dir=self.root / ".cache" / "serve-state")  # its own: builds and previews never evict each other
        progress = self.say if self.verbose else (lambda msg: None)
        try:
            result = build(opts, progress=progress)
        except BuildError as exc:
            self._outcome(self.version, tuple(str(p) for p in exc.problems))
            seconds = time.perf_counter() - started
            self.warn(exc.report().replace("nothing was written.", "still serving the last good build."))
            return Rebuild(False, self.version, changed, exc.problems, None, seconds,
                           f"build failed: {len(exc.problems)} problem(s)")
        except Exception as exc:  # a bug must not stop the preview; show it and keep serving
            self._outcome(self.version, (f"unexpected error: {exc!r}",))
            self.warn("".join(traceback.format_exception(exc)).rstrip())
            self.warn("unexpected error while building; still serving the last good build.")
            return Rebuild(False, self.version, changed, (), repr(exc), time.perf_counter() - started, "build crashed")
        self._outcome(self.version + 1, ())
        seconds = time.perf_counter() - started
        stats = result.stats
        what = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "") if changed != ("",) else ""
        message = (f"built {result.pages} pages" + (f" after {what} changed" if what else "")
                   + f" in {seconds:.2f} s ({stats.written if stats else 0} files written)")
        return Rebuild(True, self.version, changed, (), None, seconds, message)

    def _follow_subpath(self) -> None:
        """The preview lives under the subpath of [site] url; follow it if site.toml changes it."""
        try:
            path = urlsplit(read_config(self.root / "site.toml").url).path or "/"
        except BuildError:
            return  # the build reports it
        if path != self.base_path:
            self.base_path = path if path.endswith("/") else path + "/"

    # ---- the loop -----------------------------------------------------------------------------

    def run(self, *, poll_seconds: float = POLL_SECONDS, stop: threading.Event | None = None, quiet: bool = False,
            notify: bool = True) -> None:
        """Rebuild on every change until Ctrl+C (or `stop` is set); prints one line per rebuild."""
        stop = stop or threading.Event()
        try:
            for _ in self._changes(stop, poll_seconds, notify):
                outcome = self.rebuild_if_changed()
                if outcome is not None and outcome.ok and not quiet:
                    self.say(f"{datetime.now():%H:%M:%S} {outcome.message}")
        except KeyboardInterrupt:
            pass

    def _changes(self, stop: threading.Event, poll_seconds: float, notify: bool) -> Iterator[None]:
        """Yield when a watched file may have changed: on the kernel's notice (watchfiles, tens of
        milliseconds after a save), else every `poll_seconds`. What changed is then read from a
        snapshot either way, so both see the same edits. With notices, a quiet second also
        yields: that catches a save made before the watch began, or a notice the kernel dropped."""
        if notify and not stop.is_set():
            try:
                from watchfiles import watch

                for _ in watch(self.root, watch_filter=self._is_watched, stop_event=stop, step=NOTICE_MS,
                               debounce=1000, rust_timeout=QUIET_MS, yield_on_timeout=True, raise_interrupt=True):
                    yield
                return
            except (ImportError, OSError) as exc:  # no inotify here (or no watches left): poll
                self.warn(f"file notifications unavailable ({exc}); checking for changes every {poll_seconds} s")
        while not stop.wait(poll_seconds):
            yield

    def _is_watched(self, _change: object, path: str) -> bool:
        parts = os.path.relpath(path, self.root).replace(os.sep, "/").split("/")
        return parts[0] in WATCHED and not any(_ignored(part) for part in parts)


def _ignored(name: str) -> bool:
    """Hidden files and editors' swap and backup files are not edits."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp"))


def main(root: Path, *, port: int = 8000, out: Path | None = None, pdf: bool = True,
         quiet: bool = False, verbose: bool = False) -> int:
    """The `serve` subcommand."""
    dev = DevServer(root, port=port, out=out, pdf=pdf, verbose=verbose)
    if not (root / "site.toml").is_file():
        print(f"error: no site.toml in {root}; run serve in the project folder or pass --root", file=sys.stderr)
        return 1
    try:
        url = dev.start()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    first = "first build ok" if dev.version else "first build failed (problems above); fix them and it rebuilds"
    print(f"serving {url}  ({first}; drafts and future posts included, output in {_shown(dev.out_dir)})")
    if not quiet:
        print(f"watching {', '.join(WATCHED)} for changes; press Ctrl+C to stop")
    try:
        dev.run(quiet=quiet)
    finally:
        dev.stop()
        if not quiet:
            print("stopped")
    return 0


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return str(path)
