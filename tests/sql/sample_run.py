"""A small, realistic run written as the stages would write it (Parquet under RunPaths).

Two sites, seven attempted URLs (two failed fetches, one listing page), four posts built from the
shared seed posts' shape: a syndicated copy, a repeated promo paragraph, findings with evidence,
and one scraped title carrying a ``<script>`` to test escaping. ``second=True`` writes the next
run of the same sites: one post removed, one added, one score changed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline.config import Config, DedupConfig, SiteConfig, snapshot
from pipeline.dedup import PostRef, deduplicate
from pipeline.io import atomic_write_bytes, run_started, write_table
from pipeline.paths import RunPaths
from pipeline.records import (
    BLOCKS,
    CANNIBALIZATION,
    DEDUP_SIGNATURES,
    DOCUMENTS,
    DUPLICATE_MEMBERS,
    DUPLICATE_PAIRS,
    FINDINGS,
    LINKS,
    PAGES,
    POST_SCORES,
    POST_TOPICS,
    POSTS,
    SHARED_PARAGRAPHS,
    TOPICS,
)

CALM = "http://127.0.0.1:8001"
HUB = "http://127.0.0.1:8002"
PROMO = "Book a free 15-minute consultation to help us understand your needs."
EVIL_TITLE = "Sleep <script>alert('x')</script> & anxiety"
STUFFING = "best therapist near me best therapist near me"

CONFIG = Config(
    sites=[
        SiteConfig(name="calm-mind", url=f"{CALM}/"),
        SiteConfig(name="wellness-hub", url=f"{HUB}/"),
    ]
)

# post_id -> (site, path, title, words)
POST_SPECS: dict[str, tuple[str, str, str, int]] = {
    "p_intimacy": ("calm-mind", f"{CALM}/blog/intimacy-and-mental-health", "Intimacy matters", 640),
    "p_sleep": ("calm-mind", f"{CALM}/blog/sleep-anxiety", EVIL_TITLE, 180),
    "p_gut": ("wellness-hub", f"{HUB}/posts/gut-brain", "The gut-brain axis", 910),
    "p_copy": ("wellness-hub", f"{HUB}/posts/intimacy-copy", "Intimacy matters (repost)", 630),
    "p_new": ("wellness-hub", f"{HUB}/posts/breathing", "Box breathing for panic", 420),
}


def _post_ids(second: bool) -> list[str]:
    if second:
        return ["p_intimacy", "p_gut", "p_copy", "p_new"]  # p_sleep removed, p_new added
    return ["p_intimacy", "p_sleep", "p_gut", "p_copy"]


def write_sample_run(paths: RunPaths, *, second: bool = False, optional: bool = True) -> None:
    """Write crawl and extract outputs, plus dedup/topics/audit when ``optional``."""
    start = datetime(2025, 6, 2 if second else 1, 8, 0, tzinfo=UTC)
    ids = _post_ids(second)
    atomic_write_bytes(paths.config_snapshot, snapshot(CONFIG).encode())
    run_started(paths, at=start)  # the run's place in the run order: its crawl's start
    write_table(paths.crawl_pages, _pages(paths.run_id, ids, start), PAGES)
    write_table(paths.crawl_links, _links(paths.run_id, ids), LINKS)
    write_table(paths.extract_documents, _documents(paths.run_id, ids), DOCUMENTS)
    write_table(paths.extract_posts, [_post(paths.run_id, p, start) for p in ids], POSTS)
    write_table(paths.extract_blocks, _blocks(paths.run_id, ids), BLOCKS)
    if not optional:
        return
    _write_dedup(paths)
    _write_signatures(paths, ids, start)
    _write_topics(paths, ids)
    _write_audit(paths, ids, second)


def _page(run_id: str, site: str, url: str, at: datetime, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": run_id,
        "site": site,
        "url": url,
        "final_url": url,
        "status": 200,
        "ok": True,
        "content_type": "text/html; charset=utf-8",
        "bytes": 18_000,
        "elapsed_ms": 42.0,
        "fetched_at": at,
        "robots_allowed": True,
        "retries": 0,
        "depth": 1,
        "discovered_via": "sitemap",
        "redirect_chain": [],
        "warc_file": f"raw/{run_id}/{site}.warc.gz",
        "warc_offset": 0,
    }
    row.update(kw)
    return row


def _pages(run_id: str, ids: list[str], start: datetime) -> list[dict[str, Any]]:
    rows = [
        _page(run_id, "calm-mind", f"{CALM}/", start, depth=0, discovered_via="start"),
        _page(
            run_id,
            "calm-mind",
            f"{CALM}/blog/missing",
            start,
            status=404,
            ok=False,
            error_class="http_404",
            error_message="Not Found",
        ),
        _page(
            run_id,
            "wellness-hub",
            f"{HUB}/slow",
            start,
            status=None,
            ok=False,
            error_class="timeout",
            error_message="read timed out after 20s",
        ),
    ]
    for i, pid in enumerate(ids, start=1):
        site, url, _, _ = POST_SPECS[pid]
        rows.append(_page(run_id, site, url, start + timedelta(seconds=i)))
    return rows


# The link graph: calm-mind's home page links its two posts and a page that is missing (a broken
# link); the gut-brain post links the copy and a URL that timed out. Nothing links to gut-brain
# or to the second run's new post: they are orphans (found through the sitemap only).
BROKEN_LINK_TEXT = "Our sleep guide (old link)"
LINK_EDGES: tuple[tuple[str, str, str], ...] = (
    (f"{CALM}/", POST_SPECS["p_intimacy"][1], "Intimacy matters"),
    (f"{CALM}/", POST_SPECS["p_sleep"][1], "Sleep and anxiety"),
    (f"{CALM}/", f"{CALM}/blog/missing", BROKEN_LINK_TEXT),
    (POST_SPECS["p_intimacy"][1], POST_SPECS["p_sleep"][1], "sleep"),
    (POST_SPECS["p_gut"][1], POST_SPECS["p_copy"][1], "intimacy"),
    (POST_SPECS["p_gut"][1], f"{HUB}/slow", "a slow page"),
)


def _links(run_id: str, ids: list[str]) -> list[dict[str, Any]]:
    sources = {f"{CALM}/"} | {POST_SPECS[p][1] for p in ids}
    site = {CALM: "calm-mind", HUB: "wellness-hub"}
    rows = []
    for source, target, text in LINK_EDGES:
        if source in sources:
            position = sum(r["source_url"] == source for r in rows)
            rows.append({"run_id": run_id, "site": site[source[: len(CALM)]],
                         "source_url": source, "target_url": target, "anchor_text": text,
                         "position": position})  # fmt: skip
    return rows


def _documents(run_id: str, ids: list[str]) -> list[dict[str, Any]]:
    rows = [
        {
            "run_id": run_id,
            "site": "calm-mind",
            "url": f"{CALM}/",
            "post_id": None,
            "page_type": "listing",
            "reason": "listing_page",
        },
    ]
    for pid in ids:
        site, url, _, _ = POST_SPECS[pid]
        rows.append(
            {
                "run_id": run_id,
                "site": site,
                "url": url,
                "post_id": pid,
                "page_type": "post",
                "reason": None,
            }
        )
    return rows


def _post(run_id: str, pid: str, start: datetime) -> dict[str, Any]:
    site, url, title, words = POST_SPECS[pid]
    body = f"{title}. Honest conversations matter. {PROMO}"
    if pid == "p_sleep":
        body += f" {STUFFING}."
    return {
        "run_id": run_id,
        "post_id": pid,
        "site": site,
        "url": url,
        "canonical_url": url,
        "title": title,
        "author": "ManoShala LLP",
        "published_at": start - timedelta(days=30),
        "updated_at": None,
        "description": f"About {title}",
        "lang": "en",
        "site_name": site,
        "headings": [{"level": 1, "text": title}, {"level": 2, "text": "When it feels hard"}],
        "h1_count": 1,
        "links_internal": 3,
        "links_external": 1,
        "outbound_links": ["http://127.0.0.1:9000/study"],
        "word_count": words,
        "page_words": words + 200,
        "boilerplate_words": 200,
        "main_text": body,
        "text_hash": f"h_{pid}",
        "fetched_at": start,
    }


def _blocks(run_id: str, ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for pid in ids:
        site, _, title, words = POST_SPECS[pid]
        for index, (text, category, n) in enumerate(
            [
                ("Home Blog About Contact", "navigation", 4),
                (title, "content", words),
                (PROMO, "promo", 11),
            ]
        ):
            rows.append(
                {
                    "run_id": run_id,
                    "post_id": pid,
                    "site": site,
                    "block_index": index,
                    "tag": "p",
                    "tag_path": "html/body/div/p",
                    "class_tokens": category,
                    "text": text,
                    "word_count": n,
                    "link_density": 0.9 if index == 0 else 0.0,
                    "position": index / 2,
                    "main_score": 0.9 if category == "content" else 0.1,
                    "site_repeat": 1 if category == "content" else 4,
                    "is_main": category == "content",
                    "category": category,
                    "text_hash": f"b_{pid}_{index}",
                }
            )
    return rows


def _write_dedup(paths: RunPaths) -> None:
    rid = paths.run_id
    write_table(
        paths.dedup_pairs,
        [
            {
                "run_id": rid,
                "post_id_a": "p_copy",
                "post_id_b": "p_intimacy",
                "similarity": 0.93,
                "match_kind": "near",
            },
        ],
        DUPLICATE_PAIRS,
    )
    write_table(
        paths.dedup_members,
        [
            {
                "run_id": rid,
                "group_id": "g1",
                "post_id": "p_intimacy",
                "is_canonical": True,
                "match_kind": "canonical",
                "relation": "canonical",
                "similarity": 1.0,
                "canonical_rule": "earliest_published",
            },
            {
                "run_id": rid,
                "group_id": "g1",
                "post_id": "p_copy",
                "is_canonical": False,
                "match_kind": "near",
                "relation": "syndicated",
                "similarity": 0.93,
                "canonical_rule": "earliest_published",
            },
        ],
        DUPLICATE_MEMBERS,
    )
    write_table(
        paths.dedup_paragraphs,
        [
            {
                "run_id": rid,
                "paragraph_hash": "para1",
                "text": PROMO,
                "n_posts": 3,
                "n_sites": 2,
                "scope": "cross_site",
                "post_ids": ["p_intimacy", "p_gut", "p_copy"],
            },
        ],
        SHARED_PARAGRAPHS,
    )


def _write_signatures(paths: RunPaths, ids: list[str], start: datetime) -> None:
    """The signatures dedup would store: computed by the real core from the posts' texts."""
    posts = [_post(paths.run_id, p, start) for p in ids]
    refs = [PostRef(p["post_id"], p["site"], p["url"], p["main_text"]) for p in posts]
    result = deduplicate(refs, DedupConfig())
    rows = [{"run_id": paths.run_id, **asdict(s)} for s in result.signatures]
    write_table(paths.dedup_signatures, rows, DEDUP_SIGNATURES)


def _write_topics(paths: RunPaths, ids: list[str]) -> None:
    rid = paths.run_id
    write_table(
        paths.topics_topics,
        [
            {
                "run_id": rid,
                "topic_id": 0,
                "label": "intimacy / relationship",
                "size": 2,
                "terms": ["intimacy", "relationship", "trust"],
                "representative_post_ids": ["p_intimacy", "p_copy"],
            },
            {
                "run_id": rid,
                "topic_id": 1,
                "label": "gut / brain",
                "size": 1,
                "terms": ["gut", "brain", "microbiome"],
                "representative_post_ids": ["p_gut"],
            },
            {  # a subtopic of topic 0
                "run_id": rid,
                "topic_id": 2,
                "label": "trust, conflict",
                "size": 1,
                "terms": ["trust", "conflict"],
                "representative_post_ids": ["p_intimacy"],
                "parent_id": 0,
            },
        ],
        TOPICS,
    )
    topic_of = {"p_intimacy": 0, "p_copy": 0, "p_gut": 1}
    subtopic_of = {"p_intimacy": 2}
    write_table(
        paths.topics_assignments,
        [
            {
                "run_id": rid,
                "post_id": pid,
                "topic_id": topic_of.get(pid, -1),
                "subtopic_id": subtopic_of.get(pid),
                "confidence": 0.8,
                "x": float(i),
                "y": float(i % 2),
            }
            for i, pid in enumerate(ids)
        ],
        POST_TOPICS,
    )
    # Both posts are on wellness-hub; p_gut exists in both sample runs, p_copy too.
    write_table(
        paths.topics_cannibalization,
        [
            {
                "run_id": rid,
                "site": "wellness-hub",
                "topic_id": 0,
                "post_id_a": "p_copy",
                "post_id_b": "p_gut",
                "text_similarity": 0.42,
                "title_overlap": 0.5,
                "score": 0.46,
                "shared_terms": ["intimacy"],
            }
        ],
        CANNIBALIZATION,
    )


def _finding(rid: str, fid: str, pid: str, kind: str, severity: str, evidence: str) -> dict:
    return {
        "run_id": rid,
        "finding_id": fid,
        "post_id": pid,
        "site": POST_SPECS[pid][0],
        "kind": kind,
        "severity": severity,
        "score": 0.9,
        "message": f"{kind} detected",
        "evidence": evidence,
        "start": 0,
        "end": len(evidence),
        "fix_hint": f"Rewrite to remove {kind}.",
        "detector": f"{kind}@1",
    }


def _write_audit(paths: RunPaths, ids: list[str], second: bool) -> None:
    rid = paths.run_id
    findings = [
        _finding(rid, "f1", "p_intimacy", "commercial_cta", "warning", PROMO),
        _finding(rid, "f3", "p_copy", "duplicate_content", "warning", "Intimacy matters (repost)"),
    ]
    if "p_sleep" in ids:
        findings += [
            _finding(rid, "f2", "p_sleep", "keyword_stuffing", "critical", STUFFING),
            _finding(rid, "f4", "p_sleep", "thin_content", "warning", EVIL_TITLE),
        ]
    if "p_new" in ids:  # a finding of the second run only
        findings.append(_finding(rid, "f5", "p_new", "thin_content", "warning", "Breathing"))
    write_table(paths.audit_findings, findings, FINDINGS)
    base = {"p_intimacy": 80.0, "p_sleep": 35.0, "p_gut": 100.0, "p_copy": 70.0, "p_new": 100.0}
    if second:
        base["p_intimacy"] = 90.0  # the CTA was toned down between runs
    counts = {pid: sum(f["post_id"] == pid for f in findings) for pid in ids}
    write_table(
        paths.audit_scores,
        [
            {
                "run_id": rid,
                "post_id": pid,
                "audit_score": base[pid],
                "n_findings": counts[pid],
                "boilerplate_share": 200 / (POST_SPECS[pid][3] + 200),
            }
            for pid in ids
        ],
        POST_SCORES,
    )
