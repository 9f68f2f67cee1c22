"""Migrations against a real, empty DuckDB file: order, idempotency, rollback, data dictionary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import MigrationError, migrate
from pipeline.warehouse.migrate import _in_dependency_order, migrations
from tests.sql.helpers import TABLES

# applied_at as text: fetching TIMESTAMPTZ into Python would need pytz.
_LEDGER = "select version, name, checksum, applied_at::varchar from schema_migrations order by 1"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}


def test_migrations_apply_in_order_to_an_empty_file(con: duckdb.DuckDBPyConnection) -> None:
    applied = migrate(con)

    assert applied == [m.name for m in migrations()]
    assert applied[0] == "001_create_schema_migrations.sql"
    versions = [r[0] for r in con.execute("select version from schema_migrations").fetchall()]
    assert versions == list(range(1, len(applied) + 1))
    assert _table_names(con) == {"schema_migrations", *TABLES}


def test_migrating_twice_is_a_no_op(con: duckdb.DuckDBPyConnection) -> None:
    migrate(con)
    before = con.execute(_LEDGER).fetchall()

    assert migrate(con) == []
    assert con.execute(_LEDGER).fetchall() == before


def test_every_table_and_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    migrate(con)
    tables = con.execute("select table_name, comment from duckdb_tables()").fetchall()
    columns = con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'main' and table_name in (select table_name from duckdb_tables())"
    ).fetchall()

    assert [t for t, comment in tables if not comment] == []
    assert [(t, c) for t, c, comment in columns if not comment] == []
    # the data dictionary states grain and key for each table
    assert all("Grain:" in comment for _, comment in tables), tables


def test_an_edited_applied_migration_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    migrate(con)
    # Simulate the file changing after it was applied: the ledger's checksum no longer matches.
    con.execute("update schema_migrations set checksum = 'old' where version = 2")

    with pytest.raises(MigrationError, match=r"002_create_runs\.sql changed after it was applied"):
        migrate(con)


def test_a_failing_migration_rolls_back_and_is_not_recorded(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # A stray table where migration 002 wants to create one makes 002 fail half-way.
    con.execute("create table runs (x integer)")

    with pytest.raises(MigrationError, match=r"002_create_runs\.sql failed and was rolled back"):
        migrate(con)

    versions = [r[0] for r in con.execute("select version from schema_migrations").fetchall()]
    assert versions == [1]
    assert "sites" not in _table_names(con)
    assert con.execute(
        "select comment from duckdb_tables() where table_name = 'runs'"
    ).fetchone() == (None,)


def test_views_are_created_after_the_views_they_read() -> None:

    views = {
        "views/v_a.sql": "create view v_a as select * from v_c; comment on view v_a is 'v_b';",
        "views/v_b.sql": "-- reads v_a in a comment only\ncreate view v_b as select 1;",
        "views/v_c.sql": "create view v_c as select 1;",
    }
    assert _in_dependency_order(views) == ["views/v_b.sql", "views/v_c.sql", "views/v_a.sql"]
    with pytest.raises(MigrationError, match="cycle"):
        _in_dependency_order({**views, "views/v_c.sql": "create view v_c as select * from v_a;"})
