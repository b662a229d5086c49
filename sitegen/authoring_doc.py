"""The front-matter and site.toml reference in docs/authoring.md, generated from the schema.

    python -m sitegen.authoring_doc --write   # regenerate the reference in docs/authoring.md
    python -m sitegen.authoring_doc --check   # exit 1 when the doc is out of date

Only the text between the two marker comments is generated; the rest of the doc is prose.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

from .schema import ARTICLE, DRILL, EPISODE, PAGE, PROGRAM, SESSION, WEEK, Field

DOC = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"
BEGIN = "<!-- BEGIN GENERATED REFERENCE: edit sitegen/schema.py, then run `python -m sitegen.authoring_doc --write` -->"
END = "<!-- END GENERATED REFERENCE -->"
REGENERATE = "python -m sitegen.authoring_doc --write"

SAMPLE_UUID = "0b6e3c52-6f0e-4c8e-9a53-1d2f7e4b9c10"  # examples only; `new` makes a fresh one

KINDS: tuple[tuple[str, str, str, tuple[Field, ...], str], ...] = (
    ("Episodes", "content/episodes/NNN-slug.md", "/episodes/slug/", EPISODE, "008-hills"),
    ("Articles", "content/articles/slug.md", "/articles/slug/", ARTICLE, "hills"),
    ("Drills", "content/drills/slug.md", "/drills/slug/", DRILL, "hills"),
    ("Pages", "content/pages/slug.md", "/slug/", PAGE, "about"),
)


def render_reference() -> str:
    """The generated part of docs/authoring.md (without the markers)."""
    out = [
        "Every key each kind of file accepts, in the order `build.py new` writes them. Unknown keys are",
        "errors. Quote text and times; write dates unquoted as YYYY-MM-DD and booleans as true or false.",
        "",
    ]
    for title, path, url, fields, stem in KINDS:
        out += [f"### {title}: `{path}`", "", f"Published at `{url}`.", ""]
        out += _table(fields, stem, yaml_key=True)
    out += ["### Drill programme: `content/drills/_program.yaml`", "",
            "The multi-week plan of the drill guide, published at `/guide/` and in its PDFs.", ""]
    for heading, fields in (("The file", PROGRAM), ("Each of `weeks`", WEEK), ("Each of `sessions`", SESSION)):
        out += [f"#### {heading}", ""]
        out += _table(fields, "", yaml_key=True)
    from .config import TABLES  # the site's settings, for the same reference

    out += ["### site.toml", "", "The one configuration file, in the project folder. Unknown tables and keys are errors.", ""]
    for table, fields in TABLES.items():
        out += [f"#### `[{table}]`", ""]
        out += _table(fields, "", yaml_key=False)
    return "\n".join(out).rstrip("\n") + "\n"


def _table(fields: Sequence[Field], stem: str, *, yaml_key: bool) -> list[str]:
    rows = ["| Key | Required | Example | What it is |", "| --- | --- | --- | --- |"]
    blocks: list[str] = []
    for f in fields:
        example = _example(f, stem)
        if "\n" in example:
            shown = "see below"
            blocks += [f"`{f.name}` written out:", "", "```yaml", f"{f.name}:{example}", "```", ""]
        else:
            shown = f"`{example}`" if example else ""
        rows.append(f"| `{f.name}` | {_required(f)} | {_cell(shown)} | {_cell(f.doc)} |")
    if not yaml_key:
        blocks = [b.replace("```yaml", "```toml") for b in blocks]
    return rows + [""] + blocks


def _example(f: Field, stem: str) -> str:
    return f.example.replace("{uuid}", SAMPLE_UUID).replace("{stem}", stem)


def _required(f: Field) -> str:
    if f.required:
        return "yes"
    default = _default(f.default)
    return f"no (default `{default}`)" if default else "no"


def _default(value: Any) -> str:
    if value is None or value == () or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]"
    if hasattr(value, "strftime") and not hasattr(value, "year"):  # a time of day
        return f'"{value.strftime("%H:%M")}"'
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def splice(doc: str, reference: str) -> str:
    """The doc with the text between the markers replaced; ValueError when a marker is missing."""
    start, end = doc.find(BEGIN), doc.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/authoring.md needs the two marker lines:\n{BEGIN}\n{END}")
    return doc[: start + len(BEGIN)] + "\n\n" + reference + "\n" + doc[end:]


def main(argv: Sequence[str] | None = None, doc_path: Path = DOC) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in (["--write"], ["--check"], []):
        print("usage: python -m sitegen.authoring_doc [--write | --check]", file=sys.stderr)
        return 2
    if not args:
        sys.stdout.write(render_reference())
        return 0
    doc = doc_path.read_text(encoding="utf-8")
    new = splice(doc, render_reference())
    if args == ["--write"]:
        if new != doc:
            doc_path.write_text(new, encoding="utf-8")
            print(f"updated the reference in {doc_path}")
        else:
            print(f"{doc_path} is up to date")
        return 0
    if new != doc:
        print(f"{doc_path}: the generated reference is out of date; run `{REGENERATE}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
