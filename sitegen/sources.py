"""Split a content file into front matter and body, keeping the line of every key."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frontmatter import Key, parse_yaml, split_front_matter
from .problems import Problem

SECTIONS = ("episodes", "articles", "drills", "pages")
_SLUG = r"[a-z0-9][a-z0-9-]*"


@dataclass(frozen=True, slots=True)
class SourceDoc:
    path: Path
    rel: str  # project-relative, for messages
    section: str
    slug: str
    data: dict[str, Any]
    lines: dict[Key, int]
    body: str
    body_line: int

    def line(self, key: Key) -> int:
        """Line of a key, or of the nearest enclosing key that has one."""
        for n in range(len(key), 0, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
        return 1


def parse_source(text: str, path: Path, rel_path: str, section: str) -> SourceDoc | list[Problem]:
    slug = slug_from_name(path.name, section)
    if slug is None:
        pattern = "NNN-slug.md, e.g. 004-hill-repeats.md" if section == "episodes" else "slug.md in lowercase letters, digits and hyphens"
        return [Problem(rel_path, 0, f"file name {path.name!r} does not fit; name it {pattern}")]
    split = split_front_matter(text)
    if split is None:
        return [Problem(rel_path, 1, "no front matter; start the file with a line '---', the YAML keys, then another '---'")]
    yaml_text, body, body_line = split
    loaded = parse_yaml(yaml_text, first_line=2)
    if loaded.errors:
        return [Problem(rel_path, line, msg) for line, msg in loaded.errors]
    if not isinstance(loaded.data, dict):
        return [Problem(rel_path, 2, "front matter must be 'key: value' lines")]
    return SourceDoc(path, rel_path, section, slug, loaded.data, loaded.lines, body, body_line)


def slug_from_name(name: str, section: str) -> str | None:
    pattern = rf"\d+-({_SLUG})\.md" if section == "episodes" else rf"({_SLUG})\.md"
    m = re.fullmatch(pattern, name)
    return m.group(1) if m else None
