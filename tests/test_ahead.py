"""Whole-archive outputs made ahead of the plan: one forked worker stats the last output and makes
the feed and the search index while the pages are planned. The result equals a build that makes
them in turn; a failure in that worker fails the build and leaves the last output as it was.

Each case runs in a fresh interpreter: a build forks only from a single-threaded process, and
the test session may run servers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FORKED = """
import json, os, sys
from sitegen.forked import Forked

def boom():
    raise ValueError("bad notes in 004-x.md")

class Odd(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle")

def odd():
    raise Odd("odd")

out = {}
w = Forked([lambda: 1 + 1, lambda: os.getpid(), boom, lambda: "never"])
out["first"] = w.result(0)
out["forked"] = w.result(1) != os.getpid()
try:
    w.result(2)
except ValueError as exc:
    out["error"] = [str(exc), exc.__notes__]
w.close()
w = Forked([odd])
try:
    w.result(0)
except RuntimeError as exc:
    out["odd"] = str(exc)
w.close()
w = Forked([lambda: os._exit(3)])
try:
    w.result(0)
except RuntimeError as exc:
    out["died"] = str(exc)
w.close()
w = Forked([lambda: __import__("time").sleep(60)])
w.close()  # not waited for: stopped
out["stopped"] = w._process.exitcode
print(json.dumps(out))
"""


def test_forked_results_come_back_in_order_and_failures_say_where():
    out = json.loads(subprocess.run([sys.executable, "-c", _FORKED], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert out["first"] == 2 and out["forked"]
    message, notes = out["error"]
    assert message == "bad notes in 004-x.md" and len(notes) == 1 and notes[0].startswith("raised in a worker process at <string>:")
    assert out["odd"] == "Odd: odd"
    assert out["died"] == "a worker process ended without its result (exit code 3)"
    assert out["stopped"] == -15  # SIGTERM


_BUILD = """
import hashlib, json, shutil, sys
from pathlib import Path
sys.path.insert(0, "tests")
from conftest import build_site, copy_sample
import sitegen.pipeline as pipeline
import sitegen.schedule as schedule

def tree(out):
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}

def stamps(out):
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

forks = []
real = schedule.Forked
schedule.Forked = lambda calls: forks.append(len(calls)) or real(calls)
schedule._may_fork = lambda: True  # as on any machine with two cores and one thread
tmp, mode = Path(sys.argv[1]), sys.argv[2]
site = copy_sample(tmp / "site")
pipeline.LARGE_ARCHIVE = 0  # the sample's handful of posts count as a large archive
build_site(site, pdf=False)
before, times = tree(site / "_site"), stamps(site / "_site")
episode = site / "content/episodes/002-knees-and-you.md"
page = site / "_site/episodes/knees-and-you/index.html"
if mode == "touch":  # the same bytes, a new mtime: every key as before
    episode.write_text(episode.read_text())
elif mode == "altered":  # an output edited by hand, its key unchanged
    page.write_text(page.read_text().replace("</body>", "<!-- edited --></body>"))
else:
    episode.write_text(episode.read_text().replace("Less compression", "Lower compression"))
if mode == "fail":
    import sitegen.outputs as outputs
    def broken(*args, **kwargs):
        raise ValueError("the feed broke")
    outputs.build_podcast_feed_reusing = broken
    try:
        build_site(site, pdf=False)
    except ValueError as exc:
        print(json.dumps({"error": str(exc), "notes": exc.__notes__, "untouched": tree(site / "_site") == before}))
    sys.exit(0)
result = build_site(site, pdf=False)
warm = tree(site / "_site")
pipeline.LARGE_ARCHIVE = 10**9
other = tmp / "cold"
shutil.copytree(site, other, ignore=shutil.ignore_patterns(".cache", "_site"))
build_site(other, cache=False, pdf=False)
after = stamps(site / "_site")
print(json.dumps({"forks": forks, "equal": warm == tree(other / "_site"), "written": result.stats.written,
                  "rewritten": sorted(n for n in after if after[n] != times.get(n)),
                  "feed_changed": warm["podcast.xml"] != before["podcast.xml"], "search_changed": warm["search.json"] != before["search.json"]}))
"""


def _build(tmp_path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _BUILD, str(tmp_path), mode], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_archives_made_ahead_equal_a_build_without_them(tmp_path: Path):
    out = _build(tmp_path, "equal")
    assert out["forks"] == [2]  # the second build went ahead (the sweep of the last output, then the archives); the first made a new tree
    assert out["equal"] and out["feed_changed"] and out["search_changed"]
    assert 0 < out["written"] < 20


def test_current_archives_are_kept_and_an_altered_output_is_made_again(tmp_path: Path):
    touched = _build(tmp_path / "touch", "touch")
    assert touched["forks"] == [1]  # it only looked: both archives were current
    assert touched["equal"] and touched["rewritten"] == [] and touched["written"] == 0
    altered = _build(tmp_path / "altered", "altered")
    assert altered["forks"] == [1] and altered["equal"]
    assert altered["rewritten"] == ["episodes/knees-and-you/index.html"]


def test_a_failure_ahead_fails_the_build_and_keeps_the_last_output(tmp_path: Path):
    out = _build(tmp_path, "fail")
    assert out["error"] == "the feed broke"
    assert len(out["notes"]) == 1 and out["notes"][0].startswith("raised in a worker process at <string>:")
    assert out["untouched"]


_RUN_ALL = """
import json, os, sys, time
from sitegen.forked import run_all

def where(i):
    time.sleep(0.05)
    return i, os.getpid(), len(os.listdir(f"/proc/{os.getppid()}/task")), _live()

def _live():  # the building process's children alive now
    with open(f"/proc/{os.getppid()}/task/{os.getppid()}/children") as fh:
        return len(fh.read().split())

def boom(i):
    raise ValueError(f"bad item {i}")

calls = [lambda i=i: where(i) for i in range(8)]
here = []
done = run_all(calls, [0, 1, 2, 3, 4, 5, 6, 7], 2, alone={0, 1, 2}, meanwhile=lambda: here.append(os.getpid()))
out = {"done": {i: done[i] for i in sorted(done)}, "me": os.getpid(), "here": here}
try:
    run_all([lambda: time.sleep(30), lambda: boom(1)], [0, 1], 2)
except ValueError as exc:
    out["error"] = [str(exc), exc.__notes__]
out["left"] = len(open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split())
print(json.dumps(out))
"""


def test_run_all_keeps_at_most_n_workers_and_a_fresh_one_for_each_heavy_call():
    out = json.loads(subprocess.run([sys.executable, "-c", _RUN_ALL], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    done = {int(k): v for k, v in out["done"].items()}
    assert [done[i][0] for i in range(8)] == list(range(8))
    pids = [done[i][1] for i in range(8)]
    assert out["me"] not in pids and out["here"] == [out["me"]]
    assert len(set(pids[:3])) == 3 and not set(pids[:3]) & set(pids[3:])  # each heavy call alone, in a process of its own
    assert len(set(pids[3:])) <= 2  # the light ones share processes
    assert all(d[2] == 1 for d in done.values())  # the building process starts no thread (it may fork again)
    assert max(d[3] for d in done.values()) <= 2  # never more than two workers alive at once
    # the first failure is raised with where it happened, and the call still running is stopped
    assert out["error"][0] == "bad item 1" and out["error"][1][0].startswith("raised in a worker process at")
    assert out["left"] == 0


_KILLED = """
import os, sys, time
from sitegen.forked import Forked, run_all

def sleep():
    time.sleep(0.3)
    return 1

if os.fork() == 0:  # the build, killed while its workers run
    def report():
        print(os.getpid(), flush=True)
        time.sleep(60)
    run_all([sleep, sleep, sleep], [0, 1, 2], 2, meanwhile=report)
    os._exit(0)
"""


def test_a_killed_build_leaves_no_worker_waiting_for_more():
    """Workers taking one call after another end when the build that sent them is gone."""
    import os
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-c", _KILLED], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    build = int(proc.stdout.readline())
    with open(f"/proc/{build}/task/{build}/children") as fh:
        workers = [int(p) for p in fh.read().split()]
    assert len(workers) == 2
    os.kill(build, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") and "Z" not in open(f"/proc/{p}/stat").read().split()[2]
                                              for p in workers):
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{p}") and open(f"/proc/{p}/stat").read().split()[2] != "Z" for p in workers)
