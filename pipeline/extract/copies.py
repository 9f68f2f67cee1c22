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

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.extract.extractor import ExtractedPage, with_blocks
from pipeline.pickling import compact_state
from pipeline.textnorm import text_digest

# Copies shorter than this are not worth aligning: error pages and stubs are alike everywhere.
MIN_COPY_WORDS = 50


def visible_key(page: ExtractedPage) -> str | None:
    """A digest of the page's blocks' texts in order; None for a page too short to matter."""
    if sum(s.block.word_count for s in page.blocks) < MIN_COPY_WORDS:
        return None
    return text_digest("\x1e".join(s.block.text for s in page.blocks))


@compact_state
@dataclass(frozen=True, slots=True)
class Decision:
    """What a copy takes from its reference post: page type, reason, and per block whether
    it is main text and its category (compact: kept for every post of a run until the copies
    are known)."""

    page_type: str
    reason: str | None
    is_main: bytes
    categories: tuple[str, ...]


def decision_of(page: ExtractedPage) -> Decision:
    return Decision(
        page.page_type,
        page.reason,
        bytes(s.is_main for s in page.blocks),
        tuple(sys.intern(s.category) for s in page.blocks),
    )


class CopyAligner:
    """``align_copies`` in two passes, for pages that are never all in memory at once: every
    page is ``see``-n in order (its visible key, and its decisions if it is a post), then each
    page is ``align``-ed."""

    def __init__(self) -> None:
        self.refs: dict[str, Decision] = {}
        self.members: Counter[str] = Counter()

    def see(self, key: str | None, decision: Decision | None) -> None:
        """``decision``: the page's when it is a post, else None."""
        if key is None:
            return
        self.members[key] += 1
        if decision is not None and key not in self.refs:
            self.refs[key] = decision

    def needs(self, key: str | None, decision: Decision | None) -> bool:
        """Whether a page with this key and these decisions is decided otherwise as a copy."""
        ref = self._ref(key)
        return ref is not None and decision is not None and not _same(decision, ref)

    def _ref(self, key: str | None) -> Decision | None:
        if key is None or self.members[key] < 2:
            return None
        return self.refs.get(key)

    def align(self, page: ExtractedPage, key: str | None) -> tuple[ExtractedPage, bool]:
        """The page decided as the first post among its copies; and whether that changed it."""
        ref = self._ref(key)
        if ref is None or _same(decision_of(page), ref):
            return page, False
        return _decided_as(page, ref), True


def align_copies(pages: Sequence[ExtractedPage]) -> tuple[list[ExtractedPage], int]:
    """``pages`` with every copy of a post decided as that post; and how many were changed."""
    aligner = CopyAligner()
    keys = [visible_key(page) for page in pages]
    for page, key in zip(pages, keys, strict=True):
        aligner.see(key, decision_of(page) if page.page_type == "post" else None)
    out, changed = [], 0
    for page, key in zip(pages, keys, strict=True):
        aligned, was_changed = aligner.align(page, key)
        out.append(aligned)
        changed += was_changed
    return out, changed


def _same(own: Decision, ref: Decision) -> bool:
    return own.page_type == ref.page_type and own.is_main == ref.is_main


def _decided_as(page: ExtractedPage, ref: Decision) -> ExtractedPage:
    blocks = [
        replace(own, is_main=bool(main), category=category)
        for own, main, category in zip(page.blocks, ref.is_main, ref.categories, strict=True)
    ]
    # with_blocks rebuilds the main text and counts; the page type is the copy's, not the one
    # the URL would suggest on its own.
    return replace(with_blocks(page, blocks), page_type=ref.page_type, reason=ref.reason)
