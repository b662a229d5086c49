import os
from pathlib import Path

from sitegen.write import Staging


def publish(out: Path, files: dict[str, bytes], copies: dict[str, Path] | None = None, keep: tuple[str, ...] = ()) -> tuple[int, int]:
    staging = Staging(out)
    counts = [staging.put(n, d) for n, d in files.items()] + [staging.copy(n, s) for n, s in (copies or {}).items()]
    counts += [staging.keep(n) for n in keep]
    staging.commit()
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def test_staging_creates_output(tmp_path: Path):
    src = tmp_path / "a.mp3"
    src.write_bytes(b"abc")
    assert publish(tmp_path / "out", {"index.html": b"<p>hi</p>", "x/y.txt": b"y"}, {"m/a.mp3": src}) == (3, 0)
    assert (tmp_path / "out/index.html").read_bytes() == b"<p>hi</p>"
    assert (tmp_path / "out/m/a.mp3").read_bytes() == b"abc"


def test_unchanged_files_keep_their_mtime_and_stale_ones_go(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"a.html": b"a", "b.html": b"b", "c.html": b"c", "old.html": b"o"})
    os.utime(out / "a.html", ns=(10**9, 10**9))
    os.utime(out / "c.html", ns=(10**9, 10**9))
    assert publish(out, {"a.html": b"a", "b.html": b"B"}, keep=("c.html",)) == (1, 2)
    assert (out / "a.html").stat().st_mtime_ns == 10**9 and (out / "c.html").stat().st_mtime_ns == 10**9
    assert (out / "b.html").read_bytes() == b"B"
    assert not (out / "old.html").exists()


def test_discarded_staging_leaves_previous_output(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"a.html": b"good"})
    staging = Staging(out)
    staging.put("a.html", b"new")
    staging.discard()
    assert (out / "a.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".out.old")) == ["out"]


def patch(out: Path, files: dict[str, bytes], previous: set[str]) -> tuple[int, int]:
    staging = Staging(out, patch=True)
    counts = [staging.put(n, d) for n, d in files.items()]
    staging.commit(files.keys(), previous)
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def test_patch_mode_moves_only_changed_files_and_deletes_the_unwanted(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"a.html": b"a", "b/index.html": b"b", "gone/deep/index.html": b"g", "gone/x.txt": b"x"})
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(10**9, 10**9))
    inode = (out / "a.html").stat().st_ino
    assert patch(out, {"a.html": b"a", "b/index.html": b"B", "new/index.html": b"n"},
                 {"a.html", "b/index.html", "gone/deep/index.html", "gone/x.txt"}) == (2, 1)
    assert (out / "a.html").stat().st_mtime_ns == 10**9 and (out / "a.html").stat().st_ino == inode  # untouched
    assert (out / "b/index.html").read_bytes() == b"B" and (out / "new/index.html").read_bytes() == b"n"
    assert not (out / "gone").exists()  # emptied folders go too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the staging folder is gone


def test_patch_mode_replaces_a_file_with_a_folder_and_back(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"x": b"file", "y/index.html": b"dir"})
    patch(out, {"x/index.html": b"now a folder", "y": b"now a file"}, {"x", "y/index.html"})
    assert (out / "x/index.html").read_bytes() == b"now a folder" and (out / "y").read_bytes() == b"now a file"


def test_patch_mode_discard_leaves_the_output_alone(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"a.html": b"good"})
    staging = Staging(out, patch=True)
    staging.put("a.html", b"new")
    staging.discard()
    assert (out / "a.html").read_bytes() == b"good"


def test_patch_mode_without_an_output_writes_a_whole_tree(tmp_path: Path):
    staging = Staging(tmp_path / "out", patch=True)
    assert not staging.patch
    staging.put("a.html", b"a")
    staging.commit({"a.html"}, {"old.html"})
    assert (tmp_path / "out/a.html").read_bytes() == b"a"
