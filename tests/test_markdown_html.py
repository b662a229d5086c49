import pytest

from sitegen.markdown_html import render_markdown


def test_render_markdown_prefixes_site_links_with_base_path():
    r = render_markdown("[a](/drills/x/) [b](https://e.example/) [c](#top)", "/repo/")
    assert 'href="/repo/drills/x/"' in r.html and 'href="https://e.example/"' in r.html and 'href="#top"' in r.html


def test_render_markdown_reports_missing_alt_and_h1():
    r = render_markdown("# Big\n\n![](/img/a.png)\n", "/")
    assert any("alt text" in i and "/img/a.png" in i for _, i in r.issues)
    assert any("'## '" in i for _, i in r.issues)


def test_render_markdown_reused_instance_has_no_leftovers():
    first = render_markdown("## Same\n\n![](/a.png)", "/")
    second = render_markdown("## Same\n\nPlain", "/")
    assert 'id="same"' in second.html and second.issues == () and first.issues  # heading ids restart per document


def test_render_markdown_tables():
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", "/").html


def test_render_markdown_rejects_script():
    r = render_markdown("Hi <script>alert(1)</script>", "/")
    assert any("<script>" in i for _, i in r.issues) and "alert" not in r.html


RICH = """## Heading & "quotes"

Text with **bold**, *em*, `code`, a [link](https://e.example/?a=1&b=2 "Title"), [mail](mailto:a@b.example),
[relative](../x/), [fragment](#heading-quotes) and ![an image](/img/a.png "Caption").

| Left | Centre | Right |
|:-----|:------:|------:|
| 1    | 2      | 3     |

```python
if a < b:
    print("<script>")
```

1. one
2. two

> quoted

<img src="/img/b.png" alt="b" width="10" height="20" title="t">
<abbr title="HyperText Markup Language">HTML</abbr> x<sup>2</sup> H<sub>2</sub>O <kbd>Ctrl</kbd> <mark>m</mark>

<details>
<summary>More</summary>
Hidden text.
</details>

Line with a break  
here

---
"""


def test_render_markdown_keeps_everything_the_sites_markdown_makes():
    import markdown

    from sitegen.markdown_html import _CONFIG, _EXTENSIONS

    r = render_markdown(RICH, "/")
    plain = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html").convert(RICH)
    assert r.issues == ()
    assert r.html == plain.replace('print(&quot;&lt;script&gt;&quot;)', 'print("&lt;script&gt;")')  # same markup, one re-spelling
    assert 'rel="' not in r.html


@pytest.mark.parametrize("payload, gone", [
    ('<img src="/a.png" alt="a" onerror="alert(1)">', "onerror"),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', "alert"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc"),
    ("[x](javascript:alert(1))", "javascript"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ("<style>body{display:none}</style>", "display"),
    ('<form action="https://e.example/"><input name="pw"></form>', "input"),
    ('<p style="position:fixed;top:0">cover</p>', "position"),
    ('<object data="/x.swf"></object>', "object"),
])
def test_render_markdown_removes_unsafe_html_and_says_so(payload: str, gone: str):
    r = render_markdown(f"Intro.\n\n{payload}\n", "/")
    assert gone not in r.html.lower()
    assert r.issues and all(line == 3 for line, _ in r.issues), r.issues


def test_render_markdown_accepts_script_shown_as_code():
    r = render_markdown("Write `<script>` like this:\n\n```html\n<script src=\"/x.js\"></script>\n```\n", "/")
    assert r.issues == ()
    assert "&lt;script&gt;" in r.html and "<script" not in r.html


def test_render_markdown_points_at_the_line_outside_code():
    r = render_markdown("```\n<script>\n```\n\nthen\n\n<script>alert(1)</script>\n", "/")
    assert [line for line, _ in r.issues] == [7] and "<script>" in r.issues[0][1]
