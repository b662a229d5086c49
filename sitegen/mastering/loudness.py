"""Measuring: integrated loudness (ITU-R BS.1770, by pyloudnorm) and true peak (BS.1770 annex 2).

True peak is the largest magnitude of the signal oversampled 4x with the annex's own 48-tap
interpolation filter (the four 12-tap phases of its table), so peaks between samples count.
"""
from __future__ import annotations

import math

import numpy as np
import pyloudnorm
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
    peak = float(peak_envelope(samples).max(initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf
