"""The crawl's progress: bars on a terminal, log lines in Airflow (issue 5, observability)."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from pipeline.crawl.progress import LOG_EVERY, CrawlProgress


def _row(ok: bool) -> dict[str, object]:
    return {"ok": ok}


def test_log_line_every_hundred_urls_and_a_site_summary(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pipeline.crawl")
    with CrawlProgress(enabled=False) as progress:
        for i in range(2 * LOG_EVERY + 5):
            progress.row("blog", _row(ok=i % 10 != 0), queued=300)
        progress.site_done("blog", {"timeout": 21})
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:2] == ["blog: 100 urls done, 10 errors", "blog: 200 urls done, 20 errors"]
    assert lines[-1] == "blog: crawled 205 urls, 184 ok, 21 errors; timeout=21"


def test_bar_shows_done_of_known_errors_and_rate() -> None:
    out = io.StringIO()
    progress = CrawlProgress(enabled=True, console=Console(file=out, width=120))
    with progress:
        for i in range(30):
            progress.row("calm-minds", _row(ok=i != 3), queued=40)
    text = out.getvalue()
    assert "calm-minds" in text and "30/40" in text and "errors 1" in text and "url/s" in text
