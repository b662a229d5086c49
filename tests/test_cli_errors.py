"""What the command line says when the machine, not the content, gets in the way, or when the
engine itself fails: a message with the step and the file, an exit code, never a bare traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main


def run(root: Path, *args: str) -> int:
    return main(["build", "--root", str(root), "-q", *args])


def test_an_unexpected_error_names_the_step_and_the_file(sample: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]):
    import sitegen.load as load

    def broken(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(load, "_parse_file", broken)
    assert run(sample) == 2
    err = capsys.readouterr().err
    assert "unexpected error while reading" in err and "RuntimeError: boom" in err
    assert "while reading content/" in err and "This is a bug" in err
    assert "Traceback" not in err
    assert not (sample / "_site").exists()


def test_verbose_adds_the_traceback(sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    import sitegen.schedule as schedule

    def broken(*args: object) -> object:
        raise KeyError("page")

    monkeypatch.setattr(schedule, "render_pages", broken)  # the scheduler's: where pages are rendered
    assert main(["build", "--root", str(sample), "-v"]) == 2
    err = capsys.readouterr().err
    assert "unexpected error while rendering" in err and "Traceback" in err


@pytest.mark.parametrize("block", ["file", "folder"])
def test_a_cache_that_cannot_be_used_is_a_warning(block: str, sample: Path, capsys: pytest.CaptureFixture[str]):
    """A .cache the build may not write (another user's, a full disk; here something in its way)
    still gives a complete build: exit 0, a warning that says what it costs."""
    if block == "file":
        (sample / ".cache").write_text("in the way")
    else:
        (sample / ".cache/cache.sqlite").mkdir(parents=True)
    assert run(sample) == 0
    err = capsys.readouterr().err
    assert "warning: the build cache could not be written" in err and "Traceback" not in err
    assert (sample / "_site/index.html").is_file()
