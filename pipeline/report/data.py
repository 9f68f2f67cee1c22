"""What the report shows, read from the warehouse with the ``sql/queries/report_*.sql`` files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.io import MissingInputError
from pipeline.warehouse.sqlfiles import fetch_dicts

Row = dict[str, Any]

# How much of each list the page shows. It stays small and quick for a big crawl (10,000 posts:
# under 10 MB, benchmarks/report); a truncated list always says "showing X of Y" and links to
# the CSV file beside the page that has every row (``exports``), and the warehouse has them too.
FIX_FIRST_POSTS = 25
FINDINGS_PER_POST = 3  # on a fix-first card; the rest open under it
POST_ROWS = 2000  # rows of the posts table
POST_CARDS = 300  # posts with every finding written out (evidence, fix), lowest score first
FINDING_ROWS = 2000  # rows of the findings table
DUPLICATE_GROUPS = 50
SHARED_PARAGRAPHS = 30
CRAWL_ERRORS = 200
ORPHANS = 200
LEFT_OUT_EXAMPLES = 3  # example URLs per site and reason
CHANGES = 100
CANNIBALIZATION = 50
TREND_RUNS = 12


@dataclass(frozen=True, slots=True)
class ReportData:
    run: Row
    sites: list[Row]
    fix_first: list[Row]
    duplicate_groups: list[Row]
    topics: list[Row]  # broad topics, each with "subtopics": its subtopic rows by size
    topic_map: list[Row]
    cannibalization: list[Row]
    findings_by_kind: list[Row]
    shared_paragraphs: list[Row]
    crawl_errors: list[Row]
    left_out: list[Row]  # fetched pages that are not posts, per site and reason
    changes: list[Row]
    change_counts: list[Row]
    overview: Row  # health score now and at each site's previous run, severities, new / fixed
    trend: list[Row]  # key figures of the last runs, oldest first, this run last
    posts: list[Row]  # the posts table, lowest score first (``total`` on each row)
    findings: list[Row]  # the findings table, critical first (``total`` on each row)
    card_findings: list[Row]  # every finding of the posts written out as cards (POST_CARDS)
    orphans: list[Row]  # posts no page of their site links to (``total`` on each row)
    topic_coverage: list[Row]  # per site and broad topic: posts and share of the site
    finding_changes: list[Row]  # findings new or fixed since the previous run (``total``)
    duplicate_texts: dict[str, str]  # post_id -> main text, for the shown groups' members


def fetch_report_data(con: duckdb.DuckDBPyConnection, run_id: str) -> ReportData:
    """Run the report queries for ``run_id``; raise MissingInputError if the run is not loaded."""
    run = fetch_dicts(con, "queries/report_run.sql", {"run_id": run_id})
    if not run:
        raise MissingInputError(
            f"run {run_id!r} is not in the warehouse (run the 'load' stage for it first)"
        )
    if run[0]["status"] != "succeeded":
        raise MissingInputError(
            f"run {run_id!r} did not succeed (status {run[0]['status']}: {run[0]['error']}); "
            "there is no report for it and latest.html is left as it was"
        )

    def query(name: str, **params: object) -> list[Row]:
        return fetch_dicts(con, f"queries/report_{name}.sql", {"run_id": run_id, **params})

    groups = query("duplicate_groups", limit=DUPLICATE_GROUPS)
    texts = fetch_dicts(
        con,
        "queries/report_duplicate_texts.sql",
        {"run_id": run_id, "group_ids": [g["group_id"] for g in groups]},
    )
    posts = query("posts", limit=POST_ROWS)
    carded = card_posts(posts)
    return ReportData(
        run=run[0],
        sites=query("site_summary"),
        fix_first=query("fix_first", limit=FIX_FIRST_POSTS, findings_per_post=FINDINGS_PER_POST),
        duplicate_groups=groups,
        topics=_with_subtopics(query("topics")),
        topic_map=query("topic_map"),
        cannibalization=query("cannibalization", limit=CANNIBALIZATION),
        findings_by_kind=query("findings_by_kind"),
        shared_paragraphs=query("shared_paragraphs", limit=SHARED_PARAGRAPHS),
        crawl_errors=query("crawl_errors", limit=CRAWL_ERRORS),
        left_out=query("left_out", examples=LEFT_OUT_EXAMPLES),
        changes=query("run_changes", limit=CHANGES),
        change_counts=query("run_change_counts"),
        overview=query("overview")[0],
        trend=query("trend", limit=TREND_RUNS),
        posts=posts,
        findings=query("findings", limit=FINDING_ROWS, post_ids=None),
        card_findings=query("findings", limit=1_000_000, post_ids=carded) if carded else [],
        orphans=query("orphans", limit=ORPHANS),
        topic_coverage=query("topic_coverage"),
        finding_changes=query("finding_changes", limit=CHANGES),
        duplicate_texts={str(t["post_id"]): str(t["main_text"] or "") for t in texts},
    )


def card_posts(posts: list[Row]) -> list[str]:
    """Ids of the posts written out as cards with every finding: the first ``POST_CARDS`` of
    the posts table (lowest score first) that have findings."""
    return [str(p["post_id"]) for p in posts if p["findings"]][:POST_CARDS]


def _with_subtopics(rows: list[Row]) -> list[Row]:
    """Broad topics in the query's order, each carrying its subtopics (``parent_id`` rows)."""
    subtopics: dict[int, list[Row]] = {}
    for row in rows:
        if row["parent_id"] is not None:
            subtopics.setdefault(int(row["parent_id"]), []).append(row)
    return [
        {**row, "subtopics": subtopics.get(int(row["topic_id"]), [])}
        for row in rows
        if row["parent_id"] is None
    ]
