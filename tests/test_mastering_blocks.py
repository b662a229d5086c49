"""Mastering a block at a time (sitegen/mastering) gives the whole-file computation's very bits,
and holds about one copy of the recording, not five.

The clips' lengths are multiples of no block size used, so every block edge falls somewhere odd.
"""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import soxr

from sitegen.mastering import EpisodeTags, master_pcm
from sitegen.mastering.decode import BLOCK, RATE, pcm_source, read_published
from sitegen.mastering.dynamics import CHUNK, apply_gain, chunk_peaks, levelled_blocks, sound_bounds
from sitegen.mastering.encode import encode_mp3
from sitegen.mastering.loudness import (
    LoudnessMeter, PeakMeter, integrated_loudness, peak_envelope, true_peak_dbtp,
)

FRAMES = 3 * RATE + 1234


def clip(channels: int, seed: int = 11) -> np.ndarray:
    """Noise that swells and fades, with one burst near full scale: the limiter has work to do."""
    rng = np.random.default_rng(seed)
    swell = np.sin(np.linspace(0, 30, FRAMES))[:, None] ** 2
    x = (rng.normal(0, 0.1, (FRAMES, channels)) * swell).astype(np.float32)
    x[50_000:50_040] = 0.99
    return x


def split(x: np.ndarray, size: int) -> list[np.ndarray]:
    return [x[i : i + size] for i in range(0, len(x), size)]


@pytest.mark.parametrize(("channels", "gain_db"), [(1, 12.0), (2, 12.0), (2, 0.0)])
def test_limiter_in_blocks_equals_the_whole_file(channels: int, gain_db: float) -> None:
    x = clip(channels)
    gain = np.float32(10 ** (gain_db / 20))
    whole = apply_gain(x, peak_envelope(x), gain_db, -1.5, RATE)
    assert not np.array_equal(whole, x * gain)  # some samples were limited
    peaks = chunk_peaks(x)
    # the limiter measures the envelope again only in the chunks over the ceiling: some, not all
    assert len(peaks) == -(-FRAMES // CHUNK) and 0 < (peaks * gain > np.float32(10 ** (-1.5 / 20))).mean() < 0.9
    for size in (997, 4096, FRAMES + 1):
        assert np.array_equal(np.concatenate(list(levelled_blocks(x, peaks, gain_db, -1.5, RATE, block=size))), whole)


@pytest.mark.parametrize("channels", [1, 2])
def test_meters_in_blocks_equal_the_whole_file(channels: int) -> None:
    x = clip(channels)
    for size in (5, 777, 17_641, FRAMES):  # 5: blocks smaller than the true-peak filter's reach
        loudness, peak = LoudnessMeter(RATE, channels), PeakMeter(channels)
        for block in split(x, size):
            loudness.add(block)
            peak.add(block)
        assert loudness.integrated() == integrated_loudness(x, RATE)
        assert peak.dbtp() == true_peak_dbtp(x)


def test_meter_of_silence_is_minus_infinity() -> None:
    meter = LoudnessMeter(RATE, 1)
    meter.add(np.zeros((RATE, 1), np.float32))
    assert meter.integrated() == -np.inf == integrated_loudness(np.zeros((RATE, 1), np.float32), RATE)


def test_encoding_in_blocks_gives_the_same_bytes() -> None:
    x = clip(2) * np.float32(0.5)
    assert encode_mp3(split(x, 3001), RATE, 2) == encode_mp3([x], RATE, 2)


def test_streamed_resampling_and_silence_bounds_equal_the_whole_file() -> None:
    x = clip(2)[: 2 * BLOCK + 999]
    audio = read_published(pcm_source(x, 48_000, "clip"))
    assert len(x) > BLOCK and np.array_equal(audio.samples, soxr.resample(x, 48_000, RATE, quality="HQ"))
    frame = RATE // 100
    power = np.square(audio.samples[: len(audio.samples) // frame * frame], dtype=np.float64)
    loud = np.flatnonzero(power.reshape(-1, frame, 2).mean(axis=1).max(axis=1) > 10 ** ((-40 - 35) / 10))
    assert sound_bounds(audio.samples, RATE, -40.0) == (int(loud[0]) * frame, (int(loud[-1]) + 1) * frame)


def traced_peak(seconds: int) -> int:
    """Python's own allocations (numpy's included) at their peak while mastering `seconds` of 48 kHz mono."""
    x = np.tile(clip(1), (seconds * RATE // FRAMES + 1, 1))[: seconds * 48_000]
    tracemalloc.start()
    try:
        master_pcm(x, 48_000, EpisodeTags("T", "S", 1, "2026-01-01", b""))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_mastering_holds_about_one_copy_of_the_recording() -> None:
    """What 50 more seconds cost, against one copy of them at 44.1 kHz: the blocks' few MB cancel out.

    Here it is 1.0 copy; the whole-file version took over 4, and keeping the envelope of the whole
    file (mono: as big as the samples) even for a moment takes 1.45."""
    extra = traced_peak(60) - traced_peak(10)
    one_copy = 50 * RATE * 4
    assert extra < 1.2 * one_copy, extra / one_copy
