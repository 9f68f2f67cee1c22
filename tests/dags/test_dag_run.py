"""Real ``dag.test()`` runs of the three DAGs: in-process tasks, a real SQLite metadata DB.

The end-to-end run crawls the demo sites served on 127.0.0.1 (one mapped task per site), then
processes and reports the run, and ends with rows in the DuckDB warehouse; a second run with the
same run id must leave identical row counts (replace, not append).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pipeline.airflow_tasks import ENV_CONFIG, run_id_from_airflow
from tests.dags.conftest import CRAWL, PROCESS, REPORT
from tests.dags.test_dag_integrity import ARCHIVE, EXPECTED_UPSTREAM, WAREHOUSE
from tests.stages.conftest import table_counts

if TYPE_CHECKING:
    from airflow.models.dagrun import DagRun
    from airflow.sdk import DAG

pytestmark = [pytest.mark.airflow, pytest.mark.usefixtures("airflow_db")]


@pytest.fixture(autouse=True)
def _no_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    """dag.test() of Airflow 3.3.2 crashes on a succeeded run of a DAG with deadline alerts
    (it looks the unserialized alerts up as ids); the DAG files are parsed afresh per test, so
    this switch reaches them. The Celery deployment test runs them with deadlines on."""
    monkeypatch.setenv("CONTENT_AUDIT_DEADLINES", "off")


def _task_instances(dr: DagRun, *columns: str) -> list[tuple[Any, ...]]:
    """The given ``TaskInstance`` columns of every task instance of the DAG run."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    selected = [getattr(TaskInstance, c) for c in columns]
    with create_session() as session:
        rows = session.execute(
            select(*selected).where(
                TaskInstance.dag_id == dr.dag_id, TaskInstance.run_id == dr.run_id
            )
        ).all()
    return [tuple(r) for r in rows]


def _task_states(dr: DagRun) -> dict[str, str]:
    rows = _task_instances(dr, "task_id", "state", "try_number")
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


def _test(dag: DAG, conf: dict[str, Any]) -> DagRun:
    from airflow.utils.state import DagRunState

    dr = dag.test(run_conf=conf)
    assert dr.state == DagRunState.SUCCESS, f"{dag.dag_id}: {_task_states(dr)}"
    return dr


@pytest.mark.slow
def test_run_fills_the_warehouse_and_a_rerun_replaces_it(
    parse_dag: Callable[[str], DAG], demo_sites: list, tmp_path: Path
) -> None:
    from pipeline.demo import write_demo_config

    conf = {
        "config": str(write_demo_config(tmp_path / "sites.yaml", demo_sites)),
        "data_dir": str(tmp_path / "data"),
        "reports_dir": str(tmp_path / "reports"),
    }
    crawl = _test(parse_dag(CRAWL), conf)
    # No run_id param: the pipeline run is named after the crawl DAG's Airflow run.
    run_id = run_id_from_airflow(crawl.run_id)
    where = {"run_id": run_id, "data_dir": conf["data_dir"], "reports_dir": conf["reports_dir"]}
    # The archive Asset names the run and where it is: what content_audit_process runs on.
    assert {
        **where,
        "path": str(tmp_path / "data" / "runs" / run_id / "crawl" / "pages.parquet"),
    } in (_asset_events(ARCHIVE))
    # Under the scheduler the Asset event starts the next DAG; dag.test() takes the same
    # run from the conf (what an operator passes to process a run by hand).
    process = _test(parse_dag(PROCESS), where)
    report = _test(parse_dag(REPORT), where)

    warehouse = tmp_path / "data" / "warehouse.duckdb"
    counts = table_counts(warehouse, run_id)
    for table in ("pages", "posts", "findings"):
        assert counts.get(table, 0) > 0, f"no {table} rows for {run_id}: {counts}"
    assert (tmp_path / "reports" / f"{run_id}.html").is_file()
    assert (tmp_path / "reports" / "latest.html").is_file()
    assert {**where, "path": str(warehouse)} in _asset_events(WAREHOUSE)

    # XCom carries a small summary per task (paths and counts), never records; the crawl is one
    # mapped task per site.
    xcoms = {**_return_values(crawl), **_return_values(process), **_return_values(report)}
    assert set(xcoms) == {t for tasks in EXPECTED_UPSTREAM.values() for t in tasks}
    planned = xcoms.pop("plan")
    assert planned == [s.name for s in demo_sites], planned
    for task_id, value in xcoms.items():
        assert value["stage"] == ("crawl" if task_id == "crawl_site" else task_id), value
        assert value["run_id"] == run_id, value
        assert all(isinstance(n, int) for n in value["counts"].values()), value
        assert len(json.dumps(value)) < 4096, f"{task_id} pushed {len(json.dumps(value))} bytes"
    assert _mapped_sites(crawl) == sorted(planned)  # one task per site, named by it

    # A rerun of the same pipeline run (what clearing the DAG runs does) replaces, never appends.
    _test(parse_dag(CRAWL), {**conf, "run_id": run_id})
    _test(parse_dag(PROCESS), where)
    assert table_counts(warehouse, run_id) == counts
    runs = tmp_path / "data" / "runs"
    assert [p.name for p in runs.iterdir() if not p.name.startswith(".")] == [run_id]
    assert [p.name for p in (runs / ".order").iterdir()] == [f"{run_id}.json"]  # one start


def _mapped_sites(dr: DagRun) -> list[str]:
    """The rendered names of the mapped crawl_site tasks (``map_index_template``)."""
    rows = _task_instances(dr, "task_id", "rendered_map_index")
    return sorted(str(name) for task_id, name in rows if task_id == "crawl_site")


def test_missing_config_fails_the_run_at_once_without_retries(
    parse_dag: Callable[[str], DAG],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture,
) -> None:
    from airflow.utils.state import DagRunState

    monkeypatch.delenv(ENV_CONFIG, raising=False)
    started = time.monotonic()
    dr = parse_dag(CRAWL).test(run_conf={"data_dir": str(tmp_path / "data")})
    elapsed = time.monotonic() - started

    states = _task_states(dr)
    assert dr.state == DagRunState.FAILED, str(states)
    # A ConfigError must skip the retries and their delays (AirflowFailException).
    assert states["plan"] == "failed (try 1)", states
    assert all(states[t].startswith("upstream_failed") for t in set(states) - {"plan"}), states
    assert elapsed < 120, f"took {elapsed:.0f}s: the failure waited for a retry"
    assert not (tmp_path / "data").exists()
    out, err = capfd.readouterr()
    assert "AirflowFailException: no config file: set the DAG param 'config'" in out + err


def test_process_without_a_run_fails_at_once_saying_how_to_give_one(
    parse_dag: Callable[[str], DAG], tmp_path: Path, capfd: pytest.CaptureFixture
) -> None:
    from airflow.utils.state import DagRunState

    # Triggered by hand with no conf: there is no Asset event to take the run from.
    dr = parse_dag(PROCESS).test(run_conf={"data_dir": str(tmp_path / "data")})
    states = _task_states(dr)
    assert dr.state == DagRunState.FAILED and states["extract"] == "failed (try 1)", states
    out, err = capfd.readouterr()
    assert "no run to work on" in out + err and '{"run_id": "<a run id>"}' in out + err


def test_a_file_where_the_data_directory_should_be_fails_at_once(
    parse_dag: Callable[[str], DAG], demo_sites: list, tmp_path: Path
) -> None:
    from airflow.utils.state import DagRunState

    from pipeline.demo import write_demo_config

    # Before: the NotADirectoryError was retried after the retry delay, failing the same way.
    (tmp_path / "data").write_text("not a directory")
    conf = {
        "config": str(write_demo_config(tmp_path / "sites.yaml", demo_sites)),
        "data_dir": str(tmp_path / "data"),
    }
    started = time.monotonic()
    dr = parse_dag(CRAWL).test(run_conf=conf)
    states = _task_states(dr)
    assert dr.state == DagRunState.FAILED and states["plan"] == "failed (try 1)", states
    assert time.monotonic() - started < 120, "the failure waited for a retry"
    assert (tmp_path / "data").read_text() == "not a directory"  # nothing lost
