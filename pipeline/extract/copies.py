"""Identical pages get identical decisions, whatever their URL or site.

Extraction reads the URL as evidence (``/blog/`` or ``/posts/`` hints at an article; see
``layout`` and ``pagetype``), and site repeat evidence differs from site to site. So the same
article copied byte for byte to another site, or republished at another URL of the same site,
could be a post in one place and ``not_article`` in the other, or keep different borderline
blocks, and deduplication would have nothing to find (issue 16: of 7 exact copies across two
real-page blogs, 2 were not posts and 1 kept 18 more words than its original).

Pages whose visible text is the same, block for block, are one page for these decisions: each
copy takes the block decisions and the page type of the first copy that is a post (pages in
the order given: site, then archive order). The copies keep their own URL, metadata and site
repeat counts. Pages with no post among their copies are left as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from pipeline.extract.extractor import ExtractedPage, with_blocks
from pipeline.textnorm import text_digest

# Copies shorter than this are not worth aligning: error pages and stubs are alike everywhere.
MIN_COPY_WORDS = 50


def visible_key(page: ExtractedPage) -> str | None:
    """A digest of the page's blocks' texts in order; None for a page too short to matter."""
    if sum(s.block.word_count for s in page.blocks) < MIN_COPY_WORDS:
        return None
    return text_digest("\x1e".join(s.block.text for s in page.blocks))


def align_copies(pages: Sequence[ExtractedPage]) -> tuple[list[ExtractedPage], int]:
    """``pages`` with every copy of a post decided as that post; and how many were changed."""
    out = list(pages)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(out):
        key = visible_key(page)
        if key is not None:
            groups[key].append(i)
    changed = 0
    for members in groups.values():
        ref = next((out[i] for i in members if out[i].page_type == "post"), None)
        if ref is None or len(members) < 2:
            continue
        for i in members:
            if _same_decisions(out[i], ref):
                continue
            out[i] = _decided_as(out[i], ref)
            changed += 1
    return out, changed


def _same_decisions(page: ExtractedPage, ref: ExtractedPage) -> bool:
    return page.page_type == ref.page_type and all(
        a.is_main == b.is_main for a, b in zip(page.blocks, ref.blocks, strict=True)
    )


def _decided_as(page: ExtractedPage, ref: ExtractedPage) -> ExtractedPage:
    blocks = [
        replace(own, is_main=theirs.is_main, category=theirs.category)
        for own, theirs in zip(page.blocks, ref.blocks, strict=True)
    ]
    # with_blocks rebuilds the main text and counts; the page type is the copy's, not the one
    # the URL would suggest on its own.
    return replace(with_blocks(page, blocks), page_type=ref.page_type, reason=ref.reason)
