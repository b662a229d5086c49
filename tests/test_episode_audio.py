"""The show's published MP3s are mastered to spec: loudness, true peak, rate, silence, chapters.

Measured as a listener's app gets them: each MP3 decoded, loudness and true peak by FFmpeg's
ebur128 meter, not the engine's own (tests/test_mastering.py checks that the two agree).
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audio_check import decode, ffmpeg_loudness, silence_at_ends
from conftest import ROOT
from sitegen.frontmatter import parse_yaml, split_front_matter
from sitegen.models import format_clock

EPISODES = sorted((ROOT / "content" / "episodes").glob("*.md"))


def front_matter(md: Path) -> dict:
    yaml_text, _, _ = split_front_matter(md.read_text(encoding="utf-8"))
    return parse_yaml(yaml_text).data


@pytest.fixture(scope="module", params=EPISODES, ids=lambda p: p.stem)
def episode(request) -> tuple[dict, Path]:
    data = front_matter(request.param)
    return data, request.param.parent / data["audio"]


@pytest.fixture(scope="module")
def measured(episode) -> tuple[float, float, float, float]:
    """(LUFS, dBTP, seconds of silence before the first sound, after the last) of one episode's MP3."""
    _, mp3 = episode
    return (*ffmpeg_loudness(mp3), *silence_at_ends(*decode(mp3)))


def test_seven_episodes_to_check() -> None:
    assert len(EPISODES) >= 7


def test_loudness_and_true_peak(measured) -> None:
    lufs, peak, _, _ = measured
    assert abs(lufs - -16) <= 1.0 and peak <= -1.0, (lufs, peak)


def test_silence_at_the_ends_under_a_second(measured) -> None:
    _, _, lead, tail = measured
    assert lead < 1.0 and tail < 1.0, (lead, tail)


def test_rate_and_bitrate(episode) -> None:
    _, mp3 = episode
    info = MP3(mp3).info
    assert info.sample_rate == 44_100 and info.bitrate == (96_000 if info.channels == 1 else 128_000)


def test_id3_chapters_equal_the_front_matter(episode) -> None:
    data, mp3 = episode
    tags = ID3(mp3)
    assert tags.version == (2, 4, 0) and str(tags["TIT2"]) == data["title"] and str(tags["TRCK"]) == str(data["number"])
    (toc,) = tags.getall("CTOC")
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    in_file = [(format_clock(timedelta(milliseconds=chaps[i].start_time)), str(chaps[i].sub_frames["TIT2"]))
               for i in toc.child_element_ids]
    assert in_file == [(c["start"], c["title"]) for c in data["chapters"]]
