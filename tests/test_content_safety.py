"""Content cannot smuggle scripts into pages and feeds, transcripts are escaped once, and links
cannot publish files from outside the project."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import build_site
from sitegen import cli
from sitegen.assets import read_static
from sitegen.problems import BuildError

EP1 = "content/episodes/001-first-steps.md"
BODY_START = "Welcome to the sample show."
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def add_to_body(root: Path, extra: str) -> int:
    """Append Markdown to episode 1's body; returns the file line where `extra` starts."""
    path = root / EP1
    text = path.read_text()
    path.write_text(text + "\n" + extra)
    return text.count("\n") + 2


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build_site(root, pdf=False)
    return [str(p) for p in caught.value.problems]


# 1. Body HTML is sanitized once, for pages and feeds alike, and the author is told what was removed.

def test_unsafe_html_in_a_body_fails_the_build_naming_each_removal(sample: Path):
    line = add_to_body(sample, "\n".join([
        '<img src="/img/x.png" alt="x" onerror="alert(1)">',
        "",
        '<svg onload="alert(2)"></svg>',
        "",
        '<iframe srcdoc="&lt;script&gt;alert(3)&lt;/script&gt;"></iframe>',
        "",
        "[a link](javascript:alert(4))",
        "",
    ]))
    found = problems_of(sample)
    assert f"{EP1}:{line}: <img onerror> is not allowed in content and was removed from the page and feeds; " \
           "delete the onerror attribute" in found
    assert any(p.startswith(f"{EP1}:{line + 2}: <svg> is not allowed") for p in found), found
    assert any(p.startswith(f"{EP1}:{line + 4}: <iframe> is not allowed") for p in found), found
    assert any(p.startswith(f"{EP1}:{line + 6}: <a href='javascript:alert(4)'> was removed") for p in found), found


def test_script_shown_in_a_code_block_is_accepted_and_shown_as_code(sample: Path):
    add_to_body(sample, "```html\n<script>alert('shown, not run')</script>\n```\n")
    build_site(sample, pdf=False)
    out = sample / "_site"
    page = html.parse(str(out / "episodes/first-steps/index.html"))
    assert "<script>alert('shown, not run')</script>" in page.xpath("string(//pre/code[@class='language-html'])")
    # The feeds carry the same sanitized HTML: the code is text in them too, never a script element.
    podcast = etree.parse(str(out / "podcast.xml"))
    notes = next(e.text for e in podcast.iter(CONTENT) if BODY_START in e.text)
    assert "&lt;script&gt;alert('shown, not run')&lt;/script&gt;" in notes
    atom = etree.parse(str(out / "atom.xml"))
    entry = next(e.text for e in atom.iter("{http://www.w3.org/2005/Atom}content") if BODY_START in e.text)
    assert "&lt;script&gt;" in entry and "<script" not in entry


# 2. A transcript cue with '&' shows as '&' on the page, not '&amp;'.

def test_transcript_cue_characters_are_escaped_once_on_the_page(sample: Path):
    (sample / "content/episodes/001-first-steps.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:04.500\n<v Host>Salt &amp; pepper &lt;3\n\n"
        "00:00:05.000 --> 00:00:08.500\nWhy backward?\n")
    build_site(sample, pdf=False)
    for name in ("episodes/first-steps/index.html", "episodes/first-steps/transcript/index.html"):
        source = (sample / "_site" / name).read_text()
        assert "Salt &amp; pepper &lt;3" in source and "&amp;amp;" not in source and "&amp;lt;" not in source, name
        text = html.fromstring(source).text_content()
        assert "Salt & pepper <3" in text and "<v" not in text, name


# 3. Links out of the project are refused, naming the file; links inside it are fine.

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    return secret


def test_static_link_outside_the_project_is_refused(sample: Path, outside: Path, capsys: pytest.CaptureFixture[str]):
    os.symlink(outside, sample / "static/passwd.txt")
    assert cli.main(["--root", str(sample), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"static/passwd.txt: a link to a file outside the project ({outside}); copy the file in instead" in err
    assert not (sample / "_site").exists()


def test_links_to_hidden_files_content_media_and_templates_are_refused(sample: Path, outside: Path):
    (sample / ".git").mkdir()
    (sample / ".git/config").write_text("[http] extraheader = AUTHORIZATION: basic c2VjcmV0\n")
    os.symlink("../.git/config", sample / "static/config.txt")
    os.symlink(outside, sample / "templates/partials/secret.html")
    os.symlink(outside.parent, sample / "static/elsewhere")
    os.symlink(outside, sample / "content/articles/linked.md")
    vtt = sample / "content/episodes/001-first-steps.vtt"
    outside.with_name("t.vtt").write_bytes(vtt.read_bytes())
    vtt.unlink()
    os.symlink(outside.with_name("t.vtt"), vtt)
    ep2 = sample / "content/episodes/002-knees-and-you.md"  # its art in a linked folder
    outside.with_name("art.jpg").write_bytes(ep2.with_suffix(".jpg").read_bytes())
    os.symlink(outside.parent, sample / "content/episodes/art")
    ep2.write_text(ep2.read_text().replace("image: 002-knees-and-you.jpg", "image: art/art.jpg"))
    found = problems_of(sample)
    assert "static/config.txt: a link to a hidden file of the project (.git/config); copy the file in instead" in found
    assert f"templates/partials/secret.html: a link to a file outside the project ({outside}); copy the file in instead" in found
    assert f"static/elsewhere: a link to a folder outside the project ({outside.parent}); copy the folder in instead" in found
    assert f"content/articles/linked.md: a link to a file outside the project ({outside}); copy the file in instead" in found
    assert any(p.startswith(f"{EP1}:") and p.endswith(f"transcript: 001-first-steps.vtt is a link to a file outside the project "
                                                      f"({outside.with_name('t.vtt')}); copy the file in instead") for p in found), found
    assert ("content/episodes/002-knees-and-you.md:9: image: art/art.jpg is a link to a file outside the project "
            f"({outside.with_name('art.jpg')}); copy the file in instead") in found
    copies, _ = read_static(sample / "static")
    assert "config.txt" not in copies and "passwd.txt" not in copies


def test_links_inside_the_project_are_published(sample: Path):
    os.symlink("../../content/episodes/002-knees-and-you.jpg", sample / "static/img/knees.jpg")
    build_site(sample, pdf=False)
    published = sample / "_site/img/knees.jpg"
    assert published.read_bytes() == (sample / "content/episodes/002-knees-and-you.jpg").read_bytes()
