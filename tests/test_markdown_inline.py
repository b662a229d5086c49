"""The faster inline step gives exactly the stock step's HTML."""
from __future__ import annotations

import random
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import pytest
from markdown.inlinepatterns import InlineProcessor as Pattern

from sitegen.markdown_html import _CONFIG, _EXTENSIONS
from sitegen.markdown_inline import SkippingInlineProcessor, _triggers, use_skipping_inline

ROOT = Path(__file__).resolve().parent.parent


def _pair() -> tuple[markdown.Markdown, markdown.Markdown]:
    stock = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")
    fast = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")
    use_skipping_inline(fast)
    return stock, fast


def _same(stock: markdown.Markdown, fast: markdown.Markdown, text: str) -> None:
    stock.reset()
    fast.reset()
    assert fast.convert(text) == stock.convert(text), text


TRICKY = [
    "plain words only",
    "a `code` and ``double `tick` code`` and \\`escaped\\` and \\\\`after backslashes`",
    "*em* **strong** ***both*** _em_ __strong__ snake_case_name 2*3*4 * loose * **unclosed",
    "[link](/x/) [ref][r] [short] ![img](/a.png) ![ref img][r] [r]: /target\n\n[r]",
    "[r]: /target \"Title\"\n\nSee [r] and [the ref][r] and ![alt][r] and [[nested] brackets](/n/).",
    "<https://example.org/a?b=c> <me@example.org> <b>bold</b> <!-- note --> <span title='a>b'>x</span>",
    "&amp; &copy; &#169; &#xA9; AT&T & alone",
    "line one  \nline two\\\nline three",
    "\\*not em\\* \\[not link\\] \\<not html> \\&amp;",
    "* item with `code`\n* item with [link](/l/)\n\n1. one *em*\n2. two",
    "| a | `b` |\n|:--|--:|\n| [c](/c/) | *d* |",
    "```python\nx = '<b>' and `y`\n```\n\nafter *fence*",
    "## Heading with *em* and `code`\n\ntext\n\n### Again\n\ntext",
    "> quote with **strong** and [link](https://example.org/)\n> and <i>html</i>",
    "`\x02klzzwxh:0000\x03` placeholder-looking text *em*",
]


def test_tricky_inputs_give_the_stock_html() -> None:
    stock, fast = _pair()
    for text in TRICKY:
        _same(stock, fast, text)


def test_the_shows_content_gives_the_stock_html() -> None:
    stock, fast = _pair()
    files = sorted((ROOT / "content").glob("*/*.md")) + sorted((ROOT / "docs").glob("*.md"))
    assert len(files) > 20
    for path in files:
        _same(stock, fast, path.read_text(encoding="utf-8"))


def test_random_markup_gives_the_stock_html() -> None:
    """Thousands of short texts built from every character a pattern reacts to."""
    pieces = ["word", " ", " ", "\n", "  \n", "*", "**", "_", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">",
              "&", ";", "#", "/x/", "http://e.org", "@", "'", '"', "amp", "\n\n", "- ", "1. ", "|", ":"]
    rng = random.Random(17)
    stock, fast = _pair()
    for _ in range(3000):
        _same(stock, fast, "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))))


def test_the_step_replaces_the_stock_one_in_place() -> None:
    stock, fast = _pair()
    assert [type(p).__name__ for p in fast.treeprocessors] == [
        "SkippingInlineProcessor" if type(p).__name__ == "InlineProcessor" else type(p).__name__ for p in stock.treeprocessors]
    assert fast.treeprocessors.get_index_for_name("inline") == stock.treeprocessors.get_index_for_name("inline")
    assert isinstance(fast.treeprocessors["inline"], SkippingInlineProcessor)


class _Strike(Pattern):
    def handleMatch(self, m, data):  # type: ignore[no-untyped-def]
        el = Element("del")
        el.text = m.group(1)
        return el, m.start(0), m.end(0)


def test_a_pattern_it_does_not_know_is_always_tried() -> None:
    stock, fast = _pair()
    for md in (stock, fast):
        md.inlinePatterns.register(_Strike(r"~~(.+?)~~"), "strike", 55)
    assert _triggers(fast.inlinePatterns["strike"]) == ""
    _same(stock, fast, "a ~~gone~~ b and *em ~~in~~ em*")
    fast.reset()
    assert "<del>gone</del>" in fast.convert("a ~~gone~~ b")


@pytest.mark.parametrize("name, needs", [("backtick", "`"), ("link", "["), ("html", "<"), ("entity", "&"),
                                         ("em_strong", "*_"), ("linebreak", "\n")])
def test_stock_patterns_have_their_triggers(name: str, needs: str) -> None:
    _, fast = _pair()
    assert _triggers(fast.inlinePatterns[name]) == needs
