"""The cache's codec: parsed documents survive a round trip exactly, and nothing else decodes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import make_config
from sitegen.codec import Codec
from sitegen.fingerprint import ContentIds
from sitegen.load import DOC_CODEC, list_sources, parse_file
from sitegen.body import Body
from sitegen.models import Chapter


def test_every_sample_document_round_trips_exactly(sample: Path):
    files, _ = list_sources(sample)
    config = make_config(sample)
    loaded = [parse_file(f, "x", config, ContentIds(sample, {}, 0)) for f in files]
    assert any(x.item is not None and len(getattr(x.item, "body_html", "")) >= 256 for x in loaded)
    for x in loaded:
        back = DOC_CODEC.loads(*DOC_CODEC.dumps(x))
        assert back == x and repr(back) == repr(x)  # repr: the digests the build keys on


def test_bodies_are_loaded_only_when_shown_and_never_kept(sample: Path):
    files, _ = list_sources(sample)
    x = next(x for f in files if (x := parse_file(f, "x", make_config(sample), ContentIds(sample, {}, 0))).item is not None)
    text, bodies = DOC_CODEC.dumps(x)
    asked: list[tuple[int, int]] = []

    def later(start: int, end: int) -> Body:
        return Body(load=lambda: asked.append((start, end)) or bodies[start:end])

    back = DOC_CODEC.loads(text, later)
    assert not back.item.body.loaded and asked == []
    assert back.item.body_html == x.item.body_html and asked == [(0, len(bodies))]
    assert back.item.body_html == x.item.body_html and len(asked) == 2  # read again: a worker showing thousands holds none
    assert not back.item.body.loaded
    assert back == x


@pytest.mark.parametrize("when", [
    datetime(2026, 3, 1, 6, 0, tzinfo=ZoneInfo("Europe/London")),
    datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London")),  # the second 01:30 of the night
    datetime(2020, 1, 1, tzinfo=timezone.utc),
    datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    datetime(2020, 1, 1, 1, 2, 3, 4),
])
def test_dates_keep_their_zone(when: datetime):
    codec = Codec(Stamp)
    back = codec.loads(*codec.dumps(Stamp(when, Path("a/b.mp3"), (timedelta(seconds=65),))))
    assert repr(back.when) == repr(when) and back.when.utcoffset() == when.utcoffset()
    assert back == Stamp(when, Path("a/b.mp3"), (timedelta(seconds=65),))


@dataclass(frozen=True, slots=True)
class Stamp:
    when: datetime
    where: Path | None
    marks: tuple[timedelta, ...]


@pytest.mark.parametrize("text", [
    b'["Popen", [["touch", "x"]], []]',  # naming a class: a Chapter holds no choice of classes
    b'[null, "PT1S", []]',  # too few values
    b'[null, "PT1S", "title", "extra", []]',  # too many
    b'[null, "soon", "title", []]',  # a start that is not a duration
    b'[null, "PT1S", ["title"], []]',  # a list where a text goes
    b'[null, "PT1S", "title", [["Europe/London", 0]]]',  # a zone for a date it does not have
    b'[null, "PT1S", "title"',  # cut short
    b'{"__reduce__": 1}',
    b"not json",
])
def test_anything_else_is_refused_as_a_value_error(text: bytes):
    assert Codec(Chapter).loads(b'[null, "PT1S", "title", []]') == Chapter(timedelta(seconds=1), "title")
    with pytest.raises(ValueError):
        Codec(Chapter).loads(text, "short")


def test_a_union_field_names_its_class_and_only_its_own(sample: Path):
    files, _ = list_sources(sample)
    loaded = parse_file(files[0], "x", make_config(sample), ContentIds(sample, {}, 0))
    text, bodies = DOC_CODEC.dumps(loaded)
    assert text.startswith(b'["Episode"')
    with pytest.raises(ValueError):
        DOC_CODEC.loads(text.replace(b'"Episode"', b'"Popen"', 1), bodies)
    with pytest.raises(ValueError):
        DOC_CODEC.loads(text.replace(b'"Episode"', b'"Article"', 1), bodies)  # another class's fields
    with pytest.raises(ValueError):
        DOC_CODEC.loads(text, bodies[:-1])  # a body beyond the bodies kept


def test_objects_of_unknown_types_are_not_written():
    with pytest.raises(TypeError):
        Codec(Chapter).dumps(Chapter(timedelta(0), object()))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Nested:
    stamps: tuple[Stamp, ...]


def test_a_date_below_the_top_is_refused_when_the_codec_is_made():
    """msgspec would keep only its offset: its zone's name has no place to go."""
    with pytest.raises(TypeError):
        Codec(Nested)


@pytest.mark.parametrize("zones", [b"[]", b'[["Europe/London", 0], null]', b'[["Nowhere/Atlantis", 0]]', b'[["../../etc/passwd", 0]]',
                                   b'[["Europe/London", 2]]'])
def test_a_date_with_a_missing_or_strange_zone_is_refused(zones: bytes):
    codec = Codec(Stamp)
    text, _ = codec.dumps(Stamp(datetime(2026, 3, 1, 6, 0, tzinfo=ZoneInfo("Europe/London")), None, ()))
    assert text.endswith(b'[["Europe/London",0]]]')
    with pytest.raises(ValueError):
        codec.loads(text[:-len(b'[["Europe/London",0]]]')] + zones + b"]")
