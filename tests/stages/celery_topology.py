"""Start and stop the Celery deployment of ``pipeline.deploy`` for a test: real processes on this
machine's PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379).

The topology gets a database of its own (created here, dropped after) and a Redis db index of
its own (flushed before and after); every process is started in its own session and stopped by
its process group, so nothing outlives the test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.deploy import CeleryDeployment, pool_commands, worker_name

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_DB = 13
CRAWL, PROCESS, REPORT = "content_audit_crawl", "content_audit_process", "content_audit_report"
DAG_IDS = (CRAWL, PROCESS, REPORT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg(sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
    import psycopg2

    con = psycopg2.connect(dbname=dbname, **PG)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall()) if cur.description else []
    finally:
        con.close()


@dataclass
class Topology:
    root: Path
    dags_folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: int = 2
    deployment: CeleryDeployment = field(init=False)
    database: str = field(init=False)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.database = f"content_audit_test_{os.getpid()}_{int(time.time())}"
        self.deployment = CeleryDeployment(
            airflow_home=self.root / "airflow",
            dags_folder=self.dags_folder,
            database_url=f"postgresql+psycopg2://postgres@127.0.0.1:5432/{self.database}",
            broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
            api_port=free_port(),
            heartbeat_timeout_s=15,
        )

    # -- processes ----------------------------------------------------------------------------
    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        bin_dir = str(Path(sys.executable).parent)
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")},
            **self.deployment.environment(),
            **self.extra_env,
            **(extra or {}),
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        }

    def airflow(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            ["airflow", *args], env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        _pg(f'create database "{self.database}"')
        self._flush_redis()
        self.deployment.airflow_home.mkdir(parents=True, exist_ok=True)
        self.airflow("db", "migrate", timeout=300)
        for name, command in self.deployment.commands(workers=self.workers).items():
            extra = {}
            if name.startswith("worker-"):
                extra = self.deployment.worker_environment(name, free_port())
            log = (self.root / f"{name}.log").open("wb")
            self.processes[name] = subprocess.Popen(
                command,
                env=self.env(extra),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one below
            )
        # As documented: the pools the DAGs use (while the processes start; nothing runs a task
        # before the first trigger).
        for command in pool_commands():
            self.airflow(*command[1:])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name in self.processes:
            process = self.processes[name]
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                self.kill(name)
        with suppress(Exception):
            _pg(f'drop database if exists "{self.database}" with (force)')
        with suppress(Exception):
            self._flush_redis()

    def _flush_redis(self) -> None:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- waiting ------------------------------------------------------------------------------
    def wait_healthy(self, timeout: float = 180) -> float:
        """Seconds from now until the API reports the metadata DB, scheduler and DAG processor
        healthy, every worker is ready and the DAG is parsed."""
        start = time.monotonic()
        url = f"http://127.0.0.1:{self.deployment.api_port}/api/v2/monitor/health"
        while time.monotonic() - start < timeout:
            self._check_alive()
            if self._healthy(url) and self._workers_ready() and self._dag_parsed():
                return time.monotonic() - start
            time.sleep(1)
        raise TimeoutError(f"topology not healthy after {timeout} s:\n{self.tails()}")

    def _healthy(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                health = json.load(response)
        except OSError:
            return False
        parts = ("metadatabase", "scheduler", "dag_processor")
        return all((health.get(p) or {}).get("status") == "healthy" for p in parts)

    def _workers_ready(self) -> bool:
        return all(" ready." in self.log(worker_name(i)) for i in range(self.workers))

    def _dag_parsed(self) -> bool:
        try:
            rows = self.sql("select dag_id from dag where not is_paused")
        except Exception:
            return False
        return set(DAG_IDS) <= {str(r[0]) for r in rows}

    def _check_alive(self) -> None:
        dead = [n for n, p in self.processes.items() if p.poll() is not None]
        if dead:
            raise RuntimeError(f"processes exited: {dead}\n{self.tails()}")

    def tails(self) -> str:
        return "\n".join(f"--- {n}\n{self.log(n)[-1500:]}" for n in self.processes)

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        return _pg(query, self.database)

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the REST API as the simple auth manager's admin (password from the file the
        API server generated), as an operator's script would."""
        base = f"http://127.0.0.1:{self.deployment.api_port}"
        passwords = self.deployment.airflow_home / "simple_auth_manager_passwords.json.generated"
        login = {"username": "admin", "password": json.loads(passwords.read_text())["admin"]}
        token = self._request("POST", f"{base}/auth/token", login)["access_token"]
        return self._request(method, f"{base}{path}", body, token)

    @staticmethod
    def _request(method: str, url: str, body: Any, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    # -- runs ---------------------------------------------------------------------------------
    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any]) -> None:
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id, "--conf", json.dumps(conf))

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        rows = self.sql(
            f"select state from dag_run where dag_id = '{dag_id}' and run_id = '{run_id}'"
        )
        return str(rows[0][0]) if rows and rows[0][0] else None

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 600) -> str:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            state = self.run_state(dag_id, run_id)
            if state in ("success", "failed"):
                return state
            time.sleep(1)
        raise TimeoutError(f"{dag_id} run {run_id} not done after {timeout} s:\n{self.tails()}")

    def wait_triggered_run(self, dag_id: str, nth: int = 1, timeout: float = 120) -> str:
        """The run id of the ``nth`` run of ``dag_id`` the scheduler creates (Asset-triggered)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            rows = self.sql(
                f"select run_id, run_type from dag_run where dag_id = '{dag_id}' order by id"
            )
            if len(rows) >= nth:
                assert all(str(r[1]) == "asset_triggered" for r in rows), rows
                return str(rows[nth - 1][0])
            time.sleep(1)
        raise TimeoutError(f"no {dag_id} run created after {timeout} s:\n{self.tails()}")

    def task_tries(self, dag_id: str, run_id: str) -> list[tuple[str, int, int, str, str]]:
        """(task, map index, try, hostname, state) of every try of every task of the run."""
        where = f"dag_id = '{dag_id}' and run_id = '{run_id}'"
        columns = "task_id, map_index, try_number, hostname, state"
        rows = self.sql(
            f"select {columns} from task_instance where {where} union all "
            f"select {columns} from task_instance_history where {where} order by 1, 2, 3"
        )
        return [(str(t), int(i), int(n), str(h or ""), str(s or "")) for t, i, n, h, s in rows]
