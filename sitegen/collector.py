"""When Python's cyclic garbage collector runs during a build.

A build's objects (the record, the documents, the plan) live until it ends and form almost no
reference cycles; what it throws away is freed by reference counting. The collector's passes
over them find nothing, and at 20,000 posts they cost a tenth of a second of a one-change
build. So `build.py build` and `check`, whose process ends with the build, pause it; the worker
processes they fork turn it back on, since they render with Jinja and Markdown, whose garbage
may hold cycles. `serve` does not pause it: it builds again and again in one process, and the
garbage of one rebuild must not outlive it.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside; the collector as it was afterwards (so pauses nest)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def in_worker() -> None:
    """A forked worker collects again, whatever the process it was forked from did."""
    gc.enable()
