"""`build.py check` under GitHub Actions: `::error file=...,line=...::message` on stdout.

GitHub turns these lines into annotations on the pull request's diff. Workflow-command data
must escape `%`, CR and LF (as %25, %0D, %0A) or the message is cut or garbled.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_tree
from sitegen import cli
from sitegen.problems import BuildError, Problem

BROKEN = {
    # An unquoted time: YAML reads 1:30 as 90 (a problem on line 9 of the file).
    "content/episodes/006-unquoted-time.md": """\
---
title: "Unquoted time"
number: 6
date: 2026-03-03
guid: "d2b0c1e4-5f6a-4b7c-8d9e-0f1a2b3c4d66"
summary: "Remote audio whose duration was not quoted."
audio: https://media.example.com/sample/006.mp3
length: 1000
duration: 1:30
---
Body.
""",
    # A value with a percent sign, which must be escaped in the annotation (line 8).
    "content/episodes/007-percent.md": """\
---
title: "Percent"
number: 7
date: 2026-03-04
guid: "e3c1d2f5-6a7b-4c8d-9e0f-1a2b3c4d5e77"
summary: "A bad episode type."
audio: https://media.example.com/sample/007.mp3
episode_type: 100%
length: 1000
duration: "1:00"
---
Body.
""",
    # A file-level problem (no line): the name does not fit NNN-slug.md.
    "content/episodes/Bad Name.md": "---\ntitle: x\n---\n",
}
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:]+)(?:,line=(?P<line>\d+))?::(?P<msg>.*)$")


@pytest.fixture
def broken(sample: Path) -> Path:
    return write_tree(sample, BROKEN)


def annotations(stdout: str) -> dict[str, tuple[str | None, str]]:
    found = {}
    for line in stdout.splitlines():
        m = ANNOTATION.match(line)
        assert m, f"not an annotation: {line!r}"
        found[m["file"]] = (m["line"], m["msg"])
    return found


def test_check_prints_annotations_with_file_and_line(broken: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert cli.main(["check", "--root", str(broken)]) == 1
    out, err = capsys.readouterr()
    found = annotations(out)
    assert set(found) == {"content/episodes/006-unquoted-time.md", "content/episodes/007-percent.md",
                          "content/episodes/Bad Name.md"}
    line, msg = found["content/episodes/006-unquoted-time.md"]
    assert line == "9" and "YAML reads 1:30 as the number 90" in msg
    line, msg = found["content/episodes/007-percent.md"]
    assert line == "8" and "got '100%25'" in msg and "100%'" not in msg
    line, msg = found["content/episodes/Bad Name.md"]
    assert line is None and "does not fit" in msg
    # The human-readable report still goes to stderr, file:line first.
    assert "content/episodes/006-unquoted-time.md:9: duration: YAML reads 1:30" in err
    assert "3 problems found; nothing was written." in err


def test_no_annotations_outside_github_actions(broken: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert cli.main(["check", "--root", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert "::error" not in out + err


def test_a_real_process_writes_annotations_to_stdout(broken: Path) -> None:
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--root", str(broken)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert len(annotations(proc.stdout)) == 3
    assert "::error" not in proc.stderr


def test_escaping_of_percent_and_newlines() -> None:
    p = Problem("content/episodes/001-x.md", 4, "100% sure\nsecond line\r\nthird %0A")
    assert p.github_annotation() == "::error file=content/episodes/001-x.md,line=4::100%25 sure%0Asecond line%0D%0Athird %250A"
    assert Problem("site.toml", 0, "whole file").github_annotation() == "::error file=site.toml::whole file"


def test_each_problem_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    cli.report(BuildError([Problem("a.md", 1, "one\ntwo"), Problem("b.md", 2, "50%")]))
    out = capsys.readouterr().out.splitlines()
    assert out == ["::error file=a.md,line=1::one%0Atwo", "::error file=b.md,line=2::50%25"]


def test_escaping_of_the_file_property() -> None:
    p = Problem("content/episodes/a,b:c.md", 0, "file name does not fit")
    assert p.github_annotation() == "::error file=content/episodes/a%2Cb%3Ac.md::file name does not fit"


def test_a_build_error_from_a_worker_process_keeps_its_problems_and_notes():
    import pickle

    err = BuildError([Problem("content/episodes/x.md", 3, "title: missing"), Problem("site.toml", 0, "bad")])
    err.add_note("raised in a worker process at parse.py:40")
    back = pickle.loads(pickle.dumps(err))
    assert back.problems == err.problems and str(back) == str(err)
    assert back.__notes__ == ["raised in a worker process at parse.py:40"]
