"""Build time with N episodes whose audio is in content/media.json against N local MP3s.

    .venv/bin/python bench/media_manifest.py --episodes 1000 --runs 3

Two copies of one synthetic corpus (bench/corpus.py) differ only in where each episode's audio
is: a small MP3 beside it (probed by the build, cached by its stat), or an entry in
content/media.json with storage = "s3" (no file at all). Each is built cold (no cache, no
output), again with nothing changed, and after one audio changed (a re-exported MP3; a new
manifest entry). The two are built in turns, so a busy machine slows both alike; each figure
is the median of the runs, in seconds of wall-clock time and of CPU time (user + system, all
processes of the build), which a shared machine disturbs less.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import resource
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


def build(root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one build in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(HERE.parent / "build.py"), "--root", str(root), "--out", str(root / "_site"), "-q"],
                   check=True, cwd=root)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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


Times = dict[str, list[tuple[float, float]]]


def one_run(root: Path, manifest: bool, run: int, times: Times) -> None:
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "_site", ignore_errors=True)
    times.setdefault("cold", []).append(build(root))
    times.setdefault("no change", []).append(build(root))
    change_one(root, manifest, run)
    time.sleep(0.2)  # past the racy-mtime window, as an author's next save would be
    times.setdefault("one audio changed", []).append(build(root))


def medians(times: Times) -> dict[str, str]:
    return {k: f"{statistics.median(w for w, _ in v):.2f} s wall, {statistics.median(c for _, c in v):.2f} s CPU"
            for k, v in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "media")
    args = parser.parse_args()
    variants = {"local MP3s": False, "media.json": True}
    roots = {label: args.out / label.split()[0].replace(".", "-") for label in variants}
    for label, manifest in variants.items():
        make(roots[label], args.episodes, manifest)
    times: dict[str, Times] = {label: {} for label in variants}
    for run in range(args.runs):
        for label, manifest in variants.items():
            one_run(roots[label], manifest, run, times[label])
    for label in variants:
        print(f"{args.episodes} episodes, {label}: {medians(times[label])}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
