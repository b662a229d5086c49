"""The cyclic collector is paused while `build.py build` and `check` build, back as it was after,
on in the workers they fork, and left on by a build in a long-running process (serve)."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from conftest import build_site

from sitegen.collector import paused

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


def _spy_on_planning(monkeypatch) -> list[bool]:
    """Whether the collector was on when the build planned its outputs, once per build."""
    import sitegen.pipeline as pipeline

    seen: list[bool] = []
    plan = pipeline.plan_outputs

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(pipeline, "plan_outputs", spy)
    return seen


def test_build_and_check_pause_the_collector_and_turn_it_back_on(sample: Path, monkeypatch):
    from sitegen.cli import main

    seen = _spy_on_planning(monkeypatch)
    assert main(["build", "--root", str(sample), "-q"]) == 0
    assert main(["check", "--root", str(sample), "-q"]) == 0
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_build_in_a_long_running_process_leaves_the_collector_on(sample: Path, monkeypatch):
    """serve builds again and again in one process: the garbage of one rebuild must not outlive it."""
    seen = _spy_on_planning(monkeypatch)
    build_site(sample, pdf=False)
    assert seen == [True]


_WORKER = """
import gc
from sitegen.collector import paused
from sitegen.forked import Forked, run_all

with paused():
    forked = Forked([gc.isenabled])
    in_forked = forked.result(0)
    forked.close()
    in_shared = run_all([gc.isenabled], [0], 1)[0]
    in_alone = run_all([gc.isenabled], [0], 1, alone={0})[0]
    print(in_forked, in_shared, in_alone, gc.isenabled())
"""


def test_forked_workers_collect_again():
    out = subprocess.run([sys.executable, "-c", _WORKER], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True", "False"]
