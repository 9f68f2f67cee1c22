"""Boilerplate categories of non-main blocks: in-page anchor links are navigation, not promo."""

from __future__ import annotations

from pipeline.extract.blocks import Block, segment_html
from pipeline.extract.categories import CATEGORY_ORDER, categorize, link_category
from pipeline.records import BLOCK_CATEGORIES

# A table of contents without any "toc"/"nav" class, inside the article body, next to a CTA box
# whose button jumps to an in-page form and a subscribe link that opens an app route.
PAGE = """<html><body><article><div class="entry-content">
<p>Emotional intimacy grows from many small moments of attention between two people.</p>
<ol>
<li><a href="#understanding-emotional-intimacy">1. Understanding Emotional Intimacy</a></li>
<li><a href="#the-role-of-sex">2. The Role of Sex in Emotional Intimacy</a></li>
</ol>
<div class="cta-box"><a class="btn" href="#booking-form">Reserve your place today</a></div>
<div class="cta-box"><a href="#booking-form">Reserve your place today</a></div>
<div><a href="#/portal/signup">Join the letter</a></div>
<div><a href="#">Open the menu</a></div>
<p>Read the <a href="#note-1">note</a> before you start the exercises described below in detail.</p>
</div></article></body></html>"""


def _by_text() -> dict[str, Block]:
    return {b.text: b for b in segment_html(PAGE)}


def test_class_less_table_of_contents_is_navigation() -> None:
    blocks = _by_text()
    for text in ("1. Understanding Emotional Intimacy", "2. The Role of Sex in Emotional Intimacy"):
        assert link_category(blocks[text]) == "navigation"
        assert categorize(blocks[text]) == "navigation"


def test_tokens_outrank_in_page_links() -> None:
    # A button (own token "btn") or a link inside a CTA box stays promo though it jumps in-page.
    (button, boxed) = [b for b in segment_html(PAGE) if b.text == "Reserve your place today"]
    assert categorize(button) == "promo" and categorize(boxed) == "promo"


def test_app_routes_placeholders_and_prose_links_are_not_anchors() -> None:
    blocks = _by_text()
    assert link_category(blocks["Join the letter"]) is None  # "#/portal/signup" is a route
    assert link_category(blocks["Open the menu"]) is None  # "#" alone is a script hook
    prose = next(t for t in blocks if t.startswith("Read the note"))
    assert link_category(blocks[prose]) is None  # one footnote link does not make a TOC
    assert categorize(blocks[prose]) == "other"


def test_rule_categories_are_block_categories() -> None:
    # Once an import-time assert in categories.py; it pulled pyarrow into extraction.
    assert set(CATEGORY_ORDER) < set(BLOCK_CATEGORIES)
