"""docs/warehouse.md is generated from the SQL's comments and must match them (issue 20)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.warehouse.dictionary import data_dictionary
from pipeline.warehouse.migrate import migrate

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def test_the_committed_dictionary_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == data_dictionary(), (
        "docs/warehouse.md is stale: run `.venv/bin/content-audit docs-warehouse`"
    )


def test_every_table_view_and_column_is_commented() -> None:
    with duckdb.connect(":memory:") as con:
        migrate(con)
        bare = con.execute(
            "select c.table_name, c.column_name from duckdb_columns() c "
            "left join duckdb_views() v on v.view_name = c.table_name and v.internal "
            "where c.schema_name = 'main' and v.view_name is null and c.comment is null"
        ).fetchall()
        bare += con.execute(
            "select table_name, '' from duckdb_tables() where comment is null "
            "union all select view_name, '' from duckdb_views() "
            "where not internal and schema_name = 'main' and comment is null"
        ).fetchall()
    assert not bare
