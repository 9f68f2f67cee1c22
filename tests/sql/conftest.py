"""Fixtures for the warehouse tests: sample runs written as Parquet under a tmp data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.paths import RunPaths
from tests.sql.sample_run import write_sample_run


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run_a(data_dir: Path, tmp_path: Path) -> RunPaths:
    paths = RunPaths(data_dir, "run-a", tmp_path / "reports")
    write_sample_run(paths)
    return paths


@pytest.fixture
def run_b(data_dir: Path, tmp_path: Path) -> RunPaths:
    paths = RunPaths(data_dir, "run-b", tmp_path / "reports")
    write_sample_run(paths, second=True)
    return paths
