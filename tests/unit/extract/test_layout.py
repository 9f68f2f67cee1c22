"""Page and layout features, and the expected-F1 decision rule that reads the model's scores."""

from __future__ import annotations

from dataclasses import replace

from pipeline.extract.blocks import Block, segment_html
from pipeline.extract.extractor import page_context
from pipeline.extract.layout import PageContext, layout_features, page_signals
from pipeline.extract.markup import parse_html
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.text import MIN_MAIN_SCORE, decide_main, expected_f1_selection


def _blocks(n: int, words: int = 10) -> list[Block]:
    text = " ".join(["word"] * words)
    return [
        Block(i, "p", "body>div>p", (), (), text, words, 0, i / max(n - 1, 1), 3, 0,
              frozenset(), 0)
        for i in range(n)
    ]  # fmt: skip


def test_an_unsure_page_keeps_its_best_blocks_instead_of_nothing() -> None:
    # Regression: with a 0.5 threshold a product page the model doubted everywhere (all its
    # blocks at 0.3-0.45) came out empty, the worst possible F1.
    blocks = _blocks(6)
    scores = [0.45, 0.42, 0.4, 0.38, 0.25, 0.21]
    keep = expected_f1_selection(blocks, scores)
    assert keep[:3] == [True, True, True]
    assert any(keep)
    assert decide_main(blocks, scores)[:3] == [True, True, True]


def test_the_selection_stops_where_more_text_costs_more_than_it_brings() -> None:
    blocks = _blocks(11, words=30)
    blocks[10] = replace(blocks[10], word_count=400, text="word " * 400)  # a long weak block
    keep = expected_f1_selection(blocks, [0.9] * 10 + [0.3])
    assert keep == [True] * 10 + [False]
    # The same block, likelier: now it is worth its words.
    assert expected_f1_selection(blocks, [0.9] * 10 + [0.6]) == [True] * 11


def test_a_page_that_is_all_boilerplate_selects_nothing() -> None:
    blocks = _blocks(4)
    assert not any(expected_f1_selection(blocks, [MIN_MAIN_SCORE - 0.01] * 4))
    assert expected_f1_selection([], []) == []


def test_page_signals_read_declared_types_and_url_families() -> None:
    blocks = _blocks(3)
    ctx = PageContext(
        "Kallax shelf", "https://shop.example/products/kallax", frozenset({"product"})
    )
    f = page_signals(blocks, ctx)
    assert f["pg_type=product"] == 1.0 and f["pg_url=product"] == 1.0
    assert "pg_type=article" not in f and "pg_url_date" not in f
    dated = page_signals(blocks, PageContext(url="https://news.example/2025/09/a-story"))
    assert dated["pg_url_date"] == 1.0
    assert "pg_url_depth" in page_signals(blocks, PageContext(url="http://[bad"))  # never raises


def test_layout_features_place_blocks_relative_to_the_headline_and_containers() -> None:
    prose = "Walking after meals steadies blood sugar and it is easy to fit into a busy day. " * 3
    html = (
        "<html><body><nav><a href='/'>Home</a><a href='/b'>Blog</a></nav><main>"
        f"<h1>Walks</h1><p>{prose}</p><p>{prose}</p></main>"
        "<footer><p>© 2025 Example</p></footer></body></html>"
    )
    blocks = segment_html(html)
    rows = layout_features(blocks, PageContext(title="Walks"))
    by_text = {b.text[:5]: f for b, f in zip(blocks, rows, strict=True)}
    assert by_text["Walki"]["in_prose_c"] == 1.0 and by_text["Walki"]["h1_after"] == 1.0
    assert by_text["© 202"]["in_prose_c"] == 0.0
    assert by_text["HomeB"]["h1_after"] == 0.0
    assert by_text["Walki"]["a1_prose"] == 1.0  # its container holds all the page's prose


def test_page_context_takes_og_type_and_jsonld_types() -> None:
    html = (
        "<html><head><title>Kallax</title><meta property='og:type' content='Product'>"
        '<script type="application/ld+json">{"@type": "BreadcrumbList"}</script></head>'
        "<body><article><p>A shelf.</p></article></body></html>"
    )
    root = parse_html(html)
    assert root is not None
    ctx = page_context(root, "https://x.example/p/1", extract_metadata(root))
    assert {"product", "breadcrumblist"} <= ctx.types
    assert ctx.title == "Kallax" and ctx.article_elements == 1


def test_a_half_believed_block_inside_a_promo_box_is_not_main() -> None:
    # Regression: seed 001's "Talk to our specialists" box scored 0.4-0.77 with the retrained
    # model and the expected-F1 selection kept it as article text.
    paths = ["body>article>p", "body>article>div.cta>p", "body>article>p", "body>article>p"]
    blocks = [
        replace(b, tag_path=p, ancestor_tokens=("cta",) if "cta" in p else ())
        for b, p in zip(_blocks(4), paths, strict=True)
    ]
    assert decide_main(blocks, [0.95, 0.75, 0.95, 0.75]) == [True, False, True, True]
    assert decide_main(blocks, [0.95, 0.85, 0.95, 0.75])[1]  # a confident score still wins
