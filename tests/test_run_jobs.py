"""The scheduler's processes: heavy jobs each in a fresh worker, a few light ones beside them in
the build's own process, many in shared workers; results in the jobs' order whatever ran them.

Each case runs in a fresh interpreter: run_jobs never forks a process with other threads (the
test session's servers), so it must be asked from one without them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = """
import json, os, sys
from functools import partial
from pathlib import Path
from sitegen.schedule import run_jobs

def job(folder, i):
    (folder / f"{i}-{os.getpid()}").write_text("")
    return i, 1

folder, count, parallel, heavy = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", frozenset(json.loads(sys.argv[4]))
fresh = frozenset(json.loads(sys.argv[5]))
counts = run_jobs([partial(job, folder, i) for i in range(count)], parallel=parallel, heavy=heavy, fresh=fresh)
assert counts == [(i, 1) for i in range(count)], counts
where = {int(p.name.split("-")[0]): int(p.name.split("-")[1]) for p in folder.iterdir()}
print(json.dumps({"me": os.getpid(), "where": where}))
"""


def _run(folder: Path, count: int, parallel: bool, heavy: set[int], fresh: set[int] = set()) -> tuple[int, dict[int, int]]:
    folder.mkdir()
    out = subprocess.run([sys.executable, "-c", _SCRIPT, str(folder), str(count), "1" if parallel else "0", json.dumps(sorted(heavy)),
                          json.dumps(sorted(fresh))],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    return found["me"], {int(k): v for k, v in found["where"].items()}


def test_a_few_light_jobs_run_here_while_fresh_workers_take_the_heavy_ones(tmp_path: Path):
    me, where = _run(tmp_path / "jobs", 4, True, {0, 1})
    assert where[2] == where[3] == me  # no fork for them
    assert me not in (where[0], where[1]) and where[0] != where[1]  # one fresh worker each


def test_many_light_jobs_share_the_workers(tmp_path: Path):
    me, where = _run(tmp_path / "jobs", 6, True, {0})
    assert me not in where.values()
    light = {where[i] for i in range(1, 6)}
    assert len(light) <= 2 and where[0] not in light


def test_without_heavy_jobs_or_when_told_not_to_fork(tmp_path: Path):
    me, where = _run(tmp_path / "a", 4, True, set())
    assert me not in where.values()
    me, where = _run(tmp_path / "b", 4, False, {0})
    assert set(where.values()) == {me}


def test_fresh_jobs_each_get_a_worker_of_their_own(tmp_path: Path):
    """Slices of pages: a worker that rendered them all would copy most of the build's memory."""
    me, where = _run(tmp_path / "jobs", 7, True, set(), fresh={0, 1, 2, 3})
    fresh = [where[i] for i in range(4)]
    assert me not in where.values() and len(set(fresh)) == 4
    assert not set(fresh) & {where[i] for i in range(4, 7)}
