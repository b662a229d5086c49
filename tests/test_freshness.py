"""The inputs' signatures: every file under content/, templates/ and static/ in one fixed order,
and a build with nothing to do stops before loading the engine's heavy libraries."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sitegen.fingerprint import stat_sig
from sitegen.freshness import stat_inputs

ROOT = Path(__file__).resolve().parent.parent


def _walked(root: Path) -> list[tuple[str, int, int]]:
    """What os.walk finds, folders and files sorted, symlinked folders listed but not entered."""
    sigs = [stat_sig(root / "site.toml")]
    for folder in ("content", "templates", "static"):
        for top, dirs, names in os.walk(root / folder):
            dirs.sort()
            sigs += [stat_sig(os.path.join(top, name)) for name in sorted(names)]
    cut = len(os.fspath(root)) + 1
    return [(path[cut:], size, mtime) for path, size, mtime in sigs]


def test_every_input_in_walk_order_with_links_as_walk_sees_them(tmp_path: Path):
    root = tmp_path / "site"
    for rel in ("site.toml", "content/episodes/002-b.md", "content/episodes/001-a.md", "content/z.md",
                "content/articles/deep/er/x.md", "templates/base.html", "static/css/site.css", "static/B.txt", "static/a.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "static" / "linked").symlink_to(root / "content" / "articles")  # a folder elsewhere: listed, not entered
    (root / "static" / "gone.txt").symlink_to(root / "nowhere")  # a broken link: a file that is missing
    sigs, recent = stat_inputs(root, time.time_ns())
    assert sigs == _walked(root)
    assert [s[0] for s in sigs][:4] == ["site.toml", "content/z.md", "content/articles/deep/er/x.md", "content/episodes/001-a.md"]
    assert ("static/gone.txt", -1, -1) in sigs and not any(s[0].startswith("static/linked") for s in sigs)
    assert recent == {s[0] for s in sigs if s[1] >= 0}  # all just written: too new to trust by their stat


def test_no_folders_no_inputs_but_the_config(tmp_path: Path):
    (tmp_path / "site.toml").write_text("")
    sigs, _ = stat_inputs(tmp_path, time.time_ns())
    assert [s[0] for s in sigs] == ["site.toml"]


def test_a_build_with_nothing_to_do_loads_no_parser_renderer_or_decoder(sample: Path):
    script = ("import sys\nfrom sitegen.cli import main\n"
              f"sys.argv = ['build.py', 'build', '--root', {str(sample)!r}, '-q']\n"
              "main()\n"
              "print(sorted(m for m in ('markdown', 'yaml', 'jinja2', 'msgspec', 'feedgen', 'lxml', 'weasyprint') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=sample)
    assert first.returncode == 0, first.stderr
    time.sleep(0.2)  # past the clock's resolution: the files are trusted by their stat now
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=sample)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == "[]"
