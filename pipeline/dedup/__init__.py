"""Dedup stage: exact and near-duplicate posts, duplicate groups, paragraphs shared across posts.

Reads
    ``paths.extract_posts`` (POSTS): post_id, site, url, canonical_url, published_at,
    fetched_at, main_text. Only the main text is compared; extract already removed boilerplate.

Writes
    ``paths.dedup_pairs`` (DUPLICATE_PAIRS): every verified pair, ``exact`` (same normalized
    text) or ``near`` (word-shingle Jaccard >= ``dedup.threshold``).
    ``paths.dedup_members`` (DUPLICATE_MEMBERS): the groups (connected pairs), one canonical
    post each, every member's relation to it (``same_site`` / ``syndicated``).
    ``paths.dedup_paragraphs`` (SHARED_PARAGRAPHS): paragraphs found in two or more posts.

Public entry points
    :func:`near_duplicate_pairs` (the evaluated core), :func:`deduplicate` (the whole pure
    stage), :func:`run` (the file edge). Modules: ``normalize`` (text normalization), ``shingles``
    (word shingles, exact Jaccard), ``minhash``, ``lsh`` (banding math, candidates), ``pairs``,
    ``groups`` (union-find, canonical rule), ``paragraphs``, ``core``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pipeline.config import Config
from pipeline.dedup.core import DedupResult, DuplicatePair, GroupMember, deduplicate
from pipeline.dedup.groups import PostRef
from pipeline.dedup.pairs import near_duplicate_pairs
from pipeline.io import StageSummary, read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import DUPLICATE_MEMBERS, DUPLICATE_PAIRS, SHARED_PARAGRAPHS

__all__ = ["DedupResult", "PostRef", "deduplicate", "near_duplicate_pairs", "run"]

_EPOCH = datetime.min.replace(tzinfo=UTC)


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Read the extracted posts, deduplicate them, write pairs, members and shared paragraphs."""
    rows = read_rows(paths.extract_posts, "extract")
    posts = [_post_ref(row) for row in rows if row["post_id"]]
    # Input order decides "first seen" for shared paragraph texts: make it the crawl order.
    posts.sort(key=lambda p: (p.fetched_at or _EPOCH, p.url, p.post_id))
    result = deduplicate(posts, config.dedup)
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
    return StageSummary(
        stage="dedup",
        run_id=rid,
        counts=result.counts,
        dropped=result.dropped,
        outputs=[str(paths.dedup_pairs), str(paths.dedup_members), str(paths.dedup_paragraphs)],
    )


def _post_ref(row: dict[str, Any]) -> PostRef:
    return PostRef(
        post_id=row["post_id"],
        site=row["site"] or "",
        url=row["url"] or "",
        text=row["main_text"] or "",
        canonical_url=row.get("canonical_url"),
        published_at=row.get("published_at"),
        fetched_at=row.get("fetched_at"),
    )


def _fields(record: DuplicatePair | GroupMember) -> dict[str, Any]:
    return asdict(record)
