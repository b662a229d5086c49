"""How a schema is applied: a field (name, converter, whether required, its doc and example) and
parsing a mapping against a table of fields, collecting every problem (never raising)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .convert import Context, Converter, FieldError, did_you_mean
from .frontmatter import Key


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    convert: Converter
    required: bool
    doc: str
    example: str  # YAML, as an author would write it
    default: Any = None


def table_list(fields: tuple[Field, ...], build: Callable[[dict[str, Any]], Any], item: str = "item",
               min_items: int = 0) -> Converter:
    """A list of tables (mappings), each checked against `fields` and made into `build(values)`."""
    def convert(value: Any, ctx: Context) -> tuple[Any, ...]:
        if not isinstance(value, list) or len(value) < min_items:
            many = f"{min_items} {item}{'s' if min_items > 1 else ''}"
            raise FieldError(f"expected a list of at least {many}" if min_items else "expected a list of tables")
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise FieldError(f"{item} {i + 1}: expected a table", (i,))
            values, problems = parse_fields(entry, fields, ctx)
            if problems:
                raise FieldError(f"{item} {i + 1}: {problems[0].message}", (i,) + problems[0].key)
            try:
                out.append(build(values))
            except FieldError as exc:  # a rule across the item's keys, found by its builder
                raise FieldError(f"{item} {i + 1}: {exc}", (i,) + exc.key) from None
        return tuple(out)

    return convert


@dataclass(frozen=True, slots=True)
class FieldProblem:
    key: Key
    message: str


# ---- applying a schema --------------------------------------------------------------------

def parse_fields(data: Mapping[str, Any], fields: tuple[Field, ...], ctx: Context,
                 assign: str = ": ") -> tuple[dict[str, Any], list[FieldProblem]]:
    """Convert every known key, report unknown and missing ones; never raises for bad input."""
    names = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for key in data:
        if key not in names:
            hint = did_you_mean(key, names) or f"; known keys: {', '.join(names)}"
            problems.append(FieldProblem((key,), f"{key}: unknown key{hint}"))
    for f in fields:
        if f.name not in data or data[f.name] is None:
            if f.required:
                where = (f.name,) if f.name in data else ()
                problems.append(FieldProblem(where, f"{f.name}: required; add e.g. {f.name}{assign}{_example(f)}"))
            else:
                values[f.name] = f.default
            continue
        try:
            values[f.name] = f.convert(data[f.name], ctx)
        except FieldError as exc:
            problems.append(FieldProblem((f.name,) + exc.key, f"{f.name}: {exc}"))
    return values, problems


def _example(f: Field) -> str:
    ex = f.example.replace("{uuid}", str(uuid.uuid4())).replace("{stem}", "NNN-slug")
    if not ex:  # a key inside a table (funding, persons): its table's doc says what it takes
        return '"..." (see docs/authoring.md)'
    return ex.splitlines()[0] if not ex.startswith("\n") else "(see docs/authoring.md)"
