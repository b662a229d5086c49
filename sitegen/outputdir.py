"""Which folder a build may write into: only one a build made, never the project or its sources.

Each output holds a marker file (write.MARKER). check_output_folder() refuses the project itself,
its sources, the cache and any non-empty folder without the marker, before anything is written.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Collection

from .problems import BuildError, Problem, rel
from .write import MARKER

# Folders of the project a build reads or must keep; an output may be neither inside nor around them.
PROJECT_FOLDERS = ("content", "templates", "static", ".git", "sitegen", "tests")
ENGINE_DIR = Path(__file__).resolve().parent


def check_output_folder(out_dir: Path, root: Path, cache_dir: Path, origin: str,
                        recorded: Collection[str] = ()) -> None:
    """Refuse an output folder a build must not replace: the project or a folder around it, one
    of its sources (a build would read its own output), the cache, the engine, or a non-empty
    folder no build made. `origin` is "--out" or "site.toml" (where the folder was chosen);
    `recorded` names the files the last build wrote into this very folder, as the cache says.

    Outputs from before the marker existed have none: such a folder is accepted only when the
    cache says the last build wrote it and every file in it is one that build wrote (or it holds
    no file at all), so no file of anyone else's is ever deleted. Anything else is refused with
    the fix (delete it once)."""
    out, root = out_dir.resolve(), root.resolve()
    line = 0
    if origin == "site.toml":
        from .config import config_line

        line = config_line(root, "build", "output")
    what = f"output folder {rel(out, root)}/" + (" (the default)" if origin == "site.toml" and not line else "")
    fix = "choose a folder of its own, e.g. _site"

    def refuse(message: str) -> None:
        raise BuildError([Problem(origin, line, f"{what} {message}")])

    if _inside(root, out):
        refuse(f"holds the whole project; a build replaces its output folder whole and would delete it: {fix}")
    guarded = [(root / name, f"{name}/") for name in PROJECT_FOLDERS]
    guarded += [(cache_dir.resolve(), "the build cache"), (ENGINE_DIR, "the engine")]
    for folder, name in guarded:
        if _inside(out, folder):
            refuse(f"is inside {name}, which a build reads or keeps: {fix}")
        if _inside(folder, out):
            refuse(f"holds {name}; a build replaces its output folder whole and would delete it: {fix}")
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        refuse(f"is a file, not a folder: {fix}")
    with os.scandir(out) as entries:
        if (out / MARKER).is_file() or not any(entries):
            return
    strange = _unrecorded(out, recorded)
    if strange is None:
        return  # written by this engine before outputs had the marker: this build adds it
    refuse(f"is not empty and no build made it (no {MARKER} in it; it holds {strange}), so a build will not "
           "replace it: delete it first if nothing in it is needed, or choose another folder")


def _inside(path: Path, folder: Path) -> bool:
    """`path` is `folder` or below it: by name, and by identity where both exist (a bind mount,
    or another spelling on a case-insensitive disk, is the same folder)."""
    if path == folder or folder in path.parents:
        return True
    try:
        target = os.stat(folder)
    except OSError:
        return False
    for p in (path, *path.parents):
        try:
            st = os.stat(p)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def _unrecorded(out: Path, recorded: Collection[str]) -> str | None:
    """A file in `out` the last build did not write, or None when all are its own."""
    known = set(recorded)
    top = len(str(out)) + 1
    for folder, _, files in os.walk(out):
        for f in files:
            name = os.path.join(folder, f)[top:].replace(os.sep, "/")
            if name not in known:
                return name
    return None
