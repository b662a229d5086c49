"""Measuring audio in tests with meters other than the one mastering uses.

FFmpeg's ebur128 filter (through PyAV, which bundles FFmpeg) measures integrated loudness and
true peak (its own 192 kHz oversampling), so the published files are checked by a second,
independent BS.1770 implementation as well as by pyloudnorm.
"""
from __future__ import annotations

import math
from pathlib import Path

import av
import av.filter
import numpy as np


def ffmpeg_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of an audio file, by FFmpeg's ebur128 filter."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        graph = av.filter.Graph()
        src = graph.add_abuffer(template=stream)
        meter = graph.add("ebur128", "peak=true:metadata=1")
        sink = graph.add("abuffersink")
        src.link_to(meter)
        meter.link_to(sink)
        graph.configure()
        last: dict[str, str] = {}
        frames = list(container.decode(stream))
        for frame in frames + [None]:
            graph.push(frame)
            while True:
                try:
                    out = graph.pull()
                except (av.error.BlockingIOError, av.error.EOFError):
                    break
                if out.metadata:
                    last = dict(out.metadata)
    peak = float(last["lavfi.r128.true_peak"])
    return float(last["lavfi.r128.I"]), 20 * math.log10(peak) if peak > 0 else -math.inf


def decode(path: Path) -> tuple[np.ndarray, int]:
    """(samples as (frames, channels) float32, rate), decoded by PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        planar = av.AudioResampler(format="fltp")
        chunks = [o.to_ndarray() for f in container.decode(stream) for o in planar.resample(f)]
        rate = stream.rate
    return np.concatenate(chunks, axis=1).T.copy(), rate


def silence_at_ends(samples: np.ndarray, rate: int, below_dbfs: float = -45.0) -> tuple[float, float]:
    """Seconds before the first and after the last 10 ms frame whose RMS is above below_dbfs."""
    frame = rate // 100
    n = len(samples) // frame
    rms = np.sqrt(np.square(samples[: n * frame].astype(np.float64)).reshape(n, frame, -1).mean(axis=1)).max(axis=1)
    loud = np.flatnonzero(rms > 10 ** (below_dbfs / 20))
    assert loud.size, "no sound at all"
    return loud[0] * frame / rate, (len(samples) - (loud[-1] + 1) * frame) / rate
