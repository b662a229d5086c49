"""Peak memory and CPU time of mastering a long recording (issue 14's follow-up).

    .venv/bin/python bench/master_memory.py --minutes 10
    .venv/bin/python bench/master_memory.py --minutes 45

Writes a 48 kHz stereo 16-bit WAV of speech-like noise bursts (syllables at 4 Hz, pauses between
words, the level drifting slowly, a burst near full scale every three minutes) in a temporary
folder, masters it in a child process under /usr/bin/time -v (GNU time), and prints JSON: peak RSS,
user and system CPU seconds, wall seconds (as noisy as the machine), and the MP3's measurements.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 48_000
CHILD = """
import json, sys
from pathlib import Path
from sitegen.mastering import EpisodeTags, master_file
m = master_file(Path(sys.argv[1]), EpisodeTags("Bench", "Retro Stride", 1, "2026-01-01", b"", ()))
Path(sys.argv[2]).write_bytes(m.mp3)
print(json.dumps({"published_lufs": m.published.loudness_lufs, "published_dbtp": m.published.true_peak_dbtp,
                  "source_lufs": m.source.loudness_lufs, "seconds": m.published.seconds, "mp3_bytes": len(m.mp3)}))
"""


def write_wav(path: Path, minutes: int, seed: int = 1) -> None:
    """One minute at a time, so the benchmark itself stays small."""
    rng = np.random.default_rng(seed)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for minute in range(minutes):
            n = 60 * RATE
            t = np.arange(n) / RATE
            noise = rng.normal(0, 1, (n, 2)).astype(np.float32)
            words = rng.random(n // 12_000 + 1)[(t * 4).astype(int)] > 0.25
            level = 0.03 * (1 + 0.5 * np.sin(2 * np.pi * t / 17))
            x = noise * (np.sin(2 * np.pi * 4 * t) ** 2 * words * level)[:, None].astype(np.float32)
            x[:, 1] *= 0.8
            if minute % 3 == 1:
                x[RATE * 10 : RATE * 10 + 200] = 0.95
            if minute == 0:
                x[: 2 * RATE] = rng.normal(0, 2e-5, (2 * RATE, 2))
            w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def gnu_time(report: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}: ([0-9.:]+)", report)
    if not match:
        raise SystemExit(f"/usr/bin/time gave no {label!r}: {report[-500:]}")
    value = match.group(1)
    if ":" in value:  # h:mm:ss or m:ss
        return sum(float(p) * 60 ** i for i, p in enumerate(reversed(value.split(":"))))
    return float(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="master-memory-") as folder:
        wav = Path(folder) / "take.wav"
        write_wav(wav, args.minutes)
        proc = subprocess.run(["/usr/bin/time", "-v", args.python, "-c", CHILD, str(wav), str(Path(folder) / "out.mp3")],
                              capture_output=True, text=True, cwd=HERE.parent)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            return 1
        result = {"minutes": args.minutes, "wav_bytes": wav.stat().st_size,
                  "peak_rss_mb": round(gnu_time(proc.stderr, "Maximum resident set size (kbytes)") / 1024),
                  "user_s": gnu_time(proc.stderr, "User time (seconds)"),
                  "system_s": gnu_time(proc.stderr, "System time (seconds)"),
                  "wall_s": gnu_time(proc.stderr, "Elapsed (wall clock) time (h:mm:ss or m:ss)"),
                  **json.loads(proc.stdout.strip().splitlines()[-1])}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
