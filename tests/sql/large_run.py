"""A large run for the report's browser test and benchmark: ``n`` posts of real article text.

Texts and titles are the annotated real pages of ``../shared/data`` (the same material as the
warehouse benchmark). Every post gets findings of several kinds and severities (notes included,
as real runs have on every post), one post in 50 is a near copy of another (duplicate groups
with differing paragraphs), topics have map coordinates, some URLs fail, and two posts carry
hostile titles (markup, quotes) and a ``javascript:`` URL. ``second=True`` writes the next run:
2 % of posts removed, 2 % added, a tenth of the findings fixed.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Config, SiteConfig, snapshot
from pipeline.io import atomic_write_bytes, run_started, write_table
from pipeline.paths import RunPaths
from pipeline.records import (
    BLOCKS,
    DOCUMENTS,
    DUPLICATE_MEMBERS,
    FINDINGS,
    LINKS,
    PAGES,
    POST_SCORES,
    POST_TOPICS,
    POSTS,
    SEVERITY_POINTS,
    TOPICS,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
POSTS_PER_SITE = 1000
HOSTILE_TITLE = '<script>window.__pwned = 1</script>"Quotes" & <b>bold</b>'
HOSTILE_POST, JAVASCRIPT_URL_POST = 250, 251  # in both runs (the second drops posts 0-199)
# kind, severity, fix: a mix like a real run's (notes on most posts, fewer warnings, rare critical)
FINDING_MIX = (
    ("ymyl_trust", "info", "Name the reviewer and cite a source for the claim."),
    ("readability", "info", "Split the longest sentences."),
    ("promo_in_body", "warning", "Move the promotion below the article."),
    ("seo_filler", "warning", "Cut the generic sentences."),
    ("thin_content", "warning", "Expand the post or merge it into a fuller one."),
    ("keyword_stuffing", "critical", "Use the phrase once in a heading, not in every heading."),
)


def real_texts() -> list[tuple[str, str]]:
    """(title, text) of the annotated real pages with at least 50 words of text."""
    out: list[tuple[str, str]] = []
    for name in ("extraction-dev", "extraction-more"):
        truth = json.loads((SHARED / name / "ground-truth.json").read_text(encoding="utf-8"))
        out += [
            (v["title"] or "untitled", v["articleBody"])
            for v in truth.values()
            if len(v["articleBody"].split()) >= 50
        ]
    return out


def short_hash(*parts: object) -> str:
    """16 hex digits of the parts: stable ids and text hashes for generated rows."""
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def write_large_run(
    paths: RunPaths, n: int, texts: list[tuple[str, str]], *, second: bool = False
) -> Config:
    """Write the stages' Parquet files of an ``n``-post run; return its config."""
    start = datetime(2026, 1, 2 if second else 1, tzinfo=UTC)
    rid = paths.run_id
    ids = list(range(n))
    if second:
        drop = n // 50
        ids = ids[drop:] + list(range(n, n + drop))
    sites = sorted({i // POSTS_PER_SITE for i in ids})
    config = Config(
        sites=[SiteConfig(name=f"site{s}", url=f"http://127.0.0.1:9/{s}/") for s in sites]  # type: ignore[arg-type]
    )
    atomic_write_bytes(paths.config_snapshot, snapshot(config).encode())
    run_started(paths, at=start)  # the run's place in the run order: its crawl's start
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("pages", "docs", "posts", "blocks")}
    findings: list[dict[str, Any]] = []
    scores, assigned, members = [], [], []
    for i in ids:
        site, base = f"site{i // POSTS_PER_SITE}", f"http://127.0.0.1:9/{i // POSTS_PER_SITE}"
        url = f"{base}/post-{i}"
        title, body = texts[i % len(texts)]
        copy_of = i - 1 if i % 50 == 1 else None
        if copy_of is not None:  # a near copy: the previous post's text with a paragraph changed
            title, body = texts[copy_of % len(texts)]
            body = body.replace("\n", "\nThis copy adds a sentence of its own.\n", 1)
        if i == HOSTILE_POST:
            title = HOSTILE_TITLE
        if i == JAVASCRIPT_URL_POST:
            url = "javascript:alert(1)"
        pid = f"p{i}"
        words = len(body.split())
        rows["pages"].append({"run_id": rid, "site": site, "url": url, "final_url": url,
                              "status": 200, "ok": True, "content_type": "text/html",
                              "bytes": len(body), "fetched_at": start, "robots_allowed": True,
                              "retries": 0, "depth": 1, "discovered_via": "sitemap",
                              "redirect_chain": []})  # fmt: skip
        rows["docs"].append({"run_id": rid, "site": site, "url": url, "post_id": pid,
                             "page_type": "post", "reason": None})  # fmt: skip
        rows["posts"].append({"run_id": rid, "post_id": pid, "site": site, "url": url,
                              "canonical_url": url, "title": title, "lang": "en",
                              "headings": [], "h1_count": 1, "links_internal": 5,
                              "links_external": 1, "outbound_links": [], "word_count": words,
                              "page_words": words + 120, "boilerplate_words": 120,
                              "main_text": body, "text_hash": short_hash(body),
                              "fetched_at": start})  # fmt: skip
        rows["blocks"].append({"run_id": rid, "post_id": pid, "site": site, "block_index": 0,
                               "tag": "p", "text": body[:200], "word_count": 30,
                               "position": 0.0, "main_score": 0.9, "is_main": True,
                               "category": "content",
                               "text_hash": short_hash(body[:200])})  # fmt: skip
        evidence = (body.split("\n")[0] or body)[:200]
        penalty, n_found = 0.0, 0
        for k, (kind, severity, fix) in enumerate(FINDING_MIX):
            # The post with the hostile title has every kind: it is among the lowest scores,
            # so the report shows it (cards, tables) wherever a list is cut.
            every = i == HOSTILE_POST or (i * 7 + k * 3) % (5 if severity == "warning" else 23) == 0
            keep = severity == "info" or every
            if not keep or (second and (i + k) % 10 == 0):
                continue
            findings.append({"run_id": rid, "finding_id": short_hash(pid, kind), "post_id": pid,
                             "site": site, "kind": kind, "severity": severity,
                             "score": round(0.5 + (i * 13 + k) % 50 / 100, 2),
                             "message": f"{kind.replace('_', ' ')} in the post",
                             "evidence": evidence, "start": 0, "end": len(evidence),
                             "fix_hint": fix, "detector": kind})  # fmt: skip
            penalty += SEVERITY_POINTS[severity]
            n_found += 1
        scores.append({"run_id": rid, "post_id": pid, "audit_score": max(0.0, 100.0 - penalty),
                       "n_findings": n_found, "boilerplate_share": 0.1 + (i % 7) / 20})  # fmt: skip
        topic = i % 12
        angle = topic / 12 * 2 * math.pi
        jitter = ((i * 7919) % 1000) / 1000
        assigned.append({"run_id": rid, "post_id": pid, "topic_id": topic, "subtopic_id": None,
                         "confidence": 0.7, "x": math.cos(angle) * 3 + jitter,
                         "y": math.sin(angle) * 3 + jitter / 2})  # fmt: skip
        if copy_of is not None and copy_of in ids:
            gid = f"g{copy_of}"
            for post, canonical in ((f"p{copy_of}", True), (pid, False)):
                members.append({"run_id": rid, "group_id": gid, "post_id": post,
                                "is_canonical": canonical,
                                "match_kind": "canonical" if canonical else "near",
                                "relation": "canonical" if canonical else "same_site",
                                "similarity": 1.0 if canonical else 0.9,
                                "canonical_rule": "first_seen"})  # fmt: skip
    for s in sites:  # a few failed URLs per site
        for k in range(3):
            url = f"http://127.0.0.1:9/{s}/missing-{k}"
            rows["pages"].append({"run_id": rid, "site": f"site{s}", "url": url,
                                  "final_url": url, "status": 404, "ok": False,
                                  "error_class": "http_error", "error_message": "HTTP 404",
                                  "fetched_at": start, "robots_allowed": True, "retries": 0,
                                  "depth": 1, "discovered_via": "link",
                                  "redirect_chain": []})  # fmt: skip
    topics = [{"run_id": rid, "topic_id": t, "label": f"topic {t}", "terms": [f"term{t}"],
               "size": sum(a["topic_id"] == t for a in assigned),
               "representative_post_ids": [], "previous_similarity": None, "parent_id": None}
              for t in range(12)]  # fmt: skip
    write_table(paths.crawl_pages, rows["pages"], PAGES)
    write_table(paths.extract_documents, rows["docs"], DOCUMENTS)
    write_table(paths.extract_posts, rows["posts"], POSTS)
    write_table(paths.extract_blocks, rows["blocks"], BLOCKS)
    write_table(paths.audit_findings, findings, FINDINGS)
    write_table(paths.audit_scores, scores, POST_SCORES)
    write_table(paths.topics_topics, topics, TOPICS)
    write_table(paths.topics_assignments, assigned, POST_TOPICS)
    write_table(paths.dedup_members, members, DUPLICATE_MEMBERS)
    write_table(paths.crawl_links, _links(rid, ids), LINKS)
    return config


def _links(rid: str, ids: list[int]) -> list[dict[str, Any]]:
    """Each post links the next post of its site (one in 97 does not: the next is an orphan),
    and one post in 100 links a missing page (a broken link)."""
    kept = set(ids)
    rows = []
    for i in ids:
        s = i // POSTS_PER_SITE
        source = f"http://127.0.0.1:9/{s}/post-{i}"
        targets = []
        if i + 1 in kept and (i + 1) // POSTS_PER_SITE == s and i % 97:
            targets.append((f"http://127.0.0.1:9/{s}/post-{i + 1}", "next post"))
        if i % 100 == 0:
            targets.append((f"http://127.0.0.1:9/{s}/missing-{i // 100 % 3}", "read more"))
        for position, (target, text) in enumerate(targets):
            rows.append({"run_id": rid, "site": f"site{s}", "source_url": source,
                         "target_url": target, "anchor_text": text,
                         "position": position})  # fmt: skip
    return rows
