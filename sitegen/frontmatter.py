"""Front matter: split from a Markdown file, and what its YAML loads into.

The loading itself, strict and keeping each key's line, is strict_yaml.py: PyYAML is imported
with the first YAML a build reads, so a build with nothing to do never loads it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Key = tuple[Any, ...]
MAX_YAML_CHARS = 64 * 1024  # front matter is a few hundred bytes; the program a few KB
MAX_DEPTH = 20  # levels of nested lists and mappings; real files use at most five
# Characters XML (so the feeds) cannot carry: C0 controls other than tab, newline, CR; U+FFFE/F.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    data: Any
    lines: dict[Key, int]  # (key, index, key, ...) -> 1-based line in the file
    errors: tuple[tuple[int, str], ...]  # (line, message)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (yaml_text, body, body_first_line), or None when there is no front matter."""
    text = text.removeprefix("\ufeff")  # a byte-order mark some Windows editors add
    if not text.startswith("---"):
        return None
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None


def parse_yaml(text: str, first_line: int = 1) -> LoadedYaml:
    """Load YAML text that starts at `first_line` of its file; never raises on bad input."""
    if len(text) > MAX_YAML_CHARS:
        return LoadedYaml(None, {}, ((first_line, f"the YAML is {len(text) // 1024} KB; at most {MAX_YAML_CHARS // 1024} KB "
                                                  "is allowed; move long text into the body"),))
    from .strict_yaml import load_strictly  # here, not above: see the module's note

    return load_strictly(text, first_line)
