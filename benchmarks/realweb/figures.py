"""What a run made of the real-web corpus, scored against the corpus manifest's ground truth.

Reads only the stage Parquet files and manifests of the run (never the warehouse), so the
figures exist even when a later stage (the load) crashed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from pipeline.io import read_rows
from pipeline.paths import STAGES, RunPaths

BROKEN_KINDS = ("truncated", "empty", "server_error", "missing", "disallowed")
COPY_KINDS = ("exact_copy", "edited_copy")


def load_manifest(corpus_dir: Path, origins: dict[str, str]) -> list[dict[str, Any]]:
    """The corpus pages, each with its served ``url`` (``origins``: site → served origin)."""
    pages: list[dict[str, Any]] = json.loads((corpus_dir / "manifest.json").read_text())["pages"]
    for page in pages:
        page["url"] = origins[page["site"]].rstrip("/") + page["path"]
        if page["copy_of"]:
            site, _, path = page["copy_of"].partition("/")
            page["copy_of_url"] = origins[site].rstrip("/") + "/" + path
    return pages


def _rows(path: Path) -> list[dict[str, Any]]:
    return read_rows(path) if path.exists() else []


def stage_table(paths: RunPaths) -> list[dict[str, Any]]:
    """Per finished stage: counts, dropped reasons and seconds, from its ``_manifest.json``."""
    out = []
    for stage in STAGES:
        if paths.manifest(stage).exists():
            m = json.loads(paths.manifest(stage).read_text())
            out.append({k: m[k] for k in ("stage", "counts", "dropped", "elapsed_s")})
    return out


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.3f})" if total else "0/0"


def score(paths: RunPaths, manifest: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's figures: rows for every URL, a post or a reason for every HTML page, article
    recall as posts, non-articles kept as posts, copies grouped with their originals."""
    rows = _rows(paths.crawl_pages)
    # A URL redirected to another (e.g. /docs -> /docs/) is found under either; extract names
    # its document by where it landed, as the load does.
    crawled = {r["url"]: r for r in rows}
    crawled |= {r["final_url"]: r for r in rows if r.get("final_url")}
    docs = {r["url"]: r for r in _rows(paths.extract_documents)}
    posts = {r["url"]: r["post_id"] for r in _rows(paths.extract_posts)}
    group = {r["post_id"]: r["group_id"] for r in _rows(paths.dedup_members)}
    html = [r for r in rows if r["ok"] and "html" in (r["content_type"] or "")]

    def explained(r: dict[str, Any]) -> bool:
        doc = docs.get(r.get("final_url") or r["url"], {})
        return bool(doc.get("post_id") or doc.get("reason"))

    unexplained = [r["url"] for r in html if not explained(r)]
    out: dict[str, Any] = {
        "pages_rows": len(rows),
        "manifest_urls_with_row": _share(sum(p["url"] in crawled for p in manifest), len(manifest)),
        "urls_without_row": [p["url"] for p in manifest if p["url"] not in crawled],
        "broken_links_404": sum(
            r["status"] == 404
            for r in crawled.values()
            if r["url"] not in {p["url"] for p in manifest}
        ),
        "html_pages": len(html),
        "html_pages_post_or_reason": _share(len(html) - len(unexplained), len(html)),
        "html_pages_unexplained": unexplained,
        "posts": len(posts),
    }
    originals = [p for p in manifest if p["kind"] == "original"]
    out |= _types(originals, posts, docs, crawled)
    out["copies"] = _copies(manifest, posts, group)
    out["broken"] = [
        {"kind": p["kind"], "url": p["url"], **_verdict(p["url"], crawled, docs, posts)}
        for p in manifest
        if p["kind"] in BROKEN_KINDS
    ]
    return out


def _verdict(url: str, crawled: dict, docs: dict, posts: dict) -> dict[str, Any]:
    row = crawled.get(url) or {}
    doc = docs.get(url) or {}
    return {
        "status": row.get("status"),
        "error_class": row.get("error_class"),
        "post": url in posts,
        "reason": doc.get("reason"),
    }


def _types(originals: list[dict], posts: dict, docs: dict, crawled: dict) -> dict[str, Any]:
    """Posts per ground-truth page type, and why the articles that are not posts were missed."""
    by_type: dict[str, list[bool]] = defaultdict(list)
    missed: Counter[str] = Counter()
    missed_ids: dict[str, list[str]] = defaultdict(list)
    for p in originals:
        is_post = p["url"] in posts
        by_type[p["page_type"]].append(is_post)
        if p["page_type"] == "article" and not is_post:
            v = _verdict(p["url"], crawled, docs, posts)
            reason = v["reason"] or v["error_class"] or "no_document"
            missed[reason] += 1
            missed_ids[reason].append(p["original_id"])
    articles = by_type.get("article", [])
    return {
        "article_recall_as_posts": _share(sum(articles), len(articles)),
        "posts_by_page_type": {t: _share(sum(v), len(v)) for t, v in sorted(by_type.items())},
        "articles_missed_by_reason": dict(missed.most_common()),
        "articles_missed_ids": dict(missed_ids),
    }


def _copies(manifest: list[dict], posts: dict, group: dict) -> dict[str, Any]:
    """Per copy kind: copies grouped with their original, among all and among those where both
    pages are posts (a copy of a page extract missed cannot be found by dedup)."""
    out = {}
    for kind in COPY_KINDS:
        copies = [p for p in manifest if p["kind"] == kind]
        both = [p for p in copies if p["url"] in posts and p["copy_of_url"] in posts]
        found = [
            p
            for p in both
            if group.get(posts[p["url"]]) is not None
            and group.get(posts[p["url"]]) == group.get(posts[p["copy_of_url"]])
        ]
        out[kind] = {
            "found": _share(len(found), len(copies)),
            "found_where_both_posts": _share(len(found), len(both)),
            "missed": [p["url"] for p in copies if p not in found],
        }
    return out


def format_report(stages: list[dict[str, Any]], figures: dict[str, Any]) -> str:
    lines = [f"{'stage':<8} {'seconds':>8}  counts / dropped"]
    for s in stages:
        counts = ", ".join(f"{k}={v}" for k, v in s["counts"].items())
        lines.append(f"{s['stage']:<8} {s['elapsed_s']:>8.1f}  {counts}")
        if s["dropped"]:
            dropped = ", ".join(f"{k}={v}" for k, v in s["dropped"].items())
            lines.append(f"{'':<8} {'':>8}  dropped: {dropped}")
    lines.append("")
    for key, value in figures.items():
        if key.endswith(("_ids", "unexplained", "without_row")) or key == "broken":
            continue
        lines.append(f"{key:<28} {value}")
    lines += [f"broken: {b}" for b in figures["broken"]]
    return "\n".join(lines)
