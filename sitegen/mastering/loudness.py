"""Measuring: integrated loudness (ITU-R BS.1770, by pyloudnorm) and true peak (BS.1770 annex 2).

True peak is the largest magnitude of the signal oversampled 4x with the annex's own 48-tap
interpolation filter (the four 12-tap phases of its table), so peaks between samples count.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pyloudnorm
import scipy.signal
from numpy.typing import NDArray

BLOCK_S = 0.4  # BS.1770's gating block: shorter audio has no integrated loudness

# BS.1770-4 annex 2, table 1: phase 0 and phase 1; phases 3 and 2 are them reversed.
_PHASE_0 = (0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
            0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500)
_PHASE_1 = (-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
            0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375)
# The four phases of the 48-tap interpolator (phases 2 and 3 are 1 and 0 reversed), each with the
# shift that puts its output for input sample n at index n + shift: every value within half a
# sample of n lands on n.
PEAK_REACH = 6  # an envelope value reads this many samples either side of its own
_PHASES = tuple((np.array(taps, dtype=np.float32), shift)
                for taps, shift in ((_PHASE_1[::-1], 5), (_PHASE_0[::-1], 5), (_PHASE_0, 6), (_PHASE_1, 6)))


def integrated_loudness(samples: NDArray[np.float32], rate: int) -> float:
    """LUFS, or -inf when nothing is above BS.1770's -70 LUFS gate. Needs at least 0.4 s."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(pyloudnorm.Meter(rate).integrated_loudness(samples))
    return value if math.isfinite(value) else -math.inf


def peak_envelope(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    """Per input sample, the largest true-peak magnitude within half a sample of it, across channels (linear)."""
    env = np.zeros(len(samples), dtype=np.float32)
    for ch in range(samples.shape[1]):
        x = np.ascontiguousarray(samples[:, ch])
        np.maximum(env, np.abs(x), out=env)
        for taps, shift in _PHASES:
            y = np.convolve(x, taps, mode="full")
            np.maximum(env, np.abs(y[shift : shift + len(x)]), out=env)
    return env


def true_peak_dbtp(samples: NDArray[np.float32]) -> float:
    return to_dbtp(float(peak_envelope(samples).max(initial=0.0)))


def to_dbtp(peak: float) -> float:
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def peak_envelope_at(samples: NDArray[np.float32], start: int, stop: int) -> NDArray[np.float32]:
    """peak_envelope(samples)[start:stop], to the bit, from the samples it needs (PEAK_REACH either side)."""
    lo, hi = max(0, start - PEAK_REACH), min(len(samples), stop + PEAK_REACH)
    return peak_envelope(samples[lo:hi])[start - lo : stop - lo]


class PeakMeter:
    """The true peak of samples fed block by block: the largest value of the whole file's envelope."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._held = np.zeros((0, channels), np.float32)  # the samples from self._held_from on
        self._held_from = 0
        self._done = 0  # envelope values before this index are measured
        self.peak = 0.0

    def add(self, block: NDArray[np.float32], last: bool = False) -> None:
        self._held = np.concatenate([self._held, block])
        end = self._held_from + len(self._held)
        upto = end if last else end - PEAK_REACH  # a value needs the samples after it
        if upto > self._done:
            env = peak_envelope_at(self._held, self._done - self._held_from, upto - self._held_from)
            self.peak = max(self.peak, float(env.max()))
            self._done = upto
        keep_from = max(self._held_from, self._done - PEAK_REACH)
        self._held = self._held[keep_from - self._held_from :]
        self._held_from = keep_from

    def dbtp(self) -> float:
        self.add(self._held[:0], last=True)
        return to_dbtp(self.peak)


class LoudnessMeter:
    """pyloudnorm's integrated loudness fed block by block, to the same bit as the whole-file call.

    The K-weighting filters carry their state from block to block, and each 400 ms gating block's
    mean square is taken from the same float32 samples, in the same order, as pyloudnorm takes it;
    only the last 400 ms are held, so measuring an hour costs no more memory than a second.
    """

    def __init__(self, rate: int, channels: int) -> None:
        self.rate = rate
        stages = pyloudnorm.Meter(rate)._filters.values()  # noqa: SLF001 - the meter's own K-weighting
        self._stages = [(s.passband_gain, s.b, s.a) for s in stages]
        self._state = [[np.zeros(2) for _ in range(channels)] for _ in self._stages]
        self._held = np.zeros((0, channels), np.float32)  # filtered samples from self._held_from on
        self._held_from = 0
        self._z: list[list[float]] = [[] for _ in range(channels)]
        self.frames = 0

    def _bounds(self, j: int) -> tuple[int, int]:
        # pyloudnorm's arithmetic exactly: T_g = 0.4, step = 1.0 - 0.75
        return int(BLOCK_S * (j * 0.25) * self.rate), int(BLOCK_S * (j * 0.25 + 1) * self.rate)

    def add(self, block: NDArray[np.float32]) -> None:
        filtered = np.array(block, dtype=np.float32, order="C")
        for s, (gain, b, a) in enumerate(self._stages):
            for ch in range(filtered.shape[1]):
                out, self._state[s][ch] = scipy.signal.lfilter(b, a, filtered[:, ch], zi=self._state[s][ch])
                filtered[:, ch] = gain * out
        self._held = np.concatenate([self._held, filtered])
        self.frames += len(block)
        count = len(self._z[0])
        while self._bounds(count)[1] <= self.frames:
            count += 1
        self._take_blocks(count)

    def _take_blocks(self, count: int) -> None:
        """The mean square of each channel in gating blocks up to `count`; what no later block needs is let go."""
        for j in range(len(self._z[0]), count):
            lo, hi = self._bounds(j)
            part = self._held[lo - self._held_from : hi - self._held_from]
            for ch, z in enumerate(self._z):
                z.append((1.0 / (BLOCK_S * self.rate)) * np.sum(np.square(part[:, ch])))
        keep_from = self._bounds(count)[0]
        self._held = self._held[max(0, keep_from - self._held_from) :]
        self._held_from = max(self._held_from, keep_from)

    def integrated(self) -> float:
        """LUFS as pyloudnorm gives it for all the samples added; -inf when nothing passes the gate."""
        seconds = self.frames / self.rate
        if seconds < BLOCK_S:
            return -math.inf
        count = int(np.round((seconds - BLOCK_S) / (BLOCK_S * 0.25))) + 1  # pyloudnorm's count of blocks
        self._take_blocks(count)
        value = _gated(np.array([z[:count] for z in self._z], dtype=np.float64))
        return value if math.isfinite(value) else -math.inf


def _gated(z: NDArray[np.float64]) -> float:
    """BS.1770's two gates over the blocks' mean squares (channels x blocks), as pyloudnorm computes them."""
    gains = [1.0, 1.0, 1.0, 1.41, 1.41]
    channels, blocks = z.shape
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of no blocks, as in pyloudnorm
        levels = [-0.691 + 10.0 * np.log10(np.sum([gains[i] * z[i, j] for i in range(channels)]))
                  for j in range(blocks)]
        above = [j for j, lj in enumerate(levels) if lj >= -70.0]
        mean = [np.mean([z[i, j] for j in above]) for i in range(channels)]
        relative = -0.691 + 10.0 * np.log10(np.sum([gains[i] * mean[i] for i in range(channels)])) - 10.0
        gated = [j for j, lj in enumerate(levels) if lj > relative and lj > -70.0]
        mean = np.nan_to_num(np.array([np.mean([z[i, j] for j in gated]) for i in range(channels)]))
        return float(-0.691 + 10.0 * np.log10(np.sum([gains[i] * mean[i] for i in range(channels)])))
