"""Dedup stage: exact and near-duplicate posts, duplicate groups, paragraphs shared across posts.

Reads
    ``paths.extract_posts`` (POSTS): post_id, site, url, canonical_url, published_at,
    fetched_at, main_text; ``paths.extract_blocks`` (BLOCKS, optional): is_main, category.

What is compared
    Exact duplicates: the normalized main text (``text_digest``). Near duplicates: the main text
    without the main blocks extract classified as boilerplate (``BOILERPLATE_CATEGORIES``: a
    promo banner, a disclaimer or a share bar inside the article), so a site's template text does
    not make two different posts look alike, nor hide that two posts are the same article
    under different promos. A post whose main blocks are all boilerplate is compared on its
    whole main text. Shared paragraphs: the main text, promos included (they are what the
    audit's repeated-banner check looks for). Site chrome outside the main text never counts.

Writes
    ``paths.dedup_pairs`` (DUPLICATE_PAIRS): every verified pair, ``exact`` (same normalized
    text) or ``near`` (word-shingle Jaccard >= ``dedup.threshold``).
    ``paths.dedup_members`` (DUPLICATE_MEMBERS): the groups (connected pairs), one canonical
    post each, every member's relation to it (``same_site`` / ``syndicated``).
    ``paths.dedup_paragraphs`` (SHARED_PARAGRAPHS): paragraphs found in two or more posts.
    ``paths.dedup_signatures`` (DEDUP_SIGNATURES): every compared post's MinHash signature, for
    the warehouse and the next run (``incremental``).

Public entry points
    :func:`near_duplicate_pairs` (the evaluated core), :func:`deduplicate` (the whole pure
    stage), :func:`run` (the file edge). Modules: ``normalize`` (text normalization, the
    definition of a word), ``shingles`` (vectorized word and shingle hashes, exact Jaccard),
    ``minhash`` (one-permutation signatures), ``lsh`` (banding math, band keys, candidates),
    ``pairs`` (the streaming ``NearDuplicateIndex``), ``groups`` (union-find, canonical rule),
    ``paragraphs``, ``incremental`` (stored signatures), ``core``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pipeline.config import Config
from pipeline.dedup.core import (
    DedupResult,
    DuplicatePair,
    GroupMember,
    StoredRow,
    deduplicate,
    index_for,
)
from pipeline.dedup.groups import PostRef
from pipeline.dedup.incremental import stored_signatures
from pipeline.dedup.pairs import near_duplicate_pairs
from pipeline.io import StageSummary, input_dataset, read_table, write_table
from pipeline.paths import RunPaths
from pipeline.records import (
    DEDUP_SIGNATURES,
    DUPLICATE_MEMBERS,
    DUPLICATE_PAIRS,
    SHARED_PARAGRAPHS,
)

__all__ = ["DedupResult", "PostRef", "deduplicate", "near_duplicate_pairs", "run"]

_EPOCH = datetime.min.replace(tzinfo=UTC)


# Block categories (records.BLOCK_CATEGORIES) left out of the text near duplicates compare.
BOILERPLATE_CATEGORIES = frozenset(
    {"navigation", "promo", "legal", "author_meta", "related", "comments_forms", "share", "cookie"}
)


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Read the extracted posts, deduplicate them, write pairs, members and shared paragraphs."""
    # Only the columns compared or ordered by: the posts' other columns (headings, links,
    # metadata) would double the stage's memory at 10,000 posts for nothing.
    rows = read_table(paths.extract_posts, "extract", columns=POST_COLUMNS).to_pylist()
    content = content_texts(paths)
    posts = [_post_ref(row, content.get(row["post_id"])) for row in rows if row["post_id"]]
    # Input order decides "first seen" for shared paragraph texts: make it the crawl order.
    posts.sort(key=lambda p: (p.fetched_at or _EPOCH, p.url, p.post_id))
    scheme = index_for(config.dedup).scheme
    previous = stored_signatures(paths.warehouse, scheme, (p.post_id for p in posts))
    result = deduplicate(posts, config.dedup, previous)
    if len(posts) < len(rows):
        result.dropped["missing_post_id"] = len(rows) - len(posts)
        result.counts["posts"] = len(rows)
    rid = paths.run_id
    write_table(
        paths.dedup_pairs,
        [{"run_id": rid, **_fields(p)} for p in result.pairs],
        DUPLICATE_PAIRS,
    )
    write_table(
        paths.dedup_members,
        [{"run_id": rid, **_fields(m)} for m in result.members],
        DUPLICATE_MEMBERS,
    )
    paragraph_rows = [
        {
            "run_id": rid,
            "paragraph_hash": p.paragraph_hash,
            "text": p.text,
            "n_posts": p.n_posts,
            "n_sites": p.n_sites,
            "scope": p.scope,
            "post_ids": list(p.post_ids),
        }
        for p in result.paragraphs
    ]
    write_table(paths.dedup_paragraphs, paragraph_rows, SHARED_PARAGRAPHS)
    write_table(
        paths.dedup_signatures,
        [{"run_id": rid, **_fields(s)} for s in result.signatures],
        DEDUP_SIGNATURES,
    )
    return StageSummary(
        stage="dedup",
        run_id=rid,
        counts=result.counts,
        dropped=result.dropped,
        outputs=[
            str(paths.dedup_pairs),
            str(paths.dedup_members),
            str(paths.dedup_paragraphs),
            str(paths.dedup_signatures),
        ],
    )


def content_texts(paths: RunPaths) -> dict[str, str]:
    """``{post_id: its main blocks that are not boilerplate, joined}`` (empty without blocks)."""
    if not paths.extract_blocks.exists():
        return {}
    import pyarrow.compute as pc

    # Filtered in Arrow before any Python row exists: main blocks are ~1 in 10, and all of a
    # 10,000-post run's blocks as dicts took the stage from 0.4 to 2.2 GB.
    wanted = (
        pc.field("is_main")
        & pc.field("post_id").is_valid()
        & (
            pc.field("category").is_null()
            | ~pc.field("category").isin(sorted(BOILERPLATE_CATEGORIES))
        )
    )
    table = input_dataset(paths.extract_blocks).to_table(
        columns=["post_id", "block_index", "text"], filter=wanted
    )
    kept: dict[str, list[tuple[int, str]]] = {}
    for b in table.to_pylist():
        kept.setdefault(b["post_id"], []).append((b["block_index"], b["text"] or ""))
    return {pid: "\n\n".join(t for _, t in sorted(blocks)) for pid, blocks in kept.items()}


POST_COLUMNS = [
    "post_id", "site", "url", "main_text", "canonical_url", "published_at", "fetched_at",
]  # fmt: skip


def _post_ref(row: dict[str, Any], compare_text: str | None) -> PostRef:
    return PostRef(
        post_id=row["post_id"],
        site=row["site"] or "",
        url=row["url"] or "",
        text=row["main_text"] or "",
        canonical_url=row.get("canonical_url"),
        published_at=row.get("published_at"),
        fetched_at=row.get("fetched_at"),
        compare_text=compare_text,
    )


def _fields(record: DuplicatePair | GroupMember | StoredRow) -> dict[str, Any]:
    return asdict(record)
