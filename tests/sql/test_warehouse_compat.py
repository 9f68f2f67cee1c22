"""The warehouse opens in DuckDB 1.x, the engine analysts' own clients bundle (issue 20).

DuckDB 2.0 writes its own storage format by default, which 1.x refuses ("Trying to read a
database file with version number 999, but we can only read versions between 64 and 67"). The
load writes storage version v1.0.0 (``swap.STORAGE_VERSION``); a real DuckDB 1.4 (the LTS line,
in its own locked environment, ``tests/compat/duckdb1``) opens it and runs the README's queries.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pipeline.paths import RunPaths
from pipeline.warehouse import run
from pipeline.warehouse.swap import STORAGE_FILE_VERSION, file_version

from .sample_run import write_sample_run
from .test_sql_load import CONFIG

ROOT = Path(__file__).resolve().parents[2]
DUCKDB1 = ROOT / "tests" / "compat" / "duckdb1" / ".venv" / "bin" / "python"
# The README's example questions, as an analyst would type them.
QUERIES = [
    "select site, posts, avg_audit_score from v_site_summary where run_id = 'run-a' order by site",
    "select kind, severity, evidence from v_post_findings where run_id = 'run-a' order by kind",
    "select topic_id, parent_id, posts from v_topic_summary where run_id = 'run-a' order by 1",
    "select comment from duckdb_tables() where table_name = 'posts'",
]


def _rows(python: Path | str, path: Path) -> list:
    code = f"""
        import duckdb, json
        con = duckdb.connect({str(path)!r}, read_only=True)
        print(json.dumps([con.execute(q).fetchall() for q in {QUERIES!r}], default=str))
    """
    proc = subprocess.run(
        [str(python), "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture
def loaded(data_dir: Path) -> RunPaths:
    paths = RunPaths(data_dir, "run-a")
    write_sample_run(paths)
    run(paths, CONFIG)
    return paths


def test_the_load_writes_the_storage_format_duckdb_1_reads(loaded: RunPaths) -> None:
    assert file_version(loaded.warehouse) == STORAGE_FILE_VERSION


def test_duckdb_1_opens_the_warehouse_and_answers_like_duckdb_2(loaded: RunPaths) -> None:
    assert DUCKDB1.exists(), "run `make install` (it syncs tests/compat/duckdb1)"
    expected = _rows(sys.executable, loaded.warehouse)
    assert expected[0] and expected[3] == [[expected[3][0][0]]]  # rows, and a table comment
    assert _rows(DUCKDB1, loaded.warehouse) == expected


def test_a_warehouse_in_duckdb_2_format_is_rebuilt_by_the_next_load(loaded: RunPaths) -> None:
    # What an earlier version of the program left: the same warehouse in 2.0's own format.
    legacy = loaded.warehouse.with_name("legacy.duckdb")
    with duckdb.connect(str(legacy)) as con:
        con.execute(f"attach '{loaded.warehouse}' as current (read_only)")
        con.execute("copy from database current to legacy")
    assert file_version(legacy) != STORAGE_FILE_VERSION
    legacy.replace(loaded.warehouse)
    before = _rows(sys.executable, loaded.warehouse)

    run(RunPaths(loaded.data_dir, "run-a"), CONFIG)

    assert file_version(loaded.warehouse) == STORAGE_FILE_VERSION
    assert _rows(sys.executable, loaded.warehouse) == before  # tables, views, comments kept
