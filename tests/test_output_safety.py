"""A build replaces only a folder a build made, a failed build (a full disk, a folder it may not
write, Ctrl+C) leaves the last good output exactly as it was, and what killed builds left is cleared."""
from __future__ import annotations

import errno
import os
import pathlib
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, build_site
from sitegen.cli import main
from sitegen.problems import BuildError
from sitegen.outputdir import check_output_folder
from sitegen.write import MARKER


def snapshot(folder: Path) -> dict[str, object]:
    """Every file (bytes and mtime), folder and link under `folder`."""
    found: dict[str, object] = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top, name)
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def rename_an_episode(root: Path) -> None:
    """Changes the lists and feeds, adds an episode's folder and removes another's."""
    (root / "content/episodes/004-remote-bonus.md").rename(root / "content/episodes/004-a-bonus.md")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project, built once (output and cache), with a .git and a tests/ folder."""
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("built") / "site")
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (root / "tests").mkdir()
    (root / "tests/test_site.py").write_text("def test_nothing(): pass\n")
    build_site(root, pdf=False)
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built, root, symlinks=True)  # copy2: mtimes too, so the cache still matches
    build_site(root, pdf=False)  # and now says this build wrote root/_site: the next one patches it
    deadline = time.monotonic() + 30
    while any(p.name.startswith("._site.old-") for p in root.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)  # the replaced output is deleted in the background: let it finish
    return root


# 1. Only a folder a build made is ever replaced.

@pytest.mark.parametrize("out", [".", "..", "content", "content/episodes", "content/new", "templates", "static",
                                 "static/css", ".git", "tests", ".cache", ".cache/templates"])
def test_a_build_never_replaces_the_project_or_one_of_its_folders(project: Path, out: str, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]):
    before = snapshot(project.parent)
    monkeypatch.chdir(project)
    assert main(["build", "--out", out, "-q"]) == 1
    assert snapshot(project.parent) == before
    err = capsys.readouterr().err
    assert err.startswith("--out: output folder ") and "choose a folder of its own, e.g. _site" in err, err


def test_output_in_site_toml_that_is_a_source_folder_is_refused_with_its_line(project: Path):
    toml = project / "site.toml"
    toml.write_text(toml.read_text() + '\n[build]\noutput = "static"\n')
    line = toml.read_text().splitlines().index('output = "static"') + 1
    before = snapshot(project)
    with pytest.raises(BuildError) as caught:
        build_site(project, pdf=False)
    assert str(caught.value.problems[0]).startswith(f"site.toml:{line}: output folder static/ is inside static/")
    assert snapshot(project) == before


def test_a_folder_of_someone_elses_files_is_refused_and_an_empty_one_is_used(project: Path, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]):
    theirs = tmp_path / "elsewhere"
    (theirs / "notes").mkdir(parents=True)
    (theirs / "notes/plan.txt").write_text("mine")
    (theirs / "index.html").write_text("<p>my own page</p>")
    before = snapshot(theirs)
    assert main(["build", "--root", str(project), "--out", str(theirs), "-q"]) == 1
    assert snapshot(theirs) == before
    assert "is not empty and no build made it" in capsys.readouterr().err
    (theirs / "file").write_text("x")
    with pytest.raises(BuildError, match="is a file, not a folder"):
        build_site(project, pdf=False, out=theirs / "file")
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(project, pdf=False, out=empty)
    assert (empty / "index.html").is_file() and (empty / MARKER).is_file()


def test_an_output_from_before_the_marker_is_adopted_only_if_the_cache_says_a_build_wrote_all_of_it(project: Path):
    out = project / "_site"
    (out / MARKER).unlink()  # as every output written before the marker existed
    (project / "content/pages/about.md").write_text((project / "content/pages/about.md").read_text() + "\nMore.\n")
    build_site(project, pdf=False)
    assert (out / MARKER).is_file() and "More." in (out / "about/index.html").read_text()
    # A file no build wrote: it might be anyone's, so the folder is not replaced.
    (out / MARKER).unlink()
    (out / "CNAME").write_text("example.org\n")
    before = snapshot(project)
    with pytest.raises(BuildError, match="holds CNAME"):
        build_site(project, pdf=False, base_url="https://example.org/")
    assert snapshot(project) == before
    # No cache, no proof.
    (out / "CNAME").unlink()
    shutil.rmtree(project / ".cache")
    with pytest.raises(BuildError, match="no build made it"):
        build_site(project, pdf=False)


def test_serve_keeps_its_own_output_inside_the_cache_folder(tmp_path: Path):
    root = tmp_path / "site"
    check_output_folder(root / ".cache/serve", root, root / ".cache/serve-state", "--out")
    with pytest.raises(BuildError, match="inside the build cache"):
        check_output_folder(root / ".cache/serve", root, root / ".cache", "--out")
    with pytest.raises(BuildError, match="holds the build cache"):
        check_output_folder(root / ".cache", root, root / ".cache/serve-state", "--out")


def test_a_link_to_a_source_folder_is_refused(project: Path, tmp_path: Path):
    (tmp_path / "out").symlink_to(project / "content")
    with pytest.raises(BuildError, match="is inside content/"):
        build_site(project, pdf=False, out=tmp_path / "out")


# 2. A failed update leaves the last good output as it was.

def lock(folder: Path) -> Callable[[], object]:
    """Make a folder unwritable for real: by its mode, or (root ignores modes) immutable."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root without chattr +i: nothing makes a folder unwritable")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_folder_that_cannot_be_written_fails_the_build_cleanly_and_changes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch):
    locked = project / "_site/episodes"
    unlock = lock(locked)
    try:
        rename_an_episode(project)
        before = snapshot(project / "_site")
        monkeypatch.chdir(project)  # files are named from here
        with pytest.raises(BuildError) as caught:
            build_site(project, pdf=False)
        assert snapshot(project / "_site") == before
        assert str(caught.value.problems[0]).startswith("_site/episodes: cannot be written: Permission denied; "
                                                        "make it writable"), caught.value
        assert sorted(p.name for p in project.iterdir() if p.name.startswith("._site")) == []
    finally:
        unlock()
    build_site(project, pdf=False)  # once fixed, the build goes through
    assert "episodes/a-bonus/" in (project / "_site/episodes/index.html").read_text()


def test_a_full_disk_while_staging_fails_the_build_cleanly_and_changes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                               capsys: pytest.CaptureFixture[str]):
    real = pathlib.Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:  # in this process or a forked worker
        if "._site.tmp-" in str(self) and self.as_posix().endswith("/episodes/index.html"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    rename_an_episode(project)
    before = snapshot(project / "_site")
    assert main(["build", "--root", str(project), "-q"]) == 1
    assert snapshot(project / "_site") == before
    err = capsys.readouterr().err
    assert "_site/episodes/index.html: cannot be written: No space left on device; free some disk space, then build again" in err, err
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("._site")) == []


class FailAt:
    """Make the n-th change of the file system under `under` (a rename, a link, a new or removed
    folder or file) raise `exc`, once: os is where write.py and pathlib call them."""

    CALLS = ("replace", "rename", "link", "mkdir", "rmdir", "unlink")

    def __init__(self, monkeypatch: pytest.MonkeyPatch, under: tuple[Path, ...], n: int, exc: BaseException):
        self.under, self.n, self.exc = tuple(str(u) for u in under), n, exc
        self.count, self.fired = 0, ""
        for name in self.CALLS:
            monkeypatch.setattr(os, name, self.wrap(name, getattr(os, name)))

    def wrap(self, name: str, real):  # type: ignore[no-untyped-def]
        def call(*args: object, **kwargs: object) -> object:
            if not self.fired and any(isinstance(a, (str, Path)) and str(a).startswith(self.under) for a in args):
                if self.count == self.n:
                    self.fired = f"{name}{args}"
                    raise self.exc
                self.count += 1
            return real(*args, **kwargs)
        return call


def test_an_update_failing_at_any_step_of_a_real_build_changes_nothing(project: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    rename_an_episode(project)
    cache, good = tmp_path / "cache", tmp_path / "good"
    shutil.copytree(project / ".cache", cache)
    shutil.copytree(project / "_site", good, symlinks=True)
    before = snapshot(project / "_site")
    for n in range(10**4):
        with monkeypatch.context() as m:
            failing = FailAt(m, (project / "_site", project / "._site"), n, OSError(errno.EIO, os.strerror(errno.EIO)))
            try:
                build_site(project, pdf=False)
            except BuildError as exc:
                assert failing.fired, exc
                assert "cannot be written: Input/output error; check permissions and free disk space" in str(exc)
                assert snapshot(project / "_site") == before, failing.fired
                assert [p.name for p in project.iterdir() if p.name.startswith("._site")] == [], failing.fired
            else:
                if not failing.fired:
                    break
                shutil.rmtree(project / "_site")  # a harmless failure (a folder made twice): start again
                shutil.copytree(good, project / "_site", symlinks=True)
        shutil.rmtree(project / ".cache")  # a failed update drops the index: put it back, to patch again
        shutil.copytree(cache, project / ".cache")
    assert n > 25  # every step of staging and of the update failed once, then the build went through
    assert (project / "_site/episodes/a-bonus/index.html").is_file() and not (project / "_site/episodes/remote-bonus").exists()


# 3. What killed builds left is cleared, and git ignores it meanwhile.

def test_a_build_clears_what_killed_builds_left_but_not_what_a_running_one_writes(project: Path):
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = [project / f"._site.tmp-{dead.pid}", project / f"._site.old-{dead.pid}-3"]
        busy = project / f"._site.tmp-{running.pid}"
        for folder in left + [busy]:
            (folder / "episodes").mkdir(parents=True)
            (folder / "episodes/index.html").write_text("half written")
        (project / "content/pages/about.md").write_text((project / "content/pages/about.md").read_text() + "\nMore.\n")
        build_site(project, pdf=False)
        assert [f for f in left if f.exists()] == [] and (busy / "episodes/index.html").is_file()
    finally:
        running.kill()
        running.wait()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is missing")
def test_git_ignores_the_staging_and_old_output_folders():
    names = ["._site.tmp-123/index.html", "._site.old-123-4/index.html", "_site/index.html"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == names, done.stderr
