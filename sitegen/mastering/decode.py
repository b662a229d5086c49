"""Reading a recording: WAV, FLAC, MP3 or M4A decoded to float samples, then brought to 44.1 kHz.

PyAV decodes all four with the FFmpeg it bundles (no system FFmpeg, no network); soxr resamples
(its "HQ" setting is transparent for speech and music alike, and repeatable to the bit).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import soxr
from numpy.typing import NDArray

from .errors import MasteringError

RATE = 44_100  # Apple's recommended sample rate for podcast audio
FORMATS = {".wav": "WAV", ".flac": "FLAC", ".mp3": "MP3", ".m4a": "M4A"}
EXPORT_HINT = "export the recording again as WAV, FLAC, MP3 or M4A"
MONO_BELOW_DB = -60.0  # a stereo file whose sides differ less than this is dual mono


@dataclass(frozen=True, slots=True)
class Audio:
    samples: NDArray[np.float32]  # (frames, channels), C order, full scale at +-1.0
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])


def as_audio(samples: NDArray[np.floating] | NDArray[np.integer], rate: int) -> Audio:
    """PCM from a caller (e.g. the narrator) as Audio: floats at +-1.0 or 16-bit integers; mono or (frames, channels)."""
    data = np.asarray(samples)
    if np.issubdtype(data.dtype, np.integer):
        data = data.astype(np.float32) / 32768.0
    data = np.ascontiguousarray(data.reshape(len(data), -1), dtype=np.float32)
    return Audio(data, int(rate))


def read_recording(path: Path) -> Audio:
    """Decode a recording file; MasteringError names the file and the fix."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise MasteringError(f"{path}: {kind} is not a format mastering reads; {EXPORT_HINT}")
    if not path.is_file():
        raise MasteringError(f"{path}: no such file; check the name, or record and export it first")
    return _decode(str(path), str(path))


def decode_bytes(data: bytes, shown: str) -> Audio:
    """Decode audio held in memory (the MP3 just encoded, to verify it)."""
    return _decode(io.BytesIO(data), shown)


def _decode(source: str | io.BytesIO, shown: str) -> Audio:
    try:
        with av.open(source, mode="r") as container:
            if not container.streams.audio:
                raise MasteringError(f"{shown}: holds no audio; {EXPORT_HINT}")
            stream = container.streams.audio[0]
            rate = stream.rate
            planar = av.AudioResampler(format="fltp")  # keeps the channels and the rate
            chunks = [out.to_ndarray() for frame in container.decode(stream) for out in planar.resample(frame)]
            chunks += [out.to_ndarray() for out in planar.resample(None)]
    except av.error.FFmpegError as exc:
        raise MasteringError(f"{shown}: cannot be decoded as audio ({exc.strerror or exc}); "
                             f"the file may be damaged or cut short: {EXPORT_HINT}") from None
    if not chunks or not rate:
        raise MasteringError(f"{shown}: holds no audio samples; {EXPORT_HINT}")
    planes = np.concatenate(chunks, axis=1)
    chunks.clear()  # one copy of a long recording at a time
    return Audio(np.ascontiguousarray(planes.T, dtype=np.float32), int(rate))


def to_published(audio: Audio, shown: str) -> Audio:
    """At 44.1 kHz, mono or stereo: dual mono becomes mono, more than two channels is refused."""
    if audio.channels > 2:
        raise MasteringError(f"{shown}: has {audio.channels} channels; export it as mono or stereo")
    samples = audio.samples
    if audio.channels == 2 and _is_dual_mono(samples):
        samples = np.ascontiguousarray(samples.mean(axis=1, keepdims=True, dtype=np.float32))
    if audio.rate != RATE:
        samples = soxr.resample(samples, audio.rate, RATE, quality="HQ")
        samples = np.ascontiguousarray(samples.reshape(len(samples), -1), dtype=np.float32)
    return Audio(samples, RATE)


def _is_dual_mono(samples: NDArray[np.float32]) -> bool:
    side = float(np.square(samples[:, 0] - samples[:, 1], dtype=np.float64).sum())
    mid = float(np.square(samples[:, 0] + samples[:, 1], dtype=np.float64).sum())
    return side <= mid * 10 ** (MONO_BELOW_DB / 10)
