import errno
import os
import shutil
from pathlib import Path

import pytest

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
