"""Reading a recording: WAV, FLAC, MP3 or M4A decoded to float samples and brought to 44.1 kHz.

PyAV decodes all four with the FFmpeg it bundles (no system FFmpeg, no network); soxr resamples
(its "HQ" setting is transparent for speech and music alike, and repeatable to the bit).

Memory: a 45-minute stereo recording is a gigabyte of float32 samples at 44.1 kHz, so that is the
one full-length copy mastering keeps. The file is read twice in blocks: once to learn its length,
channels and whether it is dual mono, then again through soxr's streaming resampler into an array
allocated once (soxr gives the same bits streamed as in one call).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
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
BLOCK = 1 << 16  # frames per block when reading: big enough that Python's overhead is small

Blocks = Callable[[], Iterator[NDArray[np.float32]]]  # each call reads the audio again from the start


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


@dataclass(frozen=True, slots=True)
class Source:
    """A recording that can be read block by block, as often as needed."""
    blocks: Blocks  # (frames, channels) float32 blocks
    rate: int
    shown: str


def pcm_source(samples: NDArray[np.floating] | NDArray[np.integer], rate: int, shown: str) -> Source:
    """PCM from a caller (e.g. the narrator): floats at +-1.0 or 16-bit integers; mono or (frames, channels)."""
    data = np.asarray(samples)
    data = data.reshape(len(data), -1)

    def blocks() -> Iterator[NDArray[np.float32]]:
        for start in range(0, len(data), BLOCK):
            part = data[start : start + BLOCK]
            if np.issubdtype(part.dtype, np.integer):
                part = part.astype(np.float32) / 32768.0
            yield np.ascontiguousarray(part, dtype=np.float32)

    return Source(blocks, int(rate), shown)


def file_source(path: Path) -> Source:
    """A recording file, checked to be one mastering reads; MasteringError names the file and the fix."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise MasteringError(f"{path}: {kind} is not a format mastering reads; {EXPORT_HINT}")
    if not path.is_file():
        raise MasteringError(f"{path}: no such file; check the name, or record and export it first")
    return _decoded(lambda: str(path), str(path))


def bytes_source(data: bytes, shown: str) -> Source:
    """Audio held in memory (the MP3 just encoded, to verify it)."""
    return _decoded(lambda: io.BytesIO(data), shown)


def _decoded(open_source: Callable[[], str | io.BytesIO], shown: str) -> Source:
    def blocks() -> Iterator[NDArray[np.float32]]:
        try:
            with av.open(open_source(), mode="r") as container:
                if not container.streams.audio:
                    raise MasteringError(f"{shown}: holds no audio; {EXPORT_HINT}")
                yield from _batched(_decode_planes(container, container.streams.audio[0]))
        except av.error.FFmpegError as exc:
            raise MasteringError(f"{shown}: cannot be decoded as audio ({exc.strerror or exc}); "
                                 f"the file may be damaged or cut short: {EXPORT_HINT}") from None

    try:
        with av.open(open_source(), mode="r") as container:
            rate = container.streams.audio[0].rate if container.streams.audio else 0
    except av.error.FFmpegError as exc:
        raise MasteringError(f"{shown}: cannot be decoded as audio ({exc.strerror or exc}); "
                             f"the file may be damaged or cut short: {EXPORT_HINT}") from None
    return Source(blocks, int(rate or 0), shown)


def _decode_planes(container: av.container.InputContainer, stream: av.AudioStream) -> Iterator[NDArray[np.float32]]:
    planar = av.AudioResampler(format="fltp")  # keeps the channels and the rate: float32, one row per channel
    for frame in container.decode(stream):
        for out in planar.resample(frame):
            yield np.asarray(out.to_ndarray(), dtype=np.float32)
    for out in planar.resample(None):
        yield np.asarray(out.to_ndarray(), dtype=np.float32)


def _batched(planes: Iterator[NDArray[np.float32]]) -> Iterator[NDArray[np.float32]]:
    """Decoded frames (channels, n) joined into (frames, channels) blocks of about BLOCK frames."""
    pending: list[NDArray[np.float32]] = []
    count = 0
    for plane in planes:
        pending.append(plane)
        count += plane.shape[1]
        if count >= BLOCK:
            yield np.ascontiguousarray(np.concatenate(pending, axis=1).T, dtype=np.float32)
            pending, count = [], 0
    if pending:
        yield np.ascontiguousarray(np.concatenate(pending, axis=1).T, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class _Survey:
    frames: int
    channels: int
    dual_mono: bool


def _survey(source: Source) -> _Survey:
    """The first reading: length, channels, and whether two channels hold the same signal."""
    frames = channels = 0
    side = mid = 0.0
    for block in source.blocks():
        frames += len(block)
        channels = block.shape[1]
        if channels == 2:
            side += float(np.square(block[:, 0] - block[:, 1], dtype=np.float64).sum())
            mid += float(np.square(block[:, 0] + block[:, 1], dtype=np.float64).sum())
    if not frames or not source.rate:
        raise MasteringError(f"{source.shown}: holds no audio samples; {EXPORT_HINT}")
    return _Survey(frames, channels, channels == 2 and side <= mid * 10 ** (MONO_BELOW_DB / 10))


def read_published(source: Source) -> Audio:
    """The whole recording at 44.1 kHz, mono or stereo (dual mono becomes mono; over two channels is refused)."""
    survey = _survey(source)
    if survey.channels > 2:
        raise MasteringError(f"{source.shown}: has {survey.channels} channels; export it as mono or stereo")
    channels = 1 if survey.dual_mono else survey.channels
    resampler = soxr.ResampleStream(source.rate, RATE, channels, dtype="float32", quality="HQ") \
        if source.rate != RATE else None
    # np.empty pages that are never written cost no memory, so the margin is free
    out = np.empty((survey.frames * RATE // source.rate + BLOCK, channels), np.float32)
    filled = 0
    for block in _then_empty(source.blocks(), channels):
        if survey.dual_mono and len(block):
            block = block.mean(axis=1, keepdims=True, dtype=np.float32)
        if resampler is not None:
            block = resampler.resample_chunk(block, last=not len(block)).reshape(-1, channels)
        if filled + len(block) > len(out):  # only if the file was longer the second time
            out = np.concatenate([out[:filled], np.empty((len(block) + BLOCK, channels), np.float32)])
        out[filled : filled + len(block)] = block
        filled += len(block)
    return Audio(out[:filled], RATE)


def _then_empty(blocks: Iterator[NDArray[np.float32]], channels: int) -> Iterator[NDArray[np.float32]]:
    """The blocks, then an empty one: the resampler's cue to give out what it holds."""
    yield from blocks
    yield np.zeros((0, channels), np.float32)
