"""Write the site so that a failed build never touches the last good output.

Two ways, same result:
- a full build writes a complete sibling folder and swaps it in with two renames (files whose
  bytes did not change are hard-linked from the previous output, so their mtimes stay);
- an incremental build (`patch=True`) stages only new and changed files, then moves each into
  place with an atomic rename and deletes what is no longer wanted: the cost follows the size
  of the change, not of the site. What each move replaces (or each deletion removes) is kept
  in an aside folder until the last move succeeded; a failure or Ctrl+C at any step puts it
  all back, so the output is the last good one again. Only a build killed midway through the
  moves leaves some files new and some old, which the next build notices (the caller drops
  its record of the output before committing) and rewrites whole.

A build only ever replaces a folder a build made: each output holds a small marker file, and
check_output_folder() refuses the project itself, its sources, the cache and any non-empty
folder without the marker, before anything is written.
"""
from __future__ import annotations

import errno
import itertools
import os
import re
import shutil
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

from .problems import BuildError, Problem, rel

# The marker: inside the output, so a moved or renamed output stays recognisable. It is published
# with the site (upload-pages-artifact leaves out only .git and .github), which is harmless: a
# hidden file of a few dozen bytes naming the generator, with no path, user name or version,
# like Sphinx's .buildinfo.
MARKER = ".sitegen-output"
MARKER_TEXT = b"Made by sitegen (Retro Stride). A build replaces this folder whole.\n"

# Folders of the project a build reads or must keep; an output may be neither inside nor around them.
PROJECT_FOLDERS = ("content", "templates", "static", ".git", "sitegen", "tests")
ENGINE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class WriteStats:
    files: int
    written: int  # new or changed
    kept: int  # unchanged, carried over


def check_output_folder(out_dir: Path, root: Path, cache_dir: Path, origin: str,
                        recorded: Collection[str] = ()) -> None:
    """Refuse an output folder a build must not replace: the project or a folder around it, one
    of its sources (a build would read its own output), the cache, the engine, or a non-empty
    folder no build made. `origin` is "--out" or "site.toml" (where the folder was chosen);
    `recorded` names the files the last build wrote into this very folder, as the cache says.

    Outputs from before the marker existed have none: such a folder is accepted only when the
    cache says the last build wrote it and every file in it is one that build wrote (or it holds
    no file at all), so no file of anyone else's is ever deleted. Anything else is refused with
    the fix (delete it once)."""
    out, root = out_dir.resolve(), root.resolve()
    line = 0
    if origin == "site.toml":
        from .config import config_line

        line = config_line(root, "build", "output")
    what = f"output folder {rel(out, root)}/" + (" (the default)" if origin == "site.toml" and not line else "")
    fix = "choose a folder of its own, e.g. _site"

    def refuse(message: str) -> None:
        raise BuildError([Problem(origin, line, f"{what} {message}")])

    if _inside(root, out):
        refuse(f"holds the whole project; a build replaces its output folder whole and would delete it: {fix}")
    guarded = [(root / name, f"{name}/") for name in PROJECT_FOLDERS]
    guarded += [(cache_dir.resolve(), "the build cache"), (ENGINE_DIR, "the engine")]
    for folder, name in guarded:
        if _inside(out, folder):
            refuse(f"is inside {name}, which a build reads or keeps: {fix}")
        if _inside(folder, out):
            refuse(f"holds {name}; a build replaces its output folder whole and would delete it: {fix}")
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        refuse(f"is a file, not a folder: {fix}")
    with os.scandir(out) as entries:
        if (out / MARKER).is_file() or not any(entries):
            return
    strange = _unrecorded(out, recorded)
    if strange is None:
        return  # written by this engine before outputs had the marker: this build adds it
    refuse(f"is not empty and no build made it (no {MARKER} in it; it holds {strange}), so a build will not "
           "replace it: delete it first if nothing in it is needed, or choose another folder")


def _inside(path: Path, folder: Path) -> bool:
    """`path` is `folder` or below it: by name, and by identity where both exist (a bind mount,
    or another spelling on a case-insensitive disk, is the same folder)."""
    if path == folder or folder in path.parents:
        return True
    try:
        target = os.stat(folder)
    except OSError:
        return False
    for p in (path, *path.parents):
        try:
            st = os.stat(p)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def _unrecorded(out: Path, recorded: Collection[str]) -> str | None:
    """A file in `out` the last build did not write, or None when all are its own."""
    known = set(recorded)
    top = len(str(out)) + 1
    for folder, _, files in os.walk(out):
        for f in files:
            name = os.path.join(folder, f)[top:].replace(os.sep, "/")
            if name not in known:
                return name
    return None


class Staging:
    """The next output, written into a sibling folder (by this process or forked workers) and
    put in place by commit() only when complete; discard() leaves the last good output as it was.
    Any OSError becomes a BuildError naming the file and the fix."""

    def __init__(self, out_dir: Path, patch: bool = False):
        self.out_dir = out_dir.resolve()
        self.patch = patch and self.out_dir.is_dir()
        self.tmp = self.out_dir.with_name(f".{self.out_dir.name}.tmp-{os.getpid()}")
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            _clear_dead(self.out_dir)
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
            self.tmp.mkdir()
            if not (self.patch and _same_bytes(self.out_dir / MARKER, MARKER_TEXT)):
                (self.tmp / MARKER).write_bytes(MARKER_TEXT)
        except OSError as exc:
            raise _write_error(exc.filename or self.tmp, exc) from exc

    def _target(self, name: str) -> Path:
        target = self.tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def put(self, name: str, data: bytes) -> tuple[int, int]:
        """Write generated bytes; (written, kept): the same bytes as before are linked, mtime and all."""
        if _same_bytes(self.out_dir / name, data):
            return self.keep(name)
        try:
            self._target(name).write_bytes(data)
        except OSError as exc:
            raise _write_error(self.out_dir / name, exc) from exc
        return 1, 0

    def put_all(self, files: dict[str, bytes]) -> tuple[int, int]:
        counts = [self.put(name, data) for name, data in files.items()]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def keep(self, name: str) -> tuple[int, int]:
        """Carry over a file the caller knows is current (it checked what the file was made from):
        linked into a new tree, or simply left where it is when patching."""
        if not self.patch:
            try:
                os.link(self.out_dir / name, self._target(name))
            except OSError as exc:
                raise _write_error(self.out_dir / name, exc) from exc
        return 0, 1

    def copy(self, name: str, src: Path) -> tuple[int, int]:
        old = self.out_dir / name
        if old.is_file() and _same_file(old, src):
            return self.keep(name)
        try:
            shutil.copy2(src, self._target(name))
        except OSError as exc:
            if exc.filename == os.fspath(src):
                raise BuildError([Problem(rel(src, Path.cwd()), 0, f"cannot be read: {exc.strerror or exc}; "
                                                                   "check that it exists and may be read")]) from exc
            raise _write_error(old, exc) from exc
        return 1, 0

    def commit(self, wanted: Collection[str] = (), previous: Collection[str] = ()) -> None:
        """Publish. In patch mode `wanted` names every file of the new output and `previous` every
        file of the last one: those no longer wanted are deleted (files added by hand stay until
        the next full build)."""
        if self.patch:
            _patch(self.tmp, self.out_dir, set(previous) - set(wanted))
        else:
            try:
                _swap(self.tmp, self.out_dir)
            except OSError as exc:
                raise _write_error(self.out_dir, exc) from exc

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _write_error(path: Path | str, exc: OSError, note: str = "") -> BuildError:
    """An OSError while writing the output, as a problem with its fix (never a traceback)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some disk space, then build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "make it writable (permissions, a read-only disk, or `chattr -i` on Linux), then build again"
    else:
        fix = "check permissions and free disk space, then build again"
    return BuildError([Problem(rel(Path(path), Path.cwd()), 0, f"cannot be written: {exc.strerror or exc}; {fix}{note}")])


def _same_bytes(path: Path, data: bytes) -> bool:
    """Compare in chunks: a 20 MB feed is not read into memory a second time."""
    try:
        if path.stat().st_size != len(data):
            return False
        view, step = memoryview(data), 1 << 20
        with path.open("rb") as fh:
            return all(fh.read(step) == view[i:i + step] for i in range(0, len(data), step))
    except OSError:
        return False


def _same_file(old: Path, src: Path) -> bool:
    a, b = old.stat(), src.stat()
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


@dataclass(slots=True)
class _Journal:
    """What a patch changed so far, to undo in reverse order if a later step fails; what it
    replaced or removed waits in the aside folder until the patch is complete."""

    aside: Path
    undo: list[Callable[[], None]] = field(default_factory=list)
    folders: set[Path] = field(default_factory=set)  # known to be folders of the output now
    count: itertools.count = field(default_factory=itertools.count)

    def set_aside(self, path: Path) -> None:
        """Move a file or folder out of the output, to be put back on undo."""
        kept = self.aside / str(next(self.count))
        os.rename(path, kept)
        self.undo.append(lambda: os.rename(kept, path))

    def keep_copy(self, path: Path) -> None:
        """Before a file is replaced: a second link to it aside (the file stays in place, so the
        replace is still atomic), or the file itself where links are not allowed."""
        kept = self.aside / str(next(self.count))
        try:
            os.link(path, kept)
        except OSError:
            os.rename(path, kept)
        self.undo.append(lambda: os.replace(kept, path))

    def make_folder(self, path: Path) -> None:
        os.mkdir(path)
        self.undo.append(lambda: os.rmdir(path))


_journals: dict[Path, _Journal] = {}  # the patch under way, per output folder


def _patch(tmp: Path, out_dir: Path, unwanted: set[str]) -> None:
    """Move each staged file into place (atomic per file), then delete the unwanted and the
    folders they leave empty; on any error, or Ctrl+C, put back everything and raise."""
    top = len(str(tmp)) + 1
    staged = [os.path.join(folder, f)[top:] for folder, _, files in os.walk(tmp) for f in files]
    _check_writable(out_dir, staged + sorted(unwanted))
    journal = _Journal(out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{next(_swaps)}"))
    _journals[out_dir] = journal
    name = ""
    emptied: set[Path] = set()
    try:
        os.mkdir(journal.aside)
        for name in staged:
            _place(os.path.join(tmp, name), out_dir / name, out_dir)
        for name in sorted(unwanted):
            path = out_dir / name
            if path.is_file() or path.is_symlink():
                journal.set_aside(path)
                emptied.update(p for p in path.parents if out_dir in p.parents)
    except BaseException as exc:
        failed = _undo(journal)
        if isinstance(exc, OSError):
            note = ""
            if failed:
                note = (f"; {failed} moves could not be undone either, so the output is partly new: build again "
                        f"once this is fixed (the old files are in {journal.aside})")
            raise _write_error(out_dir / name, exc, note) from exc
        raise
    finally:
        del _journals[out_dir]
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only if empty
        except OSError:
            pass
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(journal.aside, ignore_errors=True)  # as many files as changed: no need to wait less


def _check_writable(out_dir: Path, names: list[str]) -> None:
    """Before the first move: every folder a move writes into must be writable, so a patch that
    cannot finish does not start (undo covers what this cannot foresee, e.g. a full disk)."""
    seen: dict[str, bool] = {}
    for name in names:
        folder = os.path.dirname(os.path.join(out_dir, name))
        while folder not in seen and not os.path.isdir(folder):
            folder = os.path.dirname(folder)
        if folder not in seen:
            seen[folder] = os.access(folder, os.W_OK | os.X_OK)
            if not seen[folder]:
                raise _write_error(folder, OSError(errno.EACCES, os.strerror(errno.EACCES), folder))


def _place(src: str, dst: Path, out_dir: Path) -> None:
    """os.replace, after clearing what of the old output is in the way (a file where a folder
    must go, or a folder where a file must go) and keeping a link to the file it replaces."""
    journal = _journals[out_dir]
    for parent in reversed(dst.relative_to(out_dir).parents[:-1]):
        folder = out_dir / parent
        if folder in journal.folders:
            continue
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISDIR(mode):
            journal.set_aside(folder)
            mode = None
        if mode is None:
            journal.make_folder(folder)
        journal.folders.add(folder)
    try:
        mode = os.lstat(dst).st_mode
    except FileNotFoundError:
        mode = None
    if mode is None or stat.S_ISDIR(mode):
        if mode is not None:
            journal.set_aside(dst)
        os.replace(src, dst)
        journal.undo.append(lambda: os.unlink(dst))
    else:
        journal.keep_copy(dst)
        os.replace(src, dst)


def _undo(journal: _Journal) -> int:
    """Undo every step in reverse order; how many could not be undone."""
    failed = 0
    for step in reversed(journal.undo):
        try:
            step()
        except OSError:
            failed += 1
    if not failed:
        shutil.rmtree(journal.aside, ignore_errors=True)
    return failed


_swaps = itertools.count()


def _swap(tmp: Path, out_dir: Path) -> None:
    """Two renames: the old output stays whole until the new one is complete."""
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{next(_swaps)}")  # unique: the last one may still be going
    if out_dir.exists():
        out_dir.rename(old)
    try:
        tmp.rename(out_dir)
    except BaseException:
        if old.exists():
            old.rename(out_dir)
        raise
    if old.exists():
        _discard(old)


def _clear_dead(out_dir: Path) -> None:
    """Delete the staging and old-output folders of builds that were killed (their process is
    gone); those of a build still running are left alone."""
    ours = re.compile(rf"\.{re.escape(out_dir.name)}\.(?:tmp|old)-(\d+)(?:-\d+)?")
    with os.scandir(out_dir.parent) as entries:
        for entry in entries:
            m = ours.fullmatch(entry.name)
            if m and entry.is_dir(follow_symlinks=False) and not _alive(m.group(1)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _discard(old: Path) -> None:
    """Delete the previous output without making the build wait (a big site has thousands of folders).
    A forked child does it in a one-shot command; a process with threads (serve) uses a thread."""
    if threading.active_count() == 1 and hasattr(os, "fork"):
        try:
            child = os.fork()
        except OSError:  # no process to spare: the output is in place, so just wait for it
            shutil.rmtree(old, ignore_errors=True)
            return
        if child == 0:  # pragma: no cover - the child
            try:
                if os.fork() == 0:  # the grandchild is adopted by init: no zombie left behind
                    shutil.rmtree(old, ignore_errors=True)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
    else:
        threading.Thread(target=shutil.rmtree, args=(old, True), daemon=False).start()


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
        return True
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True


__all__ = ["MARKER", "Staging", "WriteStats", "check_output_folder"]
