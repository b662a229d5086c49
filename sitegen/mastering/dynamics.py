"""Changing the signal: silence trimmed at the ends, gain, and a look-ahead peak limiter.

The limiter sees the whole file (levelled_blocks computes it a block at a time), so it can look both ways:
every sample's gain is at most what keeps the true-peak envelope under the ceiling anywhere
within WINDOW_S of it (a sliding minimum), then smoothed with a moving average of the same
width. Each gain value is then still at most what its own sample needs, and the gain falls
and recovers over 2 x WINDOW_S around a peak instead of jumping: a loud syllable is turned
down for a moment, and the rest of the file keeps its level.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from .loudness import peak_envelope_at

KEEP_LEAD_S = 0.5  # at most this much silence is left before the first sound
KEEP_TAIL_S = 0.75  # and after the last: both under the 1 s podcast apps expect
SILENCE_BELOW_LU = 35.0  # 10 ms frames this far below the integrated loudness are silence
FRAME_S = 0.01
FADE_S = 0.01  # a cut through room noise is faded, never a click
WINDOW_S = 0.02
BLOCK = 1 << 16  # samples levelled at a time
CHUNK = 1 << 10  # the limiter's map of where peaks are: one value per this many samples


def sound_bounds(samples: NDArray[np.float32], rate: int, loudness: float) -> tuple[int, int]:
    """First and last+1 sample index of the frames that are not silence."""
    frame = max(1, int(rate * FRAME_S))
    frames = len(samples) // frame
    step = max(1, BLOCK // frame) * frame  # whole frames at a time: a float64 copy of an hour is 2 GB
    power = np.concatenate([np.zeros(0)] + [
        np.square(samples[start : min(start + step, frames * frame)], dtype=np.float64)
        .reshape(-1, frame, samples.shape[1]).mean(axis=1).max(axis=1)
        for start in range(0, frames * frame, step)])
    loud = np.flatnonzero(power > 10 ** ((loudness - SILENCE_BELOW_LU) / 10))
    if not loud.size:
        return 0, len(samples)
    return int(loud[0]) * frame, min(len(samples), (int(loud[-1]) + 1) * frame)


def trim_silence(samples: NDArray[np.float32], rate: int, loudness: float) -> tuple[NDArray[np.float32], int, int]:
    """The samples with leading and trailing silence cut to under a second; and how many samples went at each end.

    The result is a view of `samples`, its ends faded in place: a copy would double the memory."""
    first, last = sound_bounds(samples, rate, loudness)
    start = max(0, first - int(KEEP_LEAD_S * rate))
    stop = min(len(samples), last + int(KEEP_TAIL_S * rate))
    if start == 0 and stop == len(samples):
        return samples, 0, 0
    out = samples[start:stop]
    fade = min(int(FADE_S * rate), len(out) // 2)
    ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)[:, None]
    if start:
        out[:fade] *= ramp
    if stop < len(samples):
        out[len(out) - fade :] *= ramp[::-1]
    return out, start, len(samples) - stop


def _needed(envelope: NDArray[np.float32], ceiling: float) -> NDArray[np.float32]:
    return np.minimum(np.float32(1.0), np.float32(ceiling) / np.maximum(envelope, np.float32(1e-9)))


def limiter_gain(envelope: NDArray[np.float32], ceiling: float, rate: int) -> NDArray[np.float32]:
    """Per-sample gain (at most 1) that keeps `envelope` under `ceiling` (both linear)."""
    needed = _needed(envelope, ceiling)
    if needed.min() >= 1.0:
        return needed
    width = 2 * int(WINDOW_S * rate) + 1
    held = minimum_filter1d(needed, width, mode="nearest")
    return np.minimum(uniform_filter1d(held, width, mode="nearest"), needed)  # never above what a sample needs


def apply_gain(samples: NDArray[np.float32], envelope: NDArray[np.float32], gain_db: float, ceiling_db: float,
               rate: int) -> NDArray[np.float32]:
    """The samples turned up (or down) by gain_db, their peaks limited to ceiling_db (true peak)."""
    gain = np.float32(10 ** (gain_db / 20))
    curve = limiter_gain(envelope * gain, 10 ** (ceiling_db / 20), rate) * gain
    return samples * curve[:, None]


def chunk_peaks(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    """The largest value of peak_envelope(samples) in each CHUNK samples: where the limiter may act."""
    peaks = [np.zeros(0, np.float32)]
    for start in range(0, len(samples), BLOCK):  # a block's envelope at a time: the whole is half a gigabyte
        env = peak_envelope_at(samples, start, min(len(samples), start + BLOCK))
        peaks.append(np.pad(env, (0, -len(env) % CHUNK)).reshape(-1, CHUNK).max(axis=1))
    return np.concatenate(peaks)


def _needed_between(samples: NDArray[np.float32], peaks: NDArray[np.float32], lo: int, hi: int,
                    gain: np.float32, ceiling: float) -> NDArray[np.float32]:
    """_needed(peak_envelope(samples) * gain, ceiling)[lo:hi], the envelope measured only in the chunks
    whose peak is over the ceiling: elsewhere every value is exactly 1 (x / y >= 1 when x >= y)."""
    needed = np.ones(hi - lo, np.float32)
    first = lo // CHUNK
    over = np.flatnonzero(peaks[first : -(-hi // CHUNK)] * gain > np.float32(ceiling)) + first
    if not over.size:
        return needed
    runs = np.split(over, np.flatnonzero(np.diff(over) > 1) + 1)  # neighbouring chunks measured together
    for run in runs:
        a, b = max(lo, int(run[0]) * CHUNK), min(hi, (int(run[-1]) + 1) * CHUNK)
        needed[a - lo : b - lo] = _needed(peak_envelope_at(samples, a, b) * gain, ceiling)
    return needed


def levelled_blocks(samples: NDArray[np.float32], peaks: NDArray[np.float32], gain_db: float, ceiling_db: float,
                    rate: int, block: int = BLOCK) -> Iterator[NDArray[np.float32]]:
    """apply_gain(samples, peak_envelope(samples), ...) in blocks, to the bit, without a full-length copy.

    `peaks` is chunk_peaks(samples): the envelope is measured again only where it matters. The
    limiter's moving average is SciPy's own running sum (uniform_filter1d adds what enters the
    window, takes away what leaves it, and divides) carried from block to block, so no value
    differs from the whole-file computation.
    """
    gain = np.float32(10 ** (gain_db / 20))
    ceiling = 10 ** (ceiling_db / 20)
    width = 2 * int(WINDOW_S * rate) + 1
    half = width // 2
    total = len(samples)
    running = 0.0
    for start in range(0, total, block):
        stop = min(total, start + block)
        # the held (sliding minimum) gain on [start - 1 - half, stop + half), clipped to the file
        lo, hi = max(0, start - 1 - half), min(total, stop + half)
        reach = max(0, lo - half)
        needed = _needed_between(samples, peaks, reach, min(total, hi + half), gain, ceiling)
        held = minimum_filter1d(needed, width, mode="nearest")[lo - reach :][: hi - lo]
        # the window's edges as uniform_filter1d's "nearest" mode extends them
        entering = held[np.clip(np.arange(start, stop) + half, lo, hi - 1) - lo].astype(np.float64)
        leaving = held[np.clip(np.arange(start, stop) - 1 - half, lo, hi - 1) - lo].astype(np.float64)
        steps = entering - leaving
        if start == 0:
            first = held[np.clip(np.arange(-half, half + 1), 0, hi - 1)].astype(np.float64)
            steps[0] = np.add.accumulate(first)[-1]  # the first window, summed in order
        sums = np.cumsum(np.concatenate([[running], steps]))[1:]
        running = float(sums[-1])
        curve = np.minimum((sums / width).astype(np.float32), needed[start - reach :][: stop - start]) * gain
        yield samples[start:stop] * curve[:, None]
