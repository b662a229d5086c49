"""The scheduler's processes: heavy jobs each in a fresh worker, a few light ones beside them in
the build's own process, many in a shared pool; results in the jobs' order whatever ran them."""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from sitegen.schedule import run_jobs


def _job(folder: Path, i: int) -> tuple[int, int]:
    (folder / f"{i}-{os.getpid()}").write_text("")
    return i, 1


def _where(folder: Path) -> dict[int, int]:
    found = {}
    for p in folder.iterdir():
        job, pid = p.name.split("-")
        found[int(job)] = int(pid)
    return found


def test_a_few_light_jobs_run_here_while_fresh_workers_take_the_heavy_ones(tmp_path: Path):
    jobs = [partial(_job, tmp_path, i) for i in range(4)]
    assert run_jobs(jobs, parallel=True, heavy=frozenset({0, 1})) == [(i, 1) for i in range(4)]
    where = _where(tmp_path)
    assert where[2] == where[3] == os.getpid()  # no fork for them
    assert os.getpid() not in (where[0], where[1]) and where[0] != where[1]  # one fresh worker each


def test_many_light_jobs_share_the_workers(tmp_path: Path):
    jobs = [partial(_job, tmp_path, i) for i in range(6)]
    assert run_jobs(jobs, parallel=True, heavy=frozenset({0})) == [(i, 1) for i in range(6)]
    where = _where(tmp_path)
    assert os.getpid() not in where.values()
    assert len({where[i] for i in range(1, 6)}) <= 2 and where[0] not in {where[i] for i in range(1, 6)}


def test_without_heavy_jobs_or_when_told_not_to_fork(tmp_path: Path):
    jobs = [partial(_job, tmp_path, i) for i in range(4)]
    assert run_jobs(jobs, parallel=True) == [(i, 1) for i in range(4)]
    assert os.getpid() not in _where(tmp_path).values()
    for p in tmp_path.iterdir():
        p.unlink()
    assert run_jobs(jobs, parallel=False, heavy=frozenset({0})) == [(i, 1) for i in range(4)]
    assert set(_where(tmp_path).values()) == {os.getpid()}
