"""Typed records exchanged between stages, and the one place their Parquet schemas are declared.

Each stage writes rows matching these schemas under ``RunPaths``; the load stage reads them with
``read_parquet`` into the warehouse tables of the same names (see ``sql/migrations``). Adding a
column means: the schema here, the migration, the load SQL, in one change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

PRIMARY_KEY = b"primary_key"


def primary_key(*columns: str) -> dict[bytes, bytes]:
    """Schema metadata naming the warehouse table's key, so the stage that writes the rows
    checks it (``pipeline.io.write_table``) and a duplicate fails there, not at the load."""
    return {PRIMARY_KEY: ",".join(columns).encode()}


def key_columns(schema: pa.Schema) -> tuple[str, ...]:
    raw = (schema.metadata or {}).get(PRIMARY_KEY, b"")
    return tuple(c for c in raw.decode().split(",") if c)


Severity = Literal["info", "warning", "critical"]
# Points a finding costs its post's 0-100 audit score, before the kind's weight (audit.scoring);
# the report ranks what to fix first with the same weights.
SEVERITY_POINTS: dict[str, float] = {"info": 2.0, "warning": 8.0, "critical": 20.0}

# Block categories: "content" plus the boilerplate kinds the audit reports shares of.
BLOCK_CATEGORIES: tuple[str, ...] = (
    "content",
    "navigation",
    "promo",
    "legal",
    "author_meta",
    "related",
    "comments_forms",
    "share",
    "cookie",
    "other",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one post, with the evidence span ``text[start:end]``."""

    kind: str
    severity: Severity
    score: float
    evidence: str
    start: int
    end: int
    message: str = ""
    fix_hint: str = ""
    detector: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# -- crawl: one row per attempted URL --------------------------------------------------------
PAGES = pa.schema(
    [
        ("run_id", pa.string()),
        ("site", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("status", pa.int32()),  # HTTP status; null when no response was received
        ("ok", pa.bool_()),  # a usable HTML/XML body was fetched and archived
        ("error_class", pa.string()),  # snake_case reason, null when ok
        ("error_message", pa.string()),
        ("content_type", pa.string()),
        ("bytes", pa.int64()),
        ("elapsed_ms", pa.float64()),
        ("fetched_at", TS),
        ("robots_allowed", pa.bool_()),
        ("retries", pa.int32()),
        ("depth", pa.int32()),
        ("discovered_via", pa.string()),  # start | robots | sitemap | feed | link
        ("redirect_chain", pa.list_(pa.string())),
        ("warc_file", pa.string()),  # relative to the data directory
        ("warc_offset", pa.int64()),  # offset of the response record in warc_file
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("content_sha1", pa.string()),
        # Incremental crawls: the run compared against, and whether the page is unchanged since
        # (304 Not Modified, or the same body sha1). Null previous_run_id: nothing to compare.
        ("previous_run_id", pa.string()),
        ("unchanged", pa.bool_()),
        ("canonical_url", pa.string()),  # <link rel="canonical"> of an HTML page, resolved
    ],
    metadata=primary_key("run_id", "site", "url"),
)

# -- crawl: the internal link graph, one row per (page, in-scope link target) ---------------------
LINKS = pa.schema(
    [
        ("run_id", pa.string()),
        ("site", pa.string()),
        ("source_url", pa.string()),  # the linking page (pages.url)
        ("target_url", pa.string()),  # the link, resolved and canonical (as pages.url would be)
        ("anchor_text", pa.string()),  # the link's text (or its image's alt), cut at 200 chars
        ("position", pa.int32()),  # the link's order among the page's links, from 0
    ],
    metadata=primary_key("run_id", "site", "source_url", "target_url"),
)

# -- extract ---------------------------------------------------------------------------------
DOCUMENTS = pa.schema(  # one row per fetched HTML page: what extract made of it
    [
        ("run_id", pa.string()),
        ("site", pa.string()),
        ("url", pa.string()),
        ("post_id", pa.string()),  # null unless page_type = 'post'
        ("page_type", pa.string()),  # post | listing | other
        ("reason", pa.string()),  # why it is not a post (snake_case), null for posts
    ],
    metadata=primary_key("run_id", "site", "url"),
)

HEADING = pa.struct([("level", pa.int8()), ("text", pa.string())])

POSTS = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id", pa.string()),  # sha1(final url)[:16]
        ("site", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published_at", TS),
        ("updated_at", TS),
        ("description", pa.string()),
        ("lang", pa.string()),
        ("site_name", pa.string()),
        ("headings", pa.list_(HEADING)),
        ("h1_count", pa.int32()),
        ("links_internal", pa.int32()),
        ("links_external", pa.int32()),
        ("outbound_links", pa.list_(pa.string())),
        ("word_count", pa.int32()),  # words of main_text
        ("page_words", pa.int32()),  # words of all visible blocks
        ("boilerplate_words", pa.int32()),
        ("main_text", pa.string()),
        ("text_hash", pa.string()),  # sha1 of the normalized main text
        ("fetched_at", TS),
    ],
    metadata=primary_key("run_id", "post_id"),
)

BLOCKS = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id", pa.string()),
        ("site", pa.string()),
        ("block_index", pa.int32()),
        ("tag", pa.string()),
        ("tag_path", pa.string()),
        ("class_tokens", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("link_density", pa.float32()),
        ("position", pa.float32()),  # 0 = first block of the page, 1 = last
        ("main_score", pa.float32()),  # model probability of being main content
        ("site_repeat", pa.int32()),  # pages of the site carrying the same block text
        ("is_main", pa.bool_()),
        ("category", pa.string()),  # one of BLOCK_CATEGORIES
        ("text_hash", pa.string()),
    ],
    metadata=primary_key("run_id", "post_id", "block_index"),
)

# -- dedup -----------------------------------------------------------------------------------
DUPLICATE_PAIRS = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id_a", pa.string()),
        ("post_id_b", pa.string()),
        ("similarity", pa.float32()),  # verified Jaccard of word shingles
        ("match_kind", pa.string()),  # exact | near
    ],
    metadata=primary_key("run_id", "post_id_a", "post_id_b"),
)

DUPLICATE_MEMBERS = pa.schema(
    [
        ("run_id", pa.string()),
        ("group_id", pa.string()),
        ("post_id", pa.string()),
        ("is_canonical", pa.bool_()),
        ("match_kind", pa.string()),  # canonical | exact | near
        ("relation", pa.string()),  # canonical | same_site | syndicated
        ("similarity", pa.float32()),  # to the canonical post
        ("canonical_rule", pa.string()),  # rel_canonical | earliest_published | first_seen
    ],
    metadata=primary_key("run_id", "group_id", "post_id"),
)

SHARED_PARAGRAPHS = pa.schema(
    [
        ("run_id", pa.string()),
        ("paragraph_hash", pa.string()),
        ("text", pa.string()),
        ("n_posts", pa.int32()),
        ("n_sites", pa.int32()),
        ("scope", pa.string()),  # within_site | cross_site
        ("post_ids", pa.list_(pa.string())),
    ]
)

# MinHash signatures of the posts dedup compared, kept in the warehouse so a later run does not
# recompute the posts whose compared text did not change (see pipeline.dedup.incremental).
DEDUP_SIGNATURES = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id", pa.string()),
        ("content_hash", pa.string()),  # text_digest of the compared text
        ("scheme", pa.string()),  # shingle size, slots, seed, hash version: comparable iff equal
        ("n_shingles", pa.int32()),
        ("set_digest", pa.int64()),  # 64-bit digest of the shingle set (identical sets)
        ("signature", pa.binary()),  # num_perm little-endian uint64 slots
    ],
    metadata=primary_key("run_id", "post_id", "scheme"),
)

# -- topics ----------------------------------------------------------------------------------
TOPICS = pa.schema(
    [
        ("run_id", pa.string()),
        ("topic_id", pa.int32()),
        ("label", pa.string()),
        ("terms", pa.list_(pa.string())),
        ("size", pa.int32()),
        ("representative_post_ids", pa.list_(pa.string())),
        # Cosine of the term centroid to the previous run's topic with this id; null: new topic
        # (or no previous run).
        ("previous_similarity", pa.float32()),
        # The topic a subtopic belongs to; null for a (broad) topic. One id space for both.
        ("parent_id", pa.int32()),
    ],
    metadata=primary_key("run_id", "topic_id"),
)

TOPIC_CENTROIDS = pa.schema(
    [
        ("run_id", pa.string()),
        ("topic_id", pa.int32()),
        ("term", pa.string()),
        ("weight", pa.float32()),  # mean L2-normalized TF-IDF weight over the topic's posts
    ]
)

CANNIBALIZATION = pa.schema(
    [
        ("run_id", pa.string()),
        ("site", pa.string()),
        ("topic_id", pa.int32()),
        ("post_id_a", pa.string()),
        ("post_id_b", pa.string()),
        ("text_similarity", pa.float32()),
        ("title_overlap", pa.float32()),
        ("score", pa.float32()),
        ("shared_terms", pa.list_(pa.string())),
    ],
    metadata=primary_key("run_id", "post_id_a", "post_id_b"),
)

POST_TOPICS = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id", pa.string()),
        ("topic_id", pa.int32()),  # -1 = outlier
        ("subtopic_id", pa.int32()),  # null: the topic has no subtopics (or the post is an outlier)
        ("confidence", pa.float32()),
        ("x", pa.float32()),  # 2-D map coordinates for the report
        ("y", pa.float32()),
    ],
    metadata=primary_key("run_id", "post_id"),
)

# -- audit -----------------------------------------------------------------------------------
FINDINGS = pa.schema(
    [
        ("run_id", pa.string()),
        ("finding_id", pa.string()),
        ("post_id", pa.string()),
        ("site", pa.string()),
        ("kind", pa.string()),
        ("severity", pa.string()),
        ("score", pa.float32()),
        ("message", pa.string()),
        ("evidence", pa.string()),
        ("start", pa.int32()),  # offsets into posts.main_text; -1 when the evidence is a block
        ("end", pa.int32()),
        ("fix_hint", pa.string()),
        ("detector", pa.string()),
    ],
    metadata=primary_key("run_id", "finding_id"),
)

POST_SCORES = pa.schema(
    [
        ("run_id", pa.string()),
        ("post_id", pa.string()),
        ("audit_score", pa.float32()),  # 0-100, 100 = no findings
        ("n_findings", pa.int32()),
        ("boilerplate_share", pa.float32()),
    ],
    metadata=primary_key("run_id", "post_id"),
)
