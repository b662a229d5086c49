import os
from pathlib import Path

import pytest

from sitegen.write import write_site


def test_write_site_creates_output(tmp_path: Path):
    src = tmp_path / "a.mp3"
    src.write_bytes(b"abc")
    stats = write_site({"index.html": b"<p>hi</p>", "x/y.txt": b"y"}, {"m/a.mp3": src}, tmp_path / "out")
    assert (tmp_path / "out/index.html").read_bytes() == b"<p>hi</p>"
    assert (tmp_path / "out/m/a.mp3").read_bytes() == b"abc"
    assert stats.files == 3 and stats.written == 3


def test_write_site_keeps_unchanged_files_and_removes_stale_ones(tmp_path: Path):
    out = tmp_path / "out"
    write_site({"a.html": b"a", "b.html": b"b", "old.html": b"o"}, {}, out)
    os.utime(out / "a.html", ns=(10**9, 10**9))
    stats = write_site({"a.html": b"a", "b.html": b"B"}, {}, out)
    assert (out / "a.html").stat().st_mtime_ns == 10**9  # not rewritten
    assert (out / "b.html").read_bytes() == b"B"
    assert not (out / "old.html").exists()
    assert (stats.written, stats.kept) == (1, 1)


def test_write_site_failure_leaves_previous_output(tmp_path: Path):
    out = tmp_path / "out"
    write_site({"a.html": b"good"}, {}, out)
    with pytest.raises(FileNotFoundError):
        write_site({"a.html": b"new"}, {"b.mp3": tmp_path / "missing.mp3"}, out)
    assert (out / "a.html").read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind
