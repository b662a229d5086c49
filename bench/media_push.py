"""Time `build.py media push` of one large episode against a local SeaweedFS S3 server.

    .venv/bin/python bench/media_push.py --mb 50 --runs 3

Starts the tests' server (tests/s3server.py: `weed server -s3` on 127.0.0.1), makes a copy of
the sample site whose first episode's MP3 is padded to the given size, and times a push that
uploads it (hashing, probing, the upload and the HEAD that verifies it) and a second push that
finds it already there. Medians of the runs, in seconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from s3server import serve  # noqa: E402
from sitegen.cli import main as cli  # noqa: E402


def project(folder: Path, endpoint: str, bucket: str, prefix: str, size: int) -> Path:
    root = folder / "site"
    shutil.copytree(HERE.parent / "tests" / "sample_site", root)
    for mp3 in (root / "content" / "episodes").glob("*.mp3"):
        if not mp3.name.startswith("001-"):
            mp3.unlink()
    for md in ("002-knees-and-you.md", "003-draft-episode.md"):
        (root / "content" / "episodes" / md).unlink()
    mp3 = root / "content" / "episodes" / "001-first-steps.mp3"
    with mp3.open("ab") as f:  # real bytes, not a sparse file: the upload reads every one
        f.write(os.urandom(size - mp3.stat().st_size))
    with (root / "site.toml").open("a") as f:
        f.write(f'\n[media]\nstorage = "s3"\nendpoint = "{endpoint}"\nbucket = "{bucket}"\nprefix = "{prefix}"\n'
                f'region = "us-east-1"\npublic_url = "{endpoint}/{bucket}/"\n')
    return root


def timed(root: Path) -> float:
    started = time.perf_counter()
    assert cli(["media", "push", "-q", "--root", str(root)]) == 0
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="media-push-bench-") as tmp:
        server_gen = serve(Path(tmp) / "s3")
        server = next(server_gen)
        os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = server.access_key, server.secret_key
        first, again = [], []
        try:
            for run in range(args.runs):
                root = project(Path(tmp) / f"run{run}", server.endpoint, server.bucket, server.new_prefix(), args.mb * 1_000_000)
                first.append(timed(root))
                again.append(timed(root))
        finally:
            server_gen.close()
    print(f"push of a {args.mb} MB MP3 to a local SeaweedFS: upload {statistics.median(first):.2f} s, "
          f"already there {statistics.median(again):.2f} s (medians of {args.runs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
