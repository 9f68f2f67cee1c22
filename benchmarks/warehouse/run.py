"""Warehouse benchmark (issue 20): load time, file size and query time at 10k and 100k posts,
and loads with a reader holding the file open.

    .venv/bin/python benchmarks/warehouse/run.py [--posts 10000 100000] [--rounds 20]

Per size, two runs are generated as the stages write them (the real Parquet schemas): posts made
of the main texts of the 1,416 real pages of ``../shared/data`` (gold ``articleBody``, cycled; each
copy on its own site and URL), one block per paragraph plus navigation and footer blocks, three
findings per post, a topic per post. The second run changes a tenth of the posts' scores and
texts, drops 2 % and adds 2 %, so the changes views have work. Then:

* the load of each run (``pipeline.warehouse.run``: copy, write, swap), wall time and file size;
* ``v_post_audit``, ``v_run_changes`` and ``v_finding_changes`` for the second run: the median of
  5 timed queries each (a fresh read-only connection, rows fetched);
* ``--rounds`` loads of the second run again while another process holds the warehouse open
  read-only and queries it between loads: every load must succeed and every query answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Config, SiteConfig, snapshot  # noqa: E402
from pipeline.io import atomic_write_bytes, write_table  # noqa: E402
from pipeline.paths import RunPaths  # noqa: E402
from pipeline.records import (  # noqa: E402
    BLOCKS,
    DOCUMENTS,
    DUPLICATE_MEMBERS,
    FINDINGS,
    PAGES,
    POST_SCORES,
    POST_TOPICS,
    POSTS,
    TOPICS,
)
from pipeline.warehouse import run as load  # noqa: E402
from tests.sql.large_run import real_texts  # noqa: E402
from tests.sql.large_run import short_hash as _h  # noqa: E402

POSTS_PER_SITE = 500
KINDS = ("promo_in_body", "seo_filler", "thin_content")
QUERIES = {
    "v_post_audit": "select * from v_post_audit where run_id = 'b'",
    "v_run_changes": "select * from v_run_changes where run_id = 'b'",
    "v_finding_changes": "select * from v_finding_changes where run_id = 'b'",
}


def write_run(paths: RunPaths, n: int, texts: list[tuple[str, str]], second: bool) -> Config:
    start = datetime(2026, 1, 2 if second else 1, tzinfo=UTC)
    ids = list(range(n))
    if second:  # 2 % removed, 2 % added
        drop = n // 50
        ids = ids[drop:] + list(range(n, n + drop))
    sites = sorted({i // POSTS_PER_SITE for i in ids})
    config = Config(sites=[SiteConfig(name=f"site{s}", url=f"http://127.0.0.1:9/{s}/")  # type: ignore[arg-type]
                           for s in sites])  # fmt: skip
    atomic_write_bytes(paths.config_snapshot, snapshot(config).encode())
    pages, docs, posts, blocks, findings, scores, assigned = [], [], [], [], [], [], []
    rid = paths.run_id
    for i in ids:
        site = f"site{i // POSTS_PER_SITE}"
        url = f"http://127.0.0.1:9/{i // POSTS_PER_SITE}/post-{i}"
        title, body = texts[i % len(texts)]
        changed = second and i % 10 == 0
        if changed:
            body = body + " Updated."
        pid = f"p{i}"
        paragraphs = [p for p in body.split("\n") if p.strip()] or [body]
        words = len(body.split())
        pages.append({"run_id": rid, "site": site, "url": url, "final_url": url, "status": 200,
                      "ok": True, "content_type": "text/html", "bytes": len(body),
                      "fetched_at": start, "robots_allowed": True, "retries": 0, "depth": 1,
                      "discovered_via": "sitemap", "redirect_chain": []})  # fmt: skip
        docs.append({"run_id": rid, "site": site, "url": url, "post_id": pid,
                     "page_type": "post", "reason": None})  # fmt: skip
        posts.append({"run_id": rid, "post_id": pid, "site": site, "url": url,
                      "canonical_url": url, "title": title, "lang": "en", "headings": [],
                      "h1_count": 1, "links_internal": 5, "links_external": 1,
                      "outbound_links": [], "word_count": words, "page_words": words + 120,
                      "boilerplate_words": 120, "main_text": body,
                      "text_hash": _h(body), "fetched_at": start})  # fmt: skip
        chrome = [
            ("Home Blog About Contact", "navigation"),
            ("© 2026 All rights reserved", "legal"),
        ]
        for k, (text, category) in enumerate(
            [(chrome[0][0], chrome[0][1])] + [(p, "content") for p in paragraphs] + [chrome[1]]
        ):
            blocks.append({"run_id": rid, "post_id": pid, "site": site, "block_index": k,
                           "tag": "p", "text": text, "word_count": len(text.split()),
                           "position": 0.0, "main_score": 0.9 if category == "content" else 0.1,
                           "is_main": category == "content", "category": category,
                           "text_hash": _h(text)})  # fmt: skip
        n_found = 0
        for k, kind in enumerate(KINDS):
            if (i + k) % 3 == 0 or (changed and k == 0):
                continue
            evidence = paragraphs[0][:80]
            findings.append({"run_id": rid, "finding_id": _h(pid, kind, evidence), "post_id": pid,
                             "site": site, "kind": kind, "severity": "warning", "score": 0.8,
                             "message": kind, "evidence": evidence, "start": 0,
                             "end": len(evidence), "fix_hint": "rewrite",
                             "detector": kind})  # fmt: skip
            n_found += 1
        scores.append({"run_id": rid, "post_id": pid, "audit_score": 100.0 - 8 * n_found,
                       "n_findings": n_found, "boilerplate_share": 0.1})  # fmt: skip
        assigned.append({"run_id": rid, "post_id": pid, "topic_id": i % 8, "subtopic_id": None,
                         "confidence": 0.7, "x": 0.0, "y": 0.0})  # fmt: skip
    topics = [{"run_id": rid, "topic_id": t, "label": f"topic {t}", "terms": [f"t{t}"],
               "size": sum(a["topic_id"] == t for a in assigned),
               "representative_post_ids": [], "previous_similarity": None, "parent_id": None}
              for t in range(8)]  # fmt: skip
    write_table(paths.crawl_pages, pages, PAGES)
    write_table(paths.extract_documents, docs, DOCUMENTS)
    write_table(paths.extract_posts, posts, POSTS)
    write_table(paths.extract_blocks, blocks, BLOCKS)
    write_table(paths.audit_findings, findings, FINDINGS)
    write_table(paths.audit_scores, scores, POST_SCORES)
    write_table(paths.topics_topics, topics, TOPICS)
    write_table(paths.topics_assignments, assigned, POST_TOPICS)
    write_table(paths.dedup_members, [], DUPLICATE_MEMBERS)
    return config


def timed_query(path: Path, sql: str) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        start = time.perf_counter()
        con.execute(sql).fetchall()
        return time.perf_counter() - start


def reader_rounds(paths: RunPaths, config: Config, rounds: int) -> dict[str, Any]:
    code = f"""
        import duckdb, sys
        con = duckdb.connect({str(paths.warehouse)!r}, read_only=True)
        print("open", flush=True)
        for line in sys.stdin:
            n = con.execute("select count(*) from posts").fetchone()[0]
            print(n, flush=True)
    """
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert reader.stdin and reader.stdout
    assert reader.stdout.readline().strip() == "open"
    ok_loads = ok_queries = 0
    for _ in range(rounds):
        try:
            load(paths, config)
            ok_loads += 1
        except Exception as exc:  # counted, and the benchmark says so
            print(f"load failed with a reader open: {exc}", flush=True)
        reader.stdin.write("q\n")
        reader.stdin.flush()
        if reader.stdout.readline().strip().isdigit():
            ok_queries += 1
    reader.kill()
    return {"rounds": rounds, "loads_succeeded": ok_loads, "reader_queries_answered": ok_queries}


def bench(n: int, rounds: int, texts: list[tuple[str, str]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="warehouse-bench-") as tmp:
        data = Path(tmp)
        a, b = RunPaths(data, "a"), RunPaths(data, "b")
        config_a = write_run(a, n, texts, second=False)
        config_b = write_run(b, n, texts, second=True)
        out: dict[str, Any] = {"posts": n}
        for name, paths, config in (("load_a", a, config_a), ("load_b", b, config_b)):
            start = time.perf_counter()
            summary = load(paths, config)
            out[f"{name}_s"] = round(time.perf_counter() - start, 2)
            out[f"{name}_rows"] = summary.counts.get("post_blocks")
        out["file_mb"] = round(a.warehouse.stat().st_size / 2**20, 1)
        for view, sql in QUERIES.items():
            out[f"{view}_s"] = round(statistics.median(timed_query(a.warehouse, sql)
                                                       for _ in range(5)), 3)  # fmt: skip
        out["with_reader"] = reader_rounds(b, config_b, rounds)
        print(json.dumps(out), flush=True)
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    args = ap.parse_args()
    texts = real_texts()
    results = [bench(n, args.rounds, texts) for n in args.posts]
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
