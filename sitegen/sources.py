"""Read author text files safely; split a content file into front matter and body, keeping the line of every key."""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frontmatter import CONTROL, Key, LoadedYaml, parse_yaml, split_front_matter
from .problems import BuildError, Problem

SECTIONS = ("episodes", "articles", "drills", "pages")
_SLUG = r"[a-z0-9][a-z0-9-]*"
MAX_FILE_BYTES = 1_000_000  # a long article is 50 KB; anything near this is a mistake
_NOT_SUSPECT = bytes(b for b in range(256) if not (b < 0x20 and b not in b"\t\n\r" or b == 0xEF))


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


def read_author_text(path: Path, shown: str, *, keep_newlines: bool = False) -> str:
    """The text of a file an author wrote (content, program, site.toml), checked on the way in.

    Raises BuildError naming `shown` and the line when the file is over MAX_FILE_BYTES, is not
    UTF-8, or holds a control character that XML feeds cannot carry; a leading byte-order mark
    is dropped. Newlines become '\\n' as with read_text(), unless `keep_newlines`. OSError passes.
    """
    with path.open("rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size  # read(n) would allocate n bytes: ask for what is there
        data = fh.read(min(size, MAX_FILE_BYTES) + 1)
        if len(data) > size:  # it grew as we read: the rest, but never past the cap
            data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    if len(data) > MAX_FILE_BYTES:
        raise BuildError([Problem(shown, 0, f"the file is over {MAX_FILE_BYTES // 1_000_000} MB; content files are "
                                            "limited to that: split it, or check it is the file you meant")])
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[start : exc.start].decode("utf-8", "replace")
        raise BuildError([Problem(shown, data.count(b"\n", 0, exc.start) + 1,
                                  f"byte 0x{data[exc.start]:02X} (column {len(before) + 1}, after {before[-20:]!r}) is not "
                                  "UTF-8; the file was saved in another encoding (e.g. Windows-1252): "
                                  "save the file as UTF-8")]) from None
    if not keep_newlines and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Deleting every harmless byte is ~5x faster than a regex over the text; only when a suspect
    # is left (a control byte, or 0xEF, which leads U+FFFE and U+FFFF) does the regex decide.
    if data.translate(None, _NOT_SUSPECT) and (bad := CONTROL.search(text)):
        raise BuildError([_control_problem(text, shown, bad)])
    return text


def _control_problem(text: str, shown: str, bad: re.Match[str]) -> Problem:
    start = text.rfind("\n", 0, bad.start()) + 1
    more = len(CONTROL.findall(text)) - 1
    also = f" ({more} more in the file)" if more else ""
    return Problem(shown, text.count("\n", 0, bad.start()) + 1,
                   f"an invisible control character U+{ord(bad.group()):04X} at column {bad.start() - start + 1}{also}; "
                   "web pages and feeds cannot carry it: delete it (retype the text around it if your editor hides it)")


def read_source(path: Path, rel_path: str, section: str) -> SourceDoc | list[Problem]:
    """A content file read with read_author_text and parsed; problems instead of exceptions."""
    try:
        text = read_author_text(path, rel_path)
    except BuildError as exc:
        return list(exc.problems)
    return parse_source(text, path, rel_path, section)


def read_yaml(path: Path, shown: str) -> LoadedYaml:
    """A whole-YAML author file (the drill program) read with read_author_text; errors, not exceptions."""
    try:
        text = read_author_text(path, shown)
    except BuildError as exc:
        return LoadedYaml(None, {}, tuple((p.line, p.message) for p in exc.problems))
    return parse_yaml(text, first_line=1)


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


_NUMBERED, _NAMED = re.compile(rf"\d+-({_SLUG})\.md"), re.compile(rf"({_SLUG})\.md")


def slug_from_name(name: str, section: str) -> str | None:
    m = (_NUMBERED if section == "episodes" else _NAMED).fullmatch(name)
    return m.group(1) if m else None
