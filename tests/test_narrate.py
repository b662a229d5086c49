"""sitegen.narrate (the package): the real synthesisers (Piper and Festival) on a tiny episode,
plus the pure text helpers."""
from __future__ import annotations

import io
import math
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import webvtt
import yaml
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, MONO
from PIL import Image

from audio_check import ffmpeg_loudness
from sitegen import narrate
from sitegen.narrate import episode, script, voice_festival
from sitegen.models import Chapter
from sitegen.narration_spec import Voice

PIPER = Voice("piper", "en_US-joe-medium")
FESTIVAL = Voice("festival", "cmu_us_slt_arctic_hts")

FRONT = """\
---
title: "Tiny test: two sections"
number: 7
season: 1
date: 2026-09-01
guid: "3f1c9a2e-0000-4000-8000-000000000007"
summary: "A tiny episode for the narration test."
audio: 007-tiny.mp3
episode_type: full
tags: [balance, posterior chain]
chapters:
  - start: "0:00"
    title: "Introduction"
transcript: 007-tiny.vtt
references: []
draft: false
---
"""
BODY = """\
Welcome to a *very* short episode about [walking backward](https://example.com/).

## Why it helps

Reverse walking loads the quads, e.g. on a flat track.

- Tall posture
- Reach back with the toes

## First session

Walk 2 x 5 min. That's all!
"""


SITE_TOML = (Path(__file__).parent / "sample_site" / "site.toml").read_text(encoding="utf-8")


def _episode(root: Path) -> Path:
    episodes = root / "content" / "episodes"
    episodes.mkdir(parents=True)
    (root / "static" / "img").mkdir(parents=True)
    Image.new("RGB", (320, 320), (230, 90, 40)).save(root / "static" / "img" / "cover.jpg", quality=80)
    md = episodes / "007-tiny.md"
    md.write_text(FRONT + BODY, encoding="utf-8")
    return md


def _need_synthesiser(voice: Voice) -> None:
    if voice.engine == "festival" and shutil.which(voice_festival.SYNTHESISER) is None:
        pytest.skip(f"{voice_festival.SYNTHESISER} is not installed; run: {voice_festival.APT_HINT}")


@pytest.fixture(scope="module", params=[PIPER, FESTIVAL], ids=["piper", "festival"])
def narrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    voice = request.param
    _need_synthesiser(voice)
    md = _episode(tmp_path_factory.mktemp("narrate"))
    result = narrate.narrate_episode(md, voice=voice)
    files = {p: p.read_bytes() for p in (md, result.audio_path, result.transcript_path)}
    return md, result, files, voice


def _cue_s(stamp: str) -> float:
    """A WebVTT time in seconds, milliseconds kept (webvtt-py's *_in_seconds are whole seconds)."""
    h, m, rest = stamp.split(":") if stamp.count(":") == 2 else ("0", *stamp.split(":"))
    return int(h) * 3600 + int(m) * 60 + float(rest)


def _seconds(stamp: str) -> int:
    parts = [int(p) for p in stamp.split(":")]
    return parts[0] * 3600 + parts[1] * 60 + parts[2] if len(parts) == 3 else parts[0] * 60 + parts[1]


def test_mp3_is_mastered_to_the_show_spec(narrated) -> None:
    md, result, _, voice = narrated
    assert result.audio_path == md.parent / "007-tiny.mp3"
    mp3 = MP3(result.audio_path)
    assert mp3.info.layer == 3 and mp3.info.sample_rate == 44_100
    assert mp3.info.mode == MONO and mp3.info.channels == 1
    assert mp3.info.bitrate == 96_000
    assert 5 < mp3.info.length < 120
    lufs, peak = ffmpeg_loudness(result.audio_path)
    assert abs(lufs - -16) <= 1.0 and peak <= -1.0, (lufs, peak)


def test_mp3_duration_matches_the_transcript(narrated) -> None:
    _, result, _, _ = narrated
    cues = webvtt.read(str(result.transcript_path)).captions
    last_end = _cue_s(cues[-1].end)
    assert abs(MP3(result.audio_path).info.length - last_end) < 1.0
    assert abs(result.duration_s - last_end) < 1.0


def test_id3_tags(narrated) -> None:
    _, result, _, _ = narrated
    tags = ID3(result.audio_path)
    assert str(tags["TIT2"]) == "Tiny test: two sections"
    assert str(tags["TALB"]) == "Retro Stride"
    assert str(tags["TPE1"]) == "Retro Stride"
    assert str(tags["TRCK"]) == "7"
    assert str(tags["TDRC"]).startswith("2026")
    apic = tags.getall("APIC")
    assert len(apic) == 1 and apic[0].mime == "image/jpeg" and apic[0].type == 3
    with Image.open(io.BytesIO(apic[0].data)) as art:
        assert art.format == "JPEG" and art.size == (600, 600)
    assert tags.version == (2, 4, 0)
    (toc,) = tags.getall("CTOC")
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    in_file = [(chaps[i].start_time, str(chaps[i].sub_frames["TIT2"])) for i in toc.child_element_ids]
    assert in_file == [(int(c.seconds * 1000), c.title) for c in result.chapters]


def test_transcript_is_valid_webvtt_with_one_cue_per_sentence(narrated) -> None:
    _, result, _, _ = narrated
    raw = result.transcript_path.read_text(encoding="utf-8")
    assert raw.startswith("WEBVTT\n")
    cues = webvtt.read(str(result.transcript_path)).captions
    texts = [c.text for c in cues]
    assert texts[:3] == ["Retro Stride.", "Episode 7: Tiny test: two sections.",
                         "Welcome to a very short episode about walking backward."]
    assert "Why it helps." in texts and "Tall posture." in texts and "That's all!" in texts
    assert not any("*" in t or "](" in t or t.startswith("#") for t in texts)
    prev_end = 0.0
    for c in cues:
        start, end = _cue_s(c.start), _cue_s(c.end)
        assert start >= prev_end  # ascending, no overlap
        assert end > start
        prev_end = end


def test_chapters_rewritten_with_the_section_starts(narrated) -> None:
    md, result, _, _ = narrated
    text = md.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    chapters = meta["chapters"]
    assert [c["title"] for c in chapters] == ["Introduction", "Why it helps", "First session"]
    starts = [_seconds(c["start"]) for c in chapters]
    assert chapters[0]["start"] == "0:00"
    assert starts == sorted(set(starts))  # strictly ascending
    cues = webvtt.read(str(result.transcript_path)).captions
    for ch in chapters[1:]:
        heading = next(c for c in cues if c.text == ch["title"] + ".")
        assert _seconds(ch["start"]) == math.floor(_cue_s(heading.start))
    assert starts[-1] < MP3(result.audio_path).info.length
    # quoted "M:SS" in the file, and every other line untouched
    assert '  - start: "0:00"\n    title: "Introduction"\n' in text
    original, new = (FRONT + BODY).splitlines(), text.splitlines()
    def outside(lines: list[str]) -> list[str]:
        a = lines.index("chapters:")
        b = next(i for i in range(a + 1, len(lines)) if not lines[i].startswith((" ", "-")))
        return lines[:a] + lines[b:]
    assert outside(new) == outside(original)


def test_second_run_is_byte_identical(narrated) -> None:
    md, result, files, voice = narrated
    again = narrate.narrate_episode(md, voice=voice)
    assert again.chapters == result.chapters and again.cues == result.cues
    for path, data in files.items():
        assert path.read_bytes() == data, f"{path.name} changed on the second run"


def test_main_prints_one_line_per_episode(narrated, capsys) -> None:
    md, _, _, voice = narrated
    if voice != PIPER:
        pytest.skip("main() narrates with the default voice, Piper; once is enough")
    assert narrate.main([str(md)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(str(md)) and "007-tiny.mp3" in out[0]


# ---------------------------------------------------------------- no synthesiser needed


def test_missing_synthesiser_names_the_apt_packages(tmp_path, monkeypatch) -> None:
    md = _episode(tmp_path)
    (tmp_path / "site.toml").write_text(SITE_TOML + '\n[narration]\nvoice = "festival:cmu_us_slt_arctic_hts"\n')
    monkeypatch.setattr(voice_festival.shutil, "which", lambda name: None)
    with pytest.raises(narrate.SynthesiserMissing, match=r"apt-get install -y festival festvox-us-slt-hts"):
        narrate.narrate_episode(md)
    assert narrate.main([str(md)]) == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("audio: 007-tiny.mp3\n", "", r"007-tiny\.md: no `audio:`.*audio: 007-tiny\.mp3"),
        ("audio: 007-tiny.mp3", "audio: https://cdn.example.com/7.mp3", r"is a URL"),
        ("transcript: 007-tiny.vtt\n", "", r"no `transcript:`"),
        ("audio: 007-tiny.mp3", "audio: media/007.mp3", r"plain file name beside the \.md"),
    ],
)
def test_clear_errors_for_the_front_matter(tmp_path, old, new, message) -> None:
    md = _episode(tmp_path)
    md.write_text(md.read_text().replace(old, new))
    with pytest.raises(narrate.NarrationError, match=message):
        narrate.narrate_episode(md)


def test_missing_cover_is_a_clear_error(tmp_path) -> None:
    md = _episode(tmp_path)
    (tmp_path / "static" / "img" / "cover.jpg").unlink()
    with pytest.raises(narrate.NarrationError, match=r"cover\.jpg not found.*tools/make_art\.py"):
        narrate.narrate_episode(md)


def test_script_sections_and_sentences() -> None:
    sections = script.build_script(3, "Hills", BODY)
    assert [s.title for s in sections] == ["Introduction", "Why it helps", "First session"]
    intro = [s.display for p in sections[0].paragraphs for s in p]
    assert intro == ["Retro Stride.", "Episode 3: Hills.", "Welcome to a very short episode about walking backward."]
    why = [s.display for p in sections[1].paragraphs for s in p]
    assert why == ["Why it helps.", "Reverse walking loads the quads, e.g. on a flat track.",
                   "Tall posture.", "Reach back with the toes."]
    spoken = [s.spoken for p in sections[2].paragraphs for s in p]
    assert spoken == ["First session.", "Walk 2 times 5 minutes.", "That's all!"]


def test_split_sentences_keeps_abbreviations_and_initials() -> None:
    text = "Roos et al. measured it. Dr. Smith agreed, e.g. on grass. R. W. M. van Deursen too! Why? Yes."
    assert script.split_sentences(text) == [
        "Roos et al. measured it.", "Dr. Smith agreed, e.g. on grass.", "R. W. M. van Deursen too!", "Why?", "Yes.",
    ]


def test_speakable_is_ascii_and_expands_units() -> None:
    said = script.speakable("It’s 3–4 times/week — 1 km at 8 km/h, 30 s “easy”, café & 90°")
    assert said.isascii()
    assert said == "It's 3 to 4 times per week, 1 kilometre at 8 kilometres per hour, 30 seconds \"easy\", cafe and 90 degrees."
    assert script.speakable("Run 6 min/km, or 5:30/km on a 400 m track") == (
        "Run 6 minutes per kilometre, or 5:30 per kilometre on a 400 metres track.")


def test_rewrite_chapters_replaces_only_that_block() -> None:
    text = FRONT.replace('transcript:', '# a comment\ntranscript:') + BODY
    chapters = [Chapter(timedelta(seconds=0), "Introduction"), Chapter(timedelta(seconds=75), 'Say "hi"'),
                Chapter(timedelta(seconds=3725), "Late")]
    new = episode.rewrite_chapters(text, chapters)
    assert '  - start: "1:15"\n    title: "Say \\"hi\\""\n  - start: "1:02:05"\n    title: "Late"\n# a comment\n' in new
    assert yaml.safe_load(new.split("---\n")[1])["chapters"][1] == {"start": "1:15", "title": 'Say "hi"'}
    assert new.replace(episode.chapters_block(chapters), "") == text.replace(
        'chapters:\n  - start: "0:00"\n    title: "Introduction"\n', "")
    no_block = text.replace('chapters:\n  - start: "0:00"\n    title: "Introduction"\n', "")
    added = episode.rewrite_chapters(no_block, chapters[:1])
    assert added.split("---\n")[1].endswith('chapters:\n  - start: "0:00"\n    title: "Introduction"\n')
    crlf = episode.rewrite_chapters(text.replace("\n", "\r\n"), chapters[:1])
    assert crlf == text.replace("\n", "\r\n")


def test_chapter_time_format() -> None:
    assert [episode.format_chapter_time(s) for s in (0, 59, 61, 600, 3599, 3600, 3725)] == [
        "0:00", "0:59", "1:01", "10:00", "59:59", "1:00:00", "1:02:05"]
