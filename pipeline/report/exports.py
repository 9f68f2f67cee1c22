"""The report's CSV files: every row behind each list the page shows, for spreadsheets.

The page shows at most a few thousand rows of any list and links to these files for the rest
("showing 2,000 of 31,500, full list in findings.csv"). Each file is one ``sql/queries/export_*``
query for the run, written by DuckDB's COPY from the read-only connection (the query runs once,
in DuckDB, whatever its size) to a temporary name and renamed into place, so a reader never sees
half a file. The files keep the warehouse's codes (``promo_in_body``), which spreadsheets filter
on; the report page shows them in plain words (``labels``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.warehouse.sqlfiles import read_sql

# File stem -> what it holds, in the order the report links them.
EXPORTS: dict[str, str] = {
    "fix_list": "every post, lowest audit score first, with its findings by severity",
    "findings": "every finding with its post, evidence and suggested fix",
    "duplicate_groups": "every member of every duplicate group, the original first",
    "changes": "posts and findings new, removed, changed or fixed since the previous run",
    "crawl_errors": "every URL the crawl could not fetch or was asked not to",
}


def export_csvs(con: duckdb.DuckDBPyConnection, run_id: str, out_dir: Path) -> dict[str, int]:
    """Write ``out_dir/<name>.csv`` for every name of ``EXPORTS``; rows written per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in EXPORTS:
        query = read_sql(f"queries/export_{name}.sql").strip().rstrip(";")
        target = out_dir / f"{name}.csv"
        tmp = target.with_name(target.name + ".tmp")
        path = str(tmp).replace("'", "''")
        try:
            written = con.execute(
                f"copy ({query}) to '{path}' (format csv, header true)", {"run_id": run_id}
            ).fetchone()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(target)
        counts[name] = int(written[0]) if written else 0
    return counts
