"""The pure dedup core: posts in, pairs, groups and shared paragraphs out (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.config import DedupConfig
from pipeline.dedup.groups import PostRef, choose_canonical, connected_groups, group_id
from pipeline.dedup.incremental import StoredSignature, to_int64
from pipeline.dedup.normalize import text_digest
from pipeline.dedup.pairs import NearDuplicateIndex
from pipeline.dedup.paragraphs import SharedParagraph, shared_paragraphs


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    post_id_a: str
    post_id_b: str
    similarity: float
    match_kind: str  # exact | near


@dataclass(frozen=True, slots=True)
class GroupMember:
    group_id: str
    post_id: str
    is_canonical: bool
    match_kind: str  # canonical | exact | near
    relation: str  # canonical | same_site | syndicated
    similarity: float  # exact Jaccard to the canonical post
    canonical_rule: str  # rel_canonical | earliest_published | first_seen


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One ``records.DEDUP_SIGNATURES`` row (without run_id)."""

    post_id: str
    content_hash: str
    scheme: str
    n_shingles: int
    set_digest: int  # signed 64-bit, as stored
    signature: bytes


@dataclass(slots=True)
class DedupResult:
    signatures: list[StoredRow] = field(default_factory=list)
    pairs: list[DuplicatePair] = field(default_factory=list)
    members: list[GroupMember] = field(default_factory=list)
    paragraphs: list[SharedParagraph] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> posts not compared


def index_for(settings: DedupConfig, *, keep_signatures: bool = False) -> NearDuplicateIndex:
    return NearDuplicateIndex(
        settings.threshold,
        shingle_size=settings.shingle_size,
        num_perm=settings.num_perm,
        seed=settings.seed,
        keep_signatures=keep_signatures,
    )


def deduplicate(
    posts: Sequence[PostRef],
    settings: DedupConfig,
    previous: Mapping[tuple[str, str], StoredSignature] | None = None,
) -> DedupResult:
    """Exact and near duplicate pairs, duplicate groups with their canonical, shared paragraphs.

    Posts without any word (``empty_text``) and repeated post ids after the first
    (``duplicate_post_id``) are not compared; they are counted in ``dropped``. ``previous``
    holds stored signatures by (post id, compared-text hash) (:mod:`pipeline.dedup.incremental`);
    a post found there is not signed again. ``result.signatures`` are every compared post's.
    """
    result = DedupResult()
    previous = previous or {}
    reused = 0
    with index_for(settings, keep_signatures=True) as index:
        kept: list[PostRef] = []
        hashes: list[str] = []
        for post in posts:
            text = post.shingle_text
            content_hash = text_digest(text)
            stored = previous.get((post.post_id, content_hash))
            if stored is not None and stored.signature.shape != (settings.num_perm,):
                stored = None  # stored under this scheme name with another length: sign again
            if stored is not None:
                i = index.add_signed(
                    post.post_id, stored.signature, stored.n_shingles, stored.set_digest, text
                )
                reused += i is not None
            else:
                i = index.add(post.post_id, text)
            reason = "duplicate_post_id" if i is None else "" if index.size(i) else "empty_text"
            if reason:
                result.dropped[reason] = result.dropped.get(reason, 0) + 1
            else:
                kept.append(post)
                hashes.append(content_hash)
        digests = {p.post_id: text_digest(p.text) for p in kept}
        search = index.search()
        for a, b, similarity in search.pairs:
            kind = "exact" if digests[a] == digests[b] else "near"
            result.pairs.append(DuplicatePair(a, b, similarity, kind))
        by_id = {p.post_id: p for p in kept}
        for ids in connected_groups(by_id, ((p.post_id_a, p.post_id_b) for p in result.pairs)):
            result.members.extend(_group_members([by_id[i] for i in ids], index, digests))
        signatures = index.signatures()
        for post, content_hash in zip(kept, hashes, strict=True):
            i = index.index_of(post.post_id)
            result.signatures.append(
                StoredRow(
                    post.post_id,
                    content_hash,
                    index.scheme,
                    index.size(i),
                    to_int64(index.digest(i)),
                    signatures[i].astype("<u8").tobytes(),
                )
            )
    result.paragraphs = shared_paragraphs(
        ((p.post_id, p.site, p.text) for p in kept), settings.min_paragraph_chars
    )
    exact = sum(p.match_kind == "exact" for p in result.pairs)
    result.counts = {
        "posts": len(posts),
        "compared_posts": len(kept),
        "candidate_pairs": search.candidates,
        "rejected_candidates": search.rejected,
        "closure_pairs": search.closure_found,
        "lsh_bands": search.bands,
        "lsh_rows": search.rows,
        "exact_pairs": exact,
        "near_pairs": len(result.pairs) - exact,
        "groups": len({m.group_id for m in result.members}),
        "grouped_posts": len(result.members),
        "shared_paragraphs": len(result.paragraphs),
        "signatures_reused": reused,
    }
    return result


def _group_members(
    members: list[PostRef], index: NearDuplicateIndex, digests: dict[str, str]
) -> list[GroupMember]:
    canonical, rule = choose_canonical(members)
    gid = group_id(m.post_id for m in members)
    canonical_index = index.index_of(canonical.post_id)
    rows = []
    for m in members:
        if m.post_id == canonical.post_id:
            kind, relation = "canonical", "canonical"
        else:
            kind = "exact" if digests[m.post_id] == digests[canonical.post_id] else "near"
            relation = "same_site" if m.site == canonical.site else "syndicated"
        similarity = index.jaccard(index.index_of(m.post_id), canonical_index)
        rows.append(GroupMember(gid, m.post_id, m is canonical, kind, relation, similarity, rule))
    # Canonical first, then by post id: a stable order for files and eyes.
    return sorted(rows, key=lambda r: (not r.is_canonical, r.post_id))
