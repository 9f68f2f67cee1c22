"""What an operator is told when a task of the pipeline fails: what failed, why, where to look.

``failure_message`` builds the text from a task's failure context (plain values: the DAG file's
callback passes them in, so this module never imports airflow). ``send_alert`` logs it and, when
``CONTENT_AUDIT_ALERT_WEBHOOK`` names an http(s) URL, posts it there as JSON (``{"text": ...}``,
the shape Slack, Mattermost and Teams incoming webhooks accept). An alert that cannot be sent is
logged, never raised: a failing notifier must not hide the failure it reports.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

WEBHOOK_ENV = "CONTENT_AUDIT_ALERT_WEBHOOK"
WEBHOOK_TIMEOUT_S = 10.0

# Per stage: what usually went wrong and what to check first.
WHERE_TO_LOOK: Mapping[str, str] = {
    "crawl": "the sites' availability and robots.txt, the config's site URLs, the network from "
    "the worker; the task log lists each site's error classes",
    "extract": "the run's WARC files under <data_dir>/raw/<run_id>/ (disk full? truncated?)",
    "dedup": "extract's posts.parquet for the run; memory on the worker",
    "topics": "dedup's outputs for the run; memory on the worker",
    "audit": "extract's and dedup's outputs for the run",
    "load": "<data_dir>/warehouse.duckdb: disk space, another writer holding the lock "
    "(CONTENT_AUDIT_LOCK_WAIT_S), a failed data check named in the log; the previous "
    "warehouse is left as it was",
    "report": "the warehouse (the run must be loaded) and <reports_dir> being writable; "
    "latest.html still shows the previous report",
}


def failure_message(
    *,
    dag_id: str,
    task_id: str,
    run_id: str,
    try_number: int | None,
    max_tries: int | None,
    error: str,
    log_url: str | None,
) -> str:
    """One alert's text: the task and run, the error, whether Airflow will retry, where to look."""
    stage = task_id.split(".")[-1]
    will_retry = try_number is not None and max_tries is not None and try_number <= max_tries
    lines = [
        f"content-audit: {dag_id}.{task_id} failed in run {run_id}"
        + (
            f" (try {try_number} of {max_tries + 1})"
            if try_number and max_tries is not None
            else ""
        ),
        f"error: {error or 'unknown (see the task log)'}",
        "Airflow retries it." if will_retry else "No retry left: the run fails.",
    ]
    if stage in WHERE_TO_LOOK:
        lines.append(f"check: {WHERE_TO_LOOK[stage]}")
    if log_url:
        lines.append(f"log: {log_url}")
    return "\n".join(lines)


def send_alert(text: str, env: Mapping[str, str] | None = None) -> bool:
    """Log the alert; post it to the webhook if one is configured. True when it was posted."""
    log.error("%s", text)
    url = (os.environ if env is None else env).get(WEBHOOK_ENV, "").strip()
    if not url:
        return False
    if urlsplit(url).scheme not in ("http", "https"):
        log.warning("%s=%r is not an http(s) URL: alert not sent", WEBHOOK_ENV, url)
        return False
    import httpx

    try:
        httpx.post(url, json={"text": text}, timeout=WEBHOOK_TIMEOUT_S).raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("alert webhook %s failed: %s", url, exc)
        return False
    return True
