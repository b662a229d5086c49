from pathlib import Path

from sitegen.load import list_sources
from sitegen.sources import parse_source, slug_from_name

from conftest import write_tree


def test_slug_from_name():
    assert slug_from_name("004-hill-repeats.md", "episodes") == "hill-repeats"
    assert slug_from_name("hill-repeats.md", "episodes") is None
    assert slug_from_name("Hill Repeats.md", "articles") is None
    assert slug_from_name("hill-repeats.md", "articles") == "hill-repeats"


def test_parse_source_keeps_lines_and_body():
    doc = parse_source("---\ntitle: x\ntags:\n  - a\n---\nBody\n", Path("a.md"), "content/articles/a.md", "articles")
    assert doc.data == {"title": "x", "tags": ["a"]} and doc.body == "Body\n" and doc.body_line == 6
    assert doc.line(("tags", 0)) == 4 and doc.line(("missing",)) == 1


def test_parse_source_without_front_matter():
    (problem,) = parse_source("# Title\n", Path("a.md"), "content/articles/a.md", "articles")
    assert problem.line == 1 and "---" in problem.message


def test_parse_source_front_matter_must_be_a_mapping():
    (problem,) = parse_source("---\n- a\n---\n", Path("a.md"), "content/articles/a.md", "articles")
    assert "key: value" in problem.message


def test_list_sources_sorted_skips_underscore_and_flags_strays(tmp_path: Path):
    write_tree(tmp_path, {"content/articles/b.md": "", "content/articles/a.md": "", "content/drills/_program.yaml": "",
                          "content/drills/_notes.md": "", "content/stray.md": "", "content/episodes/Bad Name.md": ""})
    files, problems = list_sources(tmp_path)
    assert [f.rel for f in files] == ["content/episodes/Bad Name.md", "content/articles/a.md", "content/articles/b.md"]
    assert files[0].slug is None
    assert problems[0].path == "content/stray.md"
