"""Block- and site-level findings (run() only): promo elements inside the article, repeated
banners, shared within-site paragraphs, and the boilerplate share of the page.

Promo and banner findings are per element (``block_groups``: the blocks of one CTA box), not
per block, and only inside the article region.

Evidence is the block text; start/end are its offsets in the main text when it is there
verbatim, else -1 (the block was left out of the main text by extraction).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from pipeline.audit.block_groups import BlockGroup, article_groups
from pipeline.audit.findings import (
    BOILERPLATE_SHARE,
    NO_SPAN,
    PROMO_IN_BODY,
    REPEATED_BANNER,
    quote,
    span_finding,
)
from pipeline.audit.text import Span
from pipeline.records import Finding

PROMO_CATEGORIES = frozenset({"promo"})
BANNER_CATEGORIES = frozenset({"promo", "other"})
BANNER_MIN_COUNT = 2  # the same element twice in one post
BANNER_MIN_WORDS = 4  # words of the whole element
SHARED_MIN_POSTS = 3  # a within-site paragraph on this many posts is a site banner
BOILERPLATE_INFO_SHARE = 0.4  # report the per-category breakdown from this share of page words

Row = dict[str, Any]


def _locate(main_text: str, block_text: str) -> Span:
    at = main_text.find(block_text) if block_text else -1
    if at < 0:
        return Span(NO_SPAN, NO_SPAN, block_text)
    return Span(at, at + len(block_text), block_text)


def promo_blocks_in_article(blocks: Sequence[Row], main_text: str) -> list[Finding]:
    """One finding per promo element (a group of blocks) between the first and last main block.

    The same element twice gives two findings with the same evidence; the audit keeps one and
    ``repeated_blocks`` reports the repetition."""
    return [
        span_finding(
            PROMO_IN_BODY,
            "warning",
            0.8,
            _locate(main_text, group.text),
            message=f"promo block inside the article ({group.label}): {quote(group.text)}",
            fix_hint="Move the promo block below the article or into the sidebar.",
            detector="blocks.promo_in_article",
            extra={"block_index": ",".join(str(i) for i in group.block_indexes)},
        )
        for group in article_groups(blocks, PROMO_CATEGORIES)
    ]


def repeated_blocks(blocks: Sequence[Row], main_text: str) -> list[Finding]:
    """Promo/other elements inside the article whose text occurs twice or more in the post.

    Counted once per distinct element text; elements under ``BANNER_MIN_WORDS`` words ("Get
    Started", "Subscribe") are too generic to call a banner on their own."""
    groups = [
        g
        for g in article_groups(blocks, BANNER_CATEGORIES)
        if len(g.text.split()) >= BANNER_MIN_WORDS
    ]
    counts = Counter(g.key for g in groups)
    first: dict[str, BlockGroup] = {}
    for g in groups:
        first.setdefault(g.key, g)
    out = []
    for key, group in sorted(first.items()):
        n = counts[key]
        if n >= BANNER_MIN_COUNT:
            what = f"banner appears {n} times in this post ({group.label} first)"
            out.append(_banner(_locate(main_text, group.text), what, n))
    return out


def shared_paragraphs(post_id: str, shared: Sequence[Row], main_text: str) -> list[Finding]:
    """Within-site paragraphs carried by ``SHARED_MIN_POSTS`` or more posts, this one included."""
    out = []
    for row in shared:
        if row.get("scope") != "within_site" or int(row.get("n_posts") or 0) < SHARED_MIN_POSTS:
            continue
        if post_id not in (row.get("post_ids") or ()):
            continue
        n = int(row["n_posts"])
        text = str(row.get("text") or "")
        out.append(
            _banner(_locate(main_text, text), f"paragraph repeated on {n} posts of the site", n)
        )
    return out


def _banner(span: Span, what: str, n: int) -> Finding:
    return span_finding(
        REPEATED_BANNER,
        "warning",
        min(1.0, 0.4 + 0.2 * n),
        span,
        message=f"{what}: {quote(span.text)}",
        fix_hint="Show the banner once, outside the article text, or remove it.",
        detector="blocks.repeated",
        extra={"count": str(n)},
    )


def category_shares(blocks: Sequence[Row], page_words: int) -> dict[str, float]:
    """Share of the page's words per boilerplate category (non-main blocks)."""
    words: dict[str, int] = defaultdict(int)
    for b in blocks:
        if not b.get("is_main"):
            words[str(b.get("category") or "other")] += int(b.get("word_count") or 0)
    if page_words <= 0:
        return {}
    return {c: n / page_words for c, n in sorted(words.items()) if n}


def boilerplate_share_finding(share: float, shares: dict[str, float]) -> list[Finding]:
    if share < BOILERPLATE_INFO_SHARE:
        return []
    parts = ", ".join(
        f"{c} {s:.0%}" for c, s in sorted(shares.items(), key=lambda x: (-x[1], x[0]))
    )
    evidence = f"boilerplate {share:.0%} of page words"
    return [
        span_finding(
            BOILERPLATE_SHARE,
            "info",
            share,
            Span(NO_SPAN, NO_SPAN, evidence),
            message=f"{evidence}" + (f" ({parts})" if parts else ""),
            fix_hint="Reduce template blocks around the article (largest category first).",
            detector="blocks.boilerplate_share",
            extra={c: f"{s:.4f}" for c, s in shares.items()},
        )
    ]
