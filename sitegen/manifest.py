"""content/media.json: the committed record of every audio file published outside the repository.

One entry per audio name (what an episode's `audio:` says: a file name or a URL) holding the
public URL, byte length, duration, MIME type and SHA-256 of the file as published, and, for
files `media push` uploaded, the object's key. The build reads it instead of the audio, so
CI and every author build the exact feed without having the files. `media push` and
`media import` write it, atomically, only after the object was verified.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .fingerprint import digest
from .problems import Problem

MANIFEST_PATH = "content/media.json"
MIMES = ("audio/mpeg", "audio/mp4", "audio/ogg")
_FIX = "fix the entry or run `python build.py media push` (or `media import`) to write it again"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    url: str  # where listeners fetch it
    length: int  # bytes, as the server gives Content-Length
    seconds: float
    mime: str
    sha256: str  # hex
    key: str | None = None  # the object's key in the bucket, for files `media push` uploaded

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "length": self.length, "duration": self.seconds, "mime": self.mime,
                               "sha256": self.sha256}
        return out if self.key is None else {**out, "key": self.key}


@dataclass(frozen=True, slots=True)
class Manifest:
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # entry name -> its line, for messages

    def digest_of(self, name: str) -> str:
        """What a parsed episode depends on: "" while there is no entry."""
        entry = self.entries.get(name)
        return "" if entry is None else digest(entry.as_json())


def read_manifest(root: Path) -> tuple[Manifest, list[Problem]]:
    path = root / MANIFEST_PATH
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest(), []
    except (OSError, UnicodeDecodeError) as exc:
        return Manifest(), [Problem(MANIFEST_PATH, 0, f"cannot read it ({exc}); restore it from git")]
    return parse_manifest(raw)


def parse_manifest(raw: str) -> tuple[Manifest, list[Problem]]:
    """Entries and the problems of each; a broken entry is left out (its episode then says so too)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Manifest(), [Problem(MANIFEST_PATH, exc.lineno, f"not valid JSON: {exc.msg}; restore it from git or fix it")]
    if not isinstance(data, dict) or not isinstance(data.get("audio"), dict) or set(data) != {"audio"}:
        return Manifest(), [Problem(MANIFEST_PATH, 1, 'expected {"audio": {NAME: {url, length, duration, mime, sha256}}}')]
    lines = _entry_lines(raw, data["audio"])
    entries: dict[str, ManifestEntry] = {}
    problems: list[Problem] = []
    for name, value in data["audio"].items():
        try:
            entries[name] = _entry(value)
        except ValueError as exc:
            problems.append(Problem(MANIFEST_PATH, lines.get(name, 1), f"{name}: {exc}; {_FIX}"))
    return Manifest(entries, lines), problems


def _entry(value: Any) -> ManifestEntry:
    if not isinstance(value, dict):
        raise ValueError("expected an object with url, length, duration, mime and sha256")
    missing = [k for k in _CHECKS if k not in value]
    unknown = sorted(set(value) - set(_CHECKS) - {"key"})
    if missing or unknown:
        raise ValueError(f"missing {', '.join(missing)}" if missing else f"unknown key {unknown[0]!r}")
    for name, (good, expected) in _CHECKS.items():
        if not good(value[name]):
            raise ValueError(f"{name}: expected {expected}, got {value[name]!r}")
    key = value.get("key")
    if key is not None and not isinstance(key, str):
        raise ValueError("key: expected the object's key as text")
    return ManifestEntry(value["url"], value["length"], float(value["duration"]), value["mime"], value["sha256"], key)


def _url(value: Any) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in value))


def _positive(value: Any, whole: bool) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or (whole and not isinstance(value, int)):
        return False
    return value > 0


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "url": (_url, "an absolute http(s) URL"),
    "length": (lambda v: _positive(v, whole=True), "the size in bytes"),
    "duration": (lambda v: _positive(v, whole=False), "seconds"),
    "mime": (lambda v: v in MIMES, f"one of {', '.join(MIMES)}"),
    "sha256": (lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None, "64 lowercase hex digits"),
}


def _entry_lines(raw: str, audio: dict[str, Any]) -> dict[str, int]:
    """Line of each entry's name: json keeps no positions, and messages need them."""
    lines: dict[str, int] = {}
    starts = {json.dumps(name): name for name in audio}
    for n, line in enumerate(raw.splitlines(), 1):
        m = re.match(r'\s*("(?:[^"\\]|\\.)*")\s*:', line)
        if m and m.group(1) in starts:
            lines.setdefault(starts[m.group(1)], n)
    return lines


def render_manifest(entries: dict[str, ManifestEntry]) -> str:
    """Sorted and indented, so a change is one small diff."""
    data = {"audio": {name: entries[name].as_json() for name in sorted(entries)}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_manifest(root: Path, entries: dict[str, ManifestEntry]) -> None:
    """Written beside and renamed over the old one: a reader sees the old file or the new, never half."""
    path = root / MANIFEST_PATH
    fd, tmp = tempfile.mkstemp(prefix=".media.json.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render_manifest(entries))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
