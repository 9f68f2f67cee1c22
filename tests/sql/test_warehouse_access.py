"""``content-audit query`` and ``content-audit export`` on a two-run warehouse (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.paths import RunPaths
from pipeline.warehouse import run
from pipeline.warehouse.swap import writer_lock

from .test_sql_load import CONFIG

SQL = "select run_id, count(*) as posts from posts group by run_id order by run_id"


@pytest.fixture
def data(run_a: RunPaths, run_b: RunPaths) -> Path:
    run(run_a, CONFIG)
    run(run_b, CONFIG)
    return run_a.data_dir


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_query_prints_a_table_csv_or_json(data: Path) -> None:
    code, out, _ = _cli("query", SQL, "--data-dir", str(data))
    assert code == 0
    assert out.splitlines()[0].split() == ["run_id", "posts"]
    assert out.splitlines()[-1] == "(2 rows)"
    code, out, _ = _cli("query", SQL, "--data-dir", str(data), "--format", "csv")
    assert out == "run_id,posts\nrun-a,4\nrun-b,4\n"
    code, out, _ = _cli("query", SQL, "--data-dir", str(data), "--format", "json")
    assert json.loads(out) == [{"run_id": "run-a", "posts": 4}, {"run_id": "run-b", "posts": 4}]


def test_query_to_parquet_needs_out_and_writes_it(data: Path, tmp_path: Path) -> None:
    code, _, err = _cli("query", SQL, "--data-dir", str(data), "--format", "parquet")
    assert code == 2 and "--out" in err
    target = tmp_path / "posts.parquet"
    code, _, _ = _cli("query", SQL, "--data-dir", str(data), "--format", "parquet",
                      "--out", str(target))  # fmt: skip
    assert code == 0
    assert pq.read_table(target).to_pylist() == [
        {"run_id": "run-a", "posts": 4},
        {"run_id": "run-b", "posts": 4},
    ]


def test_query_is_read_only_and_says_so_in_one_line(data: Path) -> None:
    before = (data / "warehouse.duckdb").read_bytes()
    code, _, err = _cli("query", "delete from posts", "--data-dir", str(data))
    assert code == 4
    assert err.startswith("error: query failed:") and "read-only" in err
    assert (data / "warehouse.duckdb").read_bytes() == before


def test_query_without_a_warehouse_says_what_to_run(tmp_path: Path) -> None:
    code, _, err = _cli("query", SQL, "--data-dir", str(tmp_path))
    assert code == 2 and "run the 'load' stage first" in err


def test_query_works_while_a_load_holds_the_writer_lock(data: Path) -> None:
    with writer_lock(data / "warehouse.duckdb", wait_s=0):
        code, out, _ = _cli("query", SQL, "--data-dir", str(data), "--format", "csv")
    assert code == 0 and out.count("\n") == 3


def test_export_writes_every_view(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    code, stdout, _ = _cli("export", "--data-dir", str(data), "--out", str(out))
    assert "v_post_audit.parquet" in stdout
    assert code == 0
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        views = [r[0] for r in con.execute(
            "select view_name from duckdb_views() where not internal order by 1"
        ).fetchall()]  # fmt: skip
        counts = {v: con.execute(f"select count(*) from {v}").fetchone()[0] for v in views}
    assert sorted(p.stem for p in out.glob("*.parquet")) == views
    assert "v_post_audit" in views
    for view, n in counts.items():
        assert pq.read_table(out / f"{view}.parquet").num_rows == n, view
    code, _, _ = _cli("export", "--data-dir", str(data), "--out", str(out), "--format", "csv")
    assert code == 0
    header = (out / "v_post_audit.csv").read_text().splitlines()[0]
    assert header.startswith("run_id,post_id,site,url")


def test_query_runs_an_example_file_as_the_readme_shows(data: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "sql" / "queries" / "examples" / "fix_first.sql"
    # A file, not an argument: SQL starting with a "--" comment would read as an option.
    code, out, err = _cli(
        "query", "--file", str(example), "--data-dir", str(data), "--format", "csv"
    )
    assert code == 0, err
    assert out.splitlines()[0].startswith("site,title,url,audit_score")
    assert len(out.splitlines()) > 1


def test_query_needs_exactly_one_of_sql_and_file(data: Path) -> None:
    code, _, err = _cli("query", "--data-dir", str(data))
    assert code == 2 and "--file" in err
