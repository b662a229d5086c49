"""Parsed documents as JSON and back, for the build cache.

Data only: decoding builds values of an allow-list of frozen dataclasses from strings, numbers,
dates and paths, and can never run code (unlike pickle or marshal). Anything it does not
know raises `ValueError`, which the cache treats as a miss. Dates, durations and paths are
written as plain JSON values and turned back by the field's type, so that only dataclasses
cost a call while decoding (a 5,000-post cache holds about 20,000 of them).
"""
from __future__ import annotations

import json
import typing
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import UnionType
from typing import Any, Callable
from zoneinfo import ZoneInfo

Convert = Callable[[Any], Any]


def _as_tuple(value: list[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _as_tuple_of_tuples(value: list[Any]) -> tuple[Any, ...]:
    return tuple(tuple(v) for v in value)


def _as_timedelta(value: list[int]) -> timedelta:
    return timedelta(value[0], value[1], value[2])


def _as_datetime(value: str) -> datetime:
    """'2026-03-01T06:00:00|Europe/London' (a named zone, so offsets and names match a freshly
    parsed date) or an ISO date with a fixed offset, or none."""
    text, _, zone = value.partition("|")
    if zone:
        text, _, fold = text.partition("~")
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone), fold=int(fold or 0))
    return datetime.fromisoformat(text)


_BY_TYPE: dict[Any, Convert] = {datetime: _as_datetime, timedelta: _as_timedelta, Path: Path}


def _converter(hint: Any) -> Convert | None:
    """How to turn a field's JSON value back into its type, or None when JSON gives it as it is."""
    if hint in _BY_TYPE:
        return _BY_TYPE[hint]
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        found = [c for c in (_converter(a) for a in args if a is not type(None)) if c is not None]
        if not found:
            return None
        inner = found[0]
        return lambda v: None if v is None else inner(v)
    if typing.get_origin(hint) is tuple:
        item = _converter(args[0]) if args else None
        if item is not None:
            return lambda v: tuple(item(x) for x in v)
        return _as_tuple_of_tuples if typing.get_origin(args[0]) is tuple else _as_tuple
    return None


class Codec:
    """Encodes and decodes values of the registered dataclasses (by class name)."""

    def __init__(self, *classes: type) -> None:
        self._classes: dict[str, tuple[type, tuple[str, ...], tuple[tuple[int, Convert], ...]]] = {}
        for cls in classes:
            hints = typing.get_type_hints(cls)
            names = tuple(f.name for f in fields(cls))
            converts = tuple((i, c) for i, name in enumerate(names) if (c := _converter(hints[name])) is not None)
            self._classes[cls.__name__] = (cls, names, converts)

    def dumps(self, value: Any) -> str:
        return json.dumps(value, default=self._encode, ensure_ascii=False, separators=(",", ":"), check_circular=False)

    def loads(self, text: str | bytes) -> Any:
        try:
            return json.loads(text, object_hook=self._decode)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a cached value: {exc}") from exc

    def _encode(self, value: Any) -> Any:
        name = type(value).__name__
        if name in self._classes and type(value) is self._classes[name][0]:
            return {"@": name, "v": [getattr(value, n) for n in self._classes[name][1]]}
        if isinstance(value, datetime):
            return _encode_datetime(value)
        if isinstance(value, timedelta):
            return [value.days, value.seconds, value.microseconds]
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"the cache cannot hold a {name}")

    def _decode(self, obj: dict[str, Any]) -> Any:
        cls, names, converts = self._classes[obj["@"]]
        values = obj["v"]
        if len(values) != len(names):
            raise ValueError(f"{obj['@']}: {len(values)} values for {len(names)} fields")
        for i, convert in converts:
            values[i] = convert(values[i])
        item = object.__new__(cls)
        for name, value in zip(names, values):
            object.__setattr__(item, name, value)
        return item


def _encode_datetime(value: datetime) -> str:
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        return f"{value.replace(tzinfo=None).isoformat()}~{value.fold}|{tz.key}"
    if tz is None or isinstance(tz, timezone):
        return value.isoformat()
    raise TypeError(f"the cache cannot hold a time zone of type {type(tz).__name__}")
