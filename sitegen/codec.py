"""Parsed documents as JSON and back, for the build cache.

Data only: decoding builds values of an allow-list of frozen dataclasses from strings, numbers,
dates and paths, and can never run code (unlike pickle or marshal). Anything it does not
know raises `ValueError`, which the cache treats as a miss.
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


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _as_tuple_of_tuples(value: Any) -> Any:
    return tuple(tuple(v) if isinstance(v, list) else v for v in value) if isinstance(value, list) else value


def _converter(hint: Any) -> Convert | None:
    """JSON gives lists where the models hold tuples: say which fields need turning back."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        found = [c for c in (_converter(a) for a in args) if c is not None]
        return found[0] if found else None
    if typing.get_origin(hint) is tuple:
        inner = args[0] if args else None
        return _as_tuple_of_tuples if typing.get_origin(inner) is tuple else _as_tuple
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
        except (TypeError, KeyError, IndexError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a cached value: {exc}") from exc

    def _encode(self, value: Any) -> Any:
        name = type(value).__name__
        if name in self._classes and type(value) is self._classes[name][0]:
            return {"@": name, "v": [getattr(value, n) for n in self._classes[name][1]]}
        if isinstance(value, datetime):
            return _encode_datetime(value)
        if isinstance(value, timedelta):
            return {"td": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, Path):
            return {"path": str(value)}
        if isinstance(value, tuple):  # json writes tuples as lists itself; this is for safety only
            return list(value)
        raise TypeError(f"the cache cannot hold a {name}")

    def _decode(self, obj: dict[str, Any]) -> Any:
        if "@" in obj:
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
        if "dt" in obj:
            return _decode_datetime(obj)
        if "td" in obj:
            return timedelta(*obj["td"])
        if "path" in obj:
            return Path(obj["path"])
        raise ValueError(f"unknown cached value with keys {sorted(obj)}")


def _encode_datetime(value: datetime) -> dict[str, Any]:
    """Wall time plus the zone's name, so a decoded date has the same zone object (and so the
    same offsets and names) as a freshly parsed one."""
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        return {"dt": value.replace(tzinfo=None).isoformat(), "fold": value.fold, "zone": tz.key}
    if tz is None:
        return {"dt": value.isoformat()}
    offset = tz.utcoffset(value)
    if not isinstance(tz, timezone) or offset is None:
        raise TypeError(f"the cache cannot hold a time zone of type {type(tz).__name__}")
    return {"dt": value.replace(tzinfo=None).isoformat(), "offset": offset.total_seconds()}


def _decode_datetime(obj: dict[str, Any]) -> datetime:
    value = datetime.fromisoformat(obj["dt"])
    if "zone" in obj:
        return value.replace(tzinfo=ZoneInfo(obj["zone"]), fold=obj["fold"])
    if "offset" in obj:
        seconds = obj["offset"]
        return value.replace(tzinfo=timezone.utc if seconds == 0 else timezone(timedelta(seconds=seconds)))
    return value
