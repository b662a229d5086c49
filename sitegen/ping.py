"""`build.py ping`: after a deploy whose podcast feed changed, tell the WebSub hub the feed names
(hub.mode=publish) and Podcast Index (hub/pubnotify), so apps hear of a new episode within
minutes instead of at their next poll.

Whether the feed changed is judged by its SHA-256 against the digest this command recorded after
the last notification that every endpoint took (the state file, kept between deploys by the
Pages workflow). A failed notification is a warning, never a failure: the deploy already
happened, and apps still find the episode when they next poll. The state is then left as it
was, so the next deploy tries again.
"""
from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import ENGINE_VERSION
from .config import read_config
from .problems import BuildError

PUBNOTIFY = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
USER_AGENT = f"RetroStride-sitegen/{ENGINE_VERSION} (+https://github.com/retrostride/retro-stride)"
TIMEOUT = 20  # seconds per request: a hub that hangs must not hold the workflow


@dataclass(frozen=True, slots=True)
class Notice:
    """One request to send: what it is for, and the request itself."""

    name: str
    request: urllib.request.Request


@dataclass(frozen=True, slots=True)
class PingResult:
    sent: tuple[str, ...]  # the notices every endpoint took
    warnings: tuple[str, ...]
    skipped: bool  # the feed was already notified


def feed_digest(feed: bytes) -> str:
    return hashlib.sha256(feed).hexdigest()


def build_notices(feed_url: str, hub: str, pubnotify: str) -> list[Notice]:
    """The WebSub publish ping (a form POST, as the spec asks) and Podcast Index's pubnotify (a GET)."""
    headers = {"User-Agent": USER_AGENT}
    form = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode()
    websub = urllib.request.Request(hub, data=form, method="POST",
                                    headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    query = urllib.parse.urlencode({"url": feed_url})
    index = urllib.request.Request(f"{pubnotify}{'&' if '?' in pubnotify else '?'}{query}", method="GET", headers=headers)
    return [Notice(f"WebSub hub {hub}", websub), Notice(f"Podcast Index {pubnotify}", index)]


def send(notice: Notice, timeout: float = TIMEOUT) -> str | None:
    """None when the endpoint took the notice (any 2xx); otherwise what went wrong."""
    try:
        with urllib.request.urlopen(notice.request, timeout=timeout) as response:  # noqa: S310 - https or the test's 127.0.0.1
            response.read(65536)
            return None
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"could not connect ({reason})"


def notify(digest: str, feed_url: str, hub: str, pubnotify: str, state: Path | None) -> PingResult:
    """Send both notices unless `state` already holds this digest; record it when both were taken."""
    if state is not None and read_state(state) == digest:
        return PingResult((), (), skipped=True)
    sent, warnings = [], []
    for notice in build_notices(feed_url, hub, pubnotify):
        problem = send(notice)
        if problem is None:
            sent.append(notice.name)
        else:
            warnings.append(f"{notice.name} did not take the notification: {problem}; "
                            "apps will still find the new feed when they next poll, and the next deploy tries again")
    if state is not None and not warnings:
        write_state(state, digest)
    return PingResult(tuple(sent), tuple(warnings), skipped=False)


def read_state(state: Path) -> str | None:
    try:
        return state.read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def write_state(state: Path, digest: str) -> None:
    """Atomically: a crash leaves the old digest or the new one, never half of one."""
    state.parent.mkdir(parents=True, exist_ok=True)
    tmp = state.with_name(f".{state.name}.tmp-{os.getpid()}")
    tmp.write_text(digest + "\n", encoding="ascii")
    os.replace(tmp, state)


def main(root: Path, out: Path | None, base_url: str | None, state: Path | None, hub: str | None,
         pubnotify: str | None, digest: str | None, print_digest: bool, quiet: bool) -> int:
    from .cli import report
    from .say import problem

    try:
        config = read_config(root / "site.toml")
        if base_url:
            config = config.with_base_url(base_url)
    except BuildError as exc:
        report(exc)
        return 1
    if digest is not None and not re.fullmatch(r"[0-9a-f]{64}", digest):
        problem(f"build.py ping: --feed-sha256 {digest!r} is not a SHA-256 digest (64 lowercase hex digits); "
                "pass what `build.py ping --print-digest` printed")
        return 1
    if digest is None:
        feed_path = (out or config.output) / config.podcast.feed
        try:
            digest = feed_digest(feed_path.read_bytes())
        except OSError as exc:
            problem(f"build.py ping: {feed_path}: {exc.strerror}; build the site first (python build.py), or pass --out")
            return 1
    if print_digest:  # for the workflow: `>> "$GITHUB_OUTPUT"`
        print(f"sha256={digest}")
        return 0
    feed_url = config.url + config.podcast.feed
    result = notify(digest, feed_url, hub or config.podcast.hub, pubnotify or PUBNOTIFY, state)
    for warning in result.warnings:
        problem(f"build.py ping: warning: {warning}")
    if not quiet:
        if result.skipped:
            print(f"{feed_url} is as last notified; nothing sent")
        for name in result.sent:
            print(f"told {name} that {feed_url} changed")
    return 0
