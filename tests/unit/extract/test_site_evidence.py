"""Site- and page-level repeat evidence (pipeline.extract.site)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.extract import extract_page, pagecache
from pipeline.extract.devsets import PageSet
from pipeline.extract.extractor import with_blocks
from pipeline.extract.site import apply_site_evidence, block_hashes

SECTIONS = ("Understanding Emotional Intimacy", "The Role of Sex in Emotional Intimacy")
PARA = (
    "Emotional intimacy refers to the feelings of closeness, connection and trust between "
    "partners, and it grows when both feel safe to share what they think and fear."
)


def _page(with_banner: bool) -> str:
    toc = "".join(
        f"<li><a href='#s{i}'>{i + 1}. {title}</a></li>" for i, title in enumerate(SECTIONS)
    )
    body = "".join(
        f"<h2 id='s{i}'>{i + 1}. {title}</h2><p>{PARA}</p><p>{PARA.upper()}</p>"
        for i, title in enumerate(SECTIONS)
    )
    banner = (
        "<div class='promo-banner'><p>Guidance From A Licensed Professional Can Help</p></div>"
        if with_banner
        else ""
    )
    return (
        "<html><head><meta property='og:type' content='article'><title>T</title></head><body>"
        f"<article><h1>Why it matters</h1><p>{PARA}</p><h3>Table of Contents</h3><ol>{toc}</ol>"
        f"{banner}{body}{banner}</article></body></html>"
    )


def test_table_of_contents_does_not_demote_the_headings_it_repeats() -> None:
    # Regression: each heading occurs twice on the page (once in the TOC), so the in-page repeat
    # rule took the section headings out of the article text and labelled them promo.
    [page], _ = apply_site_evidence([extract_page(_page(False), "https://b.example/p/")])
    for i, title in enumerate(SECTIONS):
        assert f"{i + 1}. {title}" in page.main_text
    headings = [s for s in page.blocks if s.block.heading_level == 2]
    assert headings and all(s.is_main and s.category == "content" for s in headings)


def test_a_block_repeated_inside_the_article_is_still_a_banner() -> None:
    [page], _ = apply_site_evidence([extract_page(_page(True), "https://b.example/p/")])
    assert "Licensed Professional" not in page.main_text
    banners = [s for s in page.blocks if "Licensed Professional" in s.block.text]
    assert len(banners) == 2 and all(s.category == "promo" for s in banners)


def test_a_page_whose_decisions_stand_is_the_page_as_extracted(dev_set: PageSet) -> None:
    """``apply_site_evidence`` returns a page nothing overruled as it is, without rebuilding it:
    sound because ``with_blocks`` of a page's own blocks is the page (checked here on real
    pages), and the site result equals rebuilding every page (the behaviour before)."""
    ids = sorted(dev_set.truth)[:40]
    pages = [extract_page(dev_set.html(i), dev_set.url(i)) for i in ids]
    for page in pages:
        assert with_blocks(page, list(page.blocks)) == page
    # One "site" of them all: some blocks are overruled (repeats), most pages keep theirs.
    final, _ = apply_site_evidence(pages)
    assert any(f is p for f, p in zip(final, pages, strict=True))
    rebuilt = [with_blocks(p, list(f.blocks)) for f, p in zip(final, pages, strict=True)]
    assert final == rebuilt


def test_a_spilled_page_comes_back_as_the_site_evidence_left_it(
    dev_set: PageSet, tmp_path: Path
) -> None:
    """The extract stage spills a page as its page-cache entry plus the final decisions of its
    blocks, not as the final page; read back, it is the final page (for the few pages the
    parent re-derives as copies), with its repeats and hashes."""
    from pipeline.extract.stage import _page_at, _spill

    ids = sorted(dev_set.truth)[:40]
    pages = [extract_page(dev_set.html(i), dev_set.url(i)) for i in ids]
    hashes = [block_hashes(p) for p in pages]
    final, repeats = apply_site_evidence(pages, hashes)
    assert any(f is not p for f, p in zip(final, pages, strict=True))  # some were overruled
    at = datetime(2026, 12, 7, tzinfo=UTC)
    spill = tmp_path / "site.pickle"
    with spill.open("wb") as fh:
        offsets = [
            _spill(fh, p, f, at, r, pagecache.pack(p, False, h))
            for p, f, r, h in zip(pages, final, repeats, hashes, strict=True)
        ]
    for offset, f, r, h in zip(offsets, final, repeats, hashes, strict=True):
        assert _page_at(spill, offset) == (f, at, r, h)
