"""Festival: one process speaks every sentence of the script to its own WAV.

`[narration] voice = "festival:NAME"` picks a Festival voice by its voice_NAME function. The
first edition's voice, cmu_us_slt_arctic_hts (Debian: festival,
festvox-us-slt-hts). Debian 12 main has no MBROLA, so the candidates were espeak-ng (formant),
flite 2.2 (slt/kal16/rms/awb), Festival diphone kal and Festival HTS slt. All rendered cleanly
(sox stats: no clipped samples). HTS slt is the statistical-parametric voice, trained on a
real speaker, that is generally judged the most natural of these; it is also the only one at
32 kHz (full band to 16 kHz, others 8-11 kHz), speaks at a natural 167 words/min and has a wider
pitch range than flite's slt (5.1 vs 3.2 semitones, 5-95 %). It is quieter (RMS -24.5 dBFS),
so the narration is normalised afterwards (see pcm.py). HTS ignores Festival's
Duration_Stretch, so `length_scale` is for Piper voices only (config.py says so).
"""
from __future__ import annotations

import array
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..narration_spec import Voice
from .errors import NarrationError, SynthesiserMissing
from .pcm import read_wav

SYNTHESISER = "festival"
APT_PACKAGES = ("festival", "festvox-us-slt-hts")
APT_HINT = "apt-get install -y " + " ".join(APT_PACKAGES)
SYNTH_TIMEOUT_S = 1800
_DONE = "RS-NARRATE-DONE"


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_festival_script(voice: str, sentences: list[str], paths: list[Path]) -> str:
    """The Scheme program that saves each sentence to its WAV, then prints the done marker."""
    lines = [
        f"(voice_{voice})",
        "(define (rs_say text file) (utt.save.wave (utt.synth (eval (list 'Utterance 'Text text))) file 'riff))",
    ]
    lines += [f"(rs_say {_scheme_string(t)} {_scheme_string(str(p))})" for t, p in zip(sentences, paths)]
    lines.append(f'(format t "{_DONE}\\n")')
    return "\n".join(lines) + "\n"


def _run_festival(exe: str, script: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C")
    try:
        return subprocess.run([exe, "-b", str(script)], capture_output=True, text=True,
                              errors="replace", timeout=SYNTH_TIMEOUT_S, env=env, cwd=workdir)
    except subprocess.TimeoutExpired as exc:
        raise NarrationError(f"{SYNTHESISER} took over {SYNTH_TIMEOUT_S} s; is the text unusually long?") from exc


def _check_run(proc: subprocess.CompletedProcess[str], voice: str, sentences: list[str], paths: list[Path]) -> None:
    output = (proc.stdout + proc.stderr).strip()
    if f"voice_{voice}" in output and "unbound" in output:
        hint = f"run: {APT_HINT}" if voice == "cmu_us_slt_arctic_hts" else "install that Festival voice"
        raise SynthesiserMissing(f"the Festival voice {voice} is not installed; {hint} "
                                 '(or set [narration] voice = "piper:en_US-joe-medium" in site.toml)')
    missing = [i for i, p in enumerate(paths) if not p.exists()]
    if proc.returncode != 0 or missing or _DONE not in proc.stdout:
        which = f" at sentence {missing[0] + 1}: {sentences[missing[0]]!r}" if missing else ""
        tail = "\n".join(output.splitlines()[-8:])
        raise NarrationError(f"{SYNTHESISER} failed{which} (exit {proc.returncode}):\n{tail}\n"
                             f"check the installation: {APT_HINT}")


def _run_in(workdir: Path, voice: str, sentences: list[str]) -> list[Path]:
    """Synthesise each text to its own WAV in one Festival process; returns the paths in order."""
    exe = shutil.which(SYNTHESISER)
    if exe is None:
        raise SynthesiserMissing(
            f"the speech synthesiser '{SYNTHESISER}' is not installed; run: {APT_HINT}"
        )
    paths = [workdir / f"s{i:05d}.wav" for i in range(len(sentences))]
    script = workdir / "narrate.scm"
    script.write_text(render_festival_script(voice, sentences, paths), encoding="ascii")
    _check_run(_run_festival(exe, script, workdir), voice, sentences, paths)
    return paths


def synthesise_festival(sentences: list[str], voice: Voice) -> tuple[int, list[array.array[int]]]:
    """(sample rate, one PCM piece per sentence), spoken by one Festival process."""
    with tempfile.TemporaryDirectory(prefix="narrate-") as tmp:
        waves = [read_wav(p) for p in _run_in(Path(tmp), voice.name, sentences)]
    rates = {rate for rate, _ in waves}
    if len(rates) > 1:  # pragma: no cover - one voice speaks at one rate
        raise NarrationError(f"{SYNTHESISER} voice {voice.name} gave WAVs at several rates: {sorted(rates)}")
    return (rates.pop() if rates else 16000), [pcm for _, pcm in waves]
