"""`content-audit demo` (what `make demo` runs): summary printed, and a rerun replaces the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stages.conftest import table_counts

pytestmark = pytest.mark.slow

EXE = Path(sys.executable).parent / "content-audit"


def _demo(tmp_path: Path) -> str:
    proc = subprocess.run(
        [
            str(EXE),
            "demo",
            "--data-dir",
            str(tmp_path / "data"),
            "--reports-dir",
            str(tmp_path / "reports"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_demo_prints_summary_and_reruns_identically(tmp_path: Path) -> None:
    out = _demo(tmp_path)
    for label in (
        "sites",
        "pages fetched",
        "posts",
        "duplicate groups",
        "topics",
        "posts with findings",
    ):
        assert label in out, out
    assert str(tmp_path / "data" / "warehouse.duckdb") in out.replace("\n", "")
    assert "latest.html" in out
    first = table_counts(tmp_path / "data" / "warehouse.duckdb", "demo")
    _demo(tmp_path)
    assert table_counts(tmp_path / "data" / "warehouse.duckdb", "demo") == first
    assert first["posts"] > 0
