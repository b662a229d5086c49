"""The narration's PCM: read the synthesiser's WAVs, trim them, and lay out the script.

Every sentence is synthesised on its own, so the cue and chapter times are measured, not
estimated. Pauses between sentences, paragraphs and sections are silence of fixed lengths.
The level is left as the voice speaks it: mastering (sitegen/mastering) sets the loudness.
"""
from __future__ import annotations

import array
import datetime as dt
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

from ..models import Chapter
from .errors import NarrationError
from .script import Section

LEAD_IN_MS = 300
SENTENCE_PAUSE_MS = 250
PARAGRAPH_PAUSE_MS = 400
SECTION_PAUSE_MS = 700
TAIL_MS = 500

TRIM_THRESHOLD = 100  # |sample| below this (about -50 dBFS) at a piece's edges is silence
TRIM_LEAD_MS = 15
TRIM_TAIL_MS = 40
FADE_MS = 8


@dataclass(frozen=True, slots=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True, slots=True)
class Narration:
    pcm: array.array[int]  # mono, 16-bit, at `rate`
    rate: int  # the voice's own sample rate (Festival HTS 32 kHz, Piper medium 22.05 kHz)
    cues: tuple[Cue, ...]  # one per sentence
    chapters: tuple[Chapter, ...]  # one per section


def read_wav(path: Path) -> tuple[int, array.array[int]]:
    """A synthesised WAV as (sample rate, mono 16-bit samples)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise NarrationError(f"{path}: expected 16-bit PCM from the synthesiser")
        channels, rate = w.getnchannels(), w.getframerate()
        pcm = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":  # pragma: no cover
        pcm.byteswap()
    if channels > 1:
        pcm = array.array("h", (sum(pcm[i : i + channels]) // channels for i in range(0, len(pcm), channels)))
    return rate, pcm


def trim(pcm: array.array[int], rate: int) -> array.array[int]:
    """Cut the synthesiser's own leading/trailing silence (keeping a margin) and fade the edges."""
    first = next((i for i, s in enumerate(pcm) if abs(s) > TRIM_THRESHOLD), None)
    if first is None:
        return pcm
    last = next(i for i in range(len(pcm) - 1, -1, -1) if abs(pcm[i]) > TRIM_THRESHOLD)
    a = max(0, first - TRIM_LEAD_MS * rate // 1000)
    b = min(len(pcm), last + 1 + TRIM_TAIL_MS * rate // 1000)
    out = pcm[a:b]
    fade = min(FADE_MS * rate // 1000, len(out) // 2)
    for i in range(fade):
        out[i] = out[i] * i // fade
        out[-1 - i] = out[-1 - i] * i // fade
    return out


def _silence(samples: int) -> array.array[int]:
    return array.array("h", bytes(2 * samples))  # from bytes: `samples` zero samples


class _Layout:
    """The PCM as it grows, with the cues and chapters measured on the way."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.pcm = _silence(self._samples(LEAD_IN_MS))
        self.cues: list[Cue] = []
        self.chapters: list[Chapter] = []

    def _samples(self, ms: int) -> int:
        return ms * self.rate // 1000

    def _ms(self, samples: int) -> int:
        return samples * 1000 // self.rate

    def pause(self, ms: int) -> None:
        self.pcm.extend(_silence(self._samples(ms)))

    def start_section(self, index: int, title: str) -> None:
        if index:
            self.pause(SECTION_PAUSE_MS)
            # start times floor to whole seconds and must ascend: keep chapters >= 1 s apart
            need = (int(self.chapters[-1].seconds) + 1) * self.rate
            if len(self.pcm) < need:
                self.pcm.extend(_silence(need - len(self.pcm)))
        start = 0 if index == 0 else len(self.pcm) // self.rate
        self.chapters.append(Chapter(dt.timedelta(seconds=start), title))

    def speak(self, piece: array.array[int], display: str) -> None:
        start = len(self.pcm)
        self.pcm.extend(piece)
        self.cues.append(Cue(self._ms(start), max(self._ms(len(self.pcm)), self._ms(start) + 1), display))


def build_narration(sections: list[Section], pieces: dict[str, array.array[int]], rate: int) -> Narration:
    """Lay out the script from each spoken text's trimmed PCM: the audio, one cue per sentence, chapters."""
    layout = _Layout(rate)
    for si, sec in enumerate(sections):
        layout.start_section(si, sec.title)
        for pi, para in enumerate(sec.paragraphs):
            if pi and para:  # the show and episode announcement is followed by a section pause
                layout.pause(SECTION_PAUSE_MS if (si, pi) == (0, 1) else PARAGRAPH_PAUSE_MS)
            for ti, sentence in enumerate(para):
                if ti:
                    layout.pause(SENTENCE_PAUSE_MS)
                layout.speak(pieces[sentence.spoken], sentence.display)
    layout.pause(TAIL_MS)
    return Narration(layout.pcm, rate, tuple(layout.cues), tuple(layout.chapters))
