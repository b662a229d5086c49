"""YAML loaded strictly, keeping each key's line (front matter, the drill program).

YAML 1.1 reads `no` as false, `1:30` as 90 and `010` as 8: authors never mean that, so
such scalars are reported instead of silently accepted. Duplicate keys are reported too
(PyYAML keeps the last one without a word), and so is a plain value cut short by ` #`.

Front matter is untrusted text: anchors and aliases (a few hundred bytes can expand to
gigabytes) and deep nesting (recursion in the composer) are refused before PyYAML builds
anything, and so is an impossible date that PyYAML would raise ValueError on.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .frontmatter import CONTROL, MAX_DEPTH, Key, LoadedYaml

try:  # the C loader is about ten times faster; same results
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_BOOL_WORDS = {"true", "false"}
_TAG = "tag:yaml.org,2002:"
# A line whose first five characters are spaces, tabs or '-'/'?' indicators: only then can
# block nesting go past ten levels (see _may_be_unsafe).
_DEEP_LEAD = re.compile(r"\n[ \t?-]{5}")  # a literal first character keeps the search fast
# What PyYAML's scalar constructors raise on a value they cannot build, e.g. `!!int ''` or 2026-02-30
_CONSTRUCT_ERRORS = (ValueError, KeyError, TypeError, OverflowError, AttributeError, IndexError)
_ALIASES = "anchors and aliases (&name, *name) are not allowed in content files; write the value out"


def load_strictly(text: str, first_line: int) -> LoadedYaml:
    """parse_yaml's work, on a text of a size it accepts."""
    loader = _Loader(text)
    try:
        found = _scan_events(text) if _may_be_unsafe(text) else None
        if found:
            return LoadedYaml(None, {}, ((first_line + found[0], found[1]),))
        node = loader.get_single_node()
        return LoadedYaml(None, {}, ()) if node is None else _load_node(loader, node, text, first_line)
    except yaml.MarkedYAMLError as exc:
        return LoadedYaml(None, {}, (_syntax_error(exc, text, first_line),))
    except yaml.YAMLError as exc:
        return LoadedYaml(None, {}, ((first_line, f"invalid YAML: {exc}"),))
    finally:
        loader.dispose()


def _load_node(loader: Any, node: yaml.Node, text: str, first_line: int) -> LoadedYaml:
    lines: dict[Key, int] = {}
    errors: list[tuple[int, str]] = []
    _walk(node, (), first_line, lines, errors, text if "#" in text else None, "\\" in text)
    if errors:
        return LoadedYaml(None, lines, tuple(errors))
    try:
        return LoadedYaml(loader.construct_document(node), lines, ())
    except _CONSTRUCT_ERRORS as exc:
        return LoadedYaml(None, lines, (_bad_value(node, first_line, exc),))


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    if mark and _tab_at(text, mark):
        return line, "a tab in the indentation; YAML allows only spaces there: indent with spaces"
    return line, f"invalid YAML: {exc.problem or exc.context or 'not valid YAML'}; check indentation, colons and quotes"


def _may_be_unsafe(text: str) -> bool:
    """False when the text surely has no anchor or alias and nests at most MAX_DEPTH levels.

    Cheap string tests, so that the exact event scan runs only for the few texts that need it.
    A block collection starts at the indentation of a line, or after '- ' / '? ' indicators at
    its start; only a sequence under a mapping key may share its parent's column. So if no line
    leads with five such characters, blocks nest at most 2 * 5 levels; each flow level needs a
    '[' or '{'.
    """
    if "&" in text or "*" in text:
        return True
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:  # YAML 1.1's other line breaks
        return True
    if _DEEP_LEAD.search(text) or not text[:5].strip(" \t?-"):
        return True
    return 10 + text.count("[") + text.count("{") > MAX_DEPTH


def _scan_events(text: str) -> tuple[int, str] | None:
    """(0-based line, message) of the first anchor, alias or too-deep level, from the parser's
    event stream: libyaml parses iteratively, so nothing recurses however deep the text nests."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return line, _ALIASES
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return line, (f"lists and mappings nest more than {MAX_DEPTH} levels deep here; "
                                                f"at most {MAX_DEPTH} are allowed: flatten the structure")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _tab_at(text: str, mark: yaml.Mark) -> bool:
    """Whether a parse error is about a tab: at the mark, or in the indentation of its line."""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1] == "\t" or "\t" in line[: len(line) - len(line.lstrip(" \t"))]


def _bad_value(root: yaml.Node, first: int, exc: Exception) -> tuple[int, str]:
    """Find the scalar PyYAML could not construct (only on failure, so the good path stays fast)."""
    constructor = SafeConstructor()
    stack: list[tuple[yaml.Node, Key]] = [(root, ())]
    while stack:
        node, key = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [(v, key + (k.value,)) for k, v in reversed(node.value)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, key + (i,)) for i, v in reversed(list(enumerate(node.value)))]
        elif node.tag in SafeConstructor.yaml_constructors:
            try:
                SafeConstructor.yaml_constructors[node.tag](constructor, node)
            except _CONSTRUCT_ERRORS as bad:
                name = ".".join(str(k) for k in key) or "value"
                why = f" ({bad})" if type(bad) is ValueError else ""  # "day is out of range for month"; others say nothing useful
                if node.tag == _TAG + "timestamp":
                    kind, form = ("date and time", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00") if len(node.value) > 10 else ("date", "YYYY-MM-DD")
                    return first + node.start_mark.line, f"{name}: {node.value} is not a real {kind}{why}; write {form}"
                what = node.tag.removeprefix(_TAG)
                return first + node.start_mark.line, f"{name}: {node.value!r} is not a valid {what}{why}; fix it or quote it as text"
    return first, f"invalid value: {exc}"


def _walk(node: yaml.Node, key: Key, first: int, lines: dict[Key, int], errors: list[tuple[int, str]],
          source: str | None, escapes: bool) -> None:
    """Record lines and find surprises. `source` is the text if it has a '#' (None: no value can be
    cut by a comment); `escapes` whether it has a backslash (else no escape can make a control character)."""
    lines[key] = first + node.start_mark.line
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
            _walk(v, key + (k.value,), first, lines, errors, source, escapes)
            lines[key + (k.value,)] = kline
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, key + (i,), first, lines, errors, source, escapes)
    elif isinstance(node, yaml.ScalarNode):
        problem = _scalar_problem(node, source, escapes)
        if problem:
            errors.append((lines[key], f"{'.'.join(str(k) for k in key) or 'value'}: {problem}"))


def _scalar_problem(node: yaml.ScalarNode, source: str | None, escapes: bool) -> str | None:
    if not node.style:  # plain (unquoted) scalars: YAML's surprises, and values cut by a comment
        return _surprise(node) or (_cut_by_comment(node, source) if source is not None else None)
    if escapes and node.style == '"' and (bad := CONTROL.search(node.value)):  # the file has none; an escape such as \0 made it
        return f"an escape makes the control character U+{ord(bad.group()):04X}, which feeds cannot carry; remove it"
    return None


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


def _cut_by_comment(node: yaml.ScalarNode, source: str) -> str | None:
    """Unquoted text followed by ' #' on its line: YAML dropped the rest as a comment."""
    if node.tag != _TAG + "str":
        return None  # `draft: true  # for now` is a comment on purpose
    end = node.end_mark.index
    stop = source.find("\n", end)
    if not source[end : stop if stop >= 0 else None].lstrip(" \t").startswith("#"):
        return None
    return (f"'#' after a space starts a YAML comment, so the value was cut to {node.value!r}; quote the whole value "
            "(or put a comment on a line of its own)")


def _sexagesimal(value: str) -> str:
    total = 0.0
    for part in value.replace("_", "").split(":"):
        total = total * 60 + float(part)
    return f"{total:g}"
