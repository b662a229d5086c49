import random

import pytest
import yaml

from sitegen.frontmatter import MAX_DEPTH, parse_yaml, split_front_matter
from sitegen.strict_yaml import _may_be_unsafe


def test_split_front_matter_returns_yaml_body_and_body_line():
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 4)


def test_split_front_matter_without_fence_is_none():
    assert split_front_matter("no front matter") is None
    assert split_front_matter("---\na: 1\n") is None


def test_parse_yaml_records_lines_with_offset():
    loaded = parse_yaml("a: 1\nb:\n  - x\n  - y\n", first_line=2)
    assert loaded.errors == ()
    assert loaded.lines[("a",)] == 2 and loaded.lines[("b", 1)] == 5


def test_parse_yaml_no_is_not_silently_false():
    loaded = parse_yaml("explicit: no\n")
    assert loaded.data is None
    assert "true or false" in loaded.errors[0][1]


def test_parse_yaml_sexagesimal_time_is_caught():
    (line, msg), = parse_yaml("a: 1\nstart: 1:30\n").errors
    assert line == 2 and "90" in msg and '"1:30"' in msg


def test_parse_yaml_octal_number_is_caught():
    assert "octal" in parse_yaml("n: 010\n").errors[0][1]


def test_parse_yaml_quoted_values_are_fine():
    loaded = parse_yaml('a: "no"\nb: "1:30"\nc: true\nd: 0\n')
    assert loaded.data == {"a": "no", "b": "1:30", "c": True, "d": 0}


def test_parse_yaml_duplicate_key_is_an_error():
    assert "twice" in parse_yaml("a: 1\na: 2\n").errors[0][1]


def test_parse_yaml_invalid_yaml_gives_line():
    (line, msg), = parse_yaml("a: [1,\nb: 2\n", first_line=5).errors
    assert line >= 5 and "invalid YAML" in msg


# ---- bad author input: never an exception, always a line and a fix --------------------------


@pytest.mark.parametrize("value,why", [
    ("2026-02-30", "day is out of range"),
    ("2026-13-01", "month must be in 1..12"),
])
def test_parse_yaml_impossible_date_is_a_problem_not_a_crash(value: str, why: str):
    (line, msg), = parse_yaml(f"title: x\ndate: {value}\n", first_line=2).errors
    assert line == 3
    assert msg.startswith(f"date: {value} is not a real date") and why in msg and msg.endswith("write YYYY-MM-DD")


def test_parse_yaml_impossible_time_and_other_bad_values_have_lines():
    (line, msg), = parse_yaml("a: 1\nwhen: 2026-03-03 25:00:00\n").errors
    assert line == 2 and "not a real date and time" in msg
    (line, msg), = parse_yaml("a: 1\nn: 0x_\n").errors
    assert line == 2 and msg.startswith("n: '0x_' is not a valid int")
    for text in ("a: 1\nn: !!int ''\n", "a: 1\nn: !!timestamp soon\n", "a: 1\nn: !!bool maybe\n"):
        (line, msg), = parse_yaml(text).errors  # IndexError, AttributeError, KeyError inside PyYAML before
        assert line == 2 and msg.startswith("n: ")


def test_parse_yaml_refuses_anchors_and_aliases():
    for text in ("a: 1\nb: &x [1, 2]\nc: *x\n", "a: 1\nb: {k: &x 1, j: *x}\n", 'a: 1\nb: ["v":&x 1]\n'):
        (line, msg), = parse_yaml(text).errors
        assert line == 2 and msg == "anchors and aliases (&name, *name) are not allowed in content files; write the value out"


def test_parse_yaml_alias_bomb_is_refused():
    # Nine lists of nine aliases of the list before: PyYAML shares the nodes, the line walk did not.
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcde", "bcdef"))
    (line, msg), = parse_yaml(text).errors
    assert line == 1 and "anchors and aliases" in msg


def test_parse_yaml_ampersands_and_stars_in_text_are_fine():
    assert parse_yaml('title: "R&D & more"\nsummary: a *bold* claim, AT&T\n').data == {
        "title": "R&D & more", "summary": "a *bold* claim, AT&T"}


@pytest.mark.parametrize("text", [
    "a: " + "[" * 5000 + "]" * 5000 + "\n",  # RecursionError before
    "a:\n" + "".join(" " * i + "- \n" for i in range(1, 300)),
    "a:\n  " + "- " * 1000 + "x\n",
])
def test_parse_yaml_deep_nesting_is_refused_without_recursion(text: str):
    (line, msg), = parse_yaml(text).errors
    assert line >= 1 and f"at most {MAX_DEPTH} are allowed" in msg


def test_parse_yaml_depth_limit_is_exact():
    def flow(n: int) -> str:
        return "a: " + "[" * (n - 1) + "]" * (n - 1) + "\n"  # the top mapping is one level

    def block(n: int) -> str:
        return "a:\n" + "".join("  " * i + "-\n" for i in range(1, n - 1)) + "  " * (n - 1) + "- x\n"

    for make in (flow, block):
        assert parse_yaml(make(MAX_DEPTH)).errors == ()
        assert "nest more than" in parse_yaml(make(MAX_DEPTH + 1)).errors[0][1]


def test_cheap_depth_check_never_misses_deep_text():
    """Whenever the string tests let a text skip the event scan, it really nests at most MAX_DEPTH."""
    rng = random.Random(7)

    def tree(depth: int):  # one deep spine with a few short side branches
        if depth == 0:
            return rng.choice(["x", 1, "a b"])
        items = [tree(depth - 1)] + [rng.choice(["y", 2, [3]]) for _ in range(rng.randint(0, 1))]
        rng.shuffle(items)
        return items if rng.random() < 0.5 else {f"k{i}": v for i, v in enumerate(items)}

    def depth_of(text: str) -> int:
        deepest = level = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            level += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            deepest = max(deepest, level)
        return deepest

    skipped = 0
    for _ in range(600):
        data = {"top": tree(rng.randint(1, 30))}
        text = yaml.safe_dump(data, default_flow_style=rng.choice([False, None, True]), indent=2, width=rng.choice([40, 1000]))
        if not _may_be_unsafe(text):
            skipped += 1
            assert depth_of(text) <= MAX_DEPTH, text
    assert skipped > 50  # the fast path is really taken


def test_parse_yaml_size_is_capped():
    (line, msg), = parse_yaml("a: " + "x" * 70_000 + "\n", first_line=2).errors
    assert line == 2 and "at most 64 KB" in msg


def test_parse_yaml_tab_in_indentation_says_tab():
    (line, msg), = parse_yaml("a: 1\nchapters:\n\t- start: x\n", first_line=2).errors
    assert line == 4 and "tab" in msg and "indent with spaces" in msg
    (line, msg), = parse_yaml("refs:\n  - a: 1\n  \t b: 2\n").errors
    assert line == 3 and "indent with spaces" in msg


def test_parse_yaml_value_cut_by_comment_is_refused():
    (line, msg), = parse_yaml("title: x\nsummary: Why hill #2 is better\n", first_line=2).errors
    assert line == 3
    assert msg.startswith("summary: '#' after a space starts a YAML comment, so the value was cut to 'Why hill'; quote the whole value")


def test_parse_yaml_comments_that_cut_nothing_are_fine():
    text = '# a comment line\nsummary: "Why hill #2 is better"\nurl: https://example.com/#part\ndraft: true  # for now\nn: 2 # second\n'
    assert parse_yaml(text).data == {"summary": "Why hill #2 is better", "url": "https://example.com/#part", "draft": True, "n": 2}


def test_parse_yaml_control_character_from_an_escape():
    (line, msg), = parse_yaml('a: 1\ntitle: "First\\0 steps"\n').errors
    assert line == 2 and "U+0000" in msg


def test_split_front_matter_ignores_a_byte_order_mark():
    assert split_front_matter("\ufeff---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n", 4)
