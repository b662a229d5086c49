"""What the commands print (`build`, `check`, `new`, `serve`), decided in one place.

-q keeps only problems (and what a command exists to print, such as serve's address); -v adds each
step; on a terminal with neither, steps show as one line on stderr that the next step overwrites.
Results go to stdout and problems to stderr, so `build.py ... 2>errors.txt` keeps them apart.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Say:
    quiet: bool = False  # -q
    verbose: bool = False  # -v
    transient: bool = False  # without -v, steps are one overwritten line (for a terminal)

    @classmethod
    def for_terminal(cls, *, quiet: bool, verbose: bool) -> Say:
        """Transient steps only where someone watches them: not with -q or -v, and not into a file or pipe."""
        return cls(quiet, verbose, transient=not quiet and not verbose and sys.stderr.isatty())

    def always(self, msg: str) -> None:
        """What the command exists to print, even with -q."""
        print(msg)

    def info(self, msg: str) -> None:
        """A result or a hint: not with -q."""
        if not self.quiet:
            print(msg)

    def step(self, msg: str) -> None:
        """What is being done: a line with -v, else the transient line (when there is one)."""
        if self.verbose:
            print(msg)
        elif self.transient:
            _overwrite(msg)

    def done(self) -> None:
        """Clear the transient line, so the next output starts on a clean line."""
        if self.transient and not self.verbose:
            _overwrite("")

    def problem(self, msg: str) -> None:
        problem(msg)


def problem(msg: str) -> None:
    """A problem, a warning or an error: always, on stderr."""
    print(msg, file=sys.stderr)


def shown_folder(path: Path) -> str:
    """A folder as the author knows it: relative to here with a trailing slash, else in full."""
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return str(path)


def _overwrite(msg: str) -> None:
    sys.stderr.write("\r\033[K" + (f"... {msg}" if msg else ""))
    sys.stderr.flush()
