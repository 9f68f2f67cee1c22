"""Test session setup.

Airflow reads its configuration at import time, so its environment is set here, before anything
imports airflow (see shared notes, pitfall 2). Each session gets a throw-away AIRFLOW_HOME.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_AIRFLOW_HOME = tempfile.mkdtemp(prefix="content-audit-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"

import pytest  # noqa: E402

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _cleanup_airflow_home() -> Iterator[None]:
    yield
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def demo_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list]:
    """The bundled demo blogs, built into a temp dir and served on 127.0.0.1 for the session."""
    from pipeline.demo import build_sites, serve_sites

    root = tmp_path_factory.mktemp("demo-sites")
    build_sites(root)
    with serve_sites(root) as served:
        yield served
