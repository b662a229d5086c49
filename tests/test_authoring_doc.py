"""docs/authoring.md carries the front-matter reference generated from the schema."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import authoring_doc
from sitegen.authoring_doc import BEGIN, END, REGENERATE, render_reference, splice
from sitegen.config import TABLES
from sitegen.schema import ARTICLE, DRILL, EPISODE, PAGE, Field

DOC = authoring_doc.DOC


def test_the_doc_reference_is_up_to_date() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert BEGIN in doc and END in doc, f"{DOC} lost its marker comments"
    assert splice(doc, render_reference()) == doc, (
        f"the front-matter reference in docs/authoring.md is out of date; regenerate it with `{REGENERATE}`"
    )


@pytest.mark.parametrize("fields", [EPISODE, ARTICLE, DRILL, PAGE, *TABLES.values()])
def test_every_field_is_documented(fields: tuple[Field, ...]) -> None:
    reference = render_reference()
    for f in fields:
        assert f"| `{f.name}` | {'yes' if f.required else 'no'}" in reference
        assert f.doc.replace("|", "\\|") in reference


def test_examples_are_stable_and_multiline_ones_are_blocks() -> None:
    reference = render_reference()
    assert render_reference() == reference  # no fresh UUIDs: the doc must not change on every run
    assert '```yaml\nchapters:\n  - start: "0:00"\n    title: "Introduction"\n```' in reference
    assert "`008-hills.mp3`" in reference and "{stem}" not in reference and "{uuid}" not in reference
    assert "| `episode_type` | no (default `full`) |" in reference


def test_a_stale_doc_is_reported_and_rewritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "authoring.md"
    doc.write_text(f"# Prose stays\n\n{BEGIN}\nold table\n{END}\n\nMore prose.\n", encoding="utf-8")
    assert authoring_doc.main(["--check"], doc) == 1
    assert REGENERATE in capsys.readouterr().err
    assert authoring_doc.main(["--write"], doc) == 0
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text and text.startswith("# Prose stays\n") and text.endswith(f"{END}\n\nMore prose.\n")
    assert authoring_doc.main(["--check"], doc) == 0
    assert authoring_doc.main(["--write"], doc) == 0 and "up to date" in capsys.readouterr().out


def test_missing_markers_are_an_error() -> None:
    with pytest.raises(ValueError, match="marker"):
        splice("no markers here", "x")
