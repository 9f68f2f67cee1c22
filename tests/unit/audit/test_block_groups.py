"""Promo and banner findings per page element (a group of blocks), inside the article only."""

from __future__ import annotations

from typing import Any

from pipeline.audit.block_groups import article_groups
from pipeline.audit.blocks import promo_blocks_in_article, repeated_blocks

ARTICLE = "html>body>div.site>main>article.post>div.entry-content"
BOX = f"{ARTICLE}>div.wp-block-group"
HEADER = "html>body>div.site>header.site-header>div.actions"
FOOTER = "html>body>div.site>section.footer-cta>div.inner"
HEADING = "It's Normal For Marriages To Have Their Challenges"
SUBLINE = "Guidance From A Licensed Professional Can Help"


def _rows(*specs: tuple[str, str, str, bool]) -> list[dict[str, Any]]:
    """(tag_path, category, text, is_main) per block, positions spread over 0..1."""
    n = len(specs)
    return [
        {"block_index": i, "tag_path": path, "category": cat, "text": text, "is_main": main,
         "position": i / (n - 1), "word_count": len(text.split())}
        for i, (path, cat, text, main) in enumerate(specs)
    ]  # fmt: skip


def _para(text: str) -> tuple[str, str, str, bool]:
    return (f"{ARTICLE}>p", "content", text, True)


def _banner() -> list[tuple[str, str, str, bool]]:
    return [
        (f"{BOX}>h3.cta-heading", "promo", HEADING, False),
        (f"{BOX}>p.cta-text", "promo", SUBLINE, False),
        (f"{BOX}>div.wp-block-buttons>div.wp-block-button>a.button", "promo", "Get Started", False),
    ]


def _page() -> list[dict[str, Any]]:
    return _rows(
        (f"{HEADER}>a.gh-head-button", "promo", "Subscribe", False),
        _para("Intimacy is the closeness in a relationship."),
        *_banner(),
        _para("Many couples misunderstand intimacy."),
        *_banner(),
        _para("Remember why you fell in love."),
        (f"{FOOTER}>a.footer-cta-button", "promo", "Subscribe", False),
    )


def test_a_cta_box_is_one_promo_finding_with_all_its_lines() -> None:
    findings = promo_blocks_in_article(_page(), main_text="")
    # Two occurrences of the same box: one finding each, each with the box's three lines.
    assert [f.evidence for f in findings] == [f"{HEADING}\n{SUBLINE}\nGet Started"] * 2
    assert [f.extra["block_index"] for f in findings] == ["2,3,4", "6,7,8"]
    assert "(blocks 2-4)" in findings[0].message
    assert all(f.start == -1 for f in findings)  # not in the main text: block evidence


def test_a_repeated_box_is_one_banner_with_its_count() -> None:
    (banner,) = repeated_blocks(_page(), main_text="")
    assert banner.evidence == f"{HEADING}\n{SUBLINE}\nGet Started"
    assert "appears 2 times in this post" in banner.message
    assert banner.extra == {"count": "2"}


def test_page_chrome_repeated_in_header_and_footer_is_not_a_banner() -> None:
    blocks = _rows(
        (f"{HEADER}>a.gh-head-button", "promo", "Subscribe to the weekly letter now", False),
        _para("First paragraph of the post."),
        _para("Last paragraph of the post."),
        (f"{FOOTER}>a.footer-cta-button", "promo", "Subscribe to the weekly letter now", False),
    )
    assert repeated_blocks(blocks, main_text="") == []
    assert promo_blocks_in_article(blocks, main_text="") == []


def test_a_short_repeated_button_alone_is_not_a_banner() -> None:
    button = (f"{ARTICLE}>div.kg-card>a.kg-btn", "promo", "Subscribe", False)
    blocks = _rows(_para("One."), button, _para("Two."), button, _para("Three."))
    assert repeated_blocks(blocks, main_text="") == []
    # still promo inside the article, once per element
    assert [f.evidence for f in promo_blocks_in_article(blocks, main_text="")] == ["Subscribe"] * 2


def test_a_caption_inside_the_box_does_not_split_it_but_a_main_block_does() -> None:
    blocks = _rows(
        _para("Opening paragraph."),
        (f"{BOX}>h3", "promo", HEADING, False),
        (f"{BOX}>figure>figcaption", "other", "Photo: a couple", False),
        (f"{BOX}>a.button", "promo", "Get Started", False),
        _para("Middle paragraph."),
        (f"{ARTICLE}>p.cta", "promo", "Book a session", False),
        _para("Closing paragraph."),
    )
    groups = article_groups(blocks, frozenset({"promo"}))
    assert [g.block_indexes for g in groups] == [(1, 3), (5,)]
    assert groups[0].text == f"{HEADING}\nGet Started"


def test_adjacent_promo_blocks_in_sibling_containers_join_and_the_article_bounds_hold() -> None:
    blocks = _rows(
        _para("Opening paragraph."),
        (f"{ARTICLE}>p.cta-text", "promo", "Book a free call", False),
        (f"{ARTICLE}>div.buttons>a", "promo", "Book Now", False),
        _para("Closing paragraph."),
    )
    (group,) = article_groups(blocks, frozenset({"promo"}))
    assert group.block_indexes == (1, 2) and group.label == "blocks 1-2"
    assert article_groups([{**b, "is_main": False} for b in blocks], frozenset({"promo"})) == []
