"""The distributed deployment on one machine: CeleryExecutor, PostgreSQL metadata, Redis broker.

``CeleryDeployment`` holds what every Airflow process of the topology must agree on (database,
broker, Execution API address, fernet key and JWT secret) and gives each process its command and
environment: ``airflow api-server``, ``scheduler``, ``dag-processor``, ``triggerer`` and Celery
workers. ``content-audit celery-env`` prints the same environment as shell ``export`` lines (the
README's "Run it under Celery"), and ``tests/celery`` starts the topology from it, so the
documented commands are the tested ones.

Every worker must see the same data directory (``CONTENT_AUDIT_DATA_DIR``): stages exchange
files, and a task retried on another worker reads what the first one wrote.

Nothing here imports airflow: the values are plain environment variables, read by each process
when it starts (see ``../shared/notes/airflow3-recipe.md`` for the pitfalls each one avoids).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

WORKER_NAME_ENV = "CONTENT_AUDIT_WORKER_NAME"


def worker_hostname() -> str:
    """The name a task instance records as its ``hostname``: the worker's own name when the
    deployment gives it one (two workers on one machine would otherwise both report the
    machine's name), else the machine's fully qualified name, Airflow's default."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


def new_fernet_key() -> str:
    """A Fernet key (32 random bytes, urlsafe base64), as ``cryptography.Fernet.generate_key``."""
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True, slots=True)
class CeleryDeployment:
    airflow_home: Path
    dags_folder: Path
    database_url: str  # postgresql+psycopg2://user@127.0.0.1:5432/dbname
    broker_url: str  # redis://127.0.0.1:6379/<db index>
    api_port: int = 8080
    api_host: str = "127.0.0.1"
    fernet_key: str = field(default_factory=new_fernet_key)
    # One secret for every process: task tokens signed by the scheduler must verify in the API.
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(64))
    # A task whose worker died is noticed after this long (Airflow's default is 300 s).
    heartbeat_timeout_s: int = 60
    # Redis keeps an un-acked task message this long before redelivering it (default: a day).
    visibility_timeout_s: int = 3600
    parallelism: int = 8

    @property
    def result_backend(self) -> str:
        """Celery's result backend: the metadata database, through SQLAlchemy."""
        return "db+" + self.database_url.replace("postgresql+psycopg2://", "postgresql://", 1)

    def environment(self) -> dict[str, str]:
        """The ``AIRFLOW__*`` settings every process of the topology shares."""
        base_url = f"http://{self.api_host}:{self.api_port}"
        return {
            "AIRFLOW_HOME": str(self.airflow_home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__FERNET_KEY": self.fernet_key,
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "pipeline.deploy.worker_hostname",
            # Workers reach the Execution API here; the default (port 8080 on localhost) would
            # send them to whatever else listens there.
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.database_url,
            "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": self.result_backend,
            "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": str(
                self.visibility_timeout_s
            ),
            "AIRFLOW__API__HOST": self.api_host,
            "AIRFLOW__API__PORT": str(self.api_port),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(self.heartbeat_timeout_s),
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        }

    def worker_environment(self, name: str, log_server_port: int) -> dict[str, str]:
        """A worker's extra settings: its own name and log-server port (two workers on one
        machine cannot share the default 8793)."""
        return {
            WORKER_NAME_ENV: name,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(log_server_port),
        }

    def commands(self, workers: int = 2, concurrency: int = 1) -> dict[str, list[str]]:
        """Process name -> command line of each long-running process of the topology."""
        out = {
            "api-server": ["airflow", "api-server"],
            "scheduler": ["airflow", "scheduler"],
            "dag-processor": ["airflow", "dag-processor"],
            "triggerer": ["airflow", "triggerer"],
        }
        for i in range(workers):
            name = worker_name(i)
            out[name] = ["airflow", "celery", "worker", "-H", f"{name}@%h", "-c", str(concurrency)]
        return out

    def export_lines(self) -> str:
        """The shared environment as shell ``export`` lines (values quoted for sh)."""
        import shlex

        return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in self.environment().items())


def worker_name(index: int) -> str:
    return f"worker-{chr(ord('a') + index)}"


# Pools the DAGs use, created once per deployment (``content-audit airflow-pools``; compose's
# airflow-init): name -> (slots, description). Tasks in a pool that does not exist are never
# scheduled, so the deployment test and the compose file create exactly these.
POOLS: dict[str, tuple[int, str]] = {
    "crawl": (4, "content-audit: crawl_site tasks running at once (each crawls one site)"),
    "warehouse": (1, "content-audit: the single writer of warehouse.duckdb (the load task)"),
}


def pool_commands() -> list[list[str]]:
    """``airflow pools set`` for every pool the DAGs use (idempotent: it updates)."""
    return [["airflow", "pools", "set", name, str(n), desc] for name, (n, desc) in POOLS.items()]
