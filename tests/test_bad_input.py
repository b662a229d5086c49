"""Every kind of bad input: a message with file and line, exit 1, and the last good output untouched."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXED_NOW, ROOT, build_site
from sitegen import cli, narrate, new

EP1 = "content/episodes/001-first-steps.md"
EP4 = "content/episodes/004-remote-bonus.md"


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def jpeg(size: tuple[int, int], mode: str = "RGB", fmt: str = "JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(buf, fmt)
    return buf.getvalue()


def fail_build(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = snapshot(root / "_site")
    code = cli.main(["--root", str(root), "-q"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert snapshot(root / "_site") == before, "a failed build changed the output"
    assert "nothing was written" in err
    assert not [p for p in root.iterdir() if p.name.startswith("._site.tmp")], "temporary output left behind"
    return err


@pytest.fixture
def prebuilt(sample: Path) -> Path:
    build_site(sample, pdf=False)
    return sample


CASES = {
    "invalid_yaml": (EP1, "tags: [balance, Beginners]", "tags: [balance, Beginners", rf"{EP1}:\d+: invalid YAML"),
    "missing_required": (EP1, 'summary: "Why a runner would walk backward at all, & how to start."\n', "", rf"{EP1}:1: summary: required"),
    "wrong_type": (EP1, "number: 1", 'number: "one"', rf"{EP1}:3: number: expected a whole number"),
    "bad_date": (EP1, "date: 2026-03-03", "date: next tuesday", rf"{EP1}:5: date: expected a date like"),
    "naive_datetime": (EP1, "date: 2026-03-03", "date: 2026-03-03 06:00:00", rf"{EP1}:5: date: .*no time zone"),
    "yes_no_surprise": (EP1, "episode_type: full", "episode_type: full\nexplicit: no", rf"{EP1}:10: explicit: YAML reads 'no'"),
    "sexagesimal_chapter": (EP1, 'start: "0:05"', "start: 1:05", rf"{EP1}:14: chapters.1.start: YAML reads 1:05 as the number 65; quote it"),
    "unknown_key": (EP1, "season: 1", "seasn: 1", rf"{EP1}:4: seasn: unknown key; did you mean 'season'"),
    "duplicate_number": ("content/episodes/002-knees-and-you.md", "number: 2", "number: 1", r"content/episodes/\d+-[a-z-]+\.md:3: number: episode number 1 is already used"),
    "duplicate_guid": ("content/episodes/002-knees-and-you.md", "0c0f8a43-2e4e-4f61-bf7e-4f8c6b7f0d22", "5d6b5e1e-8f55-4a43-9d5b-3a0c2f0e2a11", r":6: guid: guid .* is already used"),
    "missing_audio": (EP1, "audio: 001-first-steps.mp3", "audio: 001-missing.mp3", rf"{EP1}:8: audio: 001-missing.mp3 does not exist"),
    "remote_audio_without_length": ("content/episodes/004-remote-bonus.md", "length: 1234567\n", "", r"004-remote-bonus.md:7: audio: remote audio needs length"),
    # Podcasting 2.0 front matter: the line of the very key, the spec's limit and the fix.
    "soundbite_too_long": (EP4, "duration: 20", "duration: 200", rf"{EP4}:16: soundbites: soundbite 2: duration: expected seconds from 15 to 120"),
    "soundbite_past_end": (EP4, 'start: "59:00"', 'start: "1:01:50"', rf"{EP4}:15: soundbites: soundbite 2 ends at 1:02:10, after the audio ends \(1:02:03\)"),
    "soundbite_start_unquoted": (EP4, 'start: "1:30"', "start: 1:30", rf"{EP4}:12: soundbites.0.start: YAML reads 1:30 as the number 90; quote it"),
    "person_role_not_in_taxonomy": (EP4, "role: editor", "role: boss", rf"{EP4}:22: persons: item 2: role: 'boss' is not a role of the group 'writing'"),
    "person_href_http": (EP4, 'href: "https://example.com/gus"', 'href: "http://example.com/gus"', rf"{EP4}:19: persons: item 1: href: expected an absolute https:// URL"),
    "location_without_name": (EP4, '  name: "Hyde Park, London"\n', "", rf"{EP4}:24: location: name: required"),
    "synthetic_voice_text": (EP4, "synthetic_voice: true", "synthetic_voice: sometimes", rf"{EP4}:28: synthetic_voice: expected true or false"),
    "chapter_past_end": (EP1, 'start: "0:09"', 'start: "0:13"', rf"{EP1}:\d+: chapters: 'Your first session' starts at 0:13, after the audio ends \(0:12\)"),
    "chapters_out_of_order": (EP1, 'start: "0:09"', 'start: "0:04"', rf"{EP1}:\d+: chapters: chapter 3 starts at 0:04, not after"),
    "missing_transcript": (EP1, "transcript: 001-first-steps.vtt", "transcript: 001-nope.vtt", rf"{EP1}:\d+: transcript: 001-nope.vtt does not exist"),
    "bad_drill_level": ("content/drills/first-walk.md", "level: beginner", "level: expert", r"first-walk.md:4: level: expected one of beginner, intermediate, advanced"),
    "bad_drill_related": ("content/drills/first-walk.md", "episodes/first-steps,", "episodes/first-step,", r"first-walk.md:11: related: 'episodes/first-step' is not an episode or article; did you mean 'episodes/first-steps'"),
    "program_unknown_drill": ("content/drills/_program.yaml", "drill: backward-jog, dose: \"2 x 30 s\"", "drill: backward-jg, dose: \"2 x 30 s\"", r"_program.yaml:\d+: drill: no published drill 'backward-jg'; did you mean 'backward-jog'"),
    "program_without_date": ("content/drills/_program.yaml", "updated: 2026-03-01\n", "", r"_program.yaml:1: updated: required; add e.g. updated: 2026-11-24"),
    "program_bad_date": ("content/drills/_program.yaml", "updated: 2026-03-01", "updated: March", r"_program.yaml:3: updated: expected a date like 2026-03-01"),
    "image_without_alt": ("content/articles/safety-first.md", "See [episode one]", "![](/img/cover.jpg) See [episode one]", r"safety-first.md:\d+: image '/img/cover.jpg' has no alt text"),
    "impossible_date": (EP1, "date: 2026-03-03", "date: 2026-02-30", rf"{EP1}:5: date: 2026-02-30 is not a real date .*; write YYYY-MM-DD"),
    "impossible_month": (EP1, "date: 2026-03-03", "date: 2026-13-01", rf"{EP1}:5: date: 2026-13-01 is not a real date"),
    "program_impossible_date": ("content/drills/_program.yaml", "updated: 2026-03-01", "updated: 2026-02-30", r"_program.yaml:3: updated: 2026-02-30 is not a real date"),
    "yaml_alias": (EP1, "tags: [balance, Beginners]", "tags: &t [balance, Beginners]\nkeywords: *t", rf"{EP1}:10: anchors and aliases \(&name, \*name\) are not allowed"),
    "program_alias": ("content/drills/_program.yaml", 'focus: "Walk more"', "focus: *w", r"_program.yaml:10: anchors and aliases"),
    "deep_nesting": (EP1, "tags: [balance, Beginners]", "tags: " + "[" * 5000 + "]" * 5000, rf"{EP1}:10: lists and mappings nest more than 20 levels"),
    "huge_front_matter": (EP1, "tags: [balance, Beginners]", "tags: [" + "a, " * 30000 + "b]", rf"{EP1}:2: .*at most 64 KB"),
    "tab_indentation": (EP1, '  - start: "0:00"', '\t- start: "0:00"', rf"{EP1}:12: a tab in the indentation; .*indent with spaces"),
    "comment_cuts_value": (EP1, 'summary: "Why a runner would walk backward at all, & how to start."', "summary: Why hill #2 is better",
                           rf"{EP1}:7: summary: '#' after a space starts a YAML comment, so the value was cut to 'Why hill'; quote the whole value"),
    "unknown_category": ("site.toml", '["Sports", "Running"]', '["Sports", "Jogging"]', r"site.toml:\d+: \[podcast\] categories: category 1"),
    "bad_owner_email": ("site.toml", 'owner_email = "owner@example.com"', 'owner_email = "owner.example.com"', r"site.toml:\d+: \[podcast\] owner_email: 'owner.example.com' is not an email"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_cleanly(case: str, prebuilt: Path, capsys: pytest.CaptureFixture[str]):
    name, old, new, expected = CASES[case]
    edit(prebuilt, name, old, new)
    err = fail_build(prebuilt, capsys)
    assert re.search(expected, err), err
    assert "is not an episode or article" not in err or case == "bad_drill_related", "one mistake, one message"


def test_duplicate_slug(prebuilt: Path, capsys):
    (prebuilt / "content/episodes/009-knees-and-you.md").write_text(
        (prebuilt / "content/episodes/002-knees-and-you.md").read_text().replace("number: 2", "number: 9")
        .replace("0c0f8a43-2e4e-4f61-bf7e-4f8c6b7f0d22", "1c0f8a43-2e4e-4f61-bf7e-4f8c6b7f0d99"))
    err = fail_build(prebuilt, capsys)
    assert re.search(r"content/episodes/\d{3}-knees-and-you.md: file name: slug .*'knees-and-you' is already used", err), err


def test_audio_that_is_not_audio(prebuilt: Path, capsys):
    (prebuilt / "content/episodes/002-knees-and-you.mp3").write_text("this is a text file, not sound\n" * 40)
    err = fail_build(prebuilt, capsys)
    assert re.search(r"002-knees-and-you.md:8: audio: .*002-knees-and-you.mp3", err), err


def test_malformed_transcript(prebuilt: Path, capsys):
    (prebuilt / "content/episodes/001-first-steps.vtt").write_text("hello\n")
    err = fail_build(prebuilt, capsys)
    assert re.search(rf"{EP1}:\d+: transcript: 001-first-steps.vtt is not a valid WebVTT file", err), err


@pytest.mark.parametrize("art,message", [
    (None, "does not exist"),
    (jpeg((1400, 1500)), "must be square"),
    (jpeg((1000, 1000)), "between 1400x1400 and 3000x3000"),
    (jpeg((3001, 3001)), "between 1400x1400 and 3000x3000"),
    (jpeg((1400, 1400), fmt="GIF"), "only JPEG or PNG"),
    (jpeg((1400, 1400), mode="CMYK"), "RGB"),
    (b"not an image", "not an image"),
])
def test_bad_show_art(art: bytes | None, message: str, prebuilt: Path, capsys):
    cover = prebuilt / "static/img/cover.jpg"
    if art is None:
        cover.unlink()
    else:
        cover.write_bytes(art)
    err = fail_build(prebuilt, capsys)
    assert re.search(rf"site.toml:\d+: \[podcast\] image: static/img/cover.jpg .*{message}", err), err


def test_bad_episode_art(prebuilt: Path, capsys):
    (prebuilt / "content/episodes/002-knees-and-you.jpg").write_bytes(jpeg((1400, 1200)))
    err = fail_build(prebuilt, capsys)
    assert re.search(r"002-knees-and-you.md:9: image: 002-knees-and-you.jpg is 1400x1200; it must be square", err), err


def test_template_error_names_template_and_line(prebuilt: Path, capsys):
    edit(prebuilt, "templates/episode.html", "{{ episode.title }}</h1>", "{{ episode.titel }}</h1>")
    err = fail_build(prebuilt, capsys)
    assert re.search(r"templates/episode.html:\d+: template error while rendering episodes/.*titel", err), err


def test_template_syntax_error(prebuilt: Path, capsys):
    edit(prebuilt, "templates/home.html", "{% endblock %}", "{% endblok %}")
    err = fail_build(prebuilt, capsys)
    assert re.search(r"templates/home.html:\d+: template error", err), err


def test_many_problems_reported_together(prebuilt: Path, capsys):
    edit(prebuilt, EP1, "number: 1", "number: 0")
    edit(prebuilt, "content/articles/safety-first.md", "date: 2026-03-05", "date: soon")
    err = fail_build(prebuilt, capsys)
    assert "001-first-steps.md:3: number" in err and "safety-first.md:3: date" in err and "2 problems found" in err


def test_check_writes_nothing(sample: Path, capsys):
    assert cli.main(["check", "--root", str(sample)]) == 0
    assert not (sample / "_site").exists()
    assert "nothing written" in capsys.readouterr().out


def test_publication_follows_the_injected_clock_not_the_wall_clock(sample: Path):
    """A post dated between two injected clocks is published only by the later one; the wall
    clock (past both dates when this was written) must not decide."""
    later = datetime(2026, 8, 1, 12, 0, tzinfo=timezone.utc)
    (sample / "content/articles/midsummer.md").write_text(
        '---\ntitle: "Midsummer"\ndate: 2026-07-01\nsummary: "Dated between the two clocks."\n---\nHello.\n')
    assert FIXED_NOW < datetime(2026, 7, 1, tzinfo=timezone.utc) < later

    def published(now: datetime) -> tuple[bool, bool, bool]:
        result = build_site(sample, pdf=False, now=now)
        assert result.site is not None
        out = sample / "_site"
        return (any(a.slug == "midsummer" for a in result.site.articles), (out / "articles/midsummer/index.html").is_file(),
                "articles/midsummer/" in (out / "sitemap.xml").read_text())

    assert published(FIXED_NOW) == (False, False, False)
    assert published(later) == (True, True, True)
    assert published(FIXED_NOW) == (False, False, False)  # and an incremental build withdraws it again


BYTE_CASES = {
    "not_utf8": (EP1, b"Welcome to the sample", b"Welcome to the caf\xe9 sample",
                 rf"{EP1}:27: byte 0xE9 \(column 19, after 'Welcome to the caf'\) is not UTF-8; .*save the file as UTF-8"),
    "nul_in_body": (EP1, b"Welcome to", b"Welcome\x00 to", rf"{EP1}:27: an invisible control character U\+0000 at column 8"),
    "control_in_title": (EP1, b"First steps", b"First\x01 steps", rf"{EP1}:2: an invisible control character U\+0001 at column 14"),
    "escape_in_title": (EP1, b"First steps", b"First\\0 steps", rf"{EP1}:2: title: an escape makes the control character U\+0000"),
    "program_not_utf8": ("content/drills/_program.yaml", b'focus: "Walk more"', b'focus: "W\xe4lk more"', r"_program.yaml:10: byte 0xE4 .*save the file as UTF-8"),
    "site_toml_not_utf8": ("site.toml", b'title = "Sample', b'title = "S\xe4mple', r"site.toml:3: byte 0xE4 .*save the file as UTF-8"),
    "file_too_large": (EP1, b"Welcome to", b"Welcome to" + b" word" * 220_000, rf"{EP1}: the file is over 1 MB"),
}


@pytest.mark.parametrize("case", sorted(BYTE_CASES))
def test_bad_bytes_fail_cleanly(case: str, prebuilt: Path, capsys: pytest.CaptureFixture[str]):
    name, old, new_bytes, expected = BYTE_CASES[case]
    path = prebuilt / name
    data = path.read_bytes()
    assert old in data, old
    path.write_bytes(data.replace(old, new_bytes, 1))
    err = fail_build(prebuilt, capsys)
    assert re.search(expected, err), err


def test_byte_order_mark_and_crlf_are_accepted(sample: Path, capsys: pytest.CaptureFixture[str]):
    for path in [*sample.glob("content/*/*.md"), sample / "content/drills/_program.yaml", sample / "site.toml"]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli.main(["check", "--root", str(sample)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("old,new_text,expected", [
    ("date: 2026-03-03", "date: 2026-02-30", rf"{EP1}:5: date: 2026-02-30 is not a real date"),
    ("tags: [balance, Beginners]", "tags: &t [balance, Beginners]\nkeywords: *t", rf"{EP1}:10: anchors and aliases"),
])
def test_build_py_check_reports_bad_front_matter(old: str, new_text: str, expected: str, sample: Path):
    edit(sample, EP1, old, new_text)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--root", str(sample)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert re.search(expected, proc.stderr) and "Traceback" not in proc.stderr, proc.stderr


def test_narrate_reports_an_impossible_date(sample: Path, capsys: pytest.CaptureFixture[str]):
    edit(sample, EP1, "date: 2026-03-03", "date: 2026-02-30")
    assert narrate.main([str(sample / EP1)]) == 1
    assert re.search(r"001-first-steps.md:5: date: 2026-02-30 is not a real date", capsys.readouterr().err)


def test_new_reports_an_episode_that_is_not_utf8(sample: Path, capsys: pytest.CaptureFixture[str]):
    path = sample / EP1
    path.write_bytes(path.read_bytes().replace(b"Welcome", b"Caf\xe9", 1))
    assert new.main(sample, "episode", "Another one") == 1
    assert re.search(r"001-first-steps.md:27: byte 0xE9 .*save the file as UTF-8", capsys.readouterr().err)
