"""The CSV files beside the report, the plain labels, and the 'showing X of Y' of cut lists."""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipeline.audit.findings import KINDS
from pipeline.extract.pagetype import KIND_REASONS
from pipeline.paths import RunPaths
from pipeline.report import fetch_report_data, labels, render_report, run
from pipeline.report.exports import EXPORTS
from pipeline.warehouse import connect_readonly
from tests.sql.sample_run import CONFIG

ROOT = Path(__file__).resolve().parents[3]


def _csv(path: object) -> list[dict[str, str]]:
    with open(str(path), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_list_has_its_csv_with_every_row(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    _, second = loaded_runs
    summary = run(second, CONFIG)
    html = second.report_for_run.read_text(encoding="utf-8")
    with duckdb.connect(str(second.warehouse), read_only=True) as con:
        [(n_findings,)] = con.execute(
            "select count(*) from findings where run_id = 'run-b'"
        ).fetchall()
        [(n_posts,)] = con.execute("select count(*) from posts where run_id = 'run-b'").fetchall()
        [(n_errors,)] = con.execute(
            "select count(*) from pages where run_id = 'run-b' and not ok"
        ).fetchall()

    for name in EXPORTS:
        assert (second.report_exports / f"{name}.csv").exists()
        assert f'href="run-b/{name}.csv"' in html  # linked from the page, relative to it
    assert len(_csv(second.report_exports / "findings.csv")) == n_findings > 0
    assert len(_csv(second.report_exports / "fix_list.csv")) == n_posts
    assert len(_csv(second.report_exports / "crawl_errors.csv")) == n_errors
    assert summary.counts["csv_findings"] == n_findings
    changes = _csv(second.report_exports / "changes.csv")
    assert {(c["kind"], c["change"]) for c in changes} >= {("post", "new"), ("post", "removed")}
    assert not list(second.report_exports.glob("*.tmp"))  # written aside, then renamed


def test_a_cut_list_says_how_much_it_shows_and_where_the_rest_is(
    loaded_runs: tuple[RunPaths, RunPaths],
) -> None:
    # Before: 50 of 750 duplicate groups and 100 of 4,981 changes were shown without a word.
    first, _ = loaded_runs
    with connect_readonly(first.warehouse) as con:
        data = fetch_report_data(con, "run-a")
    total = data.findings[0]["total"]
    cut = dataclasses.replace(data, findings=data.findings[:1])
    html = render_report(cut, title="t", exports_dir="run-a")

    assert (
        f'<p class="truncated">Showing 1 of {total}; the full list is in '
        '<a href="run-a/findings.csv">findings.csv</a>.</p>'
    ) in html
    assert f'data-total="{total}"' in html


def _crawl_error_classes() -> set[str]:
    """The crawl's documented error classes and every ``error_class="..."`` its source assigns
    (read from the code, so a new class without a label fails here)."""
    import pipeline.crawl

    documented = (pipeline.crawl.__doc__ or "").split("Error classes:")[1].split(".\n")[0]
    source = "".join(p.read_text() for p in (ROOT / "pipeline" / "crawl").glob("*.py"))
    assigned = set(re.findall(r'error_class\s*=\s*"([a-z_]+)"', source))
    return assigned | {c.strip() for c in documented.replace("\n", " ").split(",")}


@pytest.mark.parametrize(
    ("table", "emitted"),
    [
        ("kind", lambda: set(KINDS)),
        ("reason", lambda: {*KIND_REASONS.values(), "no_main_text", "not_article"}),
        ("error", lambda: _crawl_error_classes() | {"robots_disallowed"}),
    ],
)
def test_every_code_the_stages_emit_has_plain_words(
    table: str, emitted: Callable[[], set[str]]
) -> None:
    codes = emitted()
    assert len(codes) >= 3
    assert sorted(codes - labels.TABLES[table].keys()) == []
    assert all(label.text and label.explanation for label in labels.TABLES[table].values())


def test_unknown_codes_fall_back_to_their_words() -> None:
    assert labels.label("kind", "brand_new_detector") == "brand new detector"
    assert labels.explain("kind", "brand_new_detector") == ""
    assert labels.label("kind", None) == ""
