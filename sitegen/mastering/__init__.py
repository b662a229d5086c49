"""Mastering: a recording in WAV, FLAC, MP3 or M4A (or PCM in memory) to the published MP3.

The published MP3 is at -16 LUFS integrated (ITU-R BS.1770, within 1 LU) with its true peak at
most -1 dBTP (peaks limited, not the whole file turned down), 44.1 kHz, mono 96 kbit/s or stereo
128 kbit/s CBR, under a second of silence at each end, with an ID3v2.4 tag (title, show,
episode number, date, cover art, CHAP/CTOC chapters). The same input gives the same bytes.

    master_file(path, tags) / master_pcm(samples, rate, tags) -> Mastered (mp3 bytes + measurements)

Modules: decode (reading, resampling), loudness (measuring), dynamics (trim, gain, limiter),
encode (LAME), tags (ID3), master (the steps and the check of the encoded file), command
(`build.py media master`).
"""
from __future__ import annotations

from .errors import ChapterError, MasteringError
from .master import (
    MAX_TRUE_PEAK_DBTP, TARGET_LUFS, Mastered, Measurement, master_file, master_pcm, measure_mp3,
)
from .tags import EpisodeTags, build_cover_jpeg

__all__ = ["ChapterError", "EpisodeTags", "MAX_TRUE_PEAK_DBTP", "Mastered", "MasteringError", "Measurement",
           "TARGET_LUFS", "build_cover_jpeg", "master_file", "master_pcm", "measure_mp3"]
