"""Which voice narrates: the `[narration]` table of the project's site.toml."""
from __future__ import annotations

from pathlib import Path

from ..config import read_config
from ..narration_spec import DEFAULT_VOICE, Voice
from ..problems import BuildError
from .errors import NarrationError


def find_site_toml(md_path: Path) -> Path | None:
    """The site.toml of the project the episode belongs to: the nearest one above it."""
    for parent in md_path.resolve().parents:
        if (parent / "site.toml").is_file():
            return parent / "site.toml"
    return None


def read_voice(md_path: Path) -> Voice:
    """The project's narration voice; the default voice for an episode outside any project."""
    toml = find_site_toml(md_path)
    if toml is None:
        return Voice.of(DEFAULT_VOICE)
    try:
        config = read_config(toml)
    except BuildError as exc:  # the same messages as a build's, each with its site.toml line
        where = toml.parent
        raise NarrationError("\n".join(f"{where / str(p)}" for p in exc.problems)) from None
    return config.narration
