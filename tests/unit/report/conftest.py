"""A warehouse holding two loaded runs of the sample sites, for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.paths import RunPaths
from pipeline.warehouse import run as load
from tests.sql.sample_run import CONFIG, write_sample_run


@pytest.fixture
def loaded_runs(tmp_path: Path) -> tuple[RunPaths, RunPaths]:
    data, reports = tmp_path / "data", tmp_path / "reports"
    first, second = RunPaths(data, "run-a", reports), RunPaths(data, "run-b", reports)
    write_sample_run(first)
    write_sample_run(second, second=True)
    load(first, CONFIG)
    load(second, CONFIG)
    return first, second
