"""DevServer: the HTTP thread, the rebuilds and the build state that open pages wait on.

Everything is drivable from a test: `start()` on port 0, `rebuild_if_changed()` (returns what
happened, never sleeps) and `stop()`; `run()` is the endless loop around them.
"""
from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..cache import DocCache
from ..config import read_config
from ..pipeline import BuildOptions, build
from ..problems import BuildError, Problem
from .http import HOST, Server
from .watch import POLL_SECONDS, Snapshot, changed_paths, changes, snapshot

LONG_POLL_SECONDS = 20.0  # an open page's request for the build state is answered by then at the latest


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


class DevServer:
    """The preview: one HTTP server thread plus rebuilds driven by the caller."""

    def __init__(self, root: Path, *, port: int = 8000, out: Path | None = None, pdf: bool = True,
                 now: Callable[[], datetime] | None = None, say: Callable[[str], None] = print,
                 warn: Callable[[str], None] | None = None, verbose: bool = False) -> None:
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
        self._seen: Snapshot | None = None
        self._docs: DocCache | None = None  # the parsed documents, kept between rebuilds: not decoded from the cache each time
        self.state = 0  # counts rebuild outcomes, good or bad: what waiting pages wait for
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = False
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # ---- serving ------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind the port, build once, serve in a background thread; return the preview URL."""
        try:
            self._server = Server((HOST, self.port), self)
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
        changed = ("",) if self._seen is None else changed_paths(self._seen, current)
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
        shown: set[str] = set()

        def first(names: tuple[str, ...]) -> None:  # the edited pages are in place: reload open pages now
            shown.update(names)
            self._outcome(self.version + 1, ())

        def written(changed: tuple[str, ...] | None) -> None:
            # Open pages reload as soon as the output is in place, not after the build record is kept;
            # not a second time when no page changed beyond those shown first (feeds, search index).
            others = changed is None or not shown or any(n.endswith(".html") and n not in shown for n in changed)
            self._outcome(self.version + (1 if others else 0), ())

        try:
            result = build(opts, progress=progress, docs=self._docs, written=written, first=first)
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
        if result.docs is not None or result.site is not None:  # a build that read nothing keeps what it had
            self._docs = result.docs
        # What survives a rebuild (documents, templates) lives until the next one: out of the collector's
        # sight, a collection during a rebuild no longer walks tens of thousands of objects that are
        # not garbage (they are still freed when no longer used; only reference cycles among them stay)
        gc.freeze()
        if result.site is None:  # nothing changed: `written` was not called
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
            for _ in changes(self.root, stop, poll_seconds=poll_seconds, notify=notify, warn=self.warn):
                outcome = self.rebuild_if_changed()
                if outcome is not None and outcome.ok and not quiet:
                    self.say(f"{datetime.now():%H:%M:%S} {outcome.message}")
        except KeyboardInterrupt:
            pass
