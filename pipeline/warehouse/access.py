"""Analysts' access to the warehouse from the command line: ad-hoc queries and a Parquet/CSV export.

Both open the warehouse read-only (``connect_readonly``): a query cannot change it, and neither
ever waits for or blocks a load (the load swaps in a new file; see ``swap``). The export writes
every view, so BI tools that read Parquet or CSV but no DuckDB file get the same answers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from pipeline.warehouse.errors import WarehouseError

FORMATS = ("table", "csv", "json", "parquet")
EXPORT_FORMATS = ("parquet", "csv")
MAX_CELL = 60  # characters of a cell in the table format (long texts are cut, marked with "…")


@dataclass(frozen=True, slots=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, cursor.fetchall())
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {exc}") from exc


def query_to_parquet(con: duckdb.DuckDBPyConnection, sql: str, out: Path) -> int:
    """Write the query's rows to ``out`` as Parquet; return the row count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Through a relation, not COPY (sql): the user's SQL may end with ";" or a comment.
        table = con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {exc}") from exc
    pq.write_table(table, out)
    return table.num_rows


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_result(result: Result, fmt: str) -> str:
    """The rows as an aligned text table, CSV (header first) or JSON (a list of objects)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(result.rows)
        return buffer.getvalue()
    if fmt == "json":
        records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
        return json.dumps(records, default=str, ensure_ascii=False, indent=1) + "\n"
    cells = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def view_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select view_name from duckdb_views() where not internal and schema_name = 'main' "
        "order by view_name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def export_views(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str) -> dict[str, int]:
    """Every view of the warehouse as ``out_dir/<view>.<fmt>``; rows written per view."""
    if fmt not in EXPORT_FORMATS:
        raise WarehouseError(f"export format {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for view in view_names(con):
        target = out_dir / f"{view}.{fmt}"
        tmp = target.with_name(target.name + ".tmp")
        options = "format parquet" if fmt == "parquet" else "format csv, header true"
        try:
            # COPY answers with the rows it wrote: the view runs once.
            row = con.execute(f"copy (select * from {view}) to '{_quoted(tmp)}' ({options})")
            written = row.fetchone()
        except duckdb.Error as exc:
            tmp.unlink(missing_ok=True)
            raise WarehouseError(f"exporting {view}: {exc}") from exc
        tmp.replace(target)  # a reader of the export never sees half a file
        counts[view] = int(written[0]) if written else 0
    return counts
