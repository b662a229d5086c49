"""Split a Markdown file's YAML front matter and load it strictly, keeping each key's line.

YAML 1.1 reads `no` as false, `1:30` as 90 and `010` as 8: authors never mean that, so
such scalars are reported instead of silently accepted. Duplicate keys are reported too
(PyYAML keeps the last one without a word).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C loader is about ten times faster; same results
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Key = tuple[Any, ...]
_BOOL_WORDS = {"true", "false"}
_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True, slots=True)
class LoadedYaml:
    data: Any
    lines: dict[Key, int]  # (key, index, key, ...) -> 1-based line in the file
    errors: tuple[tuple[int, str], ...]  # (line, message)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (yaml_text, body, body_first_line), or None when there is no front matter."""
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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(None, {}, ())
        lines: dict[Key, int] = {}
        errors: list[tuple[int, str]] = []
        _walk(node, (), first_line, lines, errors)
        if errors:
            return LoadedYaml(None, lines, tuple(errors))
        return LoadedYaml(loader.construct_document(node), lines, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        what = exc.problem or exc.context or "not valid YAML"
        return LoadedYaml(None, {}, ((line, f"invalid YAML: {what}; check indentation, colons and quotes"),))
    except yaml.YAMLError as exc:
        return LoadedYaml(None, {}, ((first_line, f"invalid YAML: {exc}"),))
    finally:
        loader.dispose()


def _walk(node: yaml.Node, key: Key, first: int, lines: dict[Key, int], errors: list[tuple[int, str]]) -> None:
    line = first + node.start_mark.line
    lines[key] = line
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            kline = first + k.start_mark.line
            if not isinstance(k, yaml.ScalarNode) or k.tag != _TAG + "str":
                errors.append((kline, f"key {k.value!r} must be a plain word; quote it"))
                continue
            if k.value in seen:
                errors.append((kline, f"{k.value}: appears twice; keep one"))
            seen.add(k.value)
            _walk(v, key + (k.value,), first, lines, errors)
            lines[key + (k.value,)] = kline
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, key + (i,), first, lines, errors)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain (unquoted) scalars only
        problem = _surprise(node)
        if problem:
            name = ".".join(str(k) for k in key) or "value"
            errors.append((line, f"{name}: {problem}"))


def _surprise(node: yaml.ScalarNode) -> str | None:
    """A message when YAML 1.1 would read an unquoted scalar as something the author did not mean."""
    value, tag = node.value, node.tag
    if tag == _TAG + "bool" and value.lower() not in _BOOL_WORDS:
        return f"YAML reads {value!r} as a yes/no value; write true or false, or quote it as text: \"{value}\""
    if tag in (_TAG + "int", _TAG + "float") and ":" in value:
        return f"YAML reads {value} as the number {_sexagesimal(value)}; quote it: \"{value}\""
    if tag == _TAG + "int" and value.lstrip("+-").startswith("0") and value.lstrip("+-") not in ("0",) and not value.lstrip("+-").startswith(("0x", "0o")):
        return f"YAML reads {value} as an octal number; write it without the leading zero, or quote it"
    return None


def _sexagesimal(value: str) -> str:
    total = 0.0
    for part in value.replace("_", "").split(":"):
        total = total * 60 + float(part)
    return f"{total:g}"
