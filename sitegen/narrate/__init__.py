"""Narrate an episode: its Markdown body becomes a spoken MP3, a WebVTT transcript and chapters.

    python -m sitegen.narrate content/episodes/001-why-walk-backward.md [...]

The steps, each in its own module:
  episode.read_episode     the episode file and its front matter (the build's own reader)
  script.build_script      the body as sections of paragraphs of speakable sentences
  speech.synthesise        the site.toml voice (Piper or Festival) speaks each sentence on its own
  pcm.build_narration      the WAVs trimmed and laid out: audio, one cue per sentence, chapters
  episode.master_narration the show's mastering (sitegen/mastering): -16 LUFS, 44.1 kHz mono
                           96 kbit/s, ID3 tags, cover art and chapters
  episode.write_episode_files  the MP3, the VTT and the `chapters:` block, each replaced whole
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .episode import NarrationResult, format_chapter_time, narrate_episode
from .errors import NarrationError, SynthesiserMissing
from .pcm import Cue

__all__ = ["Cue", "NarrationError", "NarrationResult", "SynthesiserMissing", "main", "narrate_episode"]


def _summary(arg: str, r: NarrationResult, seconds: float) -> str:
    return (f"{arg}: {format_chapter_time(int(r.duration_s))} of audio, {r.mp3_bytes / 1e6:.2f} MB, "
            f"{len(r.cues)} cues, {len(r.chapters)} chapters -> {r.audio_path.name}, "
            f"{r.transcript_path.name} ({seconds:.1f} s)")


def main(argv: list[str]) -> int:
    """Narrate each episode named; one line per episode. Exit 0 if all succeeded, 1 if not."""
    if not argv or any(a in ("-h", "--help") for a in argv):
        print("usage: python -m sitegen.narrate EPISODE.md [EPISODE.md ...]", file=sys.stderr)
        return 0 if argv else 2
    failed = 0
    for arg in argv:
        t0 = time.monotonic()
        try:
            r = narrate_episode(Path(arg))
        except NarrationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            if isinstance(exc, SynthesiserMissing):
                break
            continue
        print(_summary(arg, r, time.monotonic() - t0))
    return 1 if failed else 0
