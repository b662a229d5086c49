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


def test_read_audio_infos_missing_file(tmp_path: Path):
    missing = tmp_path / "nope.mp3"
    assert isinstance(read_audio_infos([missing])[missing], MediaError)
    assert read_audio_infos([MP3])[MP3].mime == "audio/mpeg"


def test_read_transcript_vtt():
    info = read_transcript(SAMPLE / "content/episodes/001-first-steps.vtt")
    assert len(info.cues) == 3 and info.cues[1].start.total_seconds() == 5.0
    assert info.cues[0].text == "Welcome to the sample show."


def test_read_transcript_malformed(tmp_path: Path):
    bad = tmp_path / "x.vtt"
    bad.write_text("not a vtt")
    with pytest.raises(MediaError, match="WebVTT"):
        read_transcript(bad)


def test_read_transcript_decodes_vtt_character_references_once(tmp_path: Path):
    vtt = tmp_path / "x.vtt"
    vtt.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Roger Bingham>Salt &amp; pepper, 3 &lt; 4, &amp;amp; <b>bold</b>\n")
    (cue,) = read_transcript(vtt).cues
    assert cue.text == "Salt & pepper, 3 < 4, &amp; bold"  # tags dropped, each reference decoded once
