"""`build.py new`: files generated from the schema that pass `check --drafts` once their audio exists."""
from __future__ import annotations

import array
import re
import uuid
from datetime import date
from pathlib import Path

import lameenc
import pytest
import yaml

from sitegen import cli, new
from sitegen.frontmatter import split_front_matter
from sitegen.schema import ARTICLE, DRILL, EPISODE

DAY = date(2026, 5, 1)  # an injected "today"; drafts are checked whatever their date


def tiny_mp3(seconds: float = 1.0) -> bytes:
    """A real, silent MP3 (mono, 16 kHz), small enough to make in every test."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(32)
    enc.set_in_sample_rate(16000)
    enc.set_channels(1)
    enc.set_quality(7)
    pcm = array.array("h", [0] * int(16000 * seconds))
    return enc.encode(pcm.tobytes()) + enc.flush()


def front(path: Path) -> dict:
    split = split_front_matter(path.read_text(encoding="utf-8"))
    assert split is not None
    return yaml.safe_load(split[0])


def keys_in_template(path: Path) -> list[str]:
    """Every key the template mentions, live or commented out, in order."""
    split = split_front_matter(path.read_text(encoding="utf-8"))
    assert split is not None
    return re.findall(r"^(?:# )?([a-z_]+):", split[0], flags=re.M)


def test_new_episode_is_numbered_dated_and_complete(sample: Path) -> None:
    made = new.create(sample, "episode", "Hills, backward: why they're harder!", today=DAY)
    assert made.path == sample / "content" / "episodes" / "006-hills-backward-why-theyre-harder.md"
    data = front(made.path)
    assert data["number"] == 6  # the sample's highest is 005
    assert data["date"] == DAY
    assert data["title"] == "Hills, backward: why they're harder!"
    assert uuid.UUID(data["guid"]).version == 4
    assert data["audio"] == "006-hills-backward-why-theyre-harder.mp3"
    assert data["draft"] is True
    # Every schema field is there, in schema order; only required ones (and draft) are live.
    assert keys_in_template(made.path) == [f.name for f in EPISODE]
    assert set(data) == {f.name for f in EPISODE if f.required} | {"draft"}
    text = made.path.read_text(encoding="utf-8")
    assert "# transcript: 006-hills-backward-why-theyre-harder.vtt" in text
    assert "# Optional. Season number." in text
    assert "\n## " in split_front_matter(text)[1]  # a body skeleton with sections


def test_each_episode_gets_a_fresh_guid(sample: Path) -> None:
    a = new.create(sample, "episode", "One", today=DAY)
    b = new.create(sample, "episode", "Two", today=DAY)
    assert front(b.path)["number"] == front(a.path)["number"] + 1 == 7
    assert front(a.path)["guid"] != front(b.path)["guid"]


def test_the_next_number_follows_file_names_and_front_matter(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "episodes"
    folder.mkdir(parents=True)
    (folder / "009-old.md").write_text("---\nnumber: 9\n---\n")
    (folder / "010-renamed.md").write_text("---\nnumber: 12\n---\n")  # a number beyond the file name counts
    (folder / "notes.txt").write_text("ignored")
    assert new.next_number(folder, "number", name_prefix=True) == 13
    assert new.next_number(tmp_path / "missing", "number") == 1


@pytest.mark.parametrize("kind", ["episode", "article", "drill"])
def test_the_template_is_generated_from_the_schema(kind: str, sample: Path) -> None:
    fields = {"episode": EPISODE, "article": ARTICLE, "drill": DRILL}[kind]
    made = new.create(sample, kind, "A fresh one", today=DAY)
    assert keys_in_template(made.path) == [f.name for f in fields]
    text = made.path.read_text(encoding="utf-8")
    for f in fields:  # each field's doc is its comment
        assert f.doc.split()[0] in text


def test_new_episode_passes_check_once_its_audio_exists(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = new.create(sample, "episode", "Backward on the treadmill", today=DAY)
    assert cli.main(["check", "--drafts", "--root", str(sample)]) == 1  # the audio is not there yet
    assert "006-backward-on-the-treadmill.mp3 does not exist" in capsys.readouterr().err
    made.path.with_suffix(".mp3").write_bytes(tiny_mp3())
    assert cli.main(["check", "--drafts", "--root", str(sample)]) == 0, capsys.readouterr().err
    # ...and a draft stays out of a normal build's pages.
    assert cli.main(["check", "--root", str(sample)]) == 0


def test_new_article_and_drill_pass_check(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = new.create(sample, "article", "Shoes for going backward", today=DAY)
    drill = new.create(sample, "drill", "Carioca, gently", today=DAY)
    assert article.path == sample / "content" / "articles" / "shoes-for-going-backward.md"
    assert front(article.path)["date"] == DAY
    assert drill.path == sample / "content" / "drills" / "carioca-gently.md"
    assert front(drill.path)["order"] == 3  # the sample's drills have order 1 and 2
    assert "date" not in front(drill.path)
    assert cli.main(["check", "--drafts", "--root", str(sample)]) == 0, capsys.readouterr().err


def test_new_refuses_to_overwrite(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["new", "article", "Safety first", "--root", str(sample)]  # the sample has safety-first.md
    target = sample / "content" / "articles" / "safety-first.md"
    before = target.read_bytes()
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "safety-first.md already exists; nothing was written" in err
    assert target.read_bytes() == before


def test_new_episode_refuses_a_slug_that_is_taken(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 001-first-steps.md exists: a new 006-first-steps.md would clash on /episodes/first-steps/.
    assert cli.main(["new", "episode", "First steps", "--root", str(sample)]) == 1
    assert "slug 'first-steps' already exists" in capsys.readouterr().err
    assert not list((sample / "content" / "episodes").glob("006-*"))
    assert cli.main(["new", "episode", "First steps", "--slug", "first-steps-again", "--root", str(sample)]) == 0
    assert (sample / "content" / "episodes" / "006-first-steps-again.md").is_file()


def test_cli_prints_the_path_and_next_steps(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", "episode", "Uphill", "--date", "2026-12-24", "--root", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "006-uphill.md (episode 6, a draft)" in out
    for step in ("006-uphill.mp3", "build.py narrate", "record", "build.py serve", "check --drafts", "draft: false"):
        assert step in out
    assert front(sample / "content" / "episodes" / "006-uphill.md")["date"] == date(2026, 12, 24)


def test_quiet_and_verbose(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", "drill", "Quiet one", "-q", "--root", str(sample)]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["new", "episode", "Loud one", "-v", "--root", str(sample)]) == 0
    out = capsys.readouterr().out
    guid = front(sample / "content" / "episodes" / "006-loud-one.md")["guid"]
    assert f"guid {guid}" in out


def test_bad_titles_are_refused(sample: Path) -> None:
    with pytest.raises(new.NewError, match="title is empty"):
        new.create(sample, "article", "   ")
    with pytest.raises(new.NewError, match="--slug"):
        new.create(sample, "article", "!!!")
    with pytest.raises(new.NewError, match="--slug"):
        new.create(sample, "article", "Fine", slug="Not A Slug")


def test_long_titles_make_short_slugs() -> None:
    slug = new.make_slug("Why " + "very " * 30 + "long titles")
    assert len(slug) <= new.MAX_SLUG and not slug.endswith("-") and slug.startswith("why-very")


def test_today_is_the_shows_date(sample: Path) -> None:
    from datetime import datetime, timezone

    late = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 July in London (BST)
    assert new.show_today(sample, now=lambda: late) == date(2026, 7, 1)
    (sample / "site.toml").write_text("broken = [", encoding="utf-8")
    assert new.show_today(sample, now=lambda: late) == late.astimezone().date()
