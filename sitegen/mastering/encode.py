"""Encoding: 16-bit PCM to constant-bitrate MP3 with LAME (lameenc), the same bytes every time."""
from __future__ import annotations

from collections.abc import Iterable

import lameenc
import numpy as np
from numpy.typing import NDArray

BITRATE_KBPS = {1: 96, 2: 128}  # mono speech, stereo: what podcast hosts publish
LAME_QUALITY = 3  # LAME's own default (0 slowest, 9 fastest): -q 2 takes twice the time for no audible gain in speech


def bitrate_kbps(channels: int) -> int:
    return BITRATE_KBPS[channels]


def to_pcm16(samples: NDArray[np.float32]) -> bytes:
    """Interleaved little-endian 16-bit samples; rounded, never dithered, so repeatable."""
    scaled = samples * np.float32(32767.0)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)  # in place: no second copy of the block
    return scaled.astype("<i2").tobytes()


def encode_mp3(blocks: Iterable[NDArray[np.float32]], rate: int, channels: int) -> bytes:
    """The blocks as one CBR MP3 stream; LAME gives the same bytes however the samples are split."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(bitrate_kbps(channels))
    enc.set_in_sample_rate(rate)
    enc.set_out_sample_rate(rate)
    enc.set_channels(channels)
    enc.set_quality(LAME_QUALITY)
    mp3 = bytearray()
    for block in blocks:
        mp3 += enc.encode(to_pcm16(block))
    mp3 += enc.flush()
    return bytes(mp3)
