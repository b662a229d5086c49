"""Which source files the preview watches, and when to look at them again.

The kernel's notices (watchfiles) only say *when* to look; what changed is always read from a
snapshot of modification times and sizes, so notices and polling see the same edits.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Iterator

WATCHED = ("content", "templates", "static", "site.toml")
POLL_SECONDS = 0.5  # when the file system gives no notifications
NOTICE_MS = 10  # after a notification, wait this long for the rest of a save (editors write, then rename)
QUIET_MS = 1000  # with notifications, look anyway after this long without one

Snapshot = dict[str, tuple[int, int]]  # watched path (relative, with /) -> (mtime_ns, size)


def snapshot(root: Path) -> Snapshot:
    """Modification time and size of every watched file; hidden and editor swap files are skipped.
    (One scandir per folder: 5,000 posts take about 20 ms.)"""
    state: Snapshot = {}
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
            if is_ignored(e.name):
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


def changed_paths(old: Snapshot, new: Snapshot) -> tuple[str, ...]:
    """Paths added, removed or modified between two snapshots, sorted."""
    return tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


def is_ignored(name: str) -> bool:
    """Hidden files and editors' swap and backup files are not edits."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp"))


def is_watched(root: Path, path: str) -> bool:
    """`path` (absolute) is a watched source under `root`, not hidden or an editor's scratch file."""
    parts = os.path.relpath(path, root).replace(os.sep, "/").split("/")
    return parts[0] in WATCHED and not any(is_ignored(part) for part in parts)


def changes(root: Path, stop: threading.Event, *, poll_seconds: float = POLL_SECONDS, notify: bool = True,
            warn: Callable[[str], None] = print) -> Iterator[None]:
    """Yield when a watched file may have changed: on the kernel's notice (watchfiles, tens of
    milliseconds after a save), else every `poll_seconds`. With notices, a quiet second also
    yields: that catches a save made before the watch began, or a notice the kernel dropped."""
    if notify and not stop.is_set():
        try:
            from watchfiles import watch

            for _ in watch(root, watch_filter=lambda _change, path: is_watched(root, path), stop_event=stop,
                           step=NOTICE_MS, debounce=1000, rust_timeout=QUIET_MS, yield_on_timeout=True,
                           raise_interrupt=True):
                yield
            return
        except (ImportError, OSError) as exc:  # no inotify here (or no watches left): poll
            warn(f"file notifications unavailable ({exc}); checking for changes every {poll_seconds} s")
    while not stop.wait(poll_seconds):
        yield
