"""Static files: published as they are, CSS and JS under a content-hashed name (cacheable forever)."""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from .problems import Problem

FINGERPRINTED = (".css", ".js")


def link_problem(path: Path, root: Path) -> str | None:
    """What is wrong when path is a link out of the project or into a hidden part of it (.git,
    .env); None for anything else. The build publishes what it reads, so a link out would put the
    machine's files on the web (static/passwd.txt -> /etc/passwd), and .git/config can hold CI's
    token. Links that stay inside the project are fine: they publish nothing the project lacks."""
    real, base = path.resolve(), root.resolve()
    try:
        if real == base / path.relative_to(root):
            return None  # no link on the way (a linked folder above the file counts too)
    except ValueError:
        pass
    kind = "folder" if real.is_dir() else "file"
    try:
        inside = real.relative_to(base)
    except ValueError:
        return f"a link to a {kind} outside the project ({real}); copy the {kind} in instead"
    if any(part.startswith(".") for part in inside.parts):
        return f"a link to a hidden {kind} of the project ({inside.as_posix()}); copy the {kind} in instead"
    return None


def read_link_problems(root: Path, folders: tuple[str, ...] = ("static", "templates")) -> list[Problem]:
    """Links in the folders the build publishes or renders from (content/ is checked as it is listed)."""
    problems: list[Problem] = []
    for name in folders:
        folder = root / name
        if (message := link_problem(folder, root)) is not None:
            problems.append(Problem(name, 0, message))
            continue
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():  # rglob does not enter linked folders
            if (message := link_problem(path, root)) is not None:
                problems.append(Problem(path.relative_to(root).as_posix(), 0, message))
    return problems


def read_static(static_dir: Path) -> tuple[dict[str, Path], tuple[tuple[str, str], ...]]:
    """Return (published path -> source file, (logical path, fingerprinted path) pairs).
    Links that read_link_problems refuses are left out, whoever calls this."""
    copies: dict[str, Path] = {}
    renames: list[tuple[str, str]] = []
    if not static_dir.is_dir() or link_problem(static_dir, static_dir.parent) is not None:
        return copies, ()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if link_problem(path, static_dir.parent) is not None:
            continue
        logical = path.relative_to(static_dir).as_posix()
        published = logical
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            p = PurePosixPath(logical)
            published = str(p.with_name(f"{p.stem}.{digest}{p.suffix}"))
            renames.append((logical, published))
        copies[published] = path
    return copies, tuple(renames)
