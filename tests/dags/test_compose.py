"""docker-compose.yml and the Dockerfile, checked as data (no Docker engine on CI machines).

What ``docker compose config`` would not catch: services that cannot talk to each other (different
JWT secrets, a wrong Execution API URL), volumes the DAG's env vars do not point into, an image
whose Airflow differs from the one the project pins.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
import yaml

from pipeline.airflow_tasks import ENV_CONFIG, ENV_DATA_DIR, ENV_REPORTS_DIR
from pipeline.config import load_config
from tests.conftest import ROOT

AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
    "airflow-cli",
}
LONG_RUNNING = AIRFLOW_SERVICES - {"airflow-init", "airflow-cli"}
MOUNTS = {"dags", "logs", "config", "data", "reports"}
REQUIRED_VAR = re.compile(r"^\$\{(?P<name>[A-Z_]+):\?[^}]+\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    svc: dict[str, Any] = compose["services"]
    return svc


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host dir name, for mounts like ``${AIRFLOW_PROJ_DIR:-.}/dags:/opt/...``."""
    out = {}
    for spec in service.get("volumes", []):
        # The first ':' of the spec may sit inside ${...}; split after the closing brace.
        host, container = spec[spec.find("}") + 1 :].split(":", 1)
        out[container] = host.rsplit("/", 1)[-1]
    return out


def test_services(services: dict[str, Any]) -> None:
    assert set(services) == AIRFLOW_SERVICES | {"postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7.2-bookworm"
    assert services["airflow-cli"]["profiles"] == ["debug"]
    commands = {name: services[name].get("command") for name in LONG_RUNNING}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-worker": "celery worker",
        "airflow-triggerer": "triggerer",
    }


def test_healthchecks_and_start_order(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING | {"postgres", "redis"}:
        assert services[name]["healthcheck"]["test"], name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    for name in LONG_RUNNING:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    # The worker's tasks call the Execution API: it must be up before they start.
    worker_deps = services["airflow-worker"]["depends_on"]
    assert worker_deps["airflow-apiserver"]["condition"] == "service_healthy"


def test_api_is_published_on_loopback_only(services: dict[str, Any]) -> None:
    assert services["airflow-apiserver"]["ports"] == ["127.0.0.1:8080:8080"]
    assert "8080" in str(services["airflow-apiserver"]["healthcheck"]["test"])


def test_airflow_services_share_secrets_and_settings(services: dict[str, Any]) -> None:
    envs = {name: services[name]["environment"] for name in AIRFLOW_SERVICES}
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY"):
        values = {env[key] for env in envs.values()}
        assert len(values) == 1, f"{key} differs between services: {values}"
        (value,) = values
        assert REQUIRED_VAR.match(value), f"{key} must be a required variable, got {value!r}"
    for name, env in envs.items():
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert str(env["AIRFLOW__CORE__LOAD_EXAMPLES"]).lower() == "false", name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
            "http://airflow-apiserver:8080/execution/"
        ), name
    for name in AIRFLOW_SERVICES:  # tini as PID 1 forwards SIGTERM: a worker stops warm
        assert services[name]["init"] is True, name
    assert services["airflow-worker"]["stop_grace_period"] == "5m"


def test_volumes_and_pipeline_env(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        mounts = _mounts(services[name])
        assert {f"/opt/airflow/{d}": d for d in MOUNTS}.items() <= mounts.items(), name
        env = services[name]["environment"]
        # The DAG's tasks read these (pipeline.airflow_tasks); each must point into a mount.
        assert env[ENV_CONFIG] == "/opt/airflow/config/sites.yaml", name
        assert env[ENV_DATA_DIR] == "/opt/airflow/data", name
        assert env[ENV_REPORTS_DIR] == "/opt/airflow/reports", name


def test_image_is_built_from_this_repo(compose: dict[str, Any], services: dict[str, Any]) -> None:
    assert compose["x-airflow-common"]["build"] == "."
    assert all(services[name]["build"] == "." for name in AIRFLOW_SERVICES)
    assert (ROOT / "Dockerfile").is_file()


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_image_installs_exactly_the_lock_make_install_installs() -> None:
    # Before: `pip install .` on the apache/airflow image, so the versions were whatever was
    # newest at build time, not the ones the tests ran.
    dockerfile = _dockerfile()
    assert "pip install" not in dockerfile
    syncs = re.findall(r"^RUN uv sync ([^\n&]+)", dockerfile, flags=re.MULTILINE)
    assert len(syncs) == 2, syncs  # dependencies, then the project
    assert all("--locked" in s and "--extra celery" in s for s in syncs), syncs
    assert all("--no-dev" in s for s in syncs)
    makefile = (ROOT / "Makefile").read_text()
    assert "sync --locked --extra celery" in makefile  # make install
    # The same uv as `make install`, and a Python the project supports.
    uv_version = re.search(r"^UV_VERSION \?= (\S+)$", makefile, flags=re.MULTILINE)
    assert uv_version and f"ghcr.io/astral-sh/uv:{uv_version[1]} " in dockerfile
    base = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert base == ["python:3.11-slim-bookworm"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert ">=3.11" in project["requires-python"]
    assert 'ENTRYPOINT ["airflow"]' in dockerfile and "USER 50000" in dockerfile


def test_service_commands_are_commands_of_the_locked_airflow(services: dict[str, Any]) -> None:
    # Parsed by the Airflow CLI of this venv (the lock's), so a command the image's Airflow
    # does not have (like `celery worker` without the provider) fails here, without an engine.
    from airflow.cli.cli_parser import get_parser

    parser = get_parser()
    for name in LONG_RUNNING | {"airflow-cli"}:
        args = parser.parse_args(str(services[name]["command"]).split())
        assert callable(args.func), name


def test_init_creates_the_pools_the_dags_use(services: dict[str, Any]) -> None:
    import shlex

    from pipeline.deploy import pool_commands

    script = services["airflow-init"]["command"][1]
    created = [shlex.split(line) for line in script.splitlines() if "airflow pools set" in line]
    assert created == pool_commands()
    assert "airflow db migrate" in script
    # What `content-audit airflow-pools` prints for other deployments: the same lines.
    from click.testing import CliRunner

    from pipeline.cli import main

    printed = CliRunner().invoke(main, ["airflow-pools"]).output.splitlines()
    assert [shlex.split(line) for line in printed] == created


def test_dockerignore_keeps_what_the_dockerfile_copies() -> None:
    sources = set()
    for line in re.findall(r"^COPY\s+(.+)$", _dockerfile(), flags=re.MULTILINE):
        if line.startswith("--from="):  # from another image, not the build context
            continue
        args = [a for a in line.split() if not a.startswith("--")]
        sources.update(a.rstrip("/") for a in args[:-1])
    assert sources == {"pyproject.toml", "uv.lock", "README.md", "sql", "pipeline"}
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert "**" in ignore  # deny by default: the local .venv alone is ~500 MB
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert sources <= kept


def test_examples_are_valid() -> None:
    config = load_config(ROOT / "docker" / "sites.example.yaml")
    assert config.sites
    compose_text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", compose_text))
    assert required == {"AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET"}
    env_example = (ROOT / "docker" / "env.example").read_text()
    for name in required:
        assert re.search(rf"^{name}=", env_example, flags=re.MULTILINE), name
