"""Find, read and execute the project's ``.sql`` files.

SQL lives in files, never in Python strings, and values reach it only as bound ``$name``
parameters. A file may hold several statements; each is bound to the parameters it names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb

import pipeline

# Wheel installs carry the SQL inside the package (pyproject force-includes ``sql`` as
# ``pipeline/_sql``); editable installs and checkouts read the repository's top-level ``sql/``.
_PACKAGED = Path(pipeline.__file__).resolve().parent / "_sql"
_REPOSITORY = Path(pipeline.__file__).resolve().parent.parent / "sql"


def sql_dir() -> Path:
    """The directory holding ``migrations/``, ``load/``, ``views/``, ``checks/``, ``queries/``."""
    return _PACKAGED if _PACKAGED.is_dir() else _REPOSITORY


def read_sql(relpath: str) -> str:
    """The text of ``sql/<relpath>``, e.g. ``read_sql("queries/report_run.sql")``."""
    path = sql_dir() / relpath
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {relpath!r} under {sql_dir()}")
    return path.read_text(encoding="utf-8")


def sql_files(subdir: str, prefix: str = "") -> list[str]:
    """Relative paths of ``sql/<subdir>/<prefix>*.sql``, in name order (the order they run in)."""
    folder = sql_dir() / subdir
    return [f"{subdir}/{p.name}" for p in sorted(folder.glob(f"{prefix}*.sql"))]


def statements(sql: str) -> list[duckdb.Statement]:
    """Split ``sql`` into statements with DuckDB's own parser (safe with ';' in strings)."""
    return list(duckdb.extract_statements(sql))


def execute_statement(
    con: duckdb.DuckDBPyConnection,
    statement: duckdb.Statement,
    params: Mapping[str, object],
) -> duckdb.DuckDBPyConnection:
    """Execute one statement, binding only the parameters it names (DuckDB rejects extras)."""
    names = statement.named_parameters
    missing = sorted(names - params.keys())
    if missing:
        raise KeyError(f"SQL statement needs parameters {missing}: {statement.query[:80]!r}")
    if not names:
        return con.execute(statement)
    return con.execute(statement, {name: params[name] for name in names})


def execute_sql(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Mapping[str, object] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Execute every statement of ``sql`` in order; the connection holds the last one's result."""
    result = con
    for statement in statements(sql):
        result = execute_statement(con, statement, params or {})
    return result


def fetch_dicts(
    con: duckdb.DuckDBPyConnection,
    relpath: str,
    params: Mapping[str, object] | None = None,
) -> list[dict[str, object]]:
    """Run the query file ``relpath`` and return its rows as dicts keyed by column name."""
    result = execute_sql(con, read_sql(relpath), params)
    columns = [d[0] for d in result.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block did, or roll all of it back if the block raises anything."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()
