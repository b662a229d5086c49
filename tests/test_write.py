import errno
import os
import shutil
from pathlib import Path

import pytest

import sitegen.parts as parts_module
from conftest import write_tree
from sitegen.parts import Range, merge_ranges
from sitegen.problems import BuildError
from sitegen.write import MARKER, MARKER_TEXT, Staging


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


def test_every_output_holds_the_marker_and_a_patch_adds_it_to_an_old_output(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"a.html": b"a"})
    assert (out / MARKER).read_bytes() == MARKER_TEXT
    (out / MARKER).unlink()  # an output from before the marker
    patch(out, {"a.html": b"A"}, {"a.html"})
    assert (out / MARKER).read_bytes() == MARKER_TEXT


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def tree_of(folder: Path) -> dict[str, object]:
    """Files with bytes and mtimes, and folders: of the output and of anything left beside it."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


OLD = {"index.html": b"old index", "same.html": b"same", "x": b"a file, then a folder", "y/index.html": b"a folder, then a file",
       "gone/deep/index.html": b"deleted", "gone/x.txt": b"deleted", "a/b/c.html": b"old c"}
NEW = {"index.html": b"new index", "same.html": b"same", "x/index.html": b"now in a folder", "y": b"now a file",
       "a/b/c.html": b"new c", "new/sub/page.html": b"a new folder"}


def update(out: Path, files: dict[str, bytes], previous: set[str]) -> None:
    """As the build does: stage, commit, and discard on any error."""
    staging = Staging(out, patch=True)
    try:
        for name, data in files.items():
            staging.put(name, data)
        staging.commit(files.keys(), previous)
    except BaseException:
        staging.discard()
        raise


@pytest.mark.parametrize("exc", [OSError(errno.EIO, os.strerror(errno.EIO)), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_an_update_failing_at_any_step_puts_back_the_last_output_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                               exc: BaseException):
    from test_output_safety import FailAt

    work = tmp_path / "work"
    for n in range(1000):
        shutil.rmtree(work, ignore_errors=True)
        publish(work / "out", OLD)
        for p in (work / "out").rglob("*"):
            os.utime(p, ns=(10**9, 10**9))
        before = tree_of(work)
        with monkeypatch.context() as m:
            failing = FailAt(m, (work,), n, exc)
            try:
                update(work / "out", NEW, set(OLD))
            except (BuildError, KeyboardInterrupt) as raised:
                assert failing.fired and type(raised) is (BuildError if isinstance(exc, OSError) else KeyboardInterrupt)
                if isinstance(raised, BuildError):
                    assert "cannot be written: Input/output error" in str(raised)
                    assert tree_of(work) == before, failing.fired  # no staging or aside folder left either
                    continue
                if tree_of(work) == before:
                    continue
                # else Ctrl+C came after the last move, while tidying up: the new output is complete
        # A step whose failure was harmless (an existing folder made again, a cleanup), or none failed.
        assert {k: v for k, (v, _) in files_of(work / "out").items() if k != MARKER} == NEW, failing.fired
        if not failing.fired:
            break
    assert n > 25  # the steps: staging, file and folder swaps, replaced, new and deleted files, cleanup


def test_a_full_disk_while_staging_is_a_clean_problem(tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"index.html": b"good"})
    staging = Staging(out, patch=True)
    (staging.tmp / "index.html").symlink_to("/dev/full")  # writing there fails with ENOSPC, for real
    with pytest.raises(BuildError, match="index.html: cannot be written: No space left on device; free some disk space"):
        staging.put("index.html", b"new")
    staging.discard()
    assert (out / "index.html").read_bytes() == b"good" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_swap_that_fails_puts_the_old_output_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from test_output_safety import FailAt

    out = tmp_path / "out"
    publish(out, {"a.html": b"good"})
    staging = Staging(out)
    staging.put("a.html", b"new")
    with monkeypatch.context() as m:
        FailAt(m, (staging.tmp,), 0, OSError(errno.EXDEV, os.strerror(errno.EXDEV)))  # the rename of the new tree
        with pytest.raises(BuildError, match="cannot be written: Invalid cross-device link"):
            staging.commit()
    staging.discard()
    assert (out / "a.html").read_bytes() == b"good" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def old_output(folder: Path) -> tuple[Path, bytes]:
    """A last output of a few KB whose ranges the parts below copy."""
    data = bytes(range(256)) * 40
    path = write_tree(folder, {"feed.xml": data}) / "feed.xml"
    return path, data


def test_merge_ranges_joins_neighbours_in_one_file_and_drops_empty_parts(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    parts = [b"h", Range(a, 0, 10), Range(a, 10, 20), b"", Range(a, 20, 20), Range(a, 20, 30), Range(b, 30, 40),
             Range(b, 50, 60), memoryview(b"m"), Range(b, 60, 70)]
    assert list(merge_ranges(parts)) == [b"h", Range(a, 0, 30), Range(b, 30, 40), Range(b, 50, 60), memoryview(b"m"), Range(b, 60, 70)]


def test_parts_are_copied_a_merged_range_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    old, data = old_output(tmp_path / "last")
    calls: list[tuple[int, int]] = []
    real = os.copy_file_range

    def spy(src: int, dst: int, count: int, offset_src: int | None = None, offset_dst: int | None = None) -> int:
        calls.append((offset_src or 0, count))
        return real(src, dst, count, offset_src, offset_dst)

    monkeypatch.setattr(os, "copy_file_range", spy)
    staging = Staging(tmp_path / "out")
    parts = [b"head", Range(old, 0, 100), Range(old, 100, 250), Range(old, 250, 300), b"mid", Range(old, 500, 600),
             Range(old, 600, 700), b"tail"]
    assert staging.put_parts("x/feed.xml", parts) == (1, 0)
    staging.commit()
    assert (tmp_path / "out/x/feed.xml").read_bytes() == b"head" + data[:300] + b"mid" + data[500:700] + b"tail"
    assert calls == [(0, 300), (500, 200)]


def test_parts_are_copied_by_hand_where_the_kernel_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Another file system (EXDEV), even midway through a range: the rest goes by pread and write."""
    old, data = old_output(tmp_path / "last")
    real = os.copy_file_range
    calls: list[int] = []

    def first_then_exdev(src: int, dst: int, count: int, offset_src: int | None = None, offset_dst: int | None = None) -> int:
        calls.append(count)
        if len(calls) > 1:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real(src, dst, 10, offset_src, offset_dst)  # a short copy, as the kernel may do

    monkeypatch.setattr(os, "copy_file_range", first_then_exdev)
    monkeypatch.setattr(parts_module, "CHUNK", 7)  # several reads per range
    staging = Staging(tmp_path / "out")
    assert staging.put_parts("feed.xml", [Range(old, 5, 400), b"-", Range(old, 1000, 2000)]) == (1, 0)
    staging.commit()
    assert (tmp_path / "out/feed.xml").read_bytes() == data[5:400] + b"-" + data[1000:2000]
    assert calls == [395, 385]  # no kernel copy tried again after it failed


@pytest.mark.parametrize("patching", [False, True])
def test_parts_equal_to_the_last_output_keep_it_and_its_mtime(patching: bool, tmp_path: Path):
    out = tmp_path / "out"
    publish(out, {"feed.xml": bytes(range(256)) * 40})
    os.utime(out / "feed.xml", ns=(10**9, 10**9))
    data = (out / "feed.xml").read_bytes()
    staging = Staging(out, patch=patching)
    # the same bytes, partly new and partly copied from the old file at other offsets
    assert staging.put_parts("feed.xml", [data[:256], Range(out / "feed.xml", 0, 256), Range(out / "feed.xml", 512, len(data))]) == (0, 1)
    staged = staging.tmp / "feed.xml"  # the staged copy dropped: left alone when patching, else linked
    assert not staged.exists() if patching else staged.stat().st_ino == (out / "feed.xml").stat().st_ino
    assert staging.put_parts("other.xml", [b"x"]) == (1, 0)
    staging.commit(["feed.xml", "other.xml"], ["feed.xml"])
    assert (out / "feed.xml").stat().st_mtime_ns == 10**9 and (out / "feed.xml").read_bytes() == data


def test_parts_that_cannot_be_written_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    publish(out, {"feed.xml": b"good"})

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "copy_file_range", full)  # not a reason to copy by hand: the disk is full
    staging = Staging(out, patch=True)
    with pytest.raises(BuildError, match="feed.xml: cannot be written: No space left on device; free some disk space"):
        staging.put_parts("feed.xml", [b"new", Range(out / "feed.xml", 0, 4)])
    staging.discard()
    assert (out / "feed.xml").read_bytes() == b"good" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
