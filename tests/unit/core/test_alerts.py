"""Failure alerts: the text says what failed, whether Airflow retries, where to look; the webhook
gets it as JSON from a real HTTP server on 127.0.0.1, and a broken webhook never raises."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from pipeline.alerts import WEBHOOK_ENV, failure_message, send_alert
from tests.webhook import webhook_server


def _message(try_number: int, max_tries: int) -> str:
    return failure_message(
        dag_id="content_audit",
        task_id="load",
        run_id="manual__2026",
        try_number=try_number,
        max_tries=max_tries,
        error="IOException: disk full",
        log_url="http://127.0.0.1:8080/log",
    )


def test_the_message_says_what_failed_whether_it_retries_and_where_to_look() -> None:
    first, last = _message(1, 1), _message(2, 1)

    assert first.startswith(
        "content-audit: content_audit.load failed in run manual__2026 (try 1 of 2)"
    )
    assert "error: IOException: disk full" in first
    assert "Airflow retries it." in first and "No retry left: the run fails." in last
    assert "check: <data_dir>/warehouse.duckdb" in first
    assert "log: http://127.0.0.1:8080/log" in first


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    with webhook_server() as server:
        yield server


def test_the_alert_is_posted_to_the_webhook(webhook: tuple[str, list[dict]]) -> None:
    base, received = webhook
    text = _message(2, 1)

    assert send_alert(text, {WEBHOOK_ENV: f"{base}/ok"}) is True
    assert received == [{"text": text}]
    # A failing webhook, a non-http URL or none: logged, never raised.
    assert send_alert(text, {WEBHOOK_ENV: f"{base}/broken"}) is False
    assert send_alert(text, {WEBHOOK_ENV: "file:///etc/passwd"}) is False
    assert send_alert(text, {}) is False
    assert len(received) == 2


def test_an_error_a_retry_cannot_fix_is_not_announced_as_retried() -> None:
    text = failure_message(
        dag_id="content_audit_crawl",
        task_id="crawl_site[1]",
        run_id="r",
        try_number=1,
        max_tries=2,
        error="AirflowFailException: site 'x' is not in the run's config",
        log_url=None,
        retryable=False,
    )
    assert "Not retried (a retry cannot fix it): the run fails." in text
    assert "Airflow retries it." not in text
    # A mapped task's index is not part of the stage: the advice is crawl_site's.
    assert "Clear this mapped task to recrawl the site alone" in text


def test_a_missed_deadline_is_posted_like_a_failure(
    webhook: tuple[str, list[dict]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from pipeline.alerts import deadline_missed

    base, received = webhook
    monkeypatch.setenv(WEBHOOK_ENV, f"{base}/ok")
    # Airflow passes the kwargs given in the DAG and a context holding the DAG run.
    context = {"dag_run": {"dag_run_id": "scheduled__2026-12-01", "queued_at": "2026-12-01T06:00"}}
    asyncio.run(deadline_missed(dag_id="content_audit_crawl", hours=8, context=context))
    [posted] = received
    assert posted["text"].startswith(
        "content-audit: content_audit_crawl run scheduled__2026-12-01 is still not finished "
        "8 h after it was queued (queued at 2026-12-01T06:00)."
    )
    assert "pools have free slots" in posted["text"]
    asyncio.run(deadline_missed(dag_id="content_audit_report", hours=1.5))  # no context: no run
    assert "content_audit_report a run is still not finished 1.5 h" in received[1]["text"]


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    """A minimal SMTP server on 127.0.0.1 (RFC 5321's commands, no extensions): each message's
    DATA as received."""
    import socketserver

    messages: list[bytes] = []

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 test ESMTP\r\n")
            while line := self.rfile.readline():
                verb = line.split(b" ", 1)[0].strip().upper()
                if verb == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    body = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        body += chunk
                    messages.append(body)
                    self.wfile.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                elif verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    self.wfile.write(b"250 ok\r\n")
                else:
                    self.wfile.write(b"502 not implemented\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], messages
    server.shutdown()
    server.server_close()


def test_the_alert_is_mailed_when_an_smtp_server_is_configured(
    smtp_server: tuple[int, list[bytes]],
) -> None:
    from email import message_from_bytes, policy

    from pipeline.alerts import EMAIL_FROM_ENV, EMAIL_TO_ENV, SMTP_ENV

    port, messages = smtp_server
    text = _message(2, 1)
    env = {
        SMTP_ENV: f"smtp://127.0.0.1:{port}",
        EMAIL_TO_ENV: "seo@example.org, ops@example.org",
        EMAIL_FROM_ENV: "airflow@example.org",
    }
    assert send_alert(text, env) is True
    [raw] = messages
    mail = message_from_bytes(raw, policy=policy.default)  # unfolds the long subject
    assert mail["Subject"] == text.splitlines()[0]
    assert mail["To"] == "seo@example.org, ops@example.org"
    assert mail["From"] == "airflow@example.org"
    assert mail.get_content().replace("\r\n", "\n").strip() == text
    # Half a configuration, a wrong scheme or a dead server: logged, never raised.
    assert send_alert(text, {SMTP_ENV: f"smtp://127.0.0.1:{port}"}) is False
    assert send_alert(text, {**env, SMTP_ENV: f"http://127.0.0.1:{port}"}) is False
    assert send_alert(text, {**env, SMTP_ENV: "smtp://127.0.0.1:1"}) is False
    assert len(messages) == 1
