"""Real ``dag.test()`` runs of content_audit: in-process tasks, a real SQLite metadata DB.

The end-to-end run crawls the demo sites served on 127.0.0.1 and ends with rows in the DuckDB
warehouse; a second run with the same run id must leave identical row counts (replace, not append).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pipeline.airflow_tasks import ENV_CONFIG, run_id_from_airflow
from tests.dags.test_dag_integrity import EXPECTED_UPSTREAM
from tests.stages.conftest import table_counts

if TYPE_CHECKING:
    from airflow.models.dagrun import DagRun
    from airflow.sdk import DAG

pytestmark = [pytest.mark.airflow, pytest.mark.usefixtures("airflow_db")]


def _task_states(dr: DagRun) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(TaskInstance.task_id, TaskInstance.state, TaskInstance.try_number).where(
                TaskInstance.dag_id == dr.dag_id, TaskInstance.run_id == dr.run_id
            )
        ).all()
    return {task_id: f"{state} (try {tries})" for task_id, state, tries in rows}


def _return_values(dr: DagRun) -> dict[str, Any]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(XComModel.task_id, XComModel.value).where(
                XComModel.dag_id == dr.dag_id,
                XComModel.run_id == dr.run_id,
                XComModel.key == "return_value",
            )
        ).all()
    return {task_id: XComModel.deserialize_value(row) for task_id, row in ((r[0], r) for r in rows)}


def _asset_events(name: str) -> list[dict[str, Any]]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(AssetEvent.extra)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name == name)
        ).all()
    return [dict(row[0] or {}) for row in rows]


@pytest.mark.slow
def test_run_fills_the_warehouse_and_a_rerun_replaces_it(
    parse_dag: Callable[[], DAG], demo_sites: list, tmp_path: Path
) -> None:
    from airflow.utils.state import DagRunState

    from pipeline.demo import write_demo_config

    conf = {
        "config": str(write_demo_config(tmp_path / "sites.yaml", demo_sites)),
        "data_dir": str(tmp_path / "data"),
        "reports_dir": str(tmp_path / "reports"),
    }
    first = parse_dag().test(run_conf=conf)
    assert first.state == DagRunState.SUCCESS, str(_task_states(first))

    # No run_id param: the pipeline run is named after the Airflow run.
    run_id = run_id_from_airflow(first.run_id)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    counts = table_counts(warehouse, run_id)
    for table in ("pages", "posts", "findings"):
        assert counts.get(table, 0) > 0, f"no {table} rows for {run_id}: {counts}"
    assert (tmp_path / "reports" / f"{run_id}.html").is_file()
    assert (tmp_path / "reports" / "latest.html").is_file()

    # XCom carries a small summary per task (paths and counts), never records.
    xcoms = _return_values(first)
    assert set(xcoms) == set(EXPECTED_UPSTREAM)
    for task_id, value in xcoms.items():
        assert value["stage"] == task_id and value["run_id"] == run_id, value
        assert all(isinstance(n, int) for n in value["counts"].values()), value
        assert len(json.dumps(value)) < 4096, f"{task_id} pushed {len(json.dumps(value))} bytes"

    # The load published the warehouse Asset, naming the run and the file.
    events = _asset_events("content_audit_warehouse")
    assert {"run_id": run_id, "path": str(warehouse)} in events, events

    # A rerun of the same pipeline run (what clearing the DAG run does) replaces, never appends.
    again = parse_dag().test(run_conf={**conf, "run_id": run_id})
    assert again.state == DagRunState.SUCCESS, str(_task_states(again))
    assert table_counts(warehouse, run_id) == counts
    runs = tmp_path / "data" / "runs"
    assert [p.name for p in runs.iterdir() if not p.name.startswith(".")] == [run_id]
    assert [p.name for p in (runs / ".order").iterdir()] == [f"{run_id}.json"]  # one start


def test_missing_config_fails_the_run_at_once_without_retries(
    parse_dag: Callable[[], DAG],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture,
) -> None:
    from airflow.utils.state import DagRunState

    monkeypatch.delenv(ENV_CONFIG, raising=False)
    started = time.monotonic()
    dr = parse_dag().test(run_conf={"data_dir": str(tmp_path / "data")})
    elapsed = time.monotonic() - started

    states = _task_states(dr)
    assert dr.state == DagRunState.FAILED, str(states)
    # crawl has retries=2 with a 5 min delay; a ConfigError must skip them (AirflowFailException).
    assert states["crawl"] == "failed (try 1)", states
    assert all(states[t].startswith("upstream_failed") for t in set(states) - {"crawl"}), states
    assert elapsed < 120, f"took {elapsed:.0f}s: the failure waited for a retry"
    assert not (tmp_path / "data").exists()
    out, err = capfd.readouterr()
    assert "AirflowFailException: no config file: set the DAG param 'config'" in out + err
