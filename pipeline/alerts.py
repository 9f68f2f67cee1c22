"""What an operator is told when a task of the pipeline fails: what failed, why, where to look.

``failure_message`` builds the text from a task's failure context (plain values: the DAG file's
callback passes them in, so this module never imports airflow); ``deadline_missed`` is the DAGs'
deadline callback. ``send_alert`` logs the text and, when ``CONTENT_AUDIT_ALERT_WEBHOOK`` names an
http(s) URL, posts it there as JSON (``{"text": ...}``, the shape Slack, Mattermost and Teams
incoming webhooks accept); when ``CONTENT_AUDIT_ALERT_SMTP`` and ``CONTENT_AUDIT_ALERT_EMAIL`` are
set, it mails it too. An alert that cannot be sent is logged, never raised: a failing notifier
must not hide the failure it reports.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

WEBHOOK_ENV = "CONTENT_AUDIT_ALERT_WEBHOOK"
# smtp://[user:password@]host[:port], smtps:// (TLS from the start) or smtp+starttls://
SMTP_ENV = "CONTENT_AUDIT_ALERT_SMTP"
EMAIL_TO_ENV = "CONTENT_AUDIT_ALERT_EMAIL"  # comma-separated recipients
EMAIL_FROM_ENV = "CONTENT_AUDIT_ALERT_FROM"
WEBHOOK_TIMEOUT_S = 10.0

# Per stage: what usually went wrong and what to check first.
WHERE_TO_LOOK: Mapping[str, str] = {
    "plan": "the sites YAML (the config param or CONTENT_AUDIT_CONFIG on the workers); the "
    "error names the key and the fix",
    "crawl_site": "that site's availability and robots.txt, its URL in the config, the network "
    "from the worker; the task log lists the site's error classes. Clear this mapped task to "
    "recrawl the site alone",
    "crawl": "the crawl_site tasks of the run (every site must have finished); disk space under "
    "<data_dir>/raw/<run_id>/",
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
    retryable: bool = True,
) -> str:
    """One alert's text: the task and run, the error, whether Airflow will retry, where to look.
    ``retryable=False``: the error fails the task at once (bad config), whatever tries are left.
    """
    stage = task_id.split(".")[-1].split("[")[0]
    will_retry = (
        retryable and try_number is not None and max_tries is not None and try_number <= max_tries
    )
    lines = [
        f"content-audit: {dag_id}.{task_id} failed in run {run_id}"
        + (
            f" (try {try_number} of {max_tries + 1})"
            if try_number and max_tries is not None
            else ""
        ),
        f"error: {error or 'unknown (see the task log)'}",
        "Airflow retries it."
        if will_retry
        else ("No retry left" if retryable else "Not retried (a retry cannot fix it)")
        + ": the run fails.",
    ]
    if stage in WHERE_TO_LOOK:
        lines.append(f"check: {WHERE_TO_LOOK[stage]}")
    if log_url:
        lines.append(f"log: {log_url}")
    return "\n".join(lines)


def send_alert(text: str, env: Mapping[str, str] | None = None) -> bool:
    """Log the alert; post it to the webhook and mail it, for each that is configured. True
    when at least one of them took it."""
    log.error("%s", text)
    env = os.environ if env is None else env
    posted = _post(text, env.get(WEBHOOK_ENV, "").strip())
    mailed = _mail(text, env.get(SMTP_ENV, "").strip(), env.get(EMAIL_TO_ENV, ""), env)
    return posted or mailed


def _post(text: str, url: str) -> bool:
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


def _mail(text: str, server: str, to: str, env: Mapping[str, str]) -> bool:
    """Mail the alert through ``smtp://[user:password@]host[:port]`` (``smtps://`` for TLS from
    the start, ``smtp+starttls://`` to upgrade); the subject is the alert's first line."""
    recipients = [a.strip() for a in to.split(",") if a.strip()]
    if not server or not recipients:
        if server or recipients:
            log.warning(
                "e-mail alerts need both %s and %s: alert not mailed", SMTP_ENV, EMAIL_TO_ENV
            )
        return False
    import email.policy
    import smtplib
    import socket
    from email.message import EmailMessage

    parts = urlsplit(server)
    if parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
        log.warning("%s=%r is not an smtp(s):// URL: alert not mailed", SMTP_ENV, server)
        return False
    # One line per header up to SMTP's 998 characters: a subject folded right after "Subject:"
    # reads back with a leading space in some clients.
    message = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    message["Subject"] = text.splitlines()[0][:200]
    message["From"] = env.get(EMAIL_FROM_ENV) or f"content-audit@{socket.getfqdn()}"
    message["To"] = ", ".join(recipients)
    message.set_content(text)
    kind = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    try:
        with kind(parts.hostname, port, timeout=WEBHOOK_TIMEOUT_S) as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("alert e-mail via %s:%s failed: %s", parts.hostname, port, exc)
        return False
    return True


def deadline_message(
    *, dag_id: str, hours: float, run_id: str | None = None, queued_at: str | None = None
) -> str:
    """A deadline alert's text: which DAG run is late, by what rule, where to look."""
    run = f"run {run_id}" if run_id else "a run"
    since = f" (queued at {queued_at})" if queued_at else ""
    return "\n".join(
        [
            f"content-audit: {dag_id} {run} is still not finished {hours:g} h after it was "
            f"queued{since}.",
            "Nothing failed yet: a task is slow, hung (it is stopped at its execution_timeout) "
            "or waiting for a pool slot or a worker.",
            "check: the run's running and queued tasks in the Airflow UI; the workers are up "
            "(`airflow celery worker`); the `crawl` and `warehouse` pools have free slots",
        ]
    )


async def deadline_missed(
    dag_id: str, hours: float, context: Mapping[str, object] | None = None
) -> None:
    """Airflow's deadline callback (``AsyncCallback``, run in the triggerer): alert that a DAG
    run is late. The webhook post runs in a thread so the triggerer's loop is not blocked."""
    import asyncio

    # Airflow 3.3 passes the API's DAGRunResponse as JSON: the run id is "dag_run_id".
    dag_run = (context or {}).get("dag_run")
    fields: Mapping[str, object] = dag_run if isinstance(dag_run, Mapping) else {}
    run_id, queued_at = fields.get("dag_run_id"), fields.get("queued_at")
    text = deadline_message(
        dag_id=dag_id,
        hours=hours,
        run_id=None if run_id is None else str(run_id),
        queued_at=None if queued_at is None else str(queued_at),
    )
    await asyncio.to_thread(send_alert, text)
