"""Paragraphs shared by several posts: repeated disclaimers, promo blurbs, copied passages.

A post can be original overall and still carry paragraphs found elsewhere, which whole-document
similarity does not show. Each post's main text is split into paragraphs
(:func:`pipeline.dedup.normalize.paragraphs`), each paragraph normalized and hashed; a hash
carried by two or more *posts* is reported (a paragraph repeated inside one post is counted
once). Paragraphs shorter than ``min_chars`` after normalization are skipped: short lines
("Read more", "Conclusion") are shared by everything and say nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.dedup.normalize import normalize_text, paragraphs


@dataclass(frozen=True, slots=True)
class SharedParagraph:
    paragraph_hash: str
    text: str  # the original (not normalized) text of its first occurrence
    post_ids: tuple[str, ...]  # sorted
    n_sites: int

    @property
    def n_posts(self) -> int:
        return len(self.post_ids)

    @property
    def scope(self) -> str:
        return "within_site" if self.n_sites == 1 else "cross_site"


def paragraph_hash(normalized: str) -> str:
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:16]


def shared_paragraphs(
    posts: Iterable[tuple[str, str, str]], min_chars: int
) -> list[SharedParagraph]:
    """Paragraphs found in >= 2 of ``posts`` (``(post_id, site, text)``, in first-seen order).

    Sorted by most posts first, then by hash, so the output does not depend on dict order.
    """
    first_text: dict[str, str] = {}
    holders: dict[str, dict[str, str]] = {}  # hash -> {post_id: site}
    for post_id, site, text in posts:
        for raw in paragraphs(text):
            normalized = normalize_text(raw)
            if len(normalized) < min_chars:
                continue
            h = paragraph_hash(normalized)
            first_text.setdefault(h, raw)
            holders.setdefault(h, {})[post_id] = site
    shared = [
        SharedParagraph(h, first_text[h], tuple(sorted(by_post)), len(set(by_post.values())))
        for h, by_post in holders.items()
        if len(by_post) >= 2
    ]
    return sorted(shared, key=lambda p: (-p.n_posts, p.paragraph_hash))
