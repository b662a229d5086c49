from sitegen.frontmatter import parse_yaml, split_front_matter


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
