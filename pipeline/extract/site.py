"""Site-level evidence: block texts that repeat across the pages of a site, or within a page.

Rules (applied after every page of the site has been scored):

* **Template boilerplate.** A block whose text occurs on at least ``SITE_REPEAT_MIN_PAGES`` pages
  of the site *and* on at least ``SITE_REPEAT_MIN_SHARE`` of as many pages as the site has posts
  is part of the template (footer, sidebar, newsletter box, a disclaimer pasted under every
  post): not main, whatever the model said. Short headings (``Conclusion``, ``FAQs``) are exempt:
  posts legitimately share them.
* **In-page repeats.** A block of at least ``PAGE_REPEAT_MIN_WORDS`` words whose text occurs
  twice in the same page is a banner (articles do not repeat their own sentences): not main, and
  ``promo`` unless the category rules name something more specific. Blocks already judged
  boilerplate keep a specific category (a menu rendered twice stays ``navigation``). Copies in
  navigation blocks do not count: a table of contents repeats the section headings by design,
  and the headings stay main.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.extract.categories import categorize, link_category
from pipeline.extract.extractor import ExtractedPage, ScoredBlock, with_blocks
from pipeline.textnorm import text_digest

SITE_REPEAT_MIN_PAGES = 3
SITE_REPEAT_MIN_SHARE = 0.3
PAGE_REPEAT_MIN_WORDS = 4
EXEMPT_HEADING_WORDS = 3


def text_hash(text: str) -> str:
    """Digest of a block's or a main text's normalized text (``pipeline.textnorm``)."""
    return text_digest(text)


def block_hashes(page: ExtractedPage) -> list[str]:
    """``text_hash`` of each of the page's blocks, in order."""
    return [text_hash(s.block.text) for s in page.blocks]


def site_repeats(hashes: list[list[str]]) -> Counter[str]:
    """For each block text hash, how many pages of the site carry it (``hashes``: each page's
    ``block_hashes``)."""
    counts: Counter[str] = Counter()
    for page_hashes in hashes:
        counts.update(set(page_hashes))
    return counts


def _overrule(scored: ScoredBlock, category: str | None = None) -> ScoredBlock:
    if not scored.is_main and category is None:
        return scored  # already boilerplate, already categorized
    return replace(scored, is_main=False, category=category or categorize(scored.block))


def _is_navigation(scored: ScoredBlock) -> bool:
    """A navigation block, or a block of in-page anchors (a table of contents judged main)."""
    return scored.category == "navigation" or link_category(scored.block) == "navigation"


def _is_template(scored: ScoredBlock, repeat: int, n_posts: int) -> bool:
    b = scored.block
    if b.heading_level and b.word_count <= EXEMPT_HEADING_WORDS:
        return False
    return repeat >= SITE_REPEAT_MIN_PAGES and repeat >= SITE_REPEAT_MIN_SHARE * n_posts


def apply_site_evidence(
    pages: list[ExtractedPage], hashes_of: list[list[str]] | None = None
) -> tuple[list[ExtractedPage], list[list[int]]]:
    """Pages with block decisions overruled by repeat evidence, and each block's site_repeat.
    ``hashes_of``: each page's ``block_hashes``, when the caller has them (the stage keeps them
    for its rows: hashing every block three times was 9 % of a rerun's extraction CPU)."""
    if hashes_of is None:
        hashes_of = [block_hashes(page) for page in pages]
    counts = site_repeats(hashes_of)
    n_posts = sum(p.page_type == "post" for p in pages)
    out_pages, out_repeats = [], []
    for page, hashes in zip(pages, hashes_of, strict=True):
        in_page = Counter(
            h for s, h in zip(page.blocks, hashes, strict=True) if not _is_navigation(s)
        )
        new_blocks = []
        for scored, h in zip(page.blocks, hashes, strict=True):
            if in_page[h] > 1 and scored.block.word_count >= PAGE_REPEAT_MIN_WORDS:
                found = categorize(scored.block)
                if scored.is_main or found == "other":
                    scored = _overrule(scored, "promo" if found == "other" else found)
            elif _is_template(scored, counts[h], n_posts):
                scored = _overrule(scored)
            new_blocks.append(scored)
        # A page whose every decision stands is returned as extracted: ``with_blocks`` of its own
        # blocks gives the same page (tested), and its page-type pass was 7 % of extraction's
        # CPU at 100,000 posts (py-spy).
        unchanged = all(a is b for a, b in zip(new_blocks, page.blocks, strict=True))
        out_pages.append(page if unchanged else with_blocks(page, new_blocks))
        out_repeats.append([counts[h] for h in hashes])
    return out_pages, out_repeats
