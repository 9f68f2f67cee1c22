from __future__ import annotations

import re

import pytest

from pipeline.extract.blocks import Block, segment_html

PAGE = """<html><body class="single">
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li></ul></nav>
<div class="content"><article>
  <h1>The title</h1>
  <p>First paragraph with <a href="https://x.org">a link</a> inside it.</p>
  <div>Loose text <p>inner paragraph</p> tail text</div>
  <p>Feel better soon. <a class="btn btn-primary" href="/book">Book a consultation</a></p>
  <script>var x = "never shown";</script>
  <p hidden>hidden attribute</p><p aria-hidden="true">aria hidden</p>
  <p style="color: red; display : none">display none</p>
  <ul><li>item one</li><li>item two</li></ul>
</article></div>
<footer><p>© 2025 Example</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def blocks() -> list[Block]:
    return segment_html(PAGE)


def test_blocks_are_the_visible_paragraph_units_in_order(blocks: list[Block]) -> None:
    texts = [b.text for b in blocks]
    assert texts == [
        "Home", "Blog", "The title", "First paragraph with a link inside it.", "Loose text",
        "inner paragraph", "tail text", "Feel better soon.", "Book a consultation",
        "item one", "item two", "© 2025 Example",
    ]  # fmt: skip


def test_hidden_and_script_content_is_dropped(blocks: list[Block]) -> None:
    joined = " ".join(b.text for b in blocks)
    for gone in ("never shown", "hidden attribute", "aria hidden", "display none"):
        assert gone not in joined


def test_block_layout_facts(blocks: list[Block]) -> None:
    by_text = {b.text: b for b in blocks}
    home, title = by_text["Home"], by_text["The title"]
    para = by_text["First paragraph with a link inside it."]
    assert home.regions == {"nav"} and home.link_density == 1.0 and home.tag == "li"
    assert "main" in home.class_tokens.split() and "nav" in home.class_tokens.split()
    assert title.heading_level == 1 and "article" in title.regions
    assert para.tag_path == "html>body.single>div.content>article>p"
    assert para.link_density == pytest.approx(len("a link") / len(para.text))
    assert para.hrefs == ("https://x.org",)
    assert by_text["© 2025 Example"].regions == {"footer"}
    assert blocks[0].position == 0.0 and blocks[-1].position == 1.0


def test_button_links_become_their_own_block(blocks: list[Block]) -> None:
    # A CTA glued to a paragraph must be separable from it.
    cta = next(b for b in blocks if b.text == "Book a consultation")
    assert cta.tag == "a" and cta.own_tokens == ("btn", "btn", "primary")
    assert cta.link_density == 1.0


def test_noscript_copy_is_used_when_the_page_shows_nothing_else() -> None:
    words = " ".join(["word"] * 60)
    page = f"<html><body><div id='app'></div><noscript><p>{words}</p></noscript></body></html>"
    assert [b.text for b in segment_html(page)] == [words]
    shown = f"<html><body><p>{words}</p><noscript><p>Enable JavaScript</p></noscript></body></html>"
    assert [b.text for b in segment_html(shown)] == [words]


@pytest.mark.parametrize("markup", ["", "   ", "\x00\x01\x02", "<<<>>>", "<p>unclosed <b>bold"])
def test_garbage_segments_without_raising(markup: str) -> None:
    blocks = segment_html(markup)
    assert all(b.text.strip() for b in blocks)


def test_unicode_whitespace_collapses_like_regex_whitespace() -> None:
    # Block text is collapsed with str.split(); it must equal re.sub(r"\s+", " ", text).strip().
    odd = "\u00a0\u2003\u3000\u2028\x0b\x1f"
    text = f"{odd}one{odd}two <b>three</b>{odd}"
    (block,) = segment_html(f"<html><body><p>{text}</p></body></html>")
    assert block.text == re.sub(r"\s+", " ", f"one{odd}two three{odd}").strip()
    assert block.text == "one two three"
