"""Forked processes that run calls and send back each result as soon as they have it.

`Forked` runs a few calls in turn; `run_all` keeps at most N processes busy with many. Unlike a
multiprocessing Pool, neither starts a thread in the building process, which may then fork
again (a process with threads must not fork). The calls are inherited by the fork, never
pickled; only call numbers, results and exceptions cross the pipes. A child keeps no copy of any
pipe's building-process end, so when the build is killed its children read or write into a
closed pipe and end.
"""
from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Collection, Sequence, cast

from .collector import in_worker

_ours: set[Connection] = set()  # this process's ends of its children's pipes: closed in each new child


class Forked:
    def __init__(self, calls: Sequence[Callable[[], Any]]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._results, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_run, args=(calls, send), daemon=True)
        _start(self._process, self._results, send)
        self._got: list[tuple[bool, Any]] = []
        self._calls = len(calls)

    def result(self, i: int) -> Any:
        """The i-th call's result, once the process has it; the call's exception is raised here."""
        while len(self._got) <= i:
            self._got.append(_receive(self._results, self._process))
        ok, value = self._got[i]
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the process if it still runs (its results are no longer wanted) and reap it."""
        if len(self._got) < self._calls:
            self._process.terminate()
        self._process.join()
        _close(self._results)


class Worker:
    """A forked process that runs the calls it is sent by number, one at a time, until told to stop."""

    def __init__(self, calls: Sequence[Callable[[], Any]]) -> None:
        ctx = multiprocessing.get_context("fork")
        self.connection, theirs = ctx.Pipe(duplex=True)
        self._process = ctx.Process(target=_serve, args=(calls, theirs), daemon=True)
        _start(self._process, self.connection, theirs)
        self._busy = False

    def send(self, i: int) -> None:
        self.connection.send(i)
        self._busy = True

    def receive(self) -> Any:
        """The result of the call last sent; its exception is raised here."""
        ok, value = _receive(self.connection, self._process)
        self._busy = False
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Let an idle process end, stop a busy one (its result is no longer wanted), and reap it."""
        if self._busy:
            self._process.terminate()
        else:
            try:
                self.connection.send(None)
            except OSError:
                pass
        self._process.join()
        _close(self.connection)


def run_all(calls: Sequence[Callable[[], Any]], order: Sequence[int], workers: int, alone: Collection[int] = (),
            meanwhile: Callable[[], None] = lambda: None) -> dict[int, Any]:
    """calls[i] for each i of `order`, in at most `workers` processes at once, started in that
    order: each of `alone` in a fresh process of its own (no process holds two), the others in
    processes that take one call after another. `meanwhile` runs here once the first have started.
    The first failure stops the rest and is raised."""
    queue = deque(order)
    busy: dict[Connection, tuple[Worker, int]] = {}
    idle: list[Worker] = []
    results: dict[int, Any] = {}
    try:
        _fill(calls, queue, busy, idle, workers, alone)
        meanwhile()
        while busy:
            for conn in wait(list(busy)):
                worker, i = busy.pop(cast(Connection, conn))  # wait() gives back what it was given
                try:
                    results[i] = worker.receive()
                except BaseException:
                    worker.close()
                    raise
                if i in alone:
                    worker.close()
                else:
                    idle.append(worker)
            _fill(calls, queue, busy, idle, workers, alone)
    finally:
        for worker in idle + [w for w, _ in busy.values()]:
            worker.close()
    return results


def _fill(calls: Sequence[Callable[[], Any]], queue: deque[int], busy: dict[Connection, tuple[Worker, int]],
          idle: list[Worker], workers: int, alone: Collection[int]) -> None:
    while queue and len(busy) < workers:
        i = queue.popleft()
        if i in alone and idle:
            idle.pop().close()  # its place goes to a fresh process
        worker = idle.pop() if idle and i not in alone else Worker(calls)
        worker.send(i)
        busy[worker.connection] = (worker, i)


def _receive(conn: Connection, process: Any) -> tuple[bool, Any]:
    """(ok, the result or the exception) as the process sent it."""
    try:
        return cast(tuple[bool, Any], conn.recv())
    except EOFError:
        process.join()
        raise RuntimeError(f"a worker process ended without its result (exit code {process.exitcode})") from None


def _start(process: Any, ours: Connection, theirs: Connection) -> None:
    _ours.add(ours)
    try:
        process.start()
    except BaseException:
        _close(ours)
        raise
    finally:
        theirs.close()  # the child's end: EOF here once the child has ended


def _close(ours: Connection) -> None:
    _ours.discard(ours)
    ours.close()


def _only_theirs() -> None:
    """In a new child: close the building process's ends of every pipe, so that none outlives it here."""
    for conn in _ours:
        conn.close()
    _ours.clear()
    in_worker()


def _serve(calls: Sequence[Callable[[], Any]], conn: Connection) -> None:
    _only_theirs()
    while True:
        try:
            i = conn.recv()
        except EOFError:  # the build ended
            return
        if i is None:
            return
        try:
            conn.send((True, calls[i]()))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the build, which reports it
            conn.send((False, _portable(exc)))


def _run(calls: Sequence[Callable[[], Any]], send: Connection) -> None:
    _only_theirs()
    for call in calls:
        try:
            send.send((True, call()))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the build, which reports it
            send.send((False, _portable(exc)))
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception as the building process will raise it: with where it was raised as a note,
    or, when it cannot be pickled, as a RuntimeError that says what it was."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"raised in a worker process at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that does not survive the trip
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    if where:
        exc.add_note(where)
    return exc
