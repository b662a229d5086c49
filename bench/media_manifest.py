"""Build time with N episodes whose audio is in content/media.json against N local MP3s.

    .venv/bin/python bench/media_manifest.py --episodes 1000 --runs 3

Two copies of one synthetic corpus (bench/corpus.py) differ only in where each episode's audio
is: a small MP3 beside it (probed by the build, cached by its stat), or an entry in
content/media.json with storage = "s3" (no file at all). Each is built cold (no cache, no
output), again with nothing changed, and after one audio changed (a re-exported MP3; a new
manifest entry). Medians of the runs, in seconds; PDFs are left out, as they do not depend on
the audio.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import small_mp3, write_corpus  # noqa: E402

S3 = ('\n[media]\nstorage = "s3"\nendpoint = "https://acct.r2.cloudflarestorage.com"\nbucket = "bench-audio"\n'
      'region = "auto"\npublic_url = "https://media.example.com/"\n')
REMOTE = re.compile(r"audio: https://\S+\nlength: \d+\nduration: \"[\d:]+\"\nchapters:\n(?:  .*\n)+")


def make(out: Path, episodes: int, manifest: bool) -> list[Path]:
    write_corpus(out, episodes * 2, seed=1)
    mp3 = small_mp3()
    entries = {}
    files = sorted((out / "content" / "episodes").glob("*.md"))
    for md in files:
        name = md.with_suffix(".mp3").name
        md.write_text(REMOTE.sub(f"audio: {name}\n", md.read_text(encoding="utf-8")), encoding="utf-8")
        if manifest:
            entries[name] = {"url": f"https://media.example.com/{name}", "length": len(mp3), "duration": 2.0,
                             "mime": "audio/mpeg", "sha256": hashlib.sha256(mp3).hexdigest()}
        else:
            md.with_suffix(".mp3").write_bytes(mp3)
    if manifest:
        (out / "content" / "media.json").write_text(json.dumps({"audio": entries}, indent=2))
        with (out / "site.toml").open("a") as f:
            f.write(S3)
    return files


def build(root: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(HERE.parent / "build.py"), "--root", str(root), "--out", str(root / "_site"), "-q"],
                   check=True, cwd=root)
    return time.perf_counter() - started


def change_one(root: Path, manifest: bool, run: int) -> None:
    if manifest:
        path = root / "content" / "media.json"
        data = json.loads(path.read_text())
        first = sorted(data["audio"])[0]
        data["audio"][first]["length"] += 1
        data["audio"][first]["sha256"] = hashlib.sha256(str(run).encode()).hexdigest()
        path.write_text(json.dumps(data, indent=2))
    else:
        mp3 = sorted((root / "content" / "episodes").glob("*.mp3"))[0]
        mp3.write_bytes(mp3.read_bytes() + b"\0")


def measure(root: Path, manifest: bool, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"cold": [], "no change": [], "one audio changed": []}
    for run in range(runs):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        shutil.rmtree(root / "_site", ignore_errors=True)
        times["cold"].append(build(root))
        times["no change"].append(build(root))
        change_one(root, manifest, run)
        time.sleep(0.2)  # past the racy-mtime window, as an author's next save would be
        times["one audio changed"].append(build(root))
    return {k: round(statistics.median(v), 2) for k, v in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "media")
    args = parser.parse_args()
    results = {}
    for label, manifest in (("local MP3s", False), ("media.json", True)):
        root = args.out / label.split()[0].replace(".", "-")
        make(root, args.episodes, manifest)
        results[label] = measure(root, manifest, args.runs)
        print(f"{args.episodes} episodes, {label}: {results[label]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
