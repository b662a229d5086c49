"""One episode narrated: read its file, speak its script, write its MP3, VTT and chapters.

Writes the episode's `audio:` MP3 and its `transcript:` VTT (each through a temporary file,
so a failure leaves the old one), and rewrites only the `chapters:` block of the front
matter. Output is deterministic: byte-identical on a re-run.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..frontmatter import parse_yaml, split_front_matter
from ..mastering import EpisodeTags, Mastered, MasteringError, build_cover_jpeg, master_pcm
from ..models import Chapter, format_clock
from ..narration_spec import Voice
from ..problems import BuildError
from ..sources import read_author_text
from .errors import NarrationError
from .pcm import Cue, Narration, build_narration, trim
from .script import SHOW, Section, build_script, spoken_texts
from .speech import synthesise
from .voice_config import read_voice

MAX_MP3_BYTES = 6_000_000  # about 8 minutes at 96 kbit/s: a narrated episode stays short
COVER_REL = Path("static/img/cover.jpg")


@dataclass(frozen=True, slots=True)
class NarrationResult:
    md_path: Path
    audio_path: Path
    transcript_path: Path
    duration_s: float  # of the PCM that was encoded
    mp3_bytes: int
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True, slots=True)
class Episode:
    md_path: Path
    text: str  # the whole file, newlines as written
    body: str
    number: int
    title: str  # stripped
    date: str  # YYYY-MM-DD
    audio_path: Path
    transcript_path: Path


# ---------------------------------------------------------------- reading the episode


def _read_front_matter(md_path: Path) -> tuple[str, dict[str, Any], str]:
    """(the whole text, the front matter, the body), read by the build's own rules."""
    try:
        text = read_author_text(md_path, str(md_path), keep_newlines=True)
    except FileNotFoundError:
        raise NarrationError(f"{md_path}: no such file") from None
    except BuildError as exc:
        raise NarrationError(str(exc.problems[0])) from None
    split = split_front_matter(text)
    if split is None:
        first = text.splitlines()[:1]
        if first and first[0].rstrip() == "---":
            raise NarrationError(f"{md_path}: the front matter has no closing `---` line")
        raise NarrationError(f"{md_path}: no front matter; the file must start with a `---` line")
    yaml_text, body, _ = split
    loaded = parse_yaml(yaml_text, first_line=2)  # the build's rules: no aliases, real dates
    if loaded.errors:
        raise NarrationError(f"{md_path}:{loaded.errors[0][0]}: {loaded.errors[0][1]}")
    meta = loaded.data or {}
    if not isinstance(meta, dict):
        raise NarrationError(f"{md_path}: the front matter must be a mapping of keys")
    return text, meta, body


def _local_file(md_path: Path, meta: dict[str, Any], key: str, suffix: str, example: str) -> Path:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise NarrationError(f"{md_path}: no `{key}:` in the front matter; add `{key}: {example}` "
                             f"(a file beside the .md) to narrate this episode")
    value = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        raise NarrationError(f"{md_path}: `{key}: {value}` is a URL; narration writes a local file, "
                             f"so set `{key}: {example}` (beside the .md)")
    if "/" in value or "\\" in value or value.startswith("."):
        raise NarrationError(f"{md_path}: `{key}: {value}` must be a plain file name beside the .md, "
                             f"e.g. `{key}: {example}`")
    if not value.lower().endswith(suffix):
        raise NarrationError(f"{md_path}: `{key}: {value}` must end in {suffix}")
    return md_path.parent / value


def _date_text(md_path: Path, value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    raise NarrationError(f"{md_path}: `date:` must be a date like 2026-09-01")


def read_episode(md_path: Path) -> Episode:
    """The episode file with what narration needs from its front matter; raises NarrationError."""
    text, meta, body = _read_front_matter(md_path)
    number, title = meta.get("number"), meta.get("title")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise NarrationError(f"{md_path}: `number:` must be a positive whole number")
    if not isinstance(title, str) or not title.strip():
        raise NarrationError(f"{md_path}: `title:` is missing or empty")
    date = _date_text(md_path, meta.get("date"))
    stem = md_path.stem
    audio_path = _local_file(md_path, meta, "audio", ".mp3", f"{stem}.mp3")
    transcript_path = _local_file(md_path, meta, "transcript", ".vtt", f"{stem}.vtt")
    return Episode(md_path, text, body, number, title.strip(), date, audio_path, transcript_path)


# ---------------------------------------------------------------- the outputs


def format_chapter_time(seconds: float) -> str:
    return format_clock(dt.timedelta(seconds=int(seconds)))


def _vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(cues: tuple[Cue, ...]) -> str:
    out = ["WEBVTT", ""]
    for cue in cues:
        out += [f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}", _vtt_text(cue.text), ""]
    return "\n".join(out)


def chapters_block(chapters: list[Chapter] | tuple[Chapter, ...], newline: str = "\n") -> str:
    lines = ["chapters:"]
    for ch in chapters:
        lines += [f'  - start: "{ch.clock}"', f"    title: {json.dumps(ch.title, ensure_ascii=False)}"]
    return newline.join(lines) + newline


def rewrite_chapters(md_text: str, chapters: list[Chapter] | tuple[Chapter, ...]) -> str:
    """Replace the `chapters:` block (to the next top-level key) or add it; no other line changes."""
    lines = md_text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    split = split_front_matter(md_text)
    if split is None:
        raise ValueError("rewrite_chapters needs text with front matter")
    end = split[2] - 2  # the index of the closing `---` line
    start = next((i for i in range(1, end) if re.match(r"^chapters\s*:", lines[i])), None)
    block = chapters_block(chapters, newline)
    if start is None:
        return "".join(lines[:end]) + block + "".join(lines[end:])
    stop = start + 1
    while stop < end and (not lines[stop].strip() or lines[stop][0] in " \t-"):
        stop += 1
    while stop - 1 > start and not lines[stop - 1].strip():  # keep blank lines before the next key
        stop -= 1
    return "".join(lines[:start]) + block + "".join(lines[stop:])


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_episode_files(episode: Episode, mp3: bytes, narration: Narration) -> None:
    """The mastered MP3, the VTT, and the front matter if its chapters changed; each replaced whole."""
    _write_atomic(episode.audio_path, mp3)
    _write_atomic(episode.transcript_path, render_vtt(narration.cues).encode("utf-8"))
    new_text = rewrite_chapters(episode.text, narration.chapters)
    if new_text != episode.text:
        _write_atomic(episode.md_path, new_text.encode("utf-8"))


# ---------------------------------------------------------------- the steps


def speak_script(sections: list[Section], voice: Voice) -> Narration:
    """Synthesise every sentence once, then lay out the audio, cues and chapters."""
    texts = spoken_texts(sections)
    speech = synthesise(texts, voice)
    pieces = {t: trim(p, speech.rate) for t, p in zip(texts, speech.pieces)}
    return build_narration(sections, pieces, speech.rate)


def find_cover(md_path: Path) -> Path:
    for parent in md_path.resolve().parents:
        if (parent / COVER_REL).is_file():
            return parent / COVER_REL
    raise NarrationError(
        f"{md_path}: cover art {COVER_REL} not found in any folder above the episode; "
        "draw it with `python tools/make_art.py` in the project root"
    )


def master_narration(episode: Episode, narration: Narration, cover: bytes) -> Mastered:
    """The narration mastered to the show's spec (sitegen/mastering), chapters in its ID3 tag."""
    tags = EpisodeTags(episode.title, SHOW, episode.number, episode.date, cover, narration.chapters)
    pcm = np.frombuffer(narration.pcm, dtype=np.int16)
    try:
        # The layout's own silences (0.3 s lead-in, 0.5 s tail) are already short: trimming
        # would only move the cue times.
        return master_pcm(pcm, narration.rate, tags, trim=False, shown=str(episode.md_path))
    except MasteringError as exc:
        raise NarrationError(str(exc)) from None


def _check_fits(episode: Episode, narration: Narration, mastered: Mastered) -> None:
    duration = len(narration.pcm) / narration.rate
    if len(mastered.mp3) > MAX_MP3_BYTES:
        words = int(len(episode.body.split()) * MAX_MP3_BYTES / len(mastered.mp3))
        raise NarrationError(
            f"{episode.md_path}: the narration runs {format_chapter_time(int(duration))}, which at "
            f"{mastered.bitrate_kbps} kbit/s makes an MP3 over {MAX_MP3_BYTES // 1_000_000} MB; shorten the body "
            f"to about {words} words or split the episode"
        )


def narrate_episode(md_path: Path, *, cover: Path | None = None, voice: Voice | None = None) -> NarrationResult:
    """Narrate one episode file; writes its MP3, VTT and chapters. Raises NarrationError.

    The voice is the project's `[narration]` in site.toml unless one is given."""
    episode = read_episode(Path(md_path))
    try:
        cover_bytes = build_cover_jpeg(cover if cover is not None else find_cover(episode.md_path))
    except MasteringError as exc:
        raise NarrationError(str(exc)) from None
    voice = voice if voice is not None else read_voice(episode.md_path)
    narration = speak_script(build_script(episode.number, episode.title, episode.body), voice)
    mastered = master_narration(episode, narration, cover_bytes)
    _check_fits(episode, narration, mastered)
    write_episode_files(episode, mastered.mp3, narration)
    return NarrationResult(episode.md_path, episode.audio_path, episode.transcript_path,
                           len(narration.pcm) / narration.rate, episode.audio_path.stat().st_size,
                           narration.cues, narration.chapters)
