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


_ZONES: dict[str, ZoneInfo] = {}


def _as_datetime(value: list[Any]) -> datetime:
    """[year, month, day, hour, minute, second, microsecond, fold, zone]: the zone by name, so a
    decoded date has the same zone object (and so the same offsets and names) as a parsed one;
    or the offset in seconds for a fixed offset, or nothing for a naive time."""
    *fields, fold, zone = value
    if isinstance(zone, str):
        tz = _ZONES.get(zone) or _ZONES.setdefault(zone, ZoneInfo(zone))
        return datetime(*fields, tzinfo=tz, fold=fold)
    if zone is None:
        return datetime(*fields, fold=fold)
    return datetime(*fields, tzinfo=timezone(timedelta(seconds=zone)), fold=fold)


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


LONG = 256  # characters from which a text field is kept beside the JSON, not inside it


class Codec:
    """Encodes and decodes values of the registered dataclasses (by class name).

    Long texts (rendered bodies) are not written into the JSON, where every quote of their HTML
    would be escaped and parsed again, but joined into one text beside it and referenced by
    their [start, end]: decoding 5,000 posts takes a third of the time."""

    def __init__(self, *classes: type) -> None:
        self._classes: dict[str, tuple[type, tuple[str, ...], tuple[tuple[int, Convert], ...], tuple[int, ...]]] = {}
        for cls in classes:
            hints = typing.get_type_hints(cls)
            names = tuple(f.name for f in fields(cls))
            converts = tuple((i, c) for i, name in enumerate(names) if (c := _converter(hints[name])) is not None)
            texts = tuple(i for i, name in enumerate(names) if hints[name] is str)
            self._classes[cls.__name__] = (cls, names, converts, texts)
        self._out: list[str] = []
        self._at = 0
        self._in = ""

    def dumps(self, value: Any) -> tuple[str, str]:
        """(JSON, the long texts it refers to)."""
        self._out, self._at = [], 0
        try:
            text = json.dumps(value, default=self._encode, ensure_ascii=False, separators=(",", ":"), check_circular=False)
            return text, "".join(self._out)
        finally:
            self._out = []

    def loads(self, text: str | bytes, texts: str = "") -> Any:
        self._in = texts
        try:
            return json.loads(text, object_hook=self._decode)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a cached value: {exc}") from exc
        finally:
            self._in = ""

    def _encode(self, value: Any) -> Any:
        name = type(value).__name__
        if name in self._classes and type(value) is self._classes[name][0]:
            _, names, _, texts = self._classes[name]
            values = [getattr(value, n) for n in names]
            for i in texts:
                v = values[i]
                if len(v) >= LONG:
                    values[i] = [self._at, self._at + len(v)]
                    self._out.append(v)
                    self._at += len(v)
            return {"@": name, "v": values}
        if isinstance(value, datetime):
            return _encode_datetime(value)
        if isinstance(value, timedelta):
            return [value.days, value.seconds, value.microseconds]
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"the cache cannot hold a {name}")

    def _decode(self, obj: dict[str, Any]) -> Any:
        cls, names, converts, texts = self._classes[obj["@"]]
        values = obj["v"]
        if len(values) != len(names):
            raise ValueError(f"{obj['@']}: {len(values)} values for {len(names)} fields")
        for i, convert in converts:
            values[i] = convert(values[i])
        for i in texts:
            v = values[i]
            if v.__class__ is not str:
                start, end = v
                if not 0 <= start <= end <= len(self._in):
                    raise ValueError(f"{obj['@']}: text {start}-{end} is not in the cached texts")
                values[i] = self._in[start:end]
        item = object.__new__(cls)
        for name, value in zip(names, values):
            object.__setattr__(item, name, value)
        return item


def _encode_datetime(value: datetime) -> list[Any]:
    tz = value.tzinfo
    fields = [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond, value.fold]
    if isinstance(tz, ZoneInfo):
        return [*fields, tz.key]
    if tz is None:
        return [*fields, None]
    offset = tz.utcoffset(value)
    if isinstance(tz, timezone) and offset is not None:
        return [*fields, offset.total_seconds()]
    raise TypeError(f"the cache cannot hold a time zone of type {type(tz).__name__}")
