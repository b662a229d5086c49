from sitegen.markdown_html import render_markdown


def test_render_markdown_prefixes_site_links_with_base_path():
    r = render_markdown("[a](/drills/x/) [b](https://e.example/) [c](#top)", "/repo/")
    assert 'href="/repo/drills/x/"' in r.html and 'href="https://e.example/"' in r.html and 'href="#top"' in r.html
    assert r.links == ("/drills/x/",)


def test_render_markdown_reports_missing_alt_and_h1():
    r = render_markdown("# Big\n\n![](/img/a.png)\n", "/")
    assert any("alt text" in i and "/img/a.png" in i for i in r.issues)
    assert any("'## '" in i for i in r.issues)


def test_render_markdown_reused_instance_has_no_leftovers():
    first = render_markdown("## Same\n\n![](/a.png)", "/")
    second = render_markdown("## Same\n\nPlain", "/")
    assert 'id="same"' in second.html and second.issues == () and first.issues  # heading ids restart per document


def test_render_markdown_tables():
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n", "/").html


def test_render_markdown_rejects_script():
    assert any("<script>" in i for i in render_markdown("Hi <script>alert(1)</script>", "/").issues)
