"""Runs that tell the truth and do not step on each other (issue 16), through the real CLI.

A good run on a demo site first; then a dead site (closed port, robots.txt 500) must exit 3 and
leave the previous report and the latest run alone; a rerun killed half-way or failed at the load
(the warehouse held by another process) must leave the good run's files and rows as they were.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse.swap import LOCK_WAIT_ENV, writer_lock
from tests.stages.conftest import table_counts

pytestmark = pytest.mark.slow

EXE = Path(sys.executable).parent / "content-audit"
GOOD = "good"


def _cli(
    data: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args, "--data-dir", str(data / "data"), "--reports-dir", str(data / "reports")],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
    )


def _digests(root: Path, run_id: str) -> dict[str, str]:
    """sha256 of every published file of a run (stage files, manifests, WARCs, run.json)."""
    out = {}
    for base in (root / "data" / "runs" / run_id, root / "data" / "raw" / run_id):
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _warehouse_state(root: Path, run_id: str) -> tuple[dict[str, int], list[tuple[str, ...]]]:
    warehouse = root / "data" / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = con.execute(
            "select finding_id from findings where run_id = ? order by finding_id", [run_id]
        ).fetchall()
    return table_counts(warehouse, run_id), ids


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory, demo_sites: list) -> Path:
    from pipeline.demo import write_demo_config

    root = tmp_path_factory.mktemp("lifecycle")
    # One demo site is enough to have every stage produce rows.
    write_demo_config(root / "sites.yaml", demo_sites[:1])
    proc = _cli(root, "run", "--config", str(root / "sites.yaml"), "--run-id", GOOD)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (root / "reports" / "latest.html").exists()
    return root


def _one_error_line(stderr: str, expected: str) -> None:
    """The failure is one readable line, last, with no traceback (warnings may precede it)."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and expected in errors[0], stderr
    assert stderr.strip().splitlines()[-1] == errors[0]
    assert "Traceback" not in stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Robots500(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robots_500() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Robots500)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", ["closed_port", "robots_500"])
def test_a_dead_site_exits_3_and_keeps_the_previous_report(
    good_run: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    url = (
        f"http://127.0.0.1:{_closed_port()}/"
        if kind == "closed_port"
        else request.getfixturevalue("robots_500")
    )
    cfg = good_run / f"dead-{kind}.yaml"
    cfg.write_text(f"sites:\n  - name: dead\n    url: {url}\ncrawl:\n  retries: 0\n")
    latest = (good_run / "reports" / "latest.html").read_bytes()
    run_id = f"dead-{kind}".replace("_", "-")

    proc = _cli(good_run, "run", "--config", str(cfg), "--run-id", run_id)

    assert proc.returncode == 3, proc.stderr[-3000:]
    _one_error_line(proc.stderr, "the crawl fetched no page")
    assert (good_run / "reports" / "latest.html").read_bytes() == latest
    assert not (good_run / "reports" / f"{run_id}.html").exists()
    with duckdb.connect(str(good_run / "data" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select run_id from v_latest_run").fetchall() == [(GOOD,)]
        status, stages = con.execute(
            "select status, stage_status ->> '$.crawl' from runs where run_id = ?", [run_id]
        ).fetchone()
    assert (status, stages) == ("empty", "empty")
    # The crawl's rows are kept with the run: they say why nothing was fetched.
    assert (good_run / "data" / "runs" / run_id / "crawl" / "pages.parquet").exists()


def test_a_rerun_killed_half_way_leaves_the_good_run_as_it_was(good_run: Path) -> None:
    files, rows = _digests(good_run, GOOD), _warehouse_state(good_run, GOOD)
    staging = good_run / "data" / "runs" / ".staging" / GOOD
    args = ["run", "--config", str(good_run / "sites.yaml"), "--run-id", GOOD]
    out = ["--data-dir", str(good_run / "data"), "--reports-dir", str(good_run / "reports")]
    proc = subprocess.Popen([str(EXE), *args, *out], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not (staging / "extract" / "_manifest.json").exists():
            assert proc.poll() is None, "the rerun ended before it was half-way"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # no cleanup of any kind can run
    finally:
        proc.wait(timeout=60)

    assert _digests(good_run, GOOD) == files
    assert _warehouse_state(good_run, GOOD) == rows

    # The next attempt clears the killed one's leftovers and succeeds.
    done = _cli(good_run, *args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not staging.exists()
    assert _warehouse_state(good_run, GOOD)[0] == rows[0]


def test_a_rerun_failing_at_the_load_exits_4_and_changes_nothing(good_run: Path) -> None:
    files, rows = _digests(good_run, GOOD), _warehouse_state(good_run, GOOD)
    args = ["run", "--config", str(good_run / "sites.yaml"), "--run-id", GOOD]
    # Another load holds the warehouse's writer lock past the rerun's patience (readers no
    # longer can: the load writes a copy, see test_warehouse_swap.py).
    with writer_lock(good_run / "data" / "warehouse.duckdb"):
        proc = _cli(good_run, *args, env={LOCK_WAIT_ENV: "1"})
    assert proc.returncode == 4, proc.stderr[-3000:]
    _one_error_line(proc.stderr, "another load holds")
    assert _digests(good_run, GOOD) == files
    assert _warehouse_state(good_run, GOOD) == rows
