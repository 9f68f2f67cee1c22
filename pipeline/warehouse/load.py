"""Load one run's Parquet files into the warehouse tables, then check them, in one transaction.

Each ``sql/load/NNN_load_<table>.sql`` deletes the run's rows of ``<table>`` and inserts them
again from ``read_parquet($<input>)``, where ``<input>`` is the name of a ``RunPaths`` property
(``$crawl_pages``, ``$dedup_pairs``, ...). Binding paths by those names keeps every path out of
the SQL text and lets this module tell which statement needs which file.

Crawl pages and extract outputs are required. The link graph and the dedup, topics and audit
outputs are optional: when one is missing, the insert that reads it is skipped (the delete still
runs, so a rerun never keeps stale rows) and the table loads nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from pipeline.io import MissingInputError
from pipeline.paths import RunPaths
from pipeline.warehouse.errors import CheckFailedError, LoadError
from pipeline.warehouse.sqlfiles import (
    execute_statement,
    fetch_dicts,
    read_sql,
    sql_files,
    statements,
    transaction,
)

log = logging.getLogger(__name__)

# Input parameter name (a RunPaths property) -> the stage that writes it, for error messages.
REQUIRED_INPUTS: Mapping[str, str] = {
    "crawl_pages": "crawl",
    "extract_documents": "extract",
    "extract_posts": "extract",
    "extract_blocks": "extract",
}
OPTIONAL_INPUTS: Mapping[str, str] = {
    "crawl_links": "crawl",  # a run imported or crawled before links were recorded has none
    "dedup_pairs": "dedup",
    "dedup_members": "dedup",
    "dedup_paragraphs": "dedup",
    "dedup_signatures": "dedup",
    "topics_topics": "topics",
    "topics_assignments": "topics",
    "topics_cannibalization": "topics",
    "audit_findings": "audit",
    "audit_scores": "audit",
}
INPUTS: Mapping[str, str] = {**REQUIRED_INPUTS, **OPTIONAL_INPUTS}

_LOAD_FILE = re.compile(r"^load/\d{3}_load_([a-z][a-z0-9_]*)\.sql$")
_SAMPLE_ROWS = 5


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What the ``runs`` row records about the run besides its data."""

    config_json: str
    config_hash: str
    code_version: str
    loaded_at: datetime  # wall clock, recorded only
    stage_status_json: str = "{}"  # {"crawl": "succeeded", ...}: the stages that led here
    # When the run first started (io.run_started), kept by reruns: its place in the run order.
    # None: the first page fetch stands in (runs loaded before run starts were recorded).
    started_at: datetime | None = None


@dataclass(slots=True)
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows loaded for the run
    missing_inputs: list[str] = field(default_factory=list)  # optional inputs that were absent
    checks: list[str] = field(default_factory=list)  # checks run (all passed)


def load_run(con: duckdb.DuckDBPyConnection, paths: RunPaths, record: RunRecord) -> LoadResult:
    """Replace the run's rows in every table and run the checks; all or nothing."""
    missing = _missing_inputs(paths)
    params: dict[str, object] = {
        "run_id": paths.run_id,
        "config": record.config_json,
        "config_hash": record.config_hash,
        "code_version": record.code_version,
        "loaded_at": record.loaded_at,
        "stage_status": record.stage_status_json,
        "run_started_at": record.started_at,
        **{name: str(getattr(paths, name)) for name in INPUTS},
    }
    result = LoadResult(missing_inputs=sorted(missing))
    with transaction(con):
        for relpath in sql_files("load"):
            result.counts[_table_of(relpath)] = _load_table(con, relpath, params, missing)
        result.checks = run_checks(con, paths.run_id)
    return result


def _missing_inputs(paths: RunPaths) -> set[str]:
    for name, stage in REQUIRED_INPUTS.items():
        path = getattr(paths, name)
        if not path.exists():
            raise MissingInputError(
                f"missing input {path} (run the '{stage}' stage for run {paths.run_id} first)"
            )
    missing = {name for name in OPTIONAL_INPUTS if not getattr(paths, name).exists()}
    for name in sorted(missing):
        log.warning("load: no %s output for run %s; its tables stay empty", name, paths.run_id)
    return missing


def _table_of(relpath: str) -> str:
    match = _LOAD_FILE.match(relpath)
    if match is None:
        raise LoadError(relpath, "load files must be named NNN_load_<table>.sql")
    return match.group(1)


def _load_table(
    con: duckdb.DuckDBPyConnection,
    relpath: str,
    params: Mapping[str, object],
    missing: set[str],
) -> int:
    """Run the file's statements; return the rows its insert added (0 if its input is absent)."""
    inserted = 0
    for statement in statements(read_sql(relpath)):
        if statement.named_parameters & missing:
            continue
        try:
            result = execute_statement(con, statement, params)
            if statement.type == duckdb.StatementType.INSERT:
                row = result.fetchone()
                inserted += int(row[0]) if row else 0
        except duckdb.Error as exc:
            raise LoadError(relpath, str(exc)) from exc
    return inserted


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Run every ``sql/checks/chk_*.sql`` for the run; raise on the first that returns rows."""
    names = []
    for relpath in sql_files("checks", prefix="chk_"):
        check = relpath.rsplit("/", 1)[1].removesuffix(".sql")
        try:
            bad = fetch_dicts(con, relpath, {"run_id": run_id})
        except duckdb.Error as exc:
            raise LoadError(relpath, str(exc)) from exc
        if bad:
            raise CheckFailedError(check, len(bad), bad[:_SAMPLE_ROWS])
        names.append(check)
    return names
