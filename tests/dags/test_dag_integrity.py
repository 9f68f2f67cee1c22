"""The three DAGs parse cleanly, cheaply, and are wired the way the pipeline needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from tests.dags.conftest import CRAWL, DAG_IDS, DAGS_DIR, PROCESS, REPORT

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG

# dag -> task id -> its direct upstream task ids. The crawl is mapped over the sites plan lists;
# dedup needs extract's posts; topics and the audit both need the duplicate groups (a copy takes
# its canonical's topic; shared paragraphs are banners); the load needs every table.
EXPECTED_UPSTREAM = {
    CRAWL: {"plan": set(), "crawl_site": {"plan"}, "crawl": {"crawl_site"}},
    PROCESS: {
        "extract": set(),
        "dedup": {"extract"},
        "topics": {"dedup"},
        "audit": {"dedup"},
        "load": {"audit", "topics"},
    },
    REPORT: {"report": set()},
}
ARCHIVE, WAREHOUSE = "content_audit_crawl_archive", "content_audit_warehouse"

# Modules the DAG file must not import at parse time: the dag-processor parses it every
# 30 s, and each of these costs 0.1–1 s or more. (pipeline.alerts, the deadline callback's
# module, is imported to check the callback's path: it is logging and urllib only.)
HEAVY_MODULES = (
    "pipeline.airflow_tasks", "pipeline.runner", "pipeline.config", "sklearn", "duckdb",
    "pandas", "bs4", "pyarrow", "numpy", "lxml",
)  # fmt: skip


def test_dag_folder_imports_without_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == sorted(DAG_IDS)


def test_tasks_and_dependencies(dags: dict[str, DAG]) -> None:
    for dag_id, expected in EXPECTED_UPSTREAM.items():
        dag = dags[dag_id]
        assert {tid: set(t.upstream_task_ids) for tid, t in dag.task_dict.items()} == expected
    assert set(dags[PROCESS].get_task("dedup").downstream_task_ids) == {"topics", "audit"}
    # One mapped task per configured site: a retry or a clear recrawls that site only.
    crawl_site = dags[CRAWL].get_task("crawl_site")
    assert type(crawl_site).__name__.endswith("MappedOperator")


def test_dags_are_chained_by_assets(dags: dict[str, DAG]) -> None:
    outlets = {
        (dag_id, tid): [a.name for a in dags[dag_id].get_task(tid).outlets]
        for dag_id, tasks in EXPECTED_UPSTREAM.items()
        for tid in tasks
    }
    assert {k: v for k, v in outlets.items() if v} == {
        (CRAWL, "crawl"): [ARCHIVE],
        (PROCESS, "load"): [WAREHOUSE],
    }
    for dag_id, asset in ((PROCESS, ARCHIVE), (REPORT, WAREHOUSE)):
        condition = dags[dag_id].timetable.asset_condition
        assert [a.name for a in condition.objects] == [asset], dag_id


def test_dag_settings(dags: dict[str, DAG]) -> None:
    crawl = dags[CRAWL]
    assert crawl.schedule is None  # CONTENT_AUDIT_SCHEDULE is not set in the test env
    # Defaults are resolved inside the task from CONTENT_AUDIT_* env vars, never at parse time.
    assert {k: crawl.params[k] for k in crawl.params} == {
        "config": None,
        "data_dir": None,
        "reports_dir": None,
        "run_id": None,
    }
    for dag_id, dag in dags.items():
        assert dag.max_active_runs == 1, dag_id  # runs in order, one DuckDB writer
        assert dag.catchup is False
        assert dag.start_date.isoformat() == "2026-01-01T00:00:00+00:00"
        assert "content-audit" in dag.tags
        assert dag.doc_md and len(dag.doc_md) > 200, dag_id
        # A run still going after its deadline alerts (the triggerer runs the callback).
        [deadline] = dag.deadline
        assert type(deadline.reference).__name__ == "DagRunQueuedAtDeadline"
        assert deadline.callback.path == "pipeline.alerts.deadline_missed"
        assert deadline.callback.kwargs["dag_id"] == dag_id
    assert [d.interval for d in dags[CRAWL].deadline] == [timedelta(hours=8)]
    for dag_id in (PROCESS, REPORT):  # their run comes from the Asset event, or a run_id param
        assert {k: dags[dag_id].params[k] for k in dags[dag_id].params} == {
            "data_dir": None,
            "reports_dir": None,
            "run_id": None,
        }


def test_retries_timeouts_pools_alerts_and_docs(dags: dict[str, DAG]) -> None:
    # Before: no execution_timeout (a hung crawl blocked every later run), no failure alert, no
    # task docs, a fixed retry delay, no pool around the warehouse writer.
    crawl_site = dags[CRAWL].get_task("crawl_site")
    assert crawl_site.retries == 2 and crawl_site.pool == "crawl"
    assert crawl_site.execution_timeout == timedelta(hours=6)
    assert dags[PROCESS].get_task("load").pool == "warehouse"
    for dag_id, tasks in EXPECTED_UPSTREAM.items():
        for tid in tasks:
            t = dags[dag_id].get_task(tid)
            assert t.retries == (2 if tid == "crawl_site" else 1), tid
            assert t.retry_delay == timedelta(seconds=60) and t.retry_exponential_backoff, tid
            assert t.execution_timeout is not None and t.doc_md and t.owner == "content-audit"
            assert t.on_failure_callback, tid
            if tid not in ("crawl_site", "load"):
                assert t.pool == "default_pool", tid


def test_pools_the_dags_use_are_the_ones_a_deployment_creates(dags: dict[str, DAG]) -> None:
    from pipeline.deploy import POOLS

    used = {t.pool for dag in dags.values() for t in dag.tasks} - {"default_pool"}
    assert used == set(POOLS)
    assert POOLS["warehouse"][0] == 1  # one writer


_PROBE = """
import importlib.util, json, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("content_audit_dag", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
parse_s = time.perf_counter() - started
loaded = sorted(sys.modules)
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags["content_audit_crawl"]
timetable = type(dag.timetable).__name__
print(json.dumps({"modules": loaded, "schedule": dag.schedule, "timetable": timetable,
                  "parse_s": parse_s}))
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
    print(f"DAG file executed in {result['parse_s']:.3f} s (airflow.sdk included)")
