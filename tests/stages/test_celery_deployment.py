"""The distributed deployment, really started: api-server, scheduler, dag-processor, triggerer
and two Celery workers (``pipeline.deploy``) on this machine's PostgreSQL and Redis, running the
content_audit DAG over the demo sites.

Asserted, on one run: the worker running the first task seen running is SIGKILLed, the task is
retried on the other worker and the run succeeds with exactly the rows of the in-process demo
run (nothing lost, nothing twice); the run's tasks ran on both workers; a reader holding the
warehouse open throughout does not fail the load. Timings are printed for the README (``-s``).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.stages.celery_topology import Topology
from tests.stages.conftest import DemoRun, table_counts

pytestmark = [pytest.mark.slow, pytest.mark.celery]
ROOT = Path(__file__).resolve().parents[2]


def _services_up() -> bool:
    import socket

    for port in (5432, 6379):
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return False
    return True


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if not _services_up():
        pytest.fail("PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 must be running")
    if not (Path(sys.executable).parent / "airflow").exists():
        pytest.fail("the airflow CLI is not in this environment (make install)")
    root = tmp_path_factory.mktemp("celery")
    topo = Topology(
        root,
        ROOT / "dags",
        # Short retry delays for the kill test; set where the DAG is parsed and run.
        extra_env={"CONTENT_AUDIT_RETRY_DELAY_S": "2", "CONTENT_AUDIT_LOCK_WAIT_S": "120"},
    )
    try:
        started = time.monotonic()
        topo.start()
        healthy = topo.wait_healthy()
        print(f"\ncelery topology: migrate+start {time.monotonic() - started - healthy:.1f} s, "
              f"healthy after {healthy:.1f} s more")  # fmt: skip
        yield topo
    finally:
        topo.stop()


def _conf(demo_run: DemoRun, root: Path, run_id: str) -> dict[str, str]:
    from pipeline.demo import write_demo_config

    config = write_demo_config(root / "sites.yaml", demo_run.served)
    return {
        "config": str(config),
        "data_dir": str(root / "data"),
        "reports_dir": str(root / "reports"),
        "run_id": run_id,
    }


def test_a_run_on_two_workers_survives_a_killed_worker_and_a_reader(
    topology: Topology, demo_run: DemoRun
) -> None:
    from pipeline.warehouse import migrate
    from pipeline.warehouse.swap import writable

    expected = table_counts(demo_run.paths.warehouse, "demo")
    root = topology.root
    warehouse = root / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    with writable(warehouse) as con:  # an empty warehouse an analyst already has open
        migrate(con)

    # A reader holds the warehouse open throughout, and the worker running the first task seen
    # running is SIGKILLed: the task is retried on the other worker and the run succeeds.
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        topology.trigger("celery-1", _conf(demo_run, root, "celery-1"))
        triggered = time.monotonic()
        victim = None
        while victim is None and time.monotonic() - triggered < 300:
            running = topology.sql(
                "select task_id, hostname from task_instance where dag_id = 'content_audit' "
                "and run_id = 'celery-1' and state = 'running' and hostname like 'worker-%'"
            )
            if running:
                victim = (str(running[0][0]), str(running[0][1]))
                topology.kill(victim[1], signal.SIGKILL)
                killed_at = time.monotonic()
            else:
                time.sleep(0.5)
        assert victim is not None, "no task was seen running on a worker"
        state, _ = topology.wait_run("celery-1")
        print(f"celery run: {victim[1]} killed during {victim[0]}; {state} "
              f"{time.monotonic() - triggered:.1f} s after the trigger, "
              f"{time.monotonic() - killed_at:.1f} s after the kill")  # fmt: skip
        assert reader.execute("select count(*) from runs").fetchone() == (0,)  # its snapshot
    finally:
        reader.close()
    tries = topology.task_tries("celery-1")
    assert state == "success", (tries, topology.tails())
    task, killed = victim
    mine = [t for t in tries if t[0] == task]
    assert len(mine) >= 2 and mine[0][2] == killed, mine  # the killed try and the retry
    survivor = ({"worker-a", "worker-b"} - {killed}).pop()
    assert mine[-1][2] == survivor and mine[-1][3] == "success", mine
    # The run's tasks ran on both workers: the killed try on one, the rest on the other.
    assert {host for _, _, host, _ in tries} == {"worker-a", "worker-b"}, tries
    # Nothing lost, nothing twice: exactly the rows of the in-process demo run.
    assert table_counts(warehouse, "celery-1") == expected
