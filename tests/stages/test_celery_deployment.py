"""The distributed deployment, really started: api-server, scheduler, dag-processor, triggerer
and two Celery workers (``pipeline.deploy``) on this machine's PostgreSQL and Redis, running the
three DAGs over the demo sites: content_audit_crawl triggered by hand, content_audit_process and
content_audit_report started by the scheduler on the Assets the one before updated.

Asserted, on one run: the mapped crawl_site tasks run on both workers at once; the worker running
one of them is SIGKILLed, that site is retried on the other worker and the run succeeds with
exactly the rows of the in-process demo run (nothing lost, nothing twice); a reader holding the
warehouse open throughout does not fail the load; the crawl's deadline (set short here) is missed
and its alert reaches a webhook served on 127.0.0.1 from the triggerer. Then one site is rerun
through the REST API (its mapped task cleared with what follows): only it is crawled again, the
run is processed again on the Asset event, and the warehouse rows stay the same. Timings are
printed for the README (``-s``).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.stages.celery_topology import CRAWL, PROCESS, REPORT, Topology
from tests.stages.conftest import DemoRun, table_counts
from tests.webhook import webhook_server

pytestmark = [pytest.mark.slow, pytest.mark.celery]
ROOT = Path(__file__).resolve().parents[2]
# Seconds between two requests to one site: long enough that the crawl_site tasks overlap and
# one can be killed mid-crawl, short enough for the test (about 15 URLs per demo site).
CRAWL_DELAY_S = 0.3


def _services_up() -> bool:
    import socket

    for port in (5432, 6379):
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return False
    return True


@pytest.fixture(scope="module")
def alerts() -> Iterator[tuple[str, list[dict]]]:
    """A webhook on 127.0.0.1 collecting the alerts."""
    with webhook_server() as (base, received):
        yield f"{base}/hook", received


@pytest.fixture(scope="module")
def topology(
    tmp_path_factory: pytest.TempPathFactory, alerts: tuple[str, list[dict]]
) -> Iterator[Topology]:
    if not _services_up():
        pytest.fail("PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 must be running")
    if not (Path(sys.executable).parent / "airflow").exists():
        pytest.fail("the airflow CLI is not in this environment (make install)")
    root = tmp_path_factory.mktemp("celery")
    topo = Topology(
        root,
        ROOT / "dags",
        # Set where the DAGs are parsed and run: short retry delays for the kill test, a crawl
        # deadline of 9 s (missed on purpose), the webhook the alerts go to.
        extra_env={
            "CONTENT_AUDIT_RETRY_DELAY_S": "2",
            "CONTENT_AUDIT_LOCK_WAIT_S": "120",
            "CONTENT_AUDIT_CRAWL_DEADLINE_H": str(9 / 3600),
            "CONTENT_AUDIT_ALERT_WEBHOOK": alerts[0],
            # Look for the killed worker's task every 2 s (default 10 s): a faster test.
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
        },
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

    config = write_demo_config(root / "sites.yaml", demo_run.served, delay_s=CRAWL_DELAY_S)
    return {
        "config": str(config),
        "data_dir": str(root / "data"),
        "reports_dir": str(root / "reports"),
        "run_id": run_id,
    }


def _overlapping_crawls(topology: Topology, run_id: str, timeout: float = 300) -> list[tuple]:
    """Wait until crawl_site tasks run on both workers at once; (map index, worker) of each."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        running = topology.sql(
            f"select map_index, hostname from task_instance where dag_id = '{CRAWL}' and "
            f"run_id = '{run_id}' and task_id = 'crawl_site' and state = 'running' "
            "and hostname like 'worker-%' order by map_index"
        )
        if len({host for _, host in running}) == 2:
            return running
        time.sleep(0.2)
    raise AssertionError(f"crawl_site never ran on both workers at once:\n{topology.tails()}")


def test_a_run_on_two_workers_survives_a_killed_worker_and_a_reader(
    topology: Topology, demo_run: DemoRun, alerts: tuple[str, list[dict]]
) -> None:
    from pipeline.warehouse import migrate
    from pipeline.warehouse.swap import writable

    expected = table_counts(demo_run.paths.warehouse, "demo")
    root = topology.root
    warehouse = root / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    with writable(warehouse) as con:  # an empty warehouse an analyst already has open
        migrate(con)

    # A reader holds the warehouse open throughout. Once the mapped crawl runs on both workers,
    # the worker crawling the first site is SIGKILLed: that site is retried on the other worker.
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        topology.trigger(CRAWL, "celery-1", _conf(demo_run, root, "celery-1"))
        triggered = time.monotonic()
        running = _overlapping_crawls(topology, "celery-1")
        victim_index, victim = int(running[0][0]), str(running[0][1])
        topology.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        crawled = topology.wait_run(CRAWL, "celery-1")
        assert crawled == "success", (topology.task_tries(CRAWL, "celery-1"), topology.tails())
        crawl_done = time.monotonic()
        # The scheduler starts the next DAGs on the Assets the crawl and the load updated.
        process_run = topology.wait_triggered_run(PROCESS)
        processed = topology.wait_run(PROCESS, process_run)
        report_run = topology.wait_triggered_run(REPORT)
        reported = topology.wait_run(REPORT, report_run)
        print(f"celery run: {victim} killed during crawl_site[{victim_index}]; crawl "
              f"{crawl_done - triggered:.1f} s ({crawl_done - killed_at:.1f} s after the kill), "
              f"crawl to report done {time.monotonic() - triggered:.1f} s")  # fmt: skip
        assert reader.execute("select count(*) from runs").fetchone() == (0,)  # its snapshot
    finally:
        reader.close()
    assert processed == "success", (topology.task_tries(PROCESS, process_run), topology.tails())
    assert reported == "success", (topology.task_tries(REPORT, report_run), topology.tails())

    tries = topology.task_tries(CRAWL, "celery-1")
    mine = [t for t in tries if t[:2] == ("crawl_site", victim_index)]
    assert len(mine) >= 2 and mine[0][3] == victim, mine  # the killed try and the retry
    survivor = ({"worker-a", "worker-b"} - {victim}).pop()
    assert mine[-1][3] == survivor and mine[-1][4] == "success", mine
    # One mapped task per site, every one succeeded, each site crawled by one final try.
    final = {i: (host, state) for task, i, _, host, state in tries if task == "crawl_site"}
    assert sorted(final) == list(range(len(demo_run.served))), tries
    assert all(state == "success" for _, state in final.values()), tries
    # Nothing lost, nothing twice: exactly the rows of the in-process demo run.
    assert table_counts(warehouse, "celery-1") == expected
    assert (root / "reports" / "celery-1.html").is_file()
    # The crawl outlived its 9 s deadline: the triggerer posted the alert.
    texts = [a["text"] for a in alerts[1]]
    late = [t for t in texts if t.startswith(f"content-audit: {CRAWL} run celery-1 is still")]
    assert late, alerts[1]

    # Rerun one site, as an operator does through the REST API (or the UI): clear its mapped
    # task and what follows. Only that site is crawled again, the crawl is reassembled, the
    # Asset event processes the run again, and the warehouse holds the same rows.
    before = _last_tries(topology, CRAWL, "celery-1")
    topology.api(
        "POST",
        f"/api/v2/dags/{CRAWL}/clearTaskInstances",
        {
            "dry_run": False,
            "dag_run_id": "celery-1",
            "task_ids": [["crawl_site", 1]],
            "include_downstream": True,
            "only_failed": False,
        },
    )
    cleared = time.monotonic()
    again = topology.wait_triggered_run(PROCESS, nth=2, timeout=300)
    assert topology.wait_run(PROCESS, again) == "success", topology.tails()
    # And reported again (waiting also means no task is left running for the teardown, where a
    # worker's warm shutdown would wait for it).
    assert topology.wait_run(REPORT, topology.wait_triggered_run(REPORT, nth=2)) == "success"
    print(f"one site rerun: reported again {time.monotonic() - cleared:.1f} s after the clear")
    after = _last_tries(topology, CRAWL, "celery-1")
    rerun = {key for key in after if after[key] != before[key]}
    assert rerun == {("crawl_site", 1), ("crawl", -1)}, (before, after)
    assert table_counts(warehouse, "celery-1") == expected


def _last_tries(topology: Topology, dag_id: str, run_id: str) -> dict[tuple[str, int], int]:
    """(task, map index) -> its latest try number."""
    last: dict[tuple[str, int], int] = {}
    for task, index, number, _, _ in topology.task_tries(dag_id, run_id):
        last[(task, index)] = max(number, last.get((task, index), 0))
    return last
