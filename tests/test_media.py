import json
import os
from pathlib import Path

import pytest

from conftest import SAMPLE
from sitegen.media import MediaError, probe_audio, read_audio_infos, read_transcript

MP3 = SAMPLE / "content/episodes/001-first-steps.mp3"


def test_probe_audio_reads_real_length_duration_and_type():
    info = probe_audio(MP3)
    assert info.length == MP3.stat().st_size
    assert info.mime == "audio/mpeg"
    assert abs(info.seconds - 12.0) < 0.2


def test_probe_audio_rejects_text_file(tmp_path: Path):
    fake = tmp_path / "x.mp3"
    fake.write_text("not audio at all " * 50)
    with pytest.raises(MediaError, match="as audio|not an audio file"):
        probe_audio(fake)


def test_read_audio_infos_uses_cache_and_survives_corruption(tmp_path: Path):
    audio = tmp_path / "a.mp3"
    audio.write_bytes(MP3.read_bytes())
    cache = tmp_path / "cache.json"
    first = read_audio_infos([audio], cache)[audio]
    data = json.loads(cache.read_text())
    key, = data["entries"]
    data["entries"][key]["seconds"] = 999.0  # a cached value is trusted while size and mtime match
    cache.write_text(json.dumps(data))
    assert read_audio_infos([audio], cache)[audio].seconds == 999.0
    os.utime(audio, ns=(1, 1))  # a changed mtime means a fresh probe
    assert read_audio_infos([audio], cache)[audio].seconds == first.seconds
    cache.write_text("{ corrupt")
    assert read_audio_infos([audio], cache)[audio] == first


def test_read_audio_infos_missing_file(tmp_path: Path):
    missing = tmp_path / "nope.mp3"
    assert isinstance(read_audio_infos([missing], None)[missing], MediaError)


def test_read_transcript_vtt():
    info = read_transcript(SAMPLE / "content/episodes/001-first-steps.vtt")
    assert len(info.cues) == 3 and info.cues[1].start.total_seconds() == 5.0
    assert info.cues[0].text == "Welcome to the sample show."


def test_read_transcript_malformed(tmp_path: Path):
    bad = tmp_path / "x.vtt"
    bad.write_text("not a vtt")
    with pytest.raises(MediaError, match="WebVTT"):
        read_transcript(bad)
