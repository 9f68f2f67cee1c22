"""content_audit: crawl -> extract -> dedup -> topics | audit -> load -> report, one task per stage.

Configuration only: every task body is one call into ``pipeline.airflow_tasks``, imported inside
the task so parsing this file costs nothing but ``airflow.sdk``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task
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

**Failures**: every task has a timeout and retries with exponential backoff (first delay
`CONTENT_AUDIT_RETRY_DELAY_S`, default 60 s); errors a retry cannot fix (bad config, a missing
upstream file) fail at once. A failed task logs what failed and where to look, and posts it to
`CONTENT_AUDIT_ALERT_WEBHOOK` when that is set. Every worker must share the data directory.

**Assets**: `crawl` updates `content_audit_crawl_archive` and `load` updates
`content_audit_warehouse` (event extra: the run id and the file), so other DAGs can be scheduled
on a fresh warehouse.
"""

# What the run publishes, for DAGs of other teams to schedule on (`schedule=[WAREHOUSE]`): each
# event's extra names the run and the file (paths are per deployment, so not in the URI).
ARCHIVE = Asset(name="content_audit_crawl_archive")
WAREHOUSE = Asset(name="content_audit_warehouse")
OUTLETS = {"crawl": ARCHIVE, "load": WAREHOUSE}

# Per task: what it does, for the task's page in the UI.
TASK_DOCS = {
    "crawl": "Fetches every configured site politely into WARC files and `crawl/pages.parquet` "
    "(one row per URL, with its error class) and `crawl/links.parquet` (the link graph).",
    "extract": "Reads the WARCs: main text, metadata and page type of every fetched page.",
    "dedup": "Exact and near-duplicate posts (MinHash + LSH), canonical per group.",
    "topics": "Topics and subtopics of the posts, with ids kept across runs.",
    "audit": "Findings (promo, keyword stuffing, thin content, ...) and a score per post.",
    "load": "The only writer of `warehouse.duckdb`: a copy is loaded and swapped in atomically, "
    "so readers never block it and a failed load leaves the previous warehouse.",
    "report": "Renders `<reports_dir>/<run_id>.html` (and `latest.html`) with its CSV files.",
}
# Hours a stage may take before Airflow stops it: a hung crawl must not block later runs
# (max_active_runs=1). The crawl is bounded by the sites' size; the others by the machine.
TIMEOUTS = {"crawl": timedelta(hours=6), "load": timedelta(hours=1)}
DEFAULT_TIMEOUT = timedelta(hours=2)
RETRY_DELAY = timedelta(seconds=float(os.environ.get("CONTENT_AUDIT_RETRY_DELAY_S") or 60))


def _optional(description: str) -> Param:
    return Param(None, type=["null", "string"], description=description)


def _on_failure(context: Any) -> None:
    from pipeline.alerts import failure_message, send_alert

    ti = context["task_instance"]
    error = context.get("exception")
    send_alert(
        failure_message(
            dag_id=ti.dag_id,
            task_id=ti.task_id,
            run_id=ti.run_id,
            try_number=getattr(ti, "try_number", None),
            max_tries=getattr(ti, "max_tries", None),
            error=f"{type(error).__name__}: {error}" if error else "",
            log_url=getattr(ti, "log_url", None),
        )
    )


def _stage_task(stage: str, **overrides: Any) -> Any:
    """The TaskFlow decorator of one stage: its docs, timeout and failure alert."""
    return task(
        task_id=stage,
        outlets=[OUTLETS[stage]] if stage in OUTLETS else [],
        doc_md=TASK_DOCS[stage],
        execution_timeout=TIMEOUTS.get(stage, DEFAULT_TIMEOUT),
        on_failure_callback=_on_failure,
        **overrides,
    )


def _run(stage: str) -> dict[str, Any]:
    from pipeline.airflow_tasks import NOT_RETRYABLE, run_stage_from_context

    context = get_current_context()
    try:
        result = run_stage_from_context(stage, context["params"], context["run_id"])
    except NOT_RETRYABLE as exc:  # bad config or a missing upstream file: retrying cannot help
        raise AirflowFailException(str(exc)) from exc
    if stage in OUTLETS:
        outputs = result["outputs"]
        context["outlet_events"][OUTLETS[stage]].extra = {
            "run_id": result["run_id"],
            "path": outputs[0] if outputs else None,
        }
    return result


@dag(
    dag_id="content_audit",
    # The operator picks the cadence per deployment; read from the environment, not a Variable,
    # so parsing never touches the metadata DB.
    schedule=os.environ.get("CONTENT_AUDIT_SCHEDULE") or None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # one DuckDB writer at a time
    default_args={
        "owner": "content-audit",
        "retries": 1,
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
    },
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
    @_stage_task("crawl", retries=2)
    def crawl() -> dict[str, Any]:
        return _run("crawl")

    @_stage_task("extract")
    def extract() -> dict[str, Any]:
        return _run("extract")

    @_stage_task("dedup")
    def dedup() -> dict[str, Any]:
        return _run("dedup")

    @_stage_task("topics")
    def topics() -> dict[str, Any]:
        return _run("topics")

    @_stage_task("audit")
    def audit() -> dict[str, Any]:
        return _run("audit")

    @_stage_task("load", max_active_tis_per_dag=1)  # the only task writing the warehouse
    def load() -> dict[str, Any]:
        return _run("load")

    @_stage_task("report")
    def report() -> dict[str, Any]:
        return _run("report")

    deduped, clustered, loaded = dedup(), topics(), load()
    # topics reads dedup's groups (duplicates take their canonical's topic), so it follows dedup.
    crawl() >> extract() >> deduped >> [audit(), clustered] >> loaded >> report()


content_audit()
