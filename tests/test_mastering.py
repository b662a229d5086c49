"""Mastering (sitegen/mastering, `build.py media master`) on recordings made here with numpy.

Every published file is decoded again and measured by FFmpeg's ebur128 meter (tests/audio_check.py)
as well as by the engine's own meter: -16 LUFS within 1 LU, true peak at most -1 dBTP.
"""
from __future__ import annotations

import io
import math
import shutil
import wave
from datetime import timedelta
from pathlib import Path

import av
import lameenc
import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from scipy.signal import resample_poly

from audio_check import decode, ffmpeg_loudness, silence_at_ends
from sitegen import cli
from sitegen.mastering import EpisodeTags, MasteringError, master_pcm
from sitegen.mastering.loudness import integrated_loudness, true_peak_dbtp
from sitegen.models import Chapter

ROOT = Path(__file__).resolve().parent.parent
LEAD_S, SPEECH_S, TAIL_S = 3.0, 8.0, 4.0
CHAPTERS = '''chapters:
  - start: "0:00"
    title: "Introduction"
  - start: "0:03"
    title: "The middle part"
  - start: "0:06"
    title: "To finish"
'''
EPISODE = '''---
title: "Mastering test"
number: 8
season: 1
date: 2026-10-01
guid: "0b6a7e8e-6d5c-4d8a-9a55-000000000008"
summary: "An episode whose audio the test masters."
audio: 008-mastering-test.mp3
{chapters}---
Show notes.
'''


# ---------------------------------------------------------------- recordings made here


def speech_like(seconds: float, rate: int, seed: int, level: float = 0.02) -> np.ndarray:
    """A quiet voice-like signal: harmonics of a gliding pitch, syllables at 4 Hz, short pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * np.cumsum(130 + 25 * np.sin(2 * np.pi * 0.7 * t)) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 16))
    words = rng.random(int(seconds * 4) + 1)[(t * 4).astype(int)] > 0.2
    return (level * voice * np.sin(2 * np.pi * 4 * t) ** 2 * words).astype(np.float32)


def recording(rate: int, channels: int, spike: bool = False) -> np.ndarray:
    """Silence (a faint noise floor), speech, silence: (frames, channels) float32."""
    voice = [speech_like(SPEECH_S, rate, seed=ch + 1, level=0.02 * (1 - 0.3 * ch)) for ch in range(channels)]
    speech = np.stack(voice, axis=1)
    if spike:  # one loud syllable: a peak-based gain would stop 20 dB short
        speech[int(2.5 * rate) : int(2.5 * rate) + 40] = 0.98
    quiet = np.zeros((int(LEAD_S * rate), channels), np.float32)
    tail = np.zeros((int(TAIL_S * rate), channels), np.float32)
    noise = np.random.default_rng(9).normal(0, 2e-5, (len(quiet) + len(speech) + len(tail), channels))
    return (np.concatenate([quiet, speech, tail]) + noise).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def write_with_pyav(path: Path, samples: np.ndarray, rate: int, codec: str, fmt: str) -> Path:
    layout = "mono" if samples.shape[1] == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        sample_fmt = stream.codec_context.format.name
        for start in range(0, len(samples), 1024):
            block = samples[start : start + 1024]
            if sample_fmt.endswith("p"):  # planar: one row per channel
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block.T), format="fltp", layout=layout)
            else:
                pcm = (np.clip(block, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_mp3(path: Path, samples: np.ndarray, rate: int) -> Path:
    enc = lameenc.Encoder()
    enc.set_bit_rate(192)
    enc.set_in_sample_rate(rate)
    enc.set_channels(samples.shape[1])
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    path.write_bytes(bytes(enc.encode(pcm) + enc.flush()))
    return path


RECORDINGS = {  # name: (file name, rate, channels, spike, writer)
    "wav-48k-stereo": ("take.wav", 48_000, 2, False, lambda p, s, r: write_wav(p, s, r)),
    "wav-spike": ("spike.wav", 44_100, 1, True, lambda p, s, r: write_wav(p, s, r)),
    "flac": ("take.flac", 48_000, 1, False, lambda p, s, r: write_with_pyav(p, s, r, "flac", "flac")),
    "mp3": ("take.mp3", 44_100, 1, False, write_mp3),
    "m4a": ("take.m4a", 48_000, 2, False, lambda p, s, r: write_with_pyav(p, s, r, "aac", "ipod")),
}


def make_project(root: Path, chapters: str = CHAPTERS) -> Path:
    """A project with the real site.toml and cover art and one episode; returns the episode file."""
    (root / "static" / "img").mkdir(parents=True)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    shutil.copy(ROOT / "static" / "img" / "cover.jpg", root / "static" / "img" / "cover.jpg")
    md = root / "content" / "episodes" / "008-mastering-test.md"
    md.parent.mkdir(parents=True)
    md.write_text(EPISODE.format(chapters=chapters), encoding="utf-8")
    return md


def master(md: Path, recording: Path | None, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = ["media", "master", str(md)] + (["--from", str(recording)] if recording else [])
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def mastered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, bytes]]:
    """Each recording mastered once through the command: name -> (recording, published MP3, its bytes)."""
    done = {}
    for name, (file_name, rate, channels, spike, writer) in RECORDINGS.items():
        root = tmp_path_factory.mktemp(name)
        md = make_project(root)
        source = writer(root / file_name, recording(rate, channels, spike), rate)
        assert cli.main(["media", "master", str(md), "--from", str(source)]) == 0
        mp3 = md.with_suffix(".mp3")
        done[name] = (source, mp3, mp3.read_bytes())
    return done


# ---------------------------------------------------------------- the published file


@pytest.mark.parametrize("name", RECORDINGS)
def test_published_loudness_and_true_peak(mastered, name) -> None:
    _, mp3, _ = mastered[name]
    lufs, peak = ffmpeg_loudness(mp3)
    assert abs(lufs - -16) <= 1.0, lufs
    assert peak <= -1.0, peak
    samples, rate = decode(mp3)
    assert abs(integrated_loudness(samples, rate) - -16) <= 1.0
    assert true_peak_dbtp(samples) <= -1.0


@pytest.mark.parametrize("name", RECORDINGS)
def test_published_format(mastered, name) -> None:
    _, mp3, _ = mastered[name]
    info = MP3(mp3).info
    stereo = RECORDINGS[name][2] == 2
    assert info.sample_rate == 44_100 and info.layer == 3
    assert info.channels == (2 if stereo else 1)
    assert info.bitrate == (128_000 if stereo else 96_000)


@pytest.mark.parametrize("name", RECORDINGS)
def test_silence_trimmed_to_under_a_second_without_cutting_speech(mastered, name) -> None:
    _, mp3, _ = mastered[name]
    samples, rate = decode(mp3)
    lead, tail = silence_at_ends(samples, rate)
    assert 0 < lead < 1.0 and 0 < tail < 1.0, (lead, tail)
    assert SPEECH_S <= len(samples) / rate <= SPEECH_S + 1.5  # the recording had 7 s of silence


@pytest.mark.parametrize("name", ["wav-48k-stereo", "m4a"])
def test_id3_tags_and_chapters_read_back(mastered, name) -> None:
    _, mp3, _ = mastered[name]
    tags = ID3(mp3)
    assert tags.version == (2, 4, 0)
    assert str(tags["TIT2"]) == "Mastering test" and str(tags["TALB"]) == "Retro Stride"
    assert str(tags["TRCK"]) == "8" and str(tags["TDRC"]) == "2026-10-01"
    assert tags.getall("APIC")[0].mime == "image/jpeg"
    (toc,) = tags.getall("CTOC")
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    read = [(chaps[i].start_time, str(chaps[i].sub_frames["TIT2"])) for i in toc.child_element_ids]
    assert read == [(0, "Introduction"), (3000, "The middle part"), (6000, "To finish")]
    ends = [chaps[i].end_time for i in toc.child_element_ids]
    assert ends[:2] == [3000, 6000] and abs(ends[2] / 1000 - MP3(mp3).info.length) < 0.2


def test_the_loud_spike_is_limited_not_the_whole_file(mastered) -> None:
    source, mp3, _ = mastered["wav-spike"]
    before, peak_before = ffmpeg_loudness(source)
    assert before < -30 and peak_before > -0.5  # quiet speech, one peak near full scale
    after, peak_after = ffmpeg_loudness(mp3)
    assert abs(after - -16) <= 1.0 and peak_after <= -1.0


@pytest.mark.parametrize("name", ["wav-48k-stereo", "mp3"])
def test_remastering_gives_identical_bytes(mastered, name, capsys) -> None:
    source, mp3, first = mastered[name]
    code, _, _ = master(mp3.with_suffix(".md"), source, capsys)
    assert code == 0 and mp3.read_bytes() == first


def test_dual_mono_is_published_as_mono(tmp_path, capsys) -> None:
    md = make_project(tmp_path)
    mono = recording(44_100, 1)
    source = write_wav(tmp_path / "dual.wav", np.repeat(mono, 2, axis=1), 44_100)
    code, out, _ = master(md, source, capsys)
    assert code == 0 and "mono 96 kbit/s" in out
    assert MP3(md.with_suffix(".mp3")).info.channels == 1


def test_default_recording_and_the_summary(tmp_path, capsys) -> None:
    md = make_project(tmp_path)
    (tmp_path / "recordings").mkdir()
    write_wav(tmp_path / "recordings" / "008-mastering-test.wav", recording(44_100, 1), 44_100)
    code, out, err = master(md, None, capsys)
    assert code == 0 and not err
    assert "recordings/008-mastering-test.wav" in out and "-16.0 LUFS" in out and "44.1 kHz mono 96 kbit/s" in out
    assert "silence cut: 2.5 s at the start" in out  # 3 s of silence, 0.5 s kept
    assert "chapter times taken from the recording are that much late" in out


# ---------------------------------------------------------------- the API the narrator uses


def test_master_pcm_from_16_bit_samples_keeps_the_length_when_not_trimming() -> None:
    rate = 32_000
    pcm = (recording(rate, 1)[:, 0] * 32767).astype(np.int16)
    tags = EpisodeTags("T", "Retro Stride", 1, "2026-01-01", b"", (Chapter(timedelta(0), "All"),))
    result = master_pcm(pcm, rate, tags, trim=False)
    assert result.trimmed_start_s == 0 and result.trimmed_end_s == 0
    assert abs(result.published.loudness_lufs - -16) <= 1.0 and result.published.true_peak_dbtp <= -1.0
    samples, out_rate = decode_bytes(result.mp3)
    assert out_rate == 44_100 and abs(len(samples) / out_rate - len(pcm) / rate) < 0.1  # the encoder's padding only
    assert master_pcm(pcm.astype(np.float32) / 32768, rate, tags, trim=False).mp3 == result.mp3


def decode_bytes(data: bytes) -> tuple[np.ndarray, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        chunks = [f.to_ndarray() for f in container.decode(stream)]
        return np.concatenate(chunks, axis=1).T, stream.rate


# ---------------------------------------------------------------- the meter itself


def test_true_peak_finds_the_peak_between_samples() -> None:
    n = np.arange(44_100)
    sine = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4)).astype(np.float32)[:, None]  # fs/4, samples at 45 degrees
    assert 20 * math.log10(float(np.abs(sine).max())) == pytest.approx(-9.03, abs=0.01)
    assert true_peak_dbtp(sine) == pytest.approx(-6.02, abs=0.1)


def test_true_peak_agrees_with_another_oversampler() -> None:
    rng = np.random.default_rng(3)
    x = (rng.normal(0, 0.2, 20_000) * np.hanning(20_000)).astype(np.float32)
    other = 20 * math.log10(float(np.abs(resample_poly(x.astype(np.float64), 4, 1)).max()))
    assert true_peak_dbtp(x[:, None]) == pytest.approx(other, abs=0.2)


def test_loudness_of_a_1_khz_sine() -> None:
    t = np.arange(5 * 48_000) / 48_000
    sine = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)  # -20 dBFS
    assert integrated_loudness(sine, 48_000) == pytest.approx(-23.0, abs=0.1)  # BS.1770: -3.01 at full scale


# ---------------------------------------------------------------- bad input


def bad(tmp_path: Path, capsys, make_source, chapters: str = CHAPTERS) -> tuple[int, str]:
    """Master a bad recording over an existing MP3; the MP3 must be untouched and no file left over."""
    md = make_project(tmp_path, chapters)
    old = md.with_suffix(".mp3")
    old.write_bytes(b"the last good MP3")
    before = sorted(p.name for p in md.parent.iterdir())
    code, out, err = master(md, make_source(tmp_path), capsys)
    assert old.read_bytes() == b"the last good MP3"
    assert sorted(p.name for p in md.parent.iterdir()) == before
    assert not out and "Traceback" not in err
    return code, err


def test_missing_recording(tmp_path, capsys) -> None:
    code, err = bad(tmp_path, capsys, lambda root: root / "nowhere.wav")
    assert code == 1 and "nowhere.wav: no such file" in err and "The MP3 was not changed" in err


def test_no_recording_in_the_default_place(tmp_path, capsys) -> None:
    code, err = bad(tmp_path, capsys, lambda root: None)
    assert code == 1
    assert "008-mastering-test.md: no recording at recordings/008-mastering-test.wav (or .flac, .m4a, .mp3)" in err
    assert "--from FILE" in err


def test_corrupt_recording(tmp_path, capsys) -> None:
    def corrupt(root: Path) -> Path:
        path = root / "broken.wav"
        path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk" + bytes(range(256)) * 8)
        return path

    code, err = bad(tmp_path, capsys, corrupt)
    assert code == 1 and "broken.wav: cannot be decoded as audio" in err and "export the recording again" in err


def test_silent_recording(tmp_path, capsys) -> None:
    code, err = bad(tmp_path, capsys, lambda root: write_wav(root / "silent.wav", np.zeros((44_100 * 3, 1)), 44_100))
    assert code == 1 and "silent.wav: is silent" in err and "microphone" in err


def test_unsupported_format(tmp_path, capsys) -> None:
    def ogg(root: Path) -> Path:
        path = root / "take.ogg"
        path.write_bytes(b"OggS" + bytes(100))
        return path

    code, err = bad(tmp_path, capsys, ogg)
    assert code == 1 and "take.ogg: a .ogg file is not a format mastering reads" in err
    assert "WAV, FLAC, MP3 or M4A" in err


def test_chapter_after_the_end(tmp_path, capsys) -> None:
    late = CHAPTERS + '  - start: "0:30"\n    title: "After the end"\n'
    code, err = bad(tmp_path, capsys, lambda root: write_wav(root / "take.wav", recording(44_100, 1), 44_100), late)
    assert code == 1
    line = EPISODE.format(chapters=late).splitlines().index('  - start: "0:30"') + 1
    assert f"content/episodes/008-mastering-test.md:{line}: chapters: chapter 'After the end' starts at 0:30, after the audio ends" in err


def test_bad_front_matter_is_reported_with_its_line(tmp_path, capsys) -> None:
    code, err = bad(tmp_path, capsys, lambda root: root / "unused.wav", CHAPTERS.replace('"0:03"', '"0:01:03:00"'))
    assert code == 1 and "content/episodes/008-mastering-test.md:" in err and "chapters" in err


def test_master_pcm_refuses_a_clip_too_short_to_measure() -> None:
    tags = EpisodeTags("T", "S", 1, "2026-01-01", b"")
    with pytest.raises(MasteringError, match=r"too short to measure"):
        master_pcm(np.zeros(1000, np.float32), 44_100, tags)


def test_the_command_line_exits_1_without_a_traceback(tmp_path) -> None:
    import subprocess
    import sys

    md = make_project(tmp_path)
    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"fLaC" + bytes(500))
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "media", "master", str(md), "--from", str(broken)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and not proc.stdout
    assert "broken.flac: cannot be decoded as audio" in proc.stderr and "Traceback" not in proc.stderr
    assert not md.with_suffix(".mp3").exists()
