"""Page type: the decision on small hand-written pages, and a floor on held-out real pages.

Held-out figures at the time of writing (``pagetype_eval``, shared sets, 301 test pages of
hosts the model never saw, 143 of them articles): precision 0.892, recall 0.917. The floors
sit about 3 points below: training is deterministic, so the margin is not run-to-run noise but
room for a dependency upgrade or a re-labelled page (one article is 0.7 points of recall); a
lost feature or a broken threshold costs far more (the rule before the model: 0.721 / 0.736).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import pagetype
from pipeline.extract.extractor import extract_page
from pipeline.extract.metadata import PageMetadata
from pipeline.extract.pagetype_train import host_key, is_held_out, load_set

PRECISION_FLOOR = 0.86
RECALL_FLOOR = 0.89
SPECIFIC = {"listing_page", "product_page", "forum_thread", "documentation_page", "service_page"}

PARA = (
    "Sleep researchers have found that a regular bedtime matters more than the total hours, "
    "and that the light of a phone in the last hour before bed delays sleep by a few minutes "
    "on most nights, which adds up over a week to a real loss for most adults they studied."
)


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_dated_blog_post_with_a_byline_but_no_article_markup_is_a_post() -> None:
    html = _page(
        "<title>How to sleep better at night | Calm Blog</title>",
        "<header><nav><a href='/'>Home</a> <a href='/blog/'>Blog</a></nav></header>"
        "<main><h1>How to sleep better at night</h1>"
        "<p class='byline'>By Jane Doe, <time datetime='2024-05-02'>May 2, 2024</time></p>"
        + f"<p>{PARA}</p>" * 3
        + "<h2>Keep a schedule</h2>"
        + f"<p>{PARA}</p>" * 3
        + "</main><footer><p>© 2024 Calm</p></footer>",
    )
    page = extract_page(html, "https://calm.example/blog/2024/05/how-to-sleep-better-at-night/")
    assert page.metadata.og_type is None and not page.metadata.jsonld_types
    assert (page.page_type, page.reason) == ("post", None)


def test_tag_page_of_a_blog_is_a_listing() -> None:
    teaser = (
        "<article class='post-card'><h2><a href='/blog/{i}/'>Post number {i} about sleep</a></h2>"
        "<p>A short excerpt of the post about sleep and rest, with a few words. "
        "<a href='/blog/{i}/'>Read more</a></p></article>"
    )
    html = _page(
        "<title>Posts tagged sleep</title><meta property='og:type' content='website'>",
        "<h1>Tag: sleep</h1>" + "".join(teaser.format(i=i) for i in range(8)),
    )
    page = extract_page(html, "https://calm.example/tag/sleep/")
    assert (page.page_type, page.reason) == ("listing", "listing_page")


def test_product_page_is_not_a_post() -> None:
    ld = (
        '{"@context": "https://schema.org", "@type": "Product", "name": "Rambler Tumbler", '
        '"offers": {"@type": "Offer", "price": "35.00", "priceCurrency": "USD"}}'
    )
    html = _page(
        f"<title>Rambler Tumbler</title><script type='application/ld+json'>{ld}</script>"
        "<meta property='og:type' content='product'>",
        "<h1>Rambler 20 oz Tumbler</h1><div class='product-price'>$35.00</div>"
        "<button class='add-to-cart'>Add to cart</button><p>In stock</p>"
        "<div class='product-description'>" + f"<p>{PARA}</p>" * 3 + "</div>",
    )
    page = extract_page(html, "https://shop.example/products/rambler-20-oz-tumbler")
    assert (page.page_type, page.reason) == ("other", "product_page")


def test_long_page_without_article_markup_is_a_post_or_says_what_it_is() -> None:
    html = _page(
        "<title>Our counseling services</title>",
        "<h1>Counseling services</h1>" + f"<p>{PARA}</p>" * 12,
    )
    page = extract_page(html, "https://clinic.example/services/counseling/")
    assert page.word_count > 400
    assert page.page_type == "post" or page.reason in SPECIFIC, page.reason


def test_garbage_text_gets_no_specific_reason_without_evidence() -> None:
    facts = pagetype.page_facts(PageMetadata(), 0, [], [], "https://example.org/x") | {
        "main_words_log": 6.0
    }
    kind, reason = pagetype.decide(facts, pagetype.shipped_model())
    assert kind == "post" or reason in ("not_article", "listing_page")


def test_split_is_by_host_without_www_and_stable() -> None:
    assert host_key("https://www.Example.org/a") == host_key("http://example.org/b")
    assert is_held_out("https://www.example.org/a") == is_held_out("https://example.org/z")
    hosts = [f"https://site{i}.example/" for i in range(1000)]
    assert 150 < sum(map(is_held_out, hosts)) < 250  # about one host in five


@pytest.fixture(scope="module")
def data_dirs(shared_dir: Path) -> list[Path]:
    dirs = [shared_dir / "data" / n for n in ("extraction-dev", "extraction-more")]
    if not all((d / "ground-truth.json").exists() for d in dirs):
        pytest.skip("the shared extraction sets are not in ../shared/data")
    return dirs


def test_held_out_post_precision_and_recall_floor(data_dirs: list[Path]) -> None:
    # Only the held-out hosts are extracted (301 pages, about 20 s on two cores).
    pages = [p for d in data_dirs for p in load_set(d, where=is_held_out)]
    model = pagetype.shipped_model()
    said = [pagetype.decide(p.facts, model)[0] == "post" for p in pages]
    tp = sum(s and p.is_article for s, p in zip(said, pages, strict=True))
    precision, recall = tp / sum(said), tp / sum(p.is_article for p in pages)
    assert len(pages) >= 290
    assert precision >= PRECISION_FLOOR, (precision, recall)
    assert recall >= RECALL_FLOOR, (precision, recall)


def test_the_extraction_pool_never_forks_the_calling_process() -> None:
    # Before: Pool() forked the test session, which by then had threads (Playwright's driver,
    # DuckDB's and BLAS's pools); the child inherited a held lock and the suite hung on a futex.
    import multiprocessing

    from pipeline.extract.pagetype_train import POOL_START_METHOD

    assert multiprocessing.get_context(POOL_START_METHOD).get_start_method() != "fork"
