from pathlib import Path

import pytest

from sitegen.load import list_sources
from sitegen.problems import BuildError
from sitegen.sources import MAX_FILE_BYTES, parse_source, read_author_text, read_source, read_yaml, slug_from_name

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


def read_problem(path: Path, shown: str = "content/articles/a.md") -> str:
    with pytest.raises(BuildError) as caught:
        read_author_text(path, shown)
    (problem,) = caught.value.problems
    return str(problem)


def test_read_author_text_names_the_line_and_byte_that_is_not_utf8(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes("---\ntitle: x\n---\nUn caf\u00e9 ".encode() + "na\u00efve\n".encode("cp1252"))
    message = read_problem(path)
    assert message.startswith("content/articles/a.md:4: byte 0xEF (column 11, after 'Un café na') is not UTF-8")
    assert message.endswith("save the file as UTF-8")


@pytest.mark.parametrize("char,line,column", [("\x00", 4, 5), ("\x0c", 2, 9), ("\x1b", 4, 1), ("\uffff", 4, 3)])
def test_read_author_text_reports_control_characters(tmp_path: Path, char: str, line: int, column: int):
    path = tmp_path / "a.md"
    text = "---\ntitle: x\n---\nBody\n"
    lines = text.splitlines(keepends=True)
    lines[line - 1] = lines[line - 1][: column - 1] + char + lines[line - 1][column - 1 :]
    path.write_text("".join(lines), encoding="utf-8")
    message = read_problem(path)
    assert message.startswith(f"content/articles/a.md:{line}: an invisible control character U+{ord(char):04X} at column {column}")
    assert "delete it" in message


def test_read_author_text_strips_a_byte_order_mark_and_keeps_tabs_and_crlf_as_newlines(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nA\ttab\r\n")
    assert read_author_text(path, "a.md") == "---\ntitle: x\n---\nA\ttab\n"
    assert read_author_text(path, "a.md", keep_newlines=True) == "---\r\ntitle: x\r\n---\r\nA\ttab\r\n"
    doc = read_source(path, "content/articles/a.md", "articles")
    assert doc.data == {"title": "x"} and doc.body == "A\ttab\n"


def test_read_author_text_caps_the_size(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: x\n---\n" + b"word " * (MAX_FILE_BYTES // 5))
    assert "over 1 MB" in read_problem(path)


def test_read_source_and_read_yaml_give_problems_not_exceptions(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_bytes(b"---\ntitle: \xe9\n---\n")
    (problem,) = read_source(path, "content/articles/a.md", "articles")
    assert problem.line == 2 and "save the file as UTF-8" in problem.message
    assert read_yaml(path, "content/drills/_program.yaml").errors[0][0] == 2
