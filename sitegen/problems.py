"""Problems found in the sources, collected so one build reports all of them at once."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str  # relative to the project root, posix style
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"

    def github_annotation(self) -> str:
        # GitHub renders this on the pull request's diff at the file and line.
        msg = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        # property values escape ',' and ':' too, or a path with a comma would end the property
        path = self.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
        loc = f"file={path},line={self.line}" if self.line else f"file={path}"
        return f"::error {loc}::{msg}"


class BuildError(Exception):
    """Every problem of a build, raised once before anything is written."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(set(problems)))
        super().__init__(self.report())

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]], dict[str, object]]:
        # raised in a worker process, re-raised here whole: with its notes (where it was raised)
        return (BuildError, (self.problems,), self.__dict__)

    def report(self) -> str:
        n = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def rel(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return os.fspath(path)
