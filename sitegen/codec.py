"""Parsed documents as JSON and back, for the build cache.

Data only: msgspec decodes JSON straight into the engine's frozen dataclasses, in C, from their
field annotations, and can build nothing but the types those name (strings, numbers, dates,
durations, tuples, the dataclasses); its two hooks below add Path and Body. Anything else
raises `ValueError`, which the cache treats as a miss. Decoding can never run code (unlike
pickle or marshal), apart from the classes' own __post_init__.

A value is the JSON array of its fields' values. msgspec decodes one class per field, so a
field that may hold one of several classes is written with the name of the class it holds
first in the array, and each class has a decoder of its own. msgspec writes a date with its
UTC offset only: dates in a named zone are written as their wall time, their zone's name
and fold at the end of the array, so that a decoded date has the same zone object (and so the
same offsets and names) as a parsed one. Items' bodies (`Body`) are kept in a string of their
own and referenced by [start, end]: the caller may load them later (see body.py).
"""
from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Callable, NamedTuple
from zoneinfo import ZoneInfo

import msgspec

from .body import Body

# The bodies of a decoded value: their string, or what makes a Body that loads [start, end] of it later
Bodies = str | Callable[[int, int], Body]
Zone = tuple[str, int] | None  # a date's zone name and fold; None: its offset (or none) says it all
_ZONES: dict[str, ZoneInfo] = {}


class Encoded(NamedTuple):
    json: bytes
    bodies: str  # the bodies, referenced from the JSON by [start, end]


class _Layout(NamedTuple):
    """How a value of the root is written when its choice field holds `tag`'s class."""
    decoder: msgspec.json.Decoder[Any]
    build: Callable[[Any], Any]  # the decoded array -> the value


class Codec:
    """Encodes and decodes values of `root` (a dataclass)."""

    def __init__(self, root: type) -> None:
        self._root = root
        self._bodies_out: list[str] = []
        self._bodies_at = 0
        self._bodies_in: Bodies = ""
        self._seen: list[tuple[Body, int, int]] | None = None
        self._encoder = msgspec.json.Encoder(enc_hook=self._enc_hook)
        self._fields = _fields(root)
        self._choice, self._classes = _choice_field(root, self._fields)  # ("", {}): none
        self._dates = [n for n, h in self._fields if _optional(h) is datetime]
        self._class_dates = {tag: [n for n, h in _fields(c) if _optional(h) is datetime] for tag, c in self._classes.items()}
        for c in self._classes.values():
            _check_dates(c, top=True)
        tags: list[str | None] = [*self._classes, None] if self._choice else [None]
        self._layouts = {tag: self._layout(tag) for tag in tags}

    # The array: [tag, *fields, zones], a date in a named zone as its wall time with its zone in `zones`.

    def dumps(self, value: Any, seen: list[tuple[Body, int, int]] | None = None) -> Encoded:
        """`seen`, when given, receives each Body written with its span in the bodies string."""
        self._bodies_out, self._bodies_at, self._seen = [], 0, seen
        try:
            held = getattr(value, self._choice) if self._choice else None
            tag = type(held).__name__ if held is not None else None
            if tag is not None and self._classes.get(tag) is not type(held):
                raise TypeError(f"the cache cannot hold a {tag} here")
            held_dates = self._class_dates[tag] if tag is not None else []
            zones: list[Zone] = []
            row: list[Any] = [tag]
            for name, _ in self._fields:
                v = getattr(value, name)
                if name in self._dates:
                    v = _wall(v, zones)
                elif name == self._choice and held_dates:
                    v = replace(v, **{n: _wall(getattr(v, n), zones) for n in held_dates})
                row.append(v)
            row.append(zones)
            return Encoded(self._encoder.encode(row), "".join(self._bodies_out))
        except msgspec.EncodeError as exc:
            raise TypeError(f"the cache cannot hold this value: {exc}") from exc
        finally:
            self._bodies_out, self._seen = [], None

    def loads(self, data: bytes, bodies: Bodies = "") -> Any:
        """`bodies`: the string dumps() gave, or a function that makes a Body loading a span of it."""
        self._bodies_in = bodies
        try:
            layout = self._layouts[_tag(data)]
            return layout.build(layout.decoder.decode(data))
        except (msgspec.DecodeError, TypeError, KeyError, IndexError, AttributeError, ValueError, StopIteration) as exc:
            raise ValueError(f"not a cached value: {exc!r}") from exc  # StopIteration: fewer zones than dates
        finally:
            self._bodies_in = ""

    def _layout(self, tag: str | None) -> _Layout:
        """The decoder of the array for one class of the choice field, and straight-line code that
        makes the value from it, written from the classes' own field lists (never from cached
        data), as dataclasses writes __init__: a loop over the fields costs twice as much, for
        20,000 documents."""
        held = self._classes[tag] if tag is not None else NoneType
        types: list[Any] = [str if tag is not None else NoneType]
        env: dict[str, Any] = {"_new": object.__new__, "_put": object.__setattr__, "_root": self._root, "_zoned": _zoned}
        lines = ["def build(row):", "    zones = iter(row[-1])", "    o = _new(_root)"]
        for i, (name, hint) in enumerate(self._fields, start=1):
            if name == self._choice:
                types.append(held)
                lines.append(f"    item = row[{i}]")
                lines += [f"    _put(item, {n!r}, _zoned(item.{n}, next(zones)))" for n in (self._class_dates[tag] if tag is not None else [])]
                lines.append(f"    _put(o, {name!r}, item)")
            else:
                types.append(hint)
                value = f"_zoned(row[{i}], next(zones))" if name in self._dates else f"row[{i}]"
                lines.append(f"    _put(o, {name!r}, {value})")
        lines += ["    if next(zones, 0) != 0:", "        raise ValueError('zones left over')", "    return o"]
        types.append(tuple[Zone, ...])
        exec(compile("\n".join(lines), f"<build {self._root.__name__} {tag}>", "exec"), env)  # noqa: S102
        decoder = msgspec.json.Decoder(tuple[tuple(types)], dec_hook=self._dec_hook)  # type: ignore[misc]
        return _Layout(decoder, env["build"])

    def _enc_hook(self, value: Any) -> Any:
        if isinstance(value, Body):
            text = value.html
            start = self._bodies_at
            self._bodies_out.append(text)
            self._bodies_at += len(text)
            if self._seen is not None:
                self._seen.append((value, start, self._bodies_at))
            return [start, self._bodies_at]
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"the cache cannot hold a {type(value).__name__}")

    def _dec_hook(self, kind: type, value: Any) -> Any:
        if kind is Path and value.__class__ is str:
            return Path(value)
        if kind is Body and value.__class__ is list and len(value) == 2:
            return self._decode_body(*value)
        raise ValueError(f"expected a {kind.__name__}, got {type(value).__name__}")

    def _decode_body(self, start: Any, end: Any) -> Body:
        if start.__class__ is not int or end.__class__ is not int or not 0 <= start <= end:
            raise ValueError(f"body {start}-{end} is not a span")
        bodies = self._bodies_in
        if isinstance(bodies, str):
            if end > len(bodies):
                raise ValueError(f"body {start}-{end} is not in the cached bodies")
            return Body(bodies[start:end])
        return bodies(start, end)


def _choice_field(root: type, hints: list[tuple[str, Any]]) -> tuple[str, dict[str, type]]:
    """The root's one field that may hold one of several classes, and those classes by name; the
    other fields checked for dates below their top."""
    choice: tuple[str, dict[str, type]] = ("", {})
    for name, hint in hints:
        classes = [a for a in typing.get_args(hint) if a is not NoneType] if _is_union(hint) else []
        if len(classes) > 1 and all(isinstance(c, type) and is_dataclass(c) for c in classes):
            if choice[0]:
                raise TypeError(f"{root.__name__}: one field may hold one of several classes, not two")
            choice = (name, {c.__name__: c for c in classes})
        elif _optional(hint) is not datetime:
            _check_dates(hint)
    return choice


def _tag(data: bytes) -> str | None:
    """The class named first in the array (names are identifiers: no escapes to undo)."""
    if data.startswith(b'["'):
        end = data.index(b'"', 2)
        return data[2:end].decode("ascii")
    if data.startswith(b"[null"):
        return None
    raise ValueError("not an array that names its class")


def _fields(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in fields(cls)]


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, UnionType)


def _optional(hint: Any) -> Any:
    """X for X | None, else the hint itself."""
    if _is_union(hint):
        args = [a for a in typing.get_args(hint) if a is not NoneType]
        return args[0] if len(args) == 1 else hint
    return hint


def _check_dates(hint: Any, top: bool = False, seen: frozenset[Any] = frozenset()) -> None:
    """A date keeps its zone only as a field of the root or of a class its choice field holds."""
    if hint in seen:
        return
    if hint is datetime and not top:
        raise TypeError("the cache keeps a date's zone only in a field of the root or of its item (see codec.py)")
    if isinstance(hint, type) and is_dataclass(hint):
        for _, h in _fields(hint):
            if not (top and _optional(h) is datetime):
                _check_dates(h, seen=seen | {hint})
        return
    for arg in typing.get_args(hint):
        _check_dates(arg, seen=seen | {hint})


def _wall(value: datetime | None, zones: list[Zone]) -> datetime | None:
    """A date as written: its wall time when in a named zone (the zone noted in `zones`)."""
    if value is None:
        zones.append(None)
        return None
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        if tz.key is None:
            raise TypeError("the cache cannot hold a zone without a name")
        zones.append((tz.key, value.fold))
        return value.replace(tzinfo=None, fold=0)
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        raise TypeError("the cache cannot hold an offset of seconds")  # JSON dates carry minutes
    zones.append(None)
    return value


def _zoned(value: datetime | None, zone: Zone) -> datetime | None:
    if zone is None:
        return value
    name, fold = zone
    if value is None or value.tzinfo is not None or fold not in (0, 1):
        raise ValueError("a date in a named zone is written as its wall time")
    tz = _ZONES.get(name) or _ZONES.setdefault(name, ZoneInfo(name))
    return value.replace(tzinfo=tz, fold=fold)
