"""content-audit as three DAGs chained by Assets, as an Airflow team deploys it.

``content_audit_crawl``    plan -> crawl_site (mapped: one task per site, ``crawl`` pool) -> crawl
                           (assembles the sites; updates the ``content_audit_crawl_archive`` Asset)
``content_audit_process``  scheduled on that Asset: extract -> dedup -> topics | audit -> load
                           (``warehouse`` pool, one slot; updates ``content_audit_warehouse``)
``content_audit_report``   scheduled on the warehouse Asset: report

Configuration only: every task body is one call into ``pipeline.airflow_tasks``, imported inside
the task so parsing this file costs nothing but ``airflow.sdk``. Each Asset event's extra names
the run (``run_id``, ``data_dir``, ``reports_dir``), which is how the next DAG knows what to do.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

# Also exported by airflow.sdk (lazily, which type checkers cannot see).
from airflow.sdk.definitions.callback import AsyncCallback
from airflow.sdk.definitions.deadline import DeadlineAlert, DeadlineReference
from airflow.sdk.exceptions import AirflowFailException

# What the DAGs publish and consume; other teams' DAGs can schedule on them too. Paths are per
# deployment, so they travel in each event's extra, not in the URI.
ARCHIVE = Asset(name="content_audit_crawl_archive")
WAREHOUSE = Asset(name="content_audit_warehouse")
OUTLETS = {"crawl": ARCHIVE, "load": WAREHOUSE}

# Pools a deployment creates once (`content-audit airflow-pools`, docker compose's airflow-init):
# crawl tasks that may run at once, and the warehouse's single writer.
CRAWL_POOL = "crawl"
WAREHOUSE_POOL = "warehouse"

TASK_DOCS = {
    "plan": "Reads and validates the sites YAML once, stores it with the run (every later task, "
    "and every retry, uses that copy) and lists the sites the crawl is mapped over.",
    "crawl_site": "Fetches one site politely into its WARC, pages and links (one mapped task "
    "per site: a retry or a clear recrawls that site only).",
    "crawl": "Assembles the sites into the run's `crawl/pages.parquet` (one row per URL, with "
    "its error class), `crawl/links.parquet` and WARC files, then updates the archive Asset.",
    "extract": "Reads the WARCs: main text, metadata and page type of every fetched page.",
    "dedup": "Exact and near-duplicate posts (MinHash + LSH), canonical per group.",
    "topics": "Topics and subtopics of the posts, with ids kept across runs.",
    "audit": "Findings (promo, keyword stuffing, thin content, ...) and a score per post.",
    "load": "The only writer of `warehouse.duckdb` (`warehouse` pool, one slot): a copy is "
    "loaded, checked and swapped in atomically, so readers never block it and a failed load "
    "leaves the previous warehouse. Updates the warehouse Asset.",
    "report": "Renders `<reports_dir>/<run_id>.html` (and `latest.html` for the newest run) "
    "with its CSV files.",
}
# How long a stage may take before Airflow stops it: a hung task must not block later runs
# (max_active_runs=1). One site's crawl is bounded by its size; the others by the machine.
TIMEOUTS = {
    "plan": timedelta(minutes=5),
    "crawl_site": timedelta(hours=6),
    "load": timedelta(hours=1),
}
DEFAULT_TIMEOUT = timedelta(hours=2)
RETRY_DELAY = timedelta(seconds=float(os.environ.get("CONTENT_AUDIT_RETRY_DELAY_S") or 60))
# A DAG run still going this long after it was queued raises a deadline alert (env, in hours).
# CONTENT_AUDIT_DEADLINES=off drops them: `dag.test()` / `airflow dags test` of Airflow 3.3.2
# crash on a DAG with deadlines when the run succeeds (DagRun.update_state looks the unserialized
# DeadlineAlert objects up as database ids); the scheduler handles them as it should.
DEADLINES_ON = os.environ.get("CONTENT_AUDIT_DEADLINES", "on").lower() not in ("off", "0", "false")
DEADLINES = {
    "content_audit_crawl": float(os.environ.get("CONTENT_AUDIT_CRAWL_DEADLINE_H") or 8),
    "content_audit_process": float(os.environ.get("CONTENT_AUDIT_PROCESS_DEADLINE_H") or 4),
    "content_audit_report": float(os.environ.get("CONTENT_AUDIT_REPORT_DEADLINE_H") or 1),
}
DEFAULT_ARGS = {
    "owner": "content-audit",
    "retries": 1,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}
TAGS = ["content-audit", "seo", "duckdb"]
START = pendulum.datetime(2026, 1, 1, tz="UTC")


def _optional(description: str) -> Param:
    return Param(None, type=["null", "string"], description=description)


WHERE_PARAMS = {
    "data_dir": _optional("Data directory. Default: $CONTENT_AUDIT_DATA_DIR or 'data'."),
    "reports_dir": _optional("Report directory. Default: $CONTENT_AUDIT_REPORTS_DIR."),
}

# The DAGs started by an Asset event take their run from it; these override it (a manual run).
EVENT_PARAMS = {
    **WHERE_PARAMS,
    "run_id": _optional("Pipeline run id. Default: the one in the triggering Asset event."),
}


def _deadline(dag_id: str) -> list[DeadlineAlert]:
    hours = DEADLINES[dag_id]
    if not DEADLINES_ON:
        return []
    return [
        DeadlineAlert(
            reference=DeadlineReference.DAGRUN_QUEUED_AT,
            interval=timedelta(hours=hours),
            # Runs in the triggerer: posts to the alert webhook like a failed task does.
            callback=AsyncCallback(
                "pipeline.alerts.deadline_missed", kwargs={"dag_id": dag_id, "hours": hours}
            ),
        )
    ]


def _dag(dag_id: str, **settings: Any) -> Any:
    """The ``@dag`` decorator with what the three DAGs share: one run at a time (runs in order,
    one warehouse writer), no catch-up, owner and retry defaults, tags, and the DAG's deadline."""
    return dag(
        dag_id=dag_id,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=TAGS,
        deadline=_deadline(dag_id),
        **settings,
    )


def _on_failure(context: Any) -> None:
    from pipeline.alerts import failure_message, send_alert

    ti = context["task_instance"]
    error = context.get("exception")
    map_index = getattr(ti, "map_index", None)
    mapped = f"[{map_index}]" if isinstance(map_index, int) and map_index >= 0 else ""
    send_alert(
        failure_message(
            dag_id=ti.dag_id,
            task_id=ti.task_id + mapped,
            run_id=ti.run_id,
            try_number=getattr(ti, "try_number", None),
            max_tries=getattr(ti, "max_tries", None),
            error=f"{type(error).__name__}: {error}" if error else "",
            retryable=not isinstance(error, AirflowFailException),
            log_url=getattr(ti, "log_url", None),
        )
    )


def _task(task_id: str, **overrides: Any) -> Any:
    """The TaskFlow decorator of one task: its docs, timeout, outlet and failure alert."""
    return task(
        task_id=task_id,
        outlets=[OUTLETS[task_id]] if task_id in OUTLETS else [],
        doc_md=TASK_DOCS[task_id],
        execution_timeout=TIMEOUTS.get(task_id, DEFAULT_TIMEOUT),
        on_failure_callback=_on_failure,
        **overrides,
    )


def _params(context: Any) -> dict[str, Any]:
    """The run's params: given at trigger time, else from the Asset event that triggered it."""
    from pipeline.airflow_tasks import params_from_events

    events = context.get("triggering_asset_events") or {}
    extras = sorted(
        (event for asset in events for event in events[asset]), key=lambda e: e.timestamp
    )
    params, skipped = params_from_events(context["params"], [dict(e.extra) for e in extras])
    if skipped:
        logging.getLogger(__name__).warning(
            "runs published meanwhile, not handled by this DAG run (trigger it with their "
            "run_id): %s",
            skipped,
        )
    return params


def _call(
    fn: Callable[..., dict[str, Any]],
    *args: Any,
    outlet: str | None = None,
    from_event: bool = False,
) -> Any:
    """Call into the package; errors a retry cannot fix fail the task at once; an outlet's
    event extra tells the next DAG which run to work on (``from_event``: this DAG's run)."""
    from pipeline.airflow_tasks import NOT_RETRYABLE

    context = get_current_context()
    try:
        params = _params(context) if from_event else context["params"]
        result = fn(*args, params, context["run_id"])
    except NOT_RETRYABLE as exc:  # bad config, missing input, failed check: fails the same way
        raise AirflowFailException(str(exc)) from exc
    if outlet is not None:
        outputs = result.get("outputs") or [None]
        context["outlet_events"][OUTLETS[outlet]].extra = {
            "run_id": result["run_id"],
            "data_dir": result["data_dir"],
            "reports_dir": result["reports_dir"],
            "path": outputs[0],
        }
    return result


def _stage(stage: str) -> dict[str, Any]:
    from pipeline.airflow_tasks import run_stage_from_context

    return _call(
        run_stage_from_context,
        stage,
        outlet=stage if stage in OUTLETS else None,
        from_event=stage != "crawl",  # the later DAGs run on the crawl's or the load's event
    )


@_dag(
    "content_audit_crawl",
    # The operator picks the cadence per deployment; read from the environment, not a Variable,
    # so parsing never touches the metadata DB.
    schedule=os.environ.get("CONTENT_AUDIT_SCHEDULE") or None,
    doc_md="""
Crawls the sites in the YAML config, one mapped `crawl_site` task per site (in the `crawl`
pool), and assembles them into the run's crawl; then updates the `content_audit_crawl_archive`
Asset, which starts **content_audit_process**.

**Params** (all optional): `config` (sites YAML; default `$CONTENT_AUDIT_CONFIG`), `data_dir`
(default `$CONTENT_AUDIT_DATA_DIR` or `data`), `reports_dir` (default `$CONTENT_AUDIT_REPORTS_DIR`
or `reports`), `run_id` (default: this DAG run's id, so clearing a run replaces its data).

**Schedule**: none unless `CONTENT_AUDIT_SCHEDULE` is set where DAGs are parsed, e.g.
`CONTENT_AUDIT_SCHEDULE="0 6 * * 1"` for Mondays 06:00 UTC (or `@monthly`).

**Failures**: tasks time out and retry with exponential backoff (first delay
`CONTENT_AUDIT_RETRY_DELAY_S`, default 60 s); errors a retry cannot fix (bad config) fail at
once. A failed task, or a run past its deadline (`CONTENT_AUDIT_CRAWL_DEADLINE_H`, default 8 h
after it was queued), logs what failed and where to look, posts it to
`CONTENT_AUDIT_ALERT_WEBHOOK` and mails it through `CONTENT_AUDIT_ALERT_SMTP` to
`CONTENT_AUDIT_ALERT_EMAIL` when those are set. Every worker must share the data directory.

**Rerun one site**: clear its `crawl_site` mapped task (and downstream); the other sites keep
what they fetched.
""",
    params={
        "config": _optional("Sites YAML file. Default: $CONTENT_AUDIT_CONFIG."),
        **WHERE_PARAMS,
        "run_id": _optional("Pipeline run id. Default: derived from the Airflow run id."),
    },
)
def content_audit_crawl() -> None:
    @_task("plan")
    def plan() -> list[str]:
        from pipeline.airflow_tasks import plan_from_context

        sites: list[str] = _call(plan_from_context)["sites"]
        return sites

    # Named by site in the UI; the crawl retries requests itself, these retries cover a lost
    # worker or a network outage.
    @_task("crawl_site", pool=CRAWL_POOL, retries=2, map_index_template="{{ site }}")
    def crawl_site(site: str) -> dict[str, Any]:
        from pipeline.airflow_tasks import crawl_site_from_context

        get_current_context()["site"] = site  # type: ignore[typeddict-unknown-key]
        return _call(crawl_site_from_context, site)

    @_task("crawl")
    def crawl() -> dict[str, Any]:
        return _stage("crawl")

    crawl_site.expand(site=plan()) >> crawl()


@_dag(
    "content_audit_process",
    schedule=[ARCHIVE],
    doc_md="""
Runs when **content_audit_crawl** updates `content_audit_crawl_archive`: extracts the posts,
finds duplicates, clusters topics, audits, and loads the run into `<data_dir>/warehouse.duckdb`
(`load` in the single-slot `warehouse` pool), then updates `content_audit_warehouse`, which
starts **content_audit_report**.

The run comes from the Asset event (its `run_id`, `data_dir`, `reports_dir`). To process a run
by hand, trigger with the conf `{"run_id": "..."}`. Deadline: `CONTENT_AUDIT_PROCESS_DEADLINE_H`
(default 4 h). Clearing any task or the whole DAG run gives the same warehouse rows.
""",
    params=EVENT_PARAMS,
)
def content_audit_process() -> None:
    @_task("extract")
    def extract() -> dict[str, Any]:
        return _stage("extract")

    @_task("dedup")
    def dedup() -> dict[str, Any]:
        return _stage("dedup")

    @_task("topics")
    def topics() -> dict[str, Any]:
        return _stage("topics")

    @_task("audit")
    def audit() -> dict[str, Any]:
        return _stage("audit")

    @_task("load", pool=WAREHOUSE_POOL)
    def load() -> dict[str, Any]:
        return _stage("load")

    deduped, clustered = dedup(), topics()
    # topics reads dedup's groups (duplicates take their canonical's topic), so it follows dedup.
    extract() >> deduped >> [audit(), clustered] >> load()


@_dag(
    "content_audit_report",
    schedule=[WAREHOUSE],
    doc_md="""
Runs when **content_audit_process** updates `content_audit_warehouse`: renders
`<reports_dir>/<run_id>.html`, its CSV files, and `latest.html` when the run is the newest in the
run order (re-rendering an older run leaves `latest.html` alone). Trigger by hand with the conf
`{"run_id": "..."}` to re-render a run. Deadline: `CONTENT_AUDIT_REPORT_DEADLINE_H` (default 1 h).
""",
    params=EVENT_PARAMS,
)
def content_audit_report() -> None:
    @_task("report")
    def report() -> dict[str, Any]:
        return _stage("report")

    report()


content_audit_crawl()
content_audit_process()
content_audit_report()
