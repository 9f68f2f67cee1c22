"""Failure alerts: the text says what failed, whether Airflow retries, where to look; the webhook
gets it as JSON from a real HTTP server on 127.0.0.1, and a broken webhook never raises."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from pipeline.alerts import WEBHOOK_ENV, failure_message, send_alert


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
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200 if self.path == "/ok" else 500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()


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
