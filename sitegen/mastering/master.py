"""Mastering: a recording (a file, or PCM from the narrator) to the published MP3, verified.

  decode.file_source / pcm_source   the recording, readable block by block
  decode.read_published              44.1 kHz float32; mono or stereo (the one full-length copy)
  dynamics.trim_silence              under a second of silence at each end
  dynamics.levelled_blocks           -16 LUFS, peaks limited to the PCM ceiling (true peak)
  encode.encode_mp3, tags.tag_mp3    CBR MP3 with its ID3v2.4 tag and chapters
  _encode_verified                   the MP3 decoded again and measured; if encoding pushed the
                                     true peak over -1 dBTP, limit harder and encode again

Everything after reading works a block at a time (the meters, the limiter, the encoder, the check
of the MP3), so a 45-minute stereo episode needs about its samples' gigabyte, not five times it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from . import decode
from .decode import RATE, Audio
from .dynamics import chunk_peaks, levelled_blocks, trim_silence
from .encode import bitrate_kbps, encode_mp3
from .errors import MasteringError
from .loudness import BLOCK_S, LoudnessMeter, PeakMeter
from .tags import EpisodeTags, check_chapters, tag_mp3

TARGET_LUFS = -16.0
TOLERANCE_LU = 1.0  # the published file is within this of the target (it lands within 0.2)
MAX_TRUE_PEAK_DBTP = -1.0
PCM_CEILING_DBTP = -1.5  # the PCM's ceiling: MP3 encoding adds a few tenths of a dB of overshoot
LOUDNESS_STEP_LU = 0.05  # the gain is refined until the limited PCM lands this close
ENCODED_STEP_LU = 0.2  # and the PCM re-aimed until the MP3 lands this close
GAIN_STEPS = 6
ENCODE_TRIES = 4


@dataclass(frozen=True, slots=True)
class Measurement:
    loudness_lufs: float
    true_peak_dbtp: float
    seconds: float
    rate: int
    channels: int


@dataclass(frozen=True, slots=True)
class Mastered:
    mp3: bytes  # the whole file, tag included
    published: Measurement  # of the MP3 itself, decoded again
    source: Measurement  # of the recording as it came in (at 44.1 kHz; dual mono as mono)
    bitrate_kbps: int
    trimmed_start_s: float
    trimmed_end_s: float


def measure_blocks(blocks: Iterable[NDArray[np.float32]], rate: int) -> Measurement:
    """Integrated loudness and true peak of audio given block by block (the same figures as for the whole)."""
    loud: LoudnessMeter | None = None
    peak: PeakMeter | None = None
    for block in blocks:
        if loud is None or peak is None:
            loud, peak = LoudnessMeter(rate, block.shape[1]), PeakMeter(block.shape[1])
        loud.add(block)
        peak.add(block)
    if loud is None or peak is None:
        return Measurement(-math.inf, -math.inf, 0.0, rate, 0)
    return Measurement(loud.integrated(), peak.dbtp(), loud.frames / rate, rate, peak.channels)


def measure(audio: Audio) -> Measurement:
    return measure_blocks(_blocks(audio.samples), audio.rate)


def measure_mp3(data: bytes, shown: str) -> Measurement:
    """Loudness and true peak of an MP3 (or any audio file's bytes) as a player decodes it."""
    source = decode.bytes_source(data, shown)
    return measure_blocks(source.blocks(), source.rate)


def _blocks(samples: NDArray[np.float32]) -> Iterator[NDArray[np.float32]]:
    for start in range(0, len(samples), decode.BLOCK):
        yield samples[start : start + decode.BLOCK]


def master_file(path: Path, tags: EpisodeTags) -> Mastered:
    """Master a WAV, FLAC, MP3 or M4A recording; raises MasteringError naming the file."""
    return master_source(decode.file_source(path), tags)


def master_pcm(samples: NDArray[np.floating] | NDArray[np.integer], rate: int, tags: EpisodeTags, *,
               trim: bool = True, shown: str = "the narration") -> Mastered:
    """Master PCM held in memory: floats at +-1.0 or 16-bit integers, mono (frames,) or (frames, channels).

    trim=False keeps the ends as they are, for a caller (the narrator) whose silences are already
    short and whose cue times must not move."""
    return master_source(decode.pcm_source(samples, rate, shown), tags, trim=trim)


def master_source(recording: decode.Source, tags: EpisodeTags, *, trim: bool = True) -> Mastered:
    shown = recording.shown
    audio = decode.read_published(recording)
    if audio.seconds < BLOCK_S:
        raise MasteringError(f"{shown}: lasts {audio.seconds:.2f} s, too short to measure its loudness "
                             f"(at least {BLOCK_S} s); check that it is the whole recording")
    source = measure(audio)  # at 44.1 kHz: resampling changes neither loudness nor peaks that matter
    if not math.isfinite(source.loudness_lufs):
        raise MasteringError(f"{shown}: is silent (nothing above -70 LUFS); check the microphone input "
                             "and that the right track was exported")
    head = tail = 0
    if trim:
        samples, head, tail = trim_silence(audio.samples, RATE, source.loudness_lufs)
        audio = Audio(samples, RATE)
    # Trimming removes only what BS.1770's gate ignores, so the loudness stands.
    return _encode_verified(audio, tags, source, shown, head / RATE, tail / RATE)


def _level(audio: Audio, peaks: NDArray[np.float32], gain_db: float, ceiling_db: float,
           target: float) -> tuple[float, float]:
    """The gain that puts the samples at `target` LUFS once their true peak is limited to ceiling_db,
    and the gain to start from next time (the same, unless GAIN_STEPS ran out first)."""
    for _ in range(GAIN_STEPS):
        used = gain_db
        meter = LoudnessMeter(RATE, audio.channels)
        for block in levelled_blocks(audio.samples, peaks, used, ceiling_db, RATE):
            meter.add(block)
        off = target - meter.integrated()
        if abs(off) <= LOUDNESS_STEP_LU:
            break
        gain_db += off  # limiting took some loudness away: turn up a little more
    return used, gain_db


def _encode_verified(audio: Audio, tags: EpisodeTags, source: Measurement, shown: str,
                     trimmed_start_s: float, trimmed_end_s: float) -> Mastered:
    """Level, encode, decode and measure; correct for what the encoder changed until the MP3 is at spec."""
    ceiling, target = PCM_CEILING_DBTP, TARGET_LUFS
    duration_ms = round(audio.seconds * 1000)
    check_chapters(tags.chapters, duration_ms)  # before the slow part
    peaks = chunk_peaks(audio.samples)
    gain_db = TARGET_LUFS - source.loudness_lufs
    for _ in range(ENCODE_TRIES):
        used, gain_db = _level(audio, peaks, gain_db, ceiling, target)
        levelled = levelled_blocks(audio.samples, peaks, used, ceiling, RATE)  # again: cheaper than keeping a copy
        mp3 = tag_mp3(encode_mp3(levelled, RATE, audio.channels), tags, duration_ms)
        published = measure_mp3(mp3, shown)
        over = published.true_peak_dbtp - MAX_TRUE_PEAK_DBTP
        off = TARGET_LUFS - published.loudness_lufs
        if over <= 0 and abs(off) <= ENCODED_STEP_LU:
            break
        if over > 0:
            ceiling -= over + 0.25
        target += off  # the encoder changed the loudness a little: aim the PCM so the MP3 lands
    if over > 0 or abs(off) > TOLERANCE_LU:
        raise MasteringError(f"{shown}: could not reach {TARGET_LUFS:g} LUFS with the true peak at most "
                             f"{MAX_TRUE_PEAK_DBTP:g} dBTP (last try: {published.loudness_lufs:.1f} LUFS, "
                             f"{published.true_peak_dbtp:.1f} dBTP); the recording may be clipped or mostly noise: "
                             "check its levels and export it again")
    return Mastered(mp3, published, source, bitrate_kbps(audio.channels), trimmed_start_s, trimmed_end_s)
