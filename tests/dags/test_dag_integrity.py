"""The content_audit DAG parses cleanly, cheaply, and is wired the way the pipeline needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.dags.conftest import DAG_ID, DAGS_DIR

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG

# task id -> its direct upstream task ids: dedup needs extract's posts; topics and the audit both
# need the duplicate groups (a copy takes its canonical's topic; shared paragraphs are banners);
# the load needs every table; the report reads the warehouse.
EXPECTED_UPSTREAM = {
    "crawl": set(),
    "extract": {"crawl"},
    "dedup": {"extract"},
    "topics": {"dedup"},
    "audit": {"dedup"},
    "load": {"audit", "topics"},
    "report": {"load"},
}

# Modules the DAG file must not import at parse time: the dag-processor parses it every
# 30 s, and each of these costs 0.1–1 s or more.
HEAVY_MODULES = ("pipeline", "sklearn", "duckdb", "pandas", "bs4", "pyarrow", "numpy", "lxml")


def test_dag_folder_imports_without_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == [DAG_ID]


def test_tasks_and_dependencies(audit_dag: DAG) -> None:
    upstream = {tid: set(t.upstream_task_ids) for tid, t in audit_dag.task_dict.items()}
    assert upstream == EXPECTED_UPSTREAM
    downstream = {tid: set(t.downstream_task_ids) for tid, t in audit_dag.task_dict.items()}
    assert downstream["dedup"] == {"topics", "audit"}
    assert downstream["report"] == set()


def test_dag_settings(audit_dag: DAG) -> None:
    assert audit_dag.max_active_runs == 1  # one DuckDB writer
    assert audit_dag.catchup is False
    assert audit_dag.schedule is None  # CONTENT_AUDIT_SCHEDULE is not set in the test env
    assert audit_dag.start_date.isoformat() == "2026-01-01T00:00:00+00:00"
    assert "content-audit" in audit_dag.tags
    assert audit_dag.doc_md and "CONTENT_AUDIT_SCHEDULE" in audit_dag.doc_md
    # Defaults are resolved inside the task from CONTENT_AUDIT_* env vars, never at parse time.
    assert {k: audit_dag.params[k] for k in audit_dag.params} == {
        "config": None,
        "data_dir": None,
        "reports_dir": None,
        "run_id": None,
    }


def test_retries_timeouts_alerts_and_docs(audit_dag: DAG) -> None:
    # Before: no execution_timeout (a hung crawl blocked every later run), no failure alert, no
    # task docs, a fixed retry delay.
    crawl = audit_dag.get_task("crawl")
    assert crawl.retries == 2
    assert crawl.execution_timeout == timedelta(hours=6)
    for tid in EXPECTED_UPSTREAM.keys() - {"crawl"}:
        assert audit_dag.get_task(tid).retries == 1, tid
    for tid in EXPECTED_UPSTREAM:
        t = audit_dag.get_task(tid)
        assert t.retry_delay == timedelta(seconds=60) and t.retry_exponential_backoff, tid
        assert t.execution_timeout is not None and t.doc_md and t.owner == "content-audit", tid
        assert t.on_failure_callback, tid
    # Other DAGs schedule on what the run publishes.
    outlets = {tid: [a.name for a in audit_dag.get_task(tid).outlets] for tid in EXPECTED_UPSTREAM}
    assert outlets["crawl"] == ["content_audit_crawl_archive"]
    assert outlets["load"] == ["content_audit_warehouse"]
    assert not any(outlets[t] for t in EXPECTED_UPSTREAM.keys() - {"crawl", "load"})
    assert audit_dag.get_task("load").max_active_tis_per_dag == 1
    others = EXPECTED_UPSTREAM.keys() - {"load"}
    assert all(audit_dag.get_task(t).max_active_tis_per_dag is None for t in others)


_PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("content_audit_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
loaded = sorted(sys.modules)
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags["content_audit"]
timetable = type(dag.timetable).__name__
print(json.dumps({"modules": loaded, "schedule": dag.schedule, "timetable": timetable}))
"""


def test_parse_is_cheap_and_schedule_comes_from_env() -> None:
    # A fresh interpreter: this test process has long since imported the pipeline itself.
    env = {**os.environ, "CONTENT_AUDIT_SCHEDULE": "0 6 * * 1"}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(DAGS_DIR / "content_audit.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    heavy = [
        m for m in result["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY_MODULES)
    ]
    assert heavy == [], f"imported at DAG parse time: {heavy}"
    assert result["schedule"] == "0 6 * * 1"
    assert "Cron" in result["timetable"]
