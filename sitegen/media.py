"""Measure the files the feed describes: audio length and duration, transcripts.

Results are cached with the parsed episode (sitegen/load.py), keyed by each file's size and
modification time, so a big show does not re-read every MP3 on each build.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .models import Cue

_MIME = {"MP3": "audio/mpeg", "MP4": "audio/mp4", "OggVorbis": "audio/ogg", "OggOpus": "audio/ogg", "OggFLAC": "audio/ogg"}


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


def read_audio_infos(paths: list[Path]) -> dict[Path, AudioInfo | MediaError]:
    """Probe each file; a missing or unreadable one maps to the error to report."""
    out: dict[Path, AudioInfo | MediaError] = {}
    for path in paths:
        if not path.is_file():
            out[path] = MediaError(f"{path.name} does not exist; add the file or fix the name")
            continue
        try:
            out[path] = probe_audio(path)
        except MediaError as exc:
            out[path] = exc
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
    # webvtt-py strips the cue tags (<v Speaker>, <b>) but leaves WebVTT's character references
    # (&amp; &lt; &nbsp;): decode them once here, so cues are plain text that templates escape once.
    decode = html.unescape if path.suffix != ".srt" else str
    cues = tuple(
        Cue(timedelta(milliseconds=c.start_time.in_milliseconds()), timedelta(milliseconds=c.end_time.in_milliseconds()),
            decode(" ".join(c.text.split())))
        for c in captions.captions
    )
    if not cues:
        raise MediaError(f"{path.name} has no cues")
    return TranscriptInfo(cues, path.stat().st_size)
