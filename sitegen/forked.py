"""One forked process that runs a few calls in turn and sends back each result as soon as it has it.

Unlike a multiprocessing Pool, it starts no thread in the building process, which may then fork
its page workers while this one runs (a process with threads must not fork). The calls are
inherited by the fork, never pickled; only results and exceptions cross the pipe.
"""
from __future__ import annotations

import multiprocessing
import pickle
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable, Sequence

from .collector import in_worker


class Forked:
    def __init__(self, calls: Sequence[Callable[[], Any]]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._results, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_run, args=(calls, send), daemon=True)
        try:
            self._process.start()
        except BaseException:
            self._results.close()
            raise
        finally:
            send.close()  # the child's end: EOF here once the child has ended
        self._got: list[tuple[bool, Any]] = []
        self._calls = len(calls)

    def result(self, i: int) -> Any:
        """The i-th call's result, once the process has it; the call's exception is raised here."""
        while len(self._got) <= i:
            try:
                self._got.append(self._results.recv())
            except EOFError:
                self._process.join()
                raise RuntimeError(f"a worker process ended without its result (exit code {self._process.exitcode})") from None
        ok, value = self._got[i]
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the process if it still runs (its results are no longer wanted) and reap it."""
        if len(self._got) < self._calls:
            self._process.terminate()
        self._process.join()
        self._results.close()


def _run(calls: Sequence[Callable[[], Any]], send: Connection) -> None:
    in_worker()
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
