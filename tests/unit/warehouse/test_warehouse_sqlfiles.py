"""Finding and executing SQL files: statement splitting, parameter binding, transactions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import sqlfiles
from pipeline.warehouse.sqlfiles import execute_sql, read_sql, sql_dir, sql_files, transaction

REPO_SQL = Path(__file__).resolve().parents[3] / "sql"


def test_checkouts_read_the_repository_sql_dir() -> None:
    assert sql_dir() == REPO_SQL
    assert sql_files("migrations")[0] == "migrations/001_create_schema_migrations.sql"


def test_wheel_installs_read_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = tmp_path / "_sql"
    (packaged / "queries").mkdir(parents=True)
    (packaged / "queries" / "x.sql").write_text("select 1;")
    monkeypatch.setattr(sqlfiles, "_PACKAGED", packaged)

    assert sql_dir() == packaged
    assert read_sql("queries/x.sql") == "select 1;"


def test_a_missing_file_names_itself() -> None:
    with pytest.raises(FileNotFoundError, match=r"no SQL file 'queries/nope\.sql'"):
        read_sql("queries/nope.sql")


def test_each_statement_gets_only_the_parameters_it_names() -> None:
    con = duckdb.connect()
    # The ';' inside the string must not split the statement.
    execute_sql(
        con,
        "create table t (a integer, b varchar); insert into t values ($a, 'x;y'); "
        "insert into t values ($a + 1, $b);",
        {"a": 1, "b": "z", "unused": 0},
    )
    assert con.execute("select * from t order by a").fetchall() == [(1, "x;y"), (2, "z")]


def test_a_missing_parameter_is_named() -> None:
    with pytest.raises(KeyError, match=r"needs parameters \['run_id'\]"):
        execute_sql(duckdb.connect(), "select $run_id", {})


def test_values_are_bound_not_spliced() -> None:
    con = duckdb.connect()
    hostile = "x'; drop table t; --"
    execute_sql(con, "create table t (v varchar); insert into t values ($v);", {"v": hostile})
    assert con.execute("select v from t").fetchall() == [(hostile,)]


def test_transaction_rolls_back_everything_on_error() -> None:
    con = duckdb.connect()
    con.execute("create table t (a integer)")
    with pytest.raises(ZeroDivisionError), transaction(con):
        con.execute("insert into t values (1)")
        _ = 1 / 0
    assert con.execute("select count(*) from t").fetchone() == (0,)
    with transaction(con):
        con.execute("insert into t values (2)")
    assert con.execute("select a from t").fetchall() == [(2,)]
