"""How much the published site weighs against GitHub Pages' limits: warnings with the fix, never errors.

Pages publishes at most 1 GB and GitHub warns about files over 50 MB (and refuses them over
100 MB), so `check` warns before either is reached: at 800 MB for the site, 50 MB for a file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from .cache import Entry
from .models import Site

SITE_BUDGET = 800_000_000
PAGES_LIMIT = 1_000_000_000
FILE_BUDGET = 50_000_000
MOVE_AUDIO = ("move the audio to object storage: set [media] storage = \"s3\" in site.toml and run "
              "`python build.py media push` (docs/authoring.md, \"Where the audio lives\")")


def published_sizes(copies: Mapping[str, Path], made: Mapping[str, str], last: Mapping[str, Entry]) -> dict[str, int]:
    """Bytes of each output: a copied file's from its source, a generated one's from the last build
    (pages are kilobytes; a file never built yet counts as 0 until it is)."""
    sizes = {name: last[name][1] for name in made if name in last and name not in copies}
    for name, src in copies.items():
        try:
            sizes[name] = os.stat(src).st_size
        except OSError:
            sizes[name] = 0
    return sizes


def budget_warnings(sizes: Mapping[str, int]) -> list[str]:
    total = sum(sizes.values())
    found = []
    if total > SITE_BUDGET:
        found.append(f"the published site is {total / 1e6:.0f} MB, past the {SITE_BUDGET / 1e6:.0f} MB budget of GitHub "
                     f"Pages' {PAGES_LIMIT / 1e9:.0f} GB limit; {MOVE_AUDIO}")
    for name, size in sorted(sizes.items()):
        if size > FILE_BUDGET:
            found.append(f"{name} is {size / 1e6:.0f} MB, over GitHub's {FILE_BUDGET / 1e6:.0f} MB file warning "
                         f"(files over 100 MB are refused); {MOVE_AUDIO}")
    return found


def storage_warnings(site: Site) -> list[str]:
    """With s3 storage, audio not pushed yet would be published with the site instead of from the bucket."""
    if not site.config.media.s3:
        return []
    return [f"{ep.source}: {ep.audio.source.name} is not in content/media.json yet, so it would be published with the "
            "site; run `python build.py media push` and commit content/media.json"
            for ep in site.episodes if ep.audio.source is not None]
