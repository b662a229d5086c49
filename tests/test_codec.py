"""The cache's codec: parsed documents survive a round trip exactly, and nothing else decodes."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import make_config
from sitegen.codec import LONG, Codec
from sitegen.load import DOC_CODEC, list_sources, parse_file
from sitegen.models import Chapter, Media


def test_every_sample_document_round_trips_exactly(sample: Path):
    files, _ = list_sources(sample)
    config = make_config(sample)
    loaded = [parse_file(f, "x", config) for f in files]
    assert any(x.item is not None and len(getattr(x.item, "body_html", "")) >= LONG for x in loaded)
    for x in loaded:
        text, texts = DOC_CODEC.dumps(x)
        back = DOC_CODEC.loads(text, texts)
        assert back == x and repr(back) == repr(x)  # repr: the digests the build keys on


@pytest.mark.parametrize("when", [
    datetime(2026, 3, 1, 6, 0, tzinfo=ZoneInfo("Europe/London")),
    datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London")),  # the second 01:30 of the night
    datetime(2020, 1, 1, tzinfo=timezone.utc),
    datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
])
def test_dates_keep_their_zone(when: datetime):
    codec = Codec(Chapter)
    chapter = Chapter(timedelta(seconds=65), when.isoformat())
    assert codec.loads(*codec.dumps(chapter)) == chapter
    from sitegen.codec import _as_datetime, _encode_datetime

    back = _as_datetime(json.loads(json.dumps(_encode_datetime(when))))
    assert repr(back) == repr(when) and back.utcoffset() == when.utcoffset()


@pytest.mark.parametrize("text", [
    '{"@": "Popen", "v": [["touch", "x"]]}',  # not a registered class
    '{"@": "Chapter", "v": [[0, 1, 0]]}',  # too few values
    '{"@": "Media", "v": ["a", null, 1, "audio/mpeg", "soon"]}',  # a field of the wrong shape
    '{"@": "Chapter", "v": [[0, 1, 0], [0, 99]]}',  # a long text beyond the texts kept
    '{"__reduce__": 1}',
    "not json",
])
def test_anything_else_is_refused_as_a_value_error(text: str):
    with pytest.raises(ValueError):
        Codec(Chapter, Media).loads(text, "short")


def test_objects_of_unknown_types_are_not_written():
    with pytest.raises(TypeError):
        Codec(Chapter).dumps(Chapter(timedelta(0), object()))  # type: ignore[arg-type]
