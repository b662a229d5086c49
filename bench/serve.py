"""Time `build.py serve` from saving a file to the rebuilt page on disk.

    .venv/bin/python bench/serve.py --posts 1000 --edits 20

Writes a corpus (bench/corpus.py), starts the preview server on it exactly as `serve` does
(HTTP thread, the watch loop in a second thread), waits for the first build, then edits one
episode at a time: appends a sentence and saves, and polls the episode's page in the preview
output every millisecond until the sentence is there. Reported: median, 90th percentile and
worst of those latencies, which include noticing the change (the watcher) and the rebuild up to
the edited page (serve puts it in place before the lists, feeds and search index), and the
median time of the whole rebuild. Each edit waits for the last rebuild to end.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from corpus import write_corpus  # noqa: E402
from sitegen.serve import DevServer  # noqa: E402


def measure(site: Path, edits: int, pdf: bool) -> dict[str, object]:
    dev = DevServer(site, port=0, pdf=pdf, say=lambda msg: None, warn=lambda msg: print(msg, file=sys.stderr))
    started = time.perf_counter()
    dev.start()
    first = time.perf_counter() - started
    builds: list[float] = []
    rebuild = dev.rebuild

    def timed(changed: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        outcome = rebuild(changed)
        builds.append(outcome.seconds)
        return outcome

    dev.rebuild = timed  # type: ignore[method-assign]
    stop = threading.Event()
    loop = threading.Thread(target=dev.run, kwargs={"stop": stop, "quiet": True}, daemon=True)
    loop.start()
    episodes = sorted((site / "content/episodes").glob("*.md"))
    latencies: list[float] = []
    try:
        time.sleep(1.0)  # let the watcher settle
        for i in range(edits):
            source = episodes[(len(episodes) // 2 + i * 37) % len(episodes)]
            slug = source.stem.split("-", 1)[1]
            page = dev.out_dir / "episodes" / slug / "index.html"
            marker = f"Serve benchmark sentence {i} {time.time_ns()}."
            with source.open("a", encoding="utf-8") as fh:
                fh.write(f"\n{marker}\n")
            saved = time.perf_counter()
            deadline = saved + 30
            while time.perf_counter() < deadline:
                try:
                    if marker in page.read_text(encoding="utf-8"):
                        break
                except OSError:
                    pass
                time.sleep(0.001)
            else:
                raise SystemExit(f"edit {i}: the page never showed the change")
            latencies.append(time.perf_counter() - saved)
            # One edit at a time, as an author saves: the page is shown before the rebuild ends
            # (sitegen/preview.py), so wait for its end, then a moment, before the next save.
            while len(builds) < i + 1 and time.perf_counter() < deadline:
                time.sleep(0.001)
            time.sleep(0.3)
    finally:
        stop.set()
        loop.join(timeout=10)
        dev.stop()
    ordered = sorted(latencies)
    return {
        "first_build_s": round(first, 3),
        "edits": len(latencies),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 1),
        "worst_ms": round(ordered[-1] * 1000, 1),
        "rebuild_median_ms": round(statistics.median(builds) * 1000, 1) if builds else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=BENCH / "out")
    parser.add_argument("--no-pdf", action="store_true", help="as `serve --no-pdf` (the PDFs are remade only when the guide changes)")
    args = parser.parse_args(argv)
    site = args.work / f"serve-{args.posts}"
    shutil.rmtree(site, ignore_errors=True)
    write_corpus(site, args.posts, args.seed)
    result = {"posts": args.posts, "pdf": not args.no_pdf, **measure(site, args.edits, not args.no_pdf)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
