"""Small readers over a real warehouse file, for assertions (no SQL text built from strings)."""

from __future__ import annotations

from pathlib import Path

import duckdb

TABLES = (
    "runs",
    "sites",
    "pages",
    "links",
    "posts",
    "post_blocks",
    "duplicate_pairs",
    "duplicate_groups",
    "duplicate_members",
    "shared_paragraphs",
    "topics",
    "post_topics",
    "topic_cannibalization",
    "findings",
    "post_scores",
    "dedup_signatures",
)


def rows_for_run(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> int:
    # The relational API takes the table name as an identifier, not as SQL text.
    rel = con.table(table).filter(
        duckdb.ColumnExpression("run_id") == duckdb.ConstantExpression(run_id)
    )
    return int(rel.shape[0])


def counts_for_run(warehouse: Path, run_id: str) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: rows_for_run(con, t, run_id) for t in TABLES}
