"""join(): pieces of the last output and new bytes make the same file as joining the bytes, with
runs of neighbouring pieces as single ranges."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from sitegen.parts import Range, write_parts
from sitegen.pieces import join


def _write(path: Path, parts: list) -> bytes:
    with path.open("wb") as fh:
        write_parts(fh.fileno(), parts)
    return path.read_bytes()


@pytest.mark.parametrize("sep", [b"", b","])
@pytest.mark.parametrize("seed", range(20))
def test_reused_pieces_and_new_ones_join_to_the_same_bytes(sep: bytes, seed: int, tmp_path: Path):
    rng = random.Random(seed)
    texts = {f"k{i}": bytes(rng.choice(b"abcxyz") for _ in range(rng.randrange(0, 6))) for i in range(rng.randrange(1, 30))}
    last = tmp_path / "last"
    spans: dict[str, tuple[int, int]] = {}
    chunks = list(join(b"[", list(texts.items()), b"]", sep, spans))
    whole = _write(last, chunks)
    assert whole == b"[" + sep.join(texts.values()) + b"]"
    assert all(whole[a:b] == texts[k] for k, (a, b) in spans.items())

    # the next output: some pieces changed, some dropped, one added, the rest reused from `last`
    items = [(k, v) for k, v in texts.items() if rng.random() > 0.2]
    items = [(k, b"new" + v) if rng.random() < 0.3 else (k, v) for k, v in items]
    items.insert(rng.randrange(0, len(items) + 1), ("added", b"fresh"))
    parts = [(k, Range(last, *spans[k]) if k in texts and v == texts[k] else v) for k, v in items]
    spans2: dict[str, tuple[int, int]] = {}
    chunks2 = list(join(b"[", iter(parts), b"]", sep, spans2))  # taken one at a time, as the writer takes them
    new = _write(tmp_path / "new", chunks2)
    assert new == b"[" + sep.join(v for _, v in items) + b"]"
    assert all(new[a:b] == v for (k, v), (a, b) in zip(items, (spans2[k] for k, _ in items)))


def test_a_run_of_neighbours_is_one_copy(tmp_path: Path):
    last = tmp_path / "last"
    last.write_bytes(b"[aa,bb,cc,dd]")
    spans: dict[str, tuple[int, int]] = {}
    chunks = list(join(b"[", [("a", Range(last, 1, 3)), ("b", Range(last, 4, 6)), ("c", Range(last, 7, 9)),
                              ("x", b"xx"), ("d", Range(last, 10, 12))], b"]", b",", spans))
    assert chunks == [b"[", Range(last, 1, 9), b",", b"xx", b",", Range(last, 10, 12), b"]"]
    assert spans == {"a": (1, 3), "b": (4, 6), "c": (7, 9), "x": (10, 12), "d": (13, 15)}
