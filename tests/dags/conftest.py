"""Fixtures for the DAG tests: a migrated Airflow metadata DB and the parsed DAG folder.

The Airflow environment (temp AIRFLOW_HOME, DAGS_FOLDER, no examples) is set in tests/conftest.py
before anything imports airflow.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import DAG

DAGS_DIR: Path = ROOT / "dags"
DAG_IDS = ("content_audit_crawl", "content_audit_process", "content_audit_report")
CRAWL, PROCESS, REPORT = DAG_IDS


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """A fresh SQLite metadata DB for the session (about 6 s); ``dag.test()`` needs one."""
    from airflow.utils import db

    db.resetdb(skip_init=False)


@pytest.fixture(scope="session")
def dagbag() -> DagBag:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


@pytest.fixture(scope="session")
def dags(dagbag: DagBag) -> dict[str, DAG]:
    # ``dagbag.dags``, not ``get_dag()``: the latter also reads the metadata DB.
    missing = set(DAG_IDS) - set(dagbag.dags)
    assert not missing, f"{missing} not found; import errors: {dagbag.import_errors}"
    return {dag_id: dagbag.dags[dag_id] for dag_id in DAG_IDS}


def _parse_dag(dag_id: str) -> DAG:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    assert dag_id in bag.dags, f"{dag_id} not found; import errors: {bag.import_errors}"
    return bag.dags[dag_id]


@pytest.fixture
def parse_dag() -> Callable[[str], DAG]:
    """Parse the DAG file afresh, as a worker does for every task.

    Needed before each ``dag.test()``: running tasks in-process resolves DagRun.conf into the
    DAG's own Param objects (``Param.resolve`` stores the value, Airflow 3.3.2), so a second
    ``test()`` on the same DAG object would silently inherit the first run's conf.
    """
    return _parse_dag
