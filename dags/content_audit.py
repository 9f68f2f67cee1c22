"""content_audit: crawl -> extract -> dedup -> topics | audit -> load -> report, one task per stage.

Configuration only: every task body is one call into ``pipeline.airflow_tasks``, imported inside
the task so parsing this file costs nothing but ``airflow.sdk``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

DOC = """
Crawls the sites in the YAML config, then extracts posts, finds near duplicates, clusters topics,
flags SEO problems, loads everything into `<data_dir>/warehouse.duckdb` and writes
`<reports_dir>/latest.html` and `<reports_dir>/<run_id>.html`.

**Params** (all optional): `config` (sites YAML; default `$CONTENT_AUDIT_CONFIG`), `data_dir`
(default `$CONTENT_AUDIT_DATA_DIR` or `data`), `reports_dir` (default `$CONTENT_AUDIT_REPORTS_DIR`
or `reports`), `run_id` (default: this DAG run's id, so clearing a run replaces its data).

**Schedule**: none unless `CONTENT_AUDIT_SCHEDULE` is set where DAGs are parsed, e.g.
`CONTENT_AUDIT_SCHEDULE="0 6 * * 1"` for Mondays 06:00 UTC (or `@weekly`).
"""


def _optional(description: str) -> Param:
    return Param(None, type=["null", "string"], description=description)


def _run(stage: str) -> dict[str, Any]:
    from pipeline.airflow_tasks import NOT_RETRYABLE, run_stage_from_context

    context = get_current_context()
    try:
        return run_stage_from_context(stage, context["params"], context["run_id"])
    except NOT_RETRYABLE as exc:  # bad config or a missing upstream file: retrying cannot help
        raise AirflowFailException(str(exc)) from exc


@dag(
    dag_id="content_audit",
    # The operator picks the cadence per deployment; read from the environment, not a Variable,
    # so parsing never touches the metadata DB.
    schedule=os.environ.get("CONTENT_AUDIT_SCHEDULE") or None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # one DuckDB writer at a time
    default_args={"retries": 1, "retry_delay": timedelta(minutes=1)},
    tags=["content-audit", "seo", "duckdb"],
    doc_md=DOC,
    params={
        "config": _optional("Sites YAML file. Default: $CONTENT_AUDIT_CONFIG."),
        "data_dir": _optional("Data directory. Default: $CONTENT_AUDIT_DATA_DIR or 'data'."),
        "reports_dir": _optional("Report directory. Default: $CONTENT_AUDIT_REPORTS_DIR."),
        "run_id": _optional("Pipeline run id. Default: derived from the Airflow run id."),
    },
)
def content_audit() -> None:
    # The crawl retries requests itself; these retries cover a lost worker or network outage.
    @task(retries=2, retry_delay=timedelta(minutes=5))
    def crawl() -> dict[str, Any]:
        return _run("crawl")

    @task
    def extract() -> dict[str, Any]:
        return _run("extract")

    @task
    def dedup() -> dict[str, Any]:
        return _run("dedup")

    @task
    def topics() -> dict[str, Any]:
        return _run("topics")

    @task
    def audit() -> dict[str, Any]:
        return _run("audit")

    @task(max_active_tis_per_dag=1)  # the only task that opens the warehouse read-write
    def load() -> dict[str, Any]:
        return _run("load")

    @task
    def report() -> dict[str, Any]:
        return _run("report")

    deduped, clustered, loaded = dedup(), topics(), load()
    # topics reads dedup's groups (duplicates take their canonical's topic), so it follows dedup.
    crawl() >> extract() >> deduped >> [audit(), clustered] >> loaded >> report()


content_audit()
