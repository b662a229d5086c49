"""Measure the files the feed describes: audio length and duration, transcripts.

Probing every MP3 on every build is slow for a big show, so results are cached in
.cache/media.json keyed by path, size and modification time.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from .models import Cue

AUDIO_SUFFIXES = (".mp3", ".m4a", ".mp4", ".ogg", ".oga", ".opus")
_MIME = {"MP3": "audio/mpeg", "MP4": "audio/mp4", "OggVorbis": "audio/ogg", "OggOpus": "audio/ogg", "OggFLAC": "audio/ogg"}
CACHE_VERSION = 1


class MediaError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AudioInfo:
    length: int
    seconds: float
    mime: str

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.seconds)


def probe_audio(path: Path) -> AudioInfo:
    """Read the real format and duration with mutagen; the byte length from the file system."""
    import mutagen

    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as exc:
        raise MediaError(f"cannot read {path.name} as audio ({exc}); export it again as MP3") from None
    if audio is None or type(audio).__name__ not in _MIME or not audio.info.length:
        raise MediaError(f"{path.name} is not an audio file podcast apps can play; export it as MP3 (or M4A)")
    return AudioInfo(path.stat().st_size, round(float(audio.info.length), 3), _MIME[type(audio).__name__])


def read_audio_infos(paths: list[Path], cache_file: Path | None) -> dict[Path, AudioInfo | MediaError]:
    """Probe each file, reusing cached results for files whose size and mtime are unchanged."""
    cache = _load_cache(cache_file)
    fresh: dict[str, dict[str, object]] = {}
    out: dict[Path, AudioInfo | MediaError] = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            out[path] = MediaError(f"{path.name} does not exist; add the file or fix the name")
            continue
        key = f"{path}|{st.st_size}|{st.st_mtime_ns}"
        hit = cache.get(key)
        if hit is not None:
            out[path] = AudioInfo(**hit)  # type: ignore[arg-type]
            fresh[key] = hit
            continue
        try:
            info = probe_audio(path)
        except MediaError as exc:
            out[path] = exc
            continue
        out[path] = info
        fresh[key] = asdict(info)
    if cache_file is not None and fresh != cache:
        _save_cache(cache_file, fresh)
    return out


@dataclass(frozen=True, slots=True)
class TranscriptInfo:
    cues: tuple[Cue, ...]
    length: int


def read_transcript(path: Path) -> TranscriptInfo:
    """Parse a WebVTT or SubRip transcript into cues; MediaError when it is malformed."""
    import webvtt

    if not path.is_file():
        raise MediaError(f"{path.name} does not exist; add the transcript or remove the transcript key")
    try:
        captions = webvtt.from_srt(str(path)) if path.suffix == ".srt" else webvtt.read(str(path))
    except Exception as exc:  # webvtt-py raises several types for malformed files
        raise MediaError(f"{path.name} is not a valid {'SubRip' if path.suffix == '.srt' else 'WebVTT'} file: {exc}") from None
    cues = tuple(
        Cue(timedelta(milliseconds=c.start_time.in_milliseconds()), timedelta(milliseconds=c.end_time.in_milliseconds()),
            " ".join(c.text.split()))
        for c in captions
    )
    if not cues:
        raise MediaError(f"{path.name} has no cues")
    return TranscriptInfo(cues, path.stat().st_size)


def _load_cache(cache_file: Path | None) -> dict[str, dict[str, object]]:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text())
        if data.get("version") == CACHE_VERSION and isinstance(data.get("entries"), dict):
            return data["entries"]
    except (OSError, ValueError, AttributeError):
        pass  # a missing or corrupt cache is rebuilt, never trusted
    return {}


def _save_cache(cache_file: Path, entries: dict[str, dict[str, object]]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "entries": entries}, sort_keys=True))
        tmp.replace(cache_file)
    except OSError:
        pass  # a cache that cannot be written only costs time
