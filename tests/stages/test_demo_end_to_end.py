"""Acceptance of the foundation on the demo sites: crawl → … → report, really run."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline.paths import RunPaths
from tests.stages.conftest import DemoRun, table_counts

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

CTAS = {
    "000": ["Book a free 15-minute consultation", "download the ManoShala App"],
    "001": ["Talk to our specialists", "Book a consultation"],
    "004": ["It's Normal For Marriages To Have Their Challenges"],
}
ARTICLE = {
    "000": "floods the brain with oxytocin and dopamine",
    "001": "Oxytocin, often called the",
    "004": "Intimacy is the closeness and togetherness in a relationship",
}


def _post(run: DemoRun, site: str, path: str) -> tuple[str, str]:
    rows = run.query(
        "select post_id, main_text from posts where run_id = 'demo' and url = ?",
        [run.url(site, path)],
    )
    assert rows, f"{site}{path} was not extracted as a post"
    return rows[0]


def test_every_table_has_rows(demo_run: DemoRun) -> None:
    counts = table_counts(demo_run.paths.warehouse, "demo")
    for table in ("runs", "sites", "pages", "posts", "duplicate_groups", "topics", "findings"):
        assert counts.get(table, 0) > 0, f"{table} is empty: {counts}"
    assert counts["sites"] == len(demo_run.served)


def test_every_demo_post_is_a_post(demo_run: DemoRun) -> None:
    for site in demo_run.sites:
        for post in site.posts:
            _post(demo_run, site.name, post.path)


def test_syndicated_copies_are_grouped(demo_run: DemoRun) -> None:
    syndicated = [(s.name, p) for s in demo_run.sites for p in s.posts if p.kind == "syndicated"]
    assert syndicated, "the demo must contain syndicated copies"
    for site, post in syndicated:
        src_site, src_path = post.source.split(":", 1)
        copy_id, _ = _post(demo_run, site, post.path)
        orig_id, _ = _post(demo_run, src_site, src_path)
        rows = demo_run.query(
            "select a.group_id, b.relation, a.is_canonical from duplicate_members a "
            "join duplicate_members b using (run_id, group_id) "
            "where a.run_id = 'demo' and a.post_id = ? and b.post_id = ?",
            [orig_id, copy_id],
        )
        assert rows, f"{site}{post.path} is not grouped with its original {post.source}"
        assert rows[0][1] == "syndicated"
        assert rows[0][2], "the original (rel=canonical target) is the group's canonical post"


def test_ctas_and_banner_are_boilerplate_not_article_text(demo_run: DemoRun) -> None:
    checked = 0
    for site in demo_run.sites:
        for post in site.posts:
            if post.seed in CTAS and post.kind in ("seed", "syndicated"):
                _, text = _post(demo_run, site.name, post.path)
                assert ARTICLE[post.seed] in text
                for cta in CTAS[post.seed]:
                    assert cta.lower() not in text.lower(), f"{cta!r} leaked into {post.path}"
                checked += 1
    assert checked >= 3
    promo = demo_run.query(
        "select count(*) from post_blocks where run_id = 'demo' and category = 'promo' "
        "and text ilike '%It''s Normal For Marriages%'"
    )[0][0]
    assert promo >= 2  # the banner, twice in seed 004's post, is a promo block each time


def test_seed_001_has_keyword_stuffing(demo_run: DemoRun) -> None:
    (site, post) = next(
        (s.name, p) for s in demo_run.sites for p in s.posts if p.seed == "001" and p.kind == "seed"
    )
    post_id, _ = _post(demo_run, site, post.path)
    rows = demo_run.query(
        "select evidence from findings where run_id = 'demo' and post_id = ? "
        "and kind = 'keyword_stuffing'",
        [post_id],
    )
    assert rows and all(r[0] for r in rows)


def test_disallowed_paths_never_fetched(demo_run: DemoRun) -> None:
    for site, served in zip(demo_run.sites, demo_run.served, strict=True):
        assert site.disallowed
        for path in site.disallowed:
            assert not [r for r in served.requests if r.startswith(path)], path
    refused = demo_run.query(
        "select count(*) from pages where run_id = 'demo' and error_class = 'robots_disallowed'"
    )[0][0]
    assert refused >= 1  # the linked private page was seen, refused and recorded


def test_report_is_self_contained(demo_run: DemoRun) -> None:
    html = demo_run.paths.report_latest.read_text()
    assert "<html" in html.lower()
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet|@import|url\(https?:", html)
    assert not re.search(r"<img[^>]+src=[\"']https?:", html)
    assert demo_run.paths.report_for_run.exists()


def test_rerun_replaces_the_run(demo_run: DemoRun) -> None:
    from pipeline.runner import resolve_config, run_all

    before = table_counts(demo_run.paths.warehouse, "demo")
    run_all(demo_run.paths, resolve_config(demo_run.paths, None))
    after = table_counts(demo_run.paths.warehouse, "demo")
    assert after == before


def test_the_example_questions_answer_on_a_two_run_demo_warehouse(demo_run: DemoRun) -> None:
    """sql/queries/examples/ on the demo warehouse after a second run of the same sites: every
    question runs, and the second run finds the same posts (no post new or removed)."""
    from pipeline.runner import resolve_config, run_all

    second = RunPaths(demo_run.paths.data_dir, "demo-2", demo_run.paths.reports_dir)
    run_all(second, resolve_config(second, demo_run.paths.data_dir.parent / "sites.yaml"))
    examples = sorted((ROOT / "sql" / "queries" / "examples").glob("*.sql"))
    assert len(examples) >= 6
    with duckdb.connect(str(second.warehouse), read_only=True) as con:
        assert con.execute("select run_id from v_latest_run").fetchone() == ("demo-2",)
        answered = {p.stem: len(con.execute(p.read_text()).fetchall()) for p in examples}
        changes = dict(
            con.execute(
                "select change, count(*) from v_run_changes where run_id = 'demo-2' group by 1"
            ).fetchall()
        )
    assert answered["fix_first"] > 0 and answered["duplicate_groups_with_titles"] > 0
    assert answered["topic_coverage_per_site"] > 0 and answered["boilerplate_by_site"] > 0
    assert "new" not in changes and "removed" not in changes and sum(changes.values()) > 0
