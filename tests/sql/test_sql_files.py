"""Static rules for the SQL files: bound parameters only, lowercase, one table per load file."""

from __future__ import annotations

import re

import pytest

from pipeline.warehouse.load import INPUTS
from pipeline.warehouse.sqlfiles import read_sql, sql_dir, sql_files, statements

ALL_FILES = sorted(str(p.relative_to(sql_dir())) for p in sql_dir().rglob("*.sql"))
LOAD_FILES = sql_files("load")

_STRING = re.compile(r"'(?:[^']|'')*'")
_COMMENT = re.compile(r"--[^\n]*")
# Python formatting would look like %s, %(name)s, {name} or {} in the SQL text.
_PY_PLACEHOLDER = re.compile(r"%\(?\w*\)?[sdrf]\b|\{\w*\}")
_UPPER_KEYWORD = re.compile(
    r"\b(SELECT|FROM|WHERE|INSERT|INTO|DELETE|UPDATE|CREATE|TABLE|VIEW|JOIN|GROUP|ORDER|WITH|AS|"
    r"AND|OR|NOT|NULL|COMMENT|ON|IS|CASE|WHEN|THEN|END|PRIMARY|KEY|LIMIT)\b"
)
_RUN_PARAMS = {
    "run_id", "config", "config_hash", "code_version", "stage_status", "loaded_at", "run_started_at"
}  # fmt: skip


def _code(sql: str) -> str:
    """The SQL without comments and string literals."""
    return _STRING.sub("''", _COMMENT.sub("", sql))


def _table_of(load_file: str) -> str:
    match = re.fullmatch(r"load/\d{3}_load_(\w+)\.sql", load_file)
    assert match is not None, f"{load_file} is not named NNN_load_<table>.sql"
    return match.group(1)


def test_there_are_sql_files() -> None:
    assert len(ALL_FILES) > 40
    assert {f.split("/")[0] for f in ALL_FILES} >= {
        "migrations",
        "load",
        "views",
        "checks",
        "queries",
    }


@pytest.mark.parametrize("relpath", ALL_FILES)
def test_no_python_format_placeholders(relpath: str) -> None:
    assert _PY_PLACEHOLDER.findall(_code(read_sql(relpath))) == []


@pytest.mark.parametrize("relpath", ALL_FILES)
def test_keywords_are_lowercase(relpath: str) -> None:
    assert _UPPER_KEYWORD.findall(_code(read_sql(relpath))) == []


@pytest.mark.parametrize("relpath", LOAD_FILES)
def test_a_load_file_replaces_the_run_rows_of_its_own_table(relpath: str) -> None:
    table = _table_of(relpath)
    sql = _code(read_sql(relpath))

    assert re.findall(r"delete from (\w+)", sql) == [table]
    assert re.findall(r"insert into (\w+)", sql) == [table]
    assert "where run_id = $run_id;" in sql  # the delete is scoped to the run


@pytest.mark.parametrize("relpath", LOAD_FILES)
def test_load_parameters_are_known_inputs(relpath: str) -> None:
    names = set().union(*(s.named_parameters for s in statements(read_sql(relpath))))
    assert names - set(INPUTS) - _RUN_PARAMS == set()


def test_every_table_has_a_load_file() -> None:
    created: set[str] = set()
    for relpath in sql_files("migrations"):
        sql = read_sql(relpath)
        created |= set(re.findall(r"create table (\w+)", sql))
        created -= set(re.findall(r"drop table (\w+)", sql))  # a table rebuilt (019) ...
        for old, new in re.findall(r"alter table (\w+) rename to (\w+)", sql):
            created = (created - {old}) | {new}  # ... under its old name
    loaded = {_table_of(p) for p in LOAD_FILES}
    assert created - {"schema_migrations"} == loaded


@pytest.mark.parametrize("relpath", sql_files("checks"))
def test_checks_are_scoped_to_the_run(relpath: str) -> None:
    [statement] = statements(read_sql(relpath))
    assert statement.named_parameters == {"run_id"}
