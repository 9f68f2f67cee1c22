"""The views over a warehouse holding two loaded runs of the same sites."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.io import write_table
from pipeline.paths import RunPaths
from pipeline.records import POSTS
from pipeline.warehouse import run
from pipeline.warehouse.sqlfiles import sql_files
from tests.sql.sample_run import CONFIG, write_sample_run

VIEWS = [p.rsplit("/", 1)[1].removesuffix(".sql") for p in sql_files("views")]


@pytest.fixture
def warehouse(run_a: RunPaths, run_b: RunPaths) -> Path:
    # B is loaded first on purpose: "latest" and "previous" must follow crawl time, not load order.
    run(run_b, CONFIG)
    run(run_a, CONFIG)
    return run_a.warehouse


def _query(warehouse: Path, sql: str, **params: object) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_the_required_views_exist() -> None:
    assert set(VIEWS) >= {
        "v_latest_run",
        "v_site_summary",
        "v_post_findings",
        "v_duplicate_groups",
        "v_topic_summary",
        "v_findings_by_kind",
        "v_run_changes",
    }


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_queries(warehouse: Path, view: str) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rel = con.view(view)
        # TIMESTAMPTZ columns would need pytz to fetch; the shape proves the view binds and runs.
        assert rel.shape[0] >= 1


def test_latest_run_follows_crawl_time_not_load_order(warehouse: Path) -> None:
    assert _query(warehouse, "select run_id from v_latest_run") == [("run-b",)]


def test_site_summary(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select site, pages, errors, posts, findings_critical, findings_warning, duplicate_posts, "
        "round(boilerplate_share, 4), avg_audit_score from v_site_summary "
        "where run_id = $run_id order by site",
        run_id="run-a",
    )
    assert rows == [
        # 2 posts of 640 and 180 words + 200 boilerplate words each: 400 / 1220
        ("calm-mind", 4, 1, 2, 1, 2, 0, 0.3279, 57.5),
        ("wellness-hub", 3, 1, 2, 0, 1, 1, round(400 / 1940, 4), 85.0),
    ]


def test_post_findings_carry_title_and_url(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select title, url, severity_rank from v_post_findings "
        "where run_id = 'run-a' and kind = 'keyword_stuffing'",
    )
    assert rows == [
        (
            "Sleep <script>alert('x')</script> & anxiety",
            "http://127.0.0.1:8001/blog/sleep-anxiety",
            3,
        )
    ]


def test_duplicate_groups_list_the_canonical_first(warehouse: Path) -> None:
    [(canonical_url, size, n_sites, members)] = _query(
        warehouse,
        "select canonical_url, size, n_sites, members from v_duplicate_groups "
        "where run_id = 'run-a'",
    )
    assert (canonical_url, size, n_sites) == (
        "http://127.0.0.1:8001/blog/intimacy-and-mental-health",
        2,
        2,
    )
    assert [(m["post_id"], m["relation"]) for m in members] == [
        ("p_intimacy", "canonical"),
        ("p_copy", "syndicated"),
    ]


def test_topic_summary_keeps_representative_order(warehouse: Path) -> None:
    [(posts, titles)] = _query(
        warehouse,
        "select posts, [r.title for r in representatives] from v_topic_summary "
        "where run_id = 'run-a' and topic_id = 0",
    )
    assert (posts, titles) == (2, ["Intimacy matters", "Intimacy matters (repost)"])


def test_topic_summary_counts_posts_in_their_topic_and_subtopic(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select topic_id, parent_id, posts from v_topic_summary "
        "where run_id = 'run-a' order by topic_id",
    )
    assert rows == [(0, None, 2), (1, None, 1), (2, 0, 1)]


def test_run_counts_broad_topics_only(warehouse: Path) -> None:
    [(n_topics,)] = _query(warehouse, "select n_topics from runs where run_id = 'run-a'")
    assert n_topics == 2


def test_findings_by_kind(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select kind, findings, critical, warning from v_findings_by_kind "
        "where run_id = 'run-a' order by kind",
    )
    assert rows == [
        ("commercial_cta", 1, 0, 1),
        ("duplicate_content", 1, 0, 1),
        ("keyword_stuffing", 1, 1, 0),
        ("thin_content", 1, 0, 1),
    ]


def test_run_changes_compare_with_the_previous_run_of_the_site(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select previous_run_id, url, change, score_delta from v_run_changes "
        "where run_id = 'run-b' and change <> 'unchanged' order by url",
    )
    assert rows == [
        ("run-a", "http://127.0.0.1:8001/blog/intimacy-and-mental-health", "score_changed", 10.0),
        ("run-a", "http://127.0.0.1:8001/blog/sleep-anxiety", "removed", None),
        ("run-a", "http://127.0.0.1:8002/posts/breathing", "new", None),
    ]
    assert _query(warehouse, "select count(*) from v_run_changes where run_id = 'run-a'") == [(0,)]


def test_finding_changes_by_finding_id(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select site, finding_id, change, previous_run_id from v_finding_changes "
        "where run_id = 'run-b' order by finding_id",
    )
    assert rows == [
        ("calm-mind", "f1", "persisting", "run-a"),
        ("calm-mind", "f2", "fixed", "run-a"),  # its post is gone
        ("wellness-hub", "f3", "persisting", "run-a"),
        ("calm-mind", "f4", "fixed", "run-a"),
        ("wellness-hub", "f5", "new", "run-a"),
    ]
    first = "select distinct change from v_finding_changes where run_id = 'run-a'"
    assert _query(warehouse, first) == [("new",)]


def test_post_audit_has_one_row_per_post_with_everything(warehouse: Path) -> None:
    [(posts, distinct)] = _query(
        warehouse,
        "select count(*), count(distinct post_id) from v_post_audit where run_id = 'run-a'",
    )
    assert posts == distinct == 4
    row = _query(
        warehouse,
        "select words > 0, findings, findings_warning, findings_by_kind, duplicate_role, "
        "topic_id, subtopic_id, subtopic_label, page_type from v_post_audit "
        "where run_id = 'run-a' and post_id = 'p_intimacy'",
    )
    expected = (True, 1, 1, {"commercial_cta": 1}, "canonical", 0, 2, "trust, conflict", "post")
    assert row == [expected]
    types = dict(
        _query(
            warehouse,
            "select column_name, data_type from duckdb_columns() where table_name = 'v_post_audit'",
        )
    )
    assert types["words"] == types["findings"] == "BIGINT"
    assert types["audit_score"] == types["boilerplate_share"] == "DOUBLE"


def test_site_topic_coverage_shares_add_up_per_site(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select site, topic_id, label, posts, share from v_site_topic_coverage "
        "where run_id = 'run-a' order by site, topic_id",
    )
    assert rows == [
        ("calm-mind", -1, "(outliers)", 1, 0.5),
        ("calm-mind", 0, "intimacy / relationship", 1, 0.5),
        ("wellness-hub", 0, "intimacy / relationship", 1, 0.5),
        ("wellness-hub", 1, "gut / brain", 1, 0.5),
    ]


def test_cannibalization_pairs_carry_both_titles(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select site, topic_label, title_a, title_b, shared_terms from v_cannibalization "
        "where run_id = 'run-a'",
    )
    assert rows == [
        ("wellness-hub", "intimacy / relationship", "Intimacy matters (repost)",
         "The gut-brain axis", ["intimacy"]),
    ]  # fmt: skip


def test_topic_history_follows_a_topic_id_across_runs(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select topic_id, run_id, size, size_change from v_topic_history order by topic_id, "
        "started_at",
    )
    # Run B is loaded first but crawled later: history follows crawl time.
    assert rows == [(0, "run-a", 2, None), (0, "run-b", 2, 0), (1, "run-a", 1, None),
                    (1, "run-b", 1, 0), (2, "run-a", 1, None), (2, "run-b", 1, 0)]  # fmt: skip


def test_history_follows_posts_across_a_host_scheme_and_port_move(
    run_a: RunPaths, data_dir: Path
) -> None:
    # Run C: run A's posts again, served from another host and port over https, with a
    # trailing slash (a domain move, or the demo on new ports). Its crawl started at the same
    # time as run A's, so run A is its previous run by the run-id tie-break.
    moved = RunPaths(data_dir, "run-c")
    write_sample_run(moved)
    rows = pq.read_table(moved.extract_posts).to_pylist()
    for r in rows:
        path = r["url"].split("://", 1)[1].split("/", 1)[1]
        r["url"] = f"https://www.moved.example:8443/{path}/"
    write_table(moved.extract_posts, rows, POSTS)
    run(run_a, CONFIG)
    run(moved, CONFIG)

    changes = _query(
        data_dir / "warehouse.duckdb",
        "select change, url <> previous_url from v_run_changes where run_id = 'run-c'",
    )
    assert len(changes) == 4
    assert {c for c, _ in changes} <= {"unchanged", "score_changed", "text_changed"}
    assert all(moved_url for _, moved_url in changes)


EXAMPLES = sorted(
    (Path(__file__).resolve().parents[2] / "sql" / "queries" / "examples").glob("*.sql")
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_question_answers_on_a_two_run_warehouse(
    warehouse: Path, example: Path
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(example.read_text(encoding="utf-8")).fetchall()
    assert rows, f"{example.name} answered nothing on the sample warehouse"


def test_the_examples_are_the_ones_the_readme_shows() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert len(EXAMPLES) >= 6
    assert all(f"sql/queries/examples/{p.name}" in readme for p in EXAMPLES)


def test_post_history_follows_each_post_over_all_runs(warehouse: Path) -> None:
    rows = _query(
        warehouse,
        "select post_key, run_id, appearance, previous_appearance_run_id, score_delta "
        "from v_post_history where site = 'calm-mind' order by post_key, appearance",
    )
    assert rows == [
        ("/blog/intimacy-and-mental-health", "run-a", 1, None, None),
        ("/blog/intimacy-and-mental-health", "run-b", 2, "run-a", 10.0),
        ("/blog/sleep-anxiety", "run-a", 1, None, None),  # removed in run B: one appearance
    ]


def test_boilerplate_views_have_one_grain_each(warehouse: Path) -> None:
    [(site_rows, site_keys)] = _query(
        warehouse,
        "select count(*), count(distinct (run_id, site, category)) from v_boilerplate_by_site",
    )
    [(post_rows, post_keys, null_posts)] = _query(
        warehouse,
        "select count(*), count(distinct (run_id, post_id, category)), "
        "count(*) filter (where post_id is null) from v_boilerplate_by_post",
    )
    [(mixed,)] = _query(warehouse, "select count(*) from v_boilerplate_by_category")
    assert site_rows == site_keys > 0 and post_rows == post_keys > 0 and null_posts == 0
    assert site_rows + post_rows == mixed


def test_a_renamed_slug_with_the_same_text_is_the_same_post(
    run_a: RunPaths, data_dir: Path
) -> None:
    renamed = RunPaths(data_dir, "run-c")
    write_sample_run(renamed)
    rows = pq.read_table(renamed.extract_posts).to_pylist()
    for r in rows:
        r["url"] = r["url"] + "-renamed"
        r["canonical_url"] = r["url"]
    write_table(renamed.extract_posts, rows, POSTS)
    run(run_a, CONFIG)
    run(renamed, CONFIG)

    changes = _query(
        data_dir / "warehouse.duckdb",
        "select change from v_run_changes where run_id = 'run-c'",
    )
    assert len(changes) == 4 and {c for (c,) in changes} <= {"unchanged", "score_changed"}


def test_broken_links_name_the_page_to_edit_and_orphans_are_the_posts_linked_from_nowhere(
    tmp_path: Path,
) -> None:
    # Before: a 404 was listed without the page linking to it (no link graph was kept), and a
    # post reachable only through the sitemap could not be told from a linked one.
    from tests.sql.sample_run import BROKEN_LINK_TEXT, CALM, HUB, POST_SPECS

    paths = RunPaths(tmp_path / "data", "run-a", tmp_path / "reports")
    write_sample_run(paths)
    run(paths, CONFIG)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        broken = con.execute(
            "select target_url, source_url, anchor_text, source_post_id from v_broken_links "
            "order by target_url"
        ).fetchall()
        orphans = con.execute("select post_id from v_orphan_posts order by post_id").fetchall()

    assert broken == [
        (f"{CALM}/blog/missing", f"{CALM}/", BROKEN_LINK_TEXT, None),
        (f"{HUB}/slow", POST_SPECS["p_gut"][1], "a slow page", "p_gut"),
    ]
    # gut-brain: nothing links to it; intimacy-copy is linked from gut-brain, the calm posts
    # from the home page.
    assert orphans == [("p_gut",)]
