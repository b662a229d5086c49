"""The cyclic collector is paused while the build's own process builds, back as it was after,
and on in the workers the build forks."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from conftest import build_site

from sitegen.collector import in_worker, paused

ROOT = Path(__file__).resolve().parent.parent


def test_pauses_nest_and_restore_the_collector_as_it_was():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not turn it back on under the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_a_pause_ends_when_the_build_fails():
    try:
        with paused():
            raise ValueError("a bad file")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_build_pauses_the_collector_and_turns_it_back_on(sample: Path, monkeypatch):
    import sitegen.pipeline as pipeline

    seen: list[bool] = []
    plan = pipeline.plan_outputs

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(pipeline, "plan_outputs", spy)
    build_site(sample)
    assert seen == [False]
    assert gc.isenabled()


_WORKER = """
import gc, multiprocessing
from sitegen.collector import in_worker, paused

def job(_):
    in_worker()
    return gc.isenabled()

with paused():
    with multiprocessing.get_context("fork").Pool(1) as pool:
        print(pool.map(job, [0]) == [True], gc.isenabled())
"""


def test_a_forked_worker_collects_again():
    out = subprocess.run([sys.executable, "-c", _WORKER], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
    assert in_worker() is None and gc.isenabled()
