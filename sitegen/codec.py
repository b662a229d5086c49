"""Parsed documents as JSON and back, for the build cache.

Data only: decoding can only build values of the types reachable from the root type's field
annotations (the engine's frozen dataclasses, strings, numbers, dates, durations, paths), and
can never run code (unlike pickle or marshal). Anything else raises `ValueError`, which the
cache treats as a miss.

Fast because it is typed: a dataclass is written as the JSON array of its field values (its
class is known from the annotation, so it is not written; only a field that may hold one of
several classes carries the class's name), JSON is parsed by orjson without hooks, and one
function per type, made once from the annotations, turns the arrays back. Long texts are
kept beside the JSON as one string and referenced by [start, end], so they are neither escaped
nor parsed; items' bodies (`Body`) likewise in a string of their own, which the caller may
load later (see body.py).
"""
from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Callable, NamedTuple
from zoneinfo import ZoneInfo

import orjson

from .body import Body

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]
LONG = 256  # characters from which a text field is kept beside the JSON, not inside it
_ZONES: dict[str, ZoneInfo] = {}
# The bodies of a decoded value: their string, or what makes a Body that loads [start, end] of it later
Bodies = str | Callable[[int, int], Body]


class Encoded(NamedTuple):
    json: str
    texts: str  # long texts, referenced from the JSON by [start, end]
    bodies: str  # bodies, likewise


class Codec:
    """Encodes and decodes values of `root` (a dataclass) as (JSON, long texts)."""

    def __init__(self, root: type) -> None:
        self._encoders: dict[Any, Encode] = {}
        self._decoders: dict[Any, Decode] = {}
        self._out: list[str] = []
        self._at = 0
        self._in = ""
        self._bodies_out: list[str] = []
        self._bodies_at = 0
        self._bodies_in: Bodies = ""
        self._encode_root = self._encoder(root)
        self._decode_root = self._decoder(root)

    def dumps(self, value: Any) -> Encoded:
        self._out, self._at, self._bodies_out, self._bodies_at = [], 0, [], 0
        try:
            text = orjson.dumps(self._encode_root(value)).decode()
            return Encoded(text, "".join(self._out), "".join(self._bodies_out))
        finally:
            self._out, self._bodies_out = [], []

    def loads(self, text: str | bytes, texts: str = "", bodies: Bodies = "") -> Any:
        """`bodies`: the string dumps() gave, or a function that makes a Body loading a span of it."""
        self._in, self._bodies_in = texts, bodies
        try:
            return self._decode_root(orjson.loads(text))
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as exc:  # orjson.JSONDecodeError is a ValueError
            raise ValueError(f"not a cached value: {exc}") from exc
        finally:
            self._in, self._bodies_in = "", ""

    # Encoders: value -> JSON-able, by the declared type.

    def _encoder(self, hint: Any) -> Encode:
        if hint not in self._encoders:
            self._encoders[hint] = lambda v: self._encoders[hint](v)  # recursive types: resolved on first use
            self._encoders[hint] = self._make_encoder(hint)
        return self._encoders[hint]

    def _make_encoder(self, hint: Any) -> Encode:
        if hint in (str, Body):  # kept beside the JSON
            return self._encode_text if hint is str else self._encode_body
        if hint in _PLAIN_ENCODERS:
            return _PLAIN_ENCODERS[hint]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is tuple:
            return self._tuple_encoder(args)
        if origin in (typing.Union, UnionType):
            return self._union_encoder([a for a in args if a is not NoneType])
        if isinstance(hint, type) and is_dataclass(hint):
            parts = [(f.name, self._encoder(h)) for f, h in _fields(hint)]
            return lambda v: [encode(getattr(v, name)) for name, encode in parts]
        raise TypeError(f"the cache cannot hold a {hint!r}")

    def _tuple_encoder(self, args: tuple[Any, ...]) -> Encode:
        if args[1:] != (Ellipsis,):  # tuple[str, int, int]: by position
            each = [self._encoder(a) for a in args]
            return lambda v: [encode(x) for encode, x in zip(each, v, strict=True)]
        item = self._encoder(args[0])
        return lambda v: [item(x) for x in v]

    def _union_encoder(self, classes: list[Any]) -> Encode:
        """X | None as X or null; a choice of classes as [class name, value]."""
        if len(classes) == 1:
            inner = self._encoder(classes[0])
            return lambda v: None if v is None else inner(v)
        by_class = {c: (c.__name__, self._encoder(c)) for c in classes}

        def tagged(v: Any) -> Any:
            if v is None:
                return None
            name, encode = by_class[type(v)]
            return [name, encode(v)]

        return tagged

    def _encode_text(self, value: str) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        if len(value) < LONG:
            return value
        start = self._at
        self._out.append(value)
        self._at += len(value)
        return [start, self._at]

    def _encode_body(self, value: Body) -> Any:
        if not isinstance(value, Body):
            raise TypeError(f"expected a Body, got {type(value).__name__}")
        text = value.html
        start = self._bodies_at
        self._bodies_out.append(text)
        self._bodies_at += len(text)
        return [start, self._bodies_at]

    # Decoders: JSON value -> value of the declared type.

    def _decoder(self, hint: Any) -> Decode:
        if hint not in self._decoders:
            self._decoders[hint] = lambda v: self._decoders[hint](v)
            self._decoders[hint] = self._make_decoder(hint)
        return self._decoders[hint]

    def _make_decoder(self, hint: Any) -> Decode:
        if hint in (str, Body):
            return self._decode_text if hint is str else self._decode_body
        if hint in _PLAIN_DECODERS:
            return _PLAIN_DECODERS[hint]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is tuple and args[1:] != (Ellipsis,):
            return self._fixed_tuple_decoder(args)
        if origin is tuple:
            item = self._decoder(args[0])
            return lambda v: tuple(map(item, v))
        if origin in (typing.Union, UnionType):
            return self._union_decoder([a for a in args if a is not NoneType])
        if isinstance(hint, type) and is_dataclass(hint):
            return self._dataclass_decoder(hint)
        raise TypeError(f"the cache cannot hold a {hint!r}")

    def _union_decoder(self, classes: list[Any]) -> Decode:
        if len(classes) == 1:
            inner = self._decoder(classes[0])
            return lambda v: None if v is None else inner(v)
        by_name = {c.__name__: self._decoder(c) for c in classes}
        return lambda v: None if v is None else by_name[v[0]](v[1])

    def _dataclass_decoder(self, cls: type) -> Decode:
        """Straight-line code for one class, made from its own field list (never from cached data),
        as dataclasses makes __init__: a loop over the fields costs twice as much per object."""
        env: dict[str, Any] = {"_new": object.__new__, "_put": object.__setattr__, "_cls": cls, "_text": self._decode_text,
                               "ValueError": ValueError}
        lines = []
        for i, (f, hint) in enumerate(_fields(cls)):
            if hint is str:  # short texts as they are; long ones from beside the JSON
                value = f"(v[{i}] if v[{i}].__class__ is str else _text(v[{i}]))"
            elif hint in (int, float, bool):  # as they are: a check each would double the cost
                value = f"v[{i}]"
            else:
                env[f"_d{i}"] = self._decoder(hint)
                value = f"_d{i}(v[{i}])"
            lines.append(f"    _put(o, {f.name!r}, {value})")
        source = (f"def decode(v):\n    if v.__class__ is not list or len(v) != {len(lines)}:\n"
                  f"        raise ValueError({cls.__name__ + ': expected ' + str(len(lines)) + ' values'!r})\n"
                  "    o = _new(_cls)\n" + "\n".join(lines) + "\n    return o\n")
        exec(compile(source, f"<decode {cls.__name__}>", "exec"), env)  # noqa: S102 - code made from the class, not from data
        return env["decode"]

    def _fixed_tuple_decoder(self, args: tuple[Any, ...]) -> Decode:
        """tuple[str, int, int] and the like: straight-line code, as for a dataclass (a generator
        over the positions costs twice as much, and there are 100,000 of them at 20,000 posts)."""
        env: dict[str, Any] = {"ValueError": ValueError}
        values = []
        for i, hint in enumerate(args):
            env[f"_d{i}"] = self._decoder(hint)
            values.append(f"_d{i}(v[{i}])")
        source = (f"def decode(v):\n    if v.__class__ is not list or len(v) != {len(args)}:\n"
                  f"        raise ValueError('expected {len(args)} values')\n"
                  f"    return ({', '.join(values)},)\n")
        exec(compile(source, "<decode tuple>", "exec"), env)  # noqa: S102 - code made from the annotation, not from data
        return env["decode"]

    def _decode_text(self, value: Any) -> str:
        if value.__class__ is str:
            return value
        start, end = value
        if not 0 <= start <= end <= len(self._in):
            raise ValueError(f"text {start}-{end} is not in the cached texts")
        return self._in[start:end]

    def _decode_body(self, value: Any) -> Body:
        start, end = value
        if start.__class__ is not int or end.__class__ is not int or not 0 <= start <= end:
            raise ValueError(f"body {start}-{end} is not a span")
        bodies = self._bodies_in
        if isinstance(bodies, str):
            if end > len(bodies):
                raise ValueError(f"body {start}-{end} is not in the cached bodies")
            return Body(bodies[start:end])
        return bodies(start, end)


def _fields(cls: type) -> list[tuple[Any, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f, hints[f.name]) for f in fields(cls)]


def _checked(kind: type) -> Decode:
    def check(value: Any) -> Any:
        if value.__class__ is not kind and not (kind is float and value.__class__ is int):
            raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return check


def _encode_datetime(value: datetime) -> list[Any]:
    """[year, month, day, hour, minute, second, microsecond, fold, zone]: a named zone by its name,
    so a decoded date has the same zone object (and so the same offsets and names) as a parsed
    one; a fixed offset in seconds; None for a naive time."""
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


def _as_datetime(value: list[Any]) -> datetime:
    y, mo, d, h, mi, s, us, fold, zone = value
    if isinstance(zone, str):
        tz: tzinfo | None = _ZONES.get(zone) or _ZONES.setdefault(zone, ZoneInfo(zone))
    else:
        tz = None if zone is None else timezone(timedelta(seconds=zone))
    return datetime(y, mo, d, h, mi, s, us, tzinfo=tz, fold=fold)


_PLAIN_ENCODERS: dict[Any, Encode] = {
    int: lambda v: v, float: lambda v: v, bool: lambda v: v, NoneType: lambda v: v, Path: str,
    datetime: lambda v: _encode_datetime(v), timedelta: lambda v: [v.days, v.seconds, v.microseconds],
}
_PLAIN_DECODERS: dict[Any, Decode] = {
    int: _checked(int), float: _checked(float), bool: _checked(bool), NoneType: _checked(NoneType),
    Path: lambda v: Path(_checked(str)(v)), datetime: lambda v: _as_datetime(v), timedelta: lambda v: timedelta(v[0], v[1], v[2]),
}
