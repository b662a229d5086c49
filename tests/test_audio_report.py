"""tools/audio_report.py's text side: the transcript read as spoken, normalised, and the word
error rate (jiwer and Whisper's normaliser, both in requirements-dev). The audio measurements
need the report's own heavy packages (requirements-report.txt) and are not run here."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import audio_report  # noqa: E402


def test_normalise_text_drops_case_punctuation_and_spells_numbers_as_digits() -> None:
    assert audio_report.normalise_text("Walk two times five minutes. That's all!") == "walk 2 times 5 minutes that is all"
    assert audio_report.normalise_text("Retro Stride. Episode 2: Why walk backward?") == "retro stride episode 2 why walk backward"
    # British and American spellings count as the same word
    assert audio_report.normalise_text("1 kilometre, colour") == audio_report.normalise_text("one kilometer color")


def test_word_error_rate_counts_substitutions_deletions_and_insertions() -> None:
    ref = "Walk backward for ten minutes on a flat track."
    assert audio_report.word_error_rate(ref, "walk backward for 10 minutes on a flat track") == 0.0
    # 9 reference words: two substituted (back, very)
    assert audio_report.word_error_rate(ref, "Walk back for ten minutes on a very track.") == pytest.approx(2 / 9)
    # one deleted (flat), one inserted (slowly)
    assert audio_report.word_error_rate(ref, "Walk backward slowly for ten minutes on a track") == pytest.approx(2 / 9)
    assert audio_report.word_error_rate(ref, "") == 1.0
    with pytest.raises(ValueError, match="no words"):
        audio_report.word_error_rate("!?", "anything")


def test_misheard_lists_each_difference() -> None:
    said = "Walk backward for ten minutes on a flat track."
    assert audio_report.misheard(said, "Walk back for ten minutes on a track") == ["backward -> back", "flat -> -"]
    assert audio_report.misheard(said, "Walk backward for ten minutes on a flat track. Okay.") == ["- -> okay"]


def test_reference_is_the_transcript_as_the_narrator_speaks_it(tmp_path: Path) -> None:
    vtt = tmp_path / "e.vtt"
    vtt.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWalk 2 x 5 min &amp; rest.\n\n"
                   "00:00:02.000 --> 00:00:04.000\nThen 10–15 min at 8 km/h.\n", encoding="utf-8")
    cues = audio_report.read_cues(vtt)
    assert cues == ["Walk 2 x 5 min & rest.", "Then 10–15 min at 8 km/h."]
    spoken = audio_report.spoken_reference(cues)
    assert spoken == "Walk 2 times 5 minutes and rest. Then 10 to 15 minutes at 8 kilometres per hour."
    heard = "walk two times five minutes and rest then ten to fifteen minutes at eight kilometers per hour"
    assert audio_report.word_error_rate(spoken, heard) == 0.0


def test_table_flags_episodes_below_target() -> None:
    good = audio_report.Row("002-a", 291.0, -16.0, -1.2, 3.41, 4.1, 0.051, 3.2)
    bad = audio_report.Row("003-b", 61.0, -21.3, -2.4, 3.13, 3.98, 0.036)
    table = audio_report.render_table([good, bad]).splitlines()
    assert table[2] == "| 002-a | 4:51 | -16.0 | -1.2 | 3.41 | 3.20 | 4.10 | 5.1% |"
    assert table[3].startswith("| 003-b (below target) | 1:01 |")


def test_spellings_are_not_errors_but_mishearings_are() -> None:
    said = "Welcome to Retro Stride: retro walking, ten kilometres a week."
    assert audio_report.word_error_rate(said, "Welcome to RetroStride, retrowalking, 10 km a week.") == 0.0
    assert audio_report.word_error_rate(said, "Welcome to RetroStride, retrowalking, 10 km a weak.") > 0
    halves = "About two and a half percent, over one and a half kilometres."
    assert audio_report.word_error_rate(halves, "About 2 and a half percent, over 1 and a half kilometers.") == 0.0
