"""The load stage against real Parquet files and a real DuckDB file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.io import MissingInputError, write_table
from pipeline.paths import RunPaths
from pipeline.records import (
    DOCUMENTS,
    DUPLICATE_MEMBERS,
    FINDINGS,
    PAGES,
    POST_SCORES,
    POST_TOPICS,
    POSTS,
)
from pipeline.warehouse import CheckFailedError, LoadError, run
from tests.sql.helpers import TABLES, counts_for_run
from tests.sql.sample_run import CONFIG, write_sample_run

Change = Callable[[list[dict]], list[dict]]


def _rewrite(path: Path, schema: pa.Schema, change: Change) -> None:
    write_table(path, change(pq.read_table(path).to_pylist()), schema)


def test_load_counts_every_table(run_a: RunPaths) -> None:
    summary = run(run_a, CONFIG)

    expected = {
        "runs": 1, "sites": 2, "pages": 7, "links": 6, "posts": 4, "post_blocks": 12,
        "duplicate_pairs": 1,
        "duplicate_groups": 1, "duplicate_members": 2, "shared_paragraphs": 1, "topics": 3,
        "post_topics": 4, "topic_cannibalization": 1, "findings": 4, "post_scores": 4,
        "dedup_signatures": 4,
    }  # fmt: skip
    assert {t: summary.counts[t] for t in TABLES} == expected
    assert counts_for_run(run_a.warehouse, "run-a") == expected
    assert summary.counts["missing_inputs"] == 0
    assert summary.counts["checks_passed"] >= 10


def test_loading_a_run_twice_gives_identical_rows(run_a: RunPaths) -> None:
    first = run(run_a, CONFIG)
    second = run(run_a, CONFIG)

    assert {t: second.counts[t] for t in TABLES} == {t: first.counts[t] for t in TABLES}
    assert counts_for_run(run_a.warehouse, "run-a") == {t: first.counts[t] for t in TABLES}
    assert first.counts["migrations_applied"] > 0
    assert second.counts["migrations_applied"] == 0


def test_runs_are_kept_side_by_side(run_a: RunPaths, run_b: RunPaths) -> None:
    run(run_a, CONFIG)
    after_a = counts_for_run(run_a.warehouse, "run-a")
    run(run_b, CONFIG)
    run(run_a, CONFIG)  # reloading A must not touch B

    assert counts_for_run(run_a.warehouse, "run-a") == after_a
    assert counts_for_run(run_b.warehouse, "run-b")["findings"] == 3
    with duckdb.connect(str(run_a.warehouse), read_only=True) as con:
        assert con.execute("select run_id from runs order by run_id").fetchall() == [
            ("run-a",),
            ("run-b",),
        ]


def test_runs_row_records_config_and_crawl_start(run_a: RunPaths) -> None:
    run(run_a, CONFIG)

    with duckdb.connect(str(run_a.warehouse), read_only=True) as con:
        row = con.execute(
            "select config_hash, json_extract_string(config, '$.sites[1].name'), "
            "strftime(timezone('UTC', started_at), '%Y-%m-%dT%H:%M'), n_pages_ok, code_version "
            "from runs where run_id = $run_id",
            {"run_id": "run-a"},
        ).fetchone()
    assert row == (CONFIG.config_hash(), "wellness-hub", "2025-06-01T08:00", 5, "0.1.0")


def test_pages_carry_what_extract_made_of_them(run_a: RunPaths) -> None:
    run(run_a, CONFIG)

    with duckdb.connect(str(run_a.warehouse), read_only=True) as con:
        rows = con.execute(
            "select url, ok, error_class, page_type, reason, post_id from pages "
            "where run_id = 'run-a' and (page_type is distinct from 'post') order by url"
        ).fetchall()
    assert rows == [
        ("http://127.0.0.1:8001/", True, None, "listing", "listing_page", None),
        ("http://127.0.0.1:8001/blog/missing", False, "http_404", None, None, None),
        ("http://127.0.0.1:8002/slow", False, "timeout", None, None, None),
    ]


def test_missing_optional_inputs_load_nothing_and_are_counted(run_a: RunPaths) -> None:
    run(run_a, CONFIG)
    # The same run again without dedup/topics/audit outputs: their old rows must go too.
    for path in (run_a.dedup_pairs, run_a.topics_topics, run_a.topics_assignments):
        path.unlink()
    run_a.audit_findings.unlink()

    summary = run(run_a, CONFIG)

    assert summary.counts["missing_inputs"] == 4
    assert (summary.counts["duplicate_pairs"], summary.counts["topics"]) == (0, 0)
    assert summary.counts["findings"] == 0
    counts = counts_for_run(run_a.warehouse, "run-a")
    assert (counts["duplicate_pairs"], counts["topics"], counts["findings"]) == (0, 0, 0)
    assert counts["duplicate_members"] == 2  # its input is still there


def test_crawl_and_extract_only_loads(data_dir: Path) -> None:
    paths = RunPaths(data_dir, "bare")
    write_sample_run(paths, optional=False)

    summary = run(paths, CONFIG)

    assert summary.counts["missing_inputs"] == 9
    assert summary.counts["posts"] == 4
    assert summary.counts["duplicate_groups"] == 0


def test_missing_required_input_raises_naming_the_stage(run_a: RunPaths) -> None:
    run_a.extract_posts.unlink()

    with pytest.raises(MissingInputError, match=r"posts\.parquet \(run the 'extract' stage"):
        run(run_a, CONFIG)


def _ghost_finding(rows: list[dict]) -> list[dict]:
    return [*rows, {**rows[0], "finding_id": "f_ghost", "post_id": "p_ghost"}]


def _failed_page_without_reason(rows: list[dict]) -> list[dict]:
    return [*rows, {**rows[0], "url": "http://127.0.0.1:8001/x", "ok": False, "error_class": None}]


def _two_canonicals(rows: list[dict]) -> list[dict]:
    return [{**r, "is_canonical": True} for r in rows]


def _score_above_100(rows: list[dict]) -> list[dict]:
    return [{**rows[0], "audit_score": 130.0}, *rows[1:]]


def _unknown_topic(rows: list[dict]) -> list[dict]:
    return [{**rows[0], "topic_id": 7, "subtopic_id": None}, *rows[1:]]


def _subtopic_of_another_topic(rows: list[dict]) -> list[dict]:
    # The sample run's topic 0 has no subtopics: naming one is a subtopic the warehouse lacks.
    return [{**rows[0], "subtopic_id": 0}, *rows[1:]]


def _bad_severity(rows: list[dict]) -> list[dict]:
    return [{**rows[0], "severity": "severe"}, *rows[1:]]


@pytest.mark.parametrize(
    ("attr", "schema", "change", "check"),
    [
        ("audit_findings", FINDINGS, _ghost_finding, "chk_findings_unknown_post"),
        ("audit_findings", FINDINGS, _bad_severity, "chk_findings_unknown_severity"),
        ("crawl_pages", PAGES, _failed_page_without_reason, "chk_pages_failed_without_error_class"),
        ("dedup_members", DUPLICATE_MEMBERS, _two_canonicals,
         "chk_duplicate_groups_without_one_canonical"),
        ("audit_scores", POST_SCORES, _score_above_100, "chk_post_scores_out_of_range"),
        ("topics_assignments", POST_TOPICS, _unknown_topic, "chk_post_topics_unknown_topic"),
        ("topics_assignments", POST_TOPICS, _subtopic_of_another_topic,
         "chk_post_topics_unknown_subtopic"),
    ],
)  # fmt: skip
def test_a_failing_check_rolls_back_the_whole_load(
    run_a: RunPaths,
    attr: str,
    schema: pa.Schema,
    change: Change,
    check: str,
) -> None:
    run(run_a, CONFIG)
    good = counts_for_run(run_a.warehouse, "run-a")
    _rewrite(getattr(run_a, attr), schema, change)

    with pytest.raises(CheckFailedError, match=check) as failure:
        run(run_a, CONFIG)

    assert failure.value.check == check
    assert failure.value.n_rows >= 1
    # the deletes and inserts of the failed attempt are all undone: the earlier load stands
    assert counts_for_run(run_a.warehouse, "run-a") == good


def test_a_failed_first_load_leaves_nothing_of_the_run(run_a: RunPaths, run_b: RunPaths) -> None:
    run(run_a, CONFIG)
    _rewrite(run_b.audit_findings, FINDINGS, _ghost_finding)

    with pytest.raises(CheckFailedError, match="chk_findings_unknown_post"):
        run(run_b, CONFIG)

    assert set(counts_for_run(run_b.warehouse, "run-b").values()) == {0}
    assert counts_for_run(run_a.warehouse, "run-a")["posts"] == 4


def test_a_duplicate_key_raises_a_load_error_naming_the_file(run_a: RunPaths) -> None:
    # Stages refuse to write such a file (write_table checks the key); the load still guards
    # against one written by something else, so the file is written here with pyarrow alone.
    rows = pq.read_table(run_a.extract_posts).to_pylist()
    pq.write_table(pa.Table.from_pylist([*rows, rows[0]], schema=POSTS), run_a.extract_posts)

    with pytest.raises(LoadError, match=r"020_load_posts\.sql: .*(Duplicate key|PRIMARY KEY)"):
        run(run_a, CONFIG)

    # The first load failed, so there is no warehouse at all (not even the migrated schema):
    # the load writes a copy and swaps it in only on success.
    assert not run_a.warehouse.exists()


def test_the_cli_run_summary_query(run_a: RunPaths) -> None:
    from pipeline.summary import run_summary

    run(run_a, CONFIG)

    assert run_summary(run_a) == {
        "sites": 2,
        "urls_attempted": 7,
        "pages_fetched": 5,
        "page_errors": 2,
        "posts": 4,
        "duplicate_groups": 1,
        "topics": 2,
        "posts_with_findings": 3,
        "findings": 4,
    }


def test_a_redirected_page_gets_the_page_type_of_where_it_landed(run_a: RunPaths) -> None:
    # Regression: the join on url alone left a redirected post's row unclassified.
    rows = pq.read_table(run_a.crawl_pages).to_pylist()
    post_url = next(r["url"] for r in pq.read_table(run_a.extract_posts).to_pylist())
    moved = next(r for r in rows if r["url"] == post_url)
    moved["final_url"], moved["url"] = post_url, post_url + "old/"
    moved["redirect_chain"] = [moved["url"], post_url]
    write_table(run_a.crawl_pages, rows, PAGES)

    run(run_a, CONFIG)

    with duckdb.connect(str(run_a.warehouse), read_only=True) as con:
        got = con.execute(
            "select page_type, post_id is not null from pages where run_id = ? and url = ?",
            [run_a.run_id, post_url + "old/"],
        ).fetchone()
    assert got == ("post", True)


def test_an_unclassified_html_page_fails_the_load_naming_it(run_a: RunPaths) -> None:
    docs = pq.read_table(run_a.extract_documents).to_pylist()
    dropped = docs.pop()  # extract "lost" a page it fetched
    write_table(run_a.extract_documents, docs, DOCUMENTS)

    with pytest.raises(CheckFailedError, match="chk_pages_html_without_page_type") as err:
        run(run_a, CONFIG)
    assert dropped["url"] in str(err.value)


def test_two_sites_on_one_origin_may_fetch_the_same_url(run_a: RunPaths) -> None:
    # Regression: sites /a/ and /b/ of one host both fetch its robots.txt; the pages key was
    # (run_id, url) and such a run could not be loaded.
    rows = pq.read_table(run_a.crawl_pages).to_pylist()
    robots = rows[0]["url"].rstrip("/") + "/robots.txt"
    fetched = {"url": robots, "final_url": robots, "content_type": "text/plain"}
    both = [dict(rows[0], **fetched, site=site) for site in ("calm-mind", "wellness-hub")]
    write_table(run_a.crawl_pages, [*rows, *both], PAGES)

    summary = run(run_a, CONFIG)

    assert summary.counts["pages"] == len(rows) + 2
