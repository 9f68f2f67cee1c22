"""Load stage: put a run's Parquet outputs into the DuckDB warehouse, with history across runs.

Reads:   ``RunPaths.crawl_pages``, ``extract_documents``, ``extract_posts``, ``extract_blocks``
         (required); ``dedup_pairs``, ``dedup_members``, ``dedup_paragraphs``, ``dedup_signatures``,
         ``topics_topics``, ``topics_assignments``, ``audit_findings``, ``audit_scores``
         (optional: a missing file loads nothing and is counted); ``config_snapshot``.
Writes:  ``RunPaths.warehouse`` (``warehouse.duckdb``), through a private copy swapped in whole
         (``swap``): readers never block a load, a failed or killed load changes nothing.

Every table is keyed by ``run_id``. The load migrates the schema (``sql/migrations``), recreates
the views (``sql/views``), then in ONE transaction deletes the run's rows, inserts them again from
Parquet (``sql/load``) and runs the data checks (``sql/checks``); any failure rolls all of it back,
so readers never see a half-loaded run and loading a run twice leaves identical rows.

Public entry points:
    run(paths, config) -> StageSummary           the stage
    connect_readonly(path) -> DuckDBPyConnection  for the report and analysts
    migrate(con) -> list[str]                     bring a connection's database to the schema
    load_run(con, paths, record) -> LoadResult    the transactional load itself
    WarehouseError, MigrationError, LoadError, CheckFailedError
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline import __version__
from pipeline.config import Config, from_snapshot, snapshot
from pipeline.io import MissingInputError, StageSummary, run_started_at
from pipeline.paths import DATA_STAGES, RunPaths
from pipeline.runstate import SUCCEEDED, RunStatus
from pipeline.warehouse.errors import CheckFailedError, LoadError, MigrationError, WarehouseError
from pipeline.warehouse.load import LoadResult, RunRecord, load_run
from pipeline.warehouse.migrate import migrate
from pipeline.warehouse.sqlfiles import execute_sql, read_sql, transaction
from pipeline.warehouse.swap import writable

__all__ = [
    "CheckFailedError",
    "LoadError",
    "LoadResult",
    "MigrationError",
    "RunRecord",
    "WarehouseError",
    "connect_readonly",
    "load_run",
    "migrate",
    "record_run_status",
    "run",
]

log = logging.getLogger(__name__)


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Load the run into ``paths.warehouse``; counts are rows loaded per table."""
    record = _run_record(paths, config)
    with writable(paths.warehouse) as con:
        applied = migrate(con)
        result = load_run(con, paths, record)
    if applied:
        log.info("warehouse: applied migrations %s", ", ".join(applied))
    summary = StageSummary(stage="load", run_id=paths.run_id, outputs=[str(paths.warehouse)])
    summary.counts = {
        **result.counts,
        "migrations_applied": len(applied),
        "checks_passed": len(result.checks),
        "missing_inputs": len(result.missing_inputs),
    }
    return summary


def _run_record(paths: RunPaths, config: Config) -> RunRecord:
    # The snapshot is the config the run started with; the hash is recomputed from it so the
    # stored JSON and hash always describe the same settings.
    config = _stored_config(paths) or config
    # The stages that produced the files being loaded (their manifests exist), and the load.
    stages = {s: SUCCEEDED for s in DATA_STAGES if s == "load" or paths.manifest(s).exists()}
    return RunRecord(
        config_json=snapshot(config),
        config_hash=config.config_hash(),
        code_version=__version__,
        loaded_at=datetime.now(UTC),
        stage_status_json=json.dumps(stages),
        started_at=run_started_at(paths),
    )


def _stored_config(paths: RunPaths) -> Config | None:
    if not paths.config_snapshot.exists():
        return None
    return from_snapshot(paths.config_snapshot.read_text(encoding="utf-8"))


def record_run_status(paths: RunPaths, status: RunStatus) -> None:
    """Record a failed or empty run in ``runs`` (no data rows); a succeeded row is kept."""
    config = _stored_config(paths)
    params = {
        "run_id": paths.run_id,
        "loaded_at": datetime.now(UTC),
        "config_hash": config.config_hash() if config else "",
        "config": snapshot(config) if config else None,
        "code_version": __version__,
        "n_sites": len(config.sites) if config else 0,
        "status": status.status,
        "stage_status": json.dumps(status.stages, sort_keys=True),
        "error": status.error,
    }
    try:
        with writable(paths.warehouse) as con:
            migrate(con)
            with transaction(con):
                execute_sql(con, read_sql("meta/record_run_status.sql"), params)
    except duckdb.Error as exc:
        raise WarehouseError(f"recording run {paths.run_id} as {status.status}: {exc}") from exc


def connect_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading; raise MissingInputError if it was never loaded."""
    if not path.exists():
        raise MissingInputError(f"no warehouse at {path} (run the 'load' stage first)")
    return duckdb.connect(str(path), read_only=True)
