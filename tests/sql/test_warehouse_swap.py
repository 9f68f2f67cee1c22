"""Readers never block the load, a killed load changes nothing, two loads serialize (issue 20).

Every test runs real processes: a DuckDB reader or a writer in a child Python, the load in this
one, and (for the crash) SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.paths import RunPaths
from pipeline.warehouse import WarehouseError, run
from pipeline.warehouse.swap import writable

from .sample_run import write_sample_run
from .test_sql_load import CONFIG

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and SIGKILL")


def _child(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def _wait_for(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdout is not None
    got = proc.stdout.readline().strip()
    assert got == line, f"child said {got!r}"


def _runs(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [r[0] for r in con.execute("select run_id from runs order by run_id").fetchall()]


def test_a_reader_holding_the_file_open_never_blocks_the_load(data_dir: Path) -> None:
    first, second = RunPaths(data_dir, "run-a"), RunPaths(data_dir, "run-b")
    write_sample_run(first)
    write_sample_run(second)
    run(first, CONFIG)
    reader = _child(f"""
        import duckdb, sys
        con = duckdb.connect({str(first.warehouse)!r}, read_only=True)
        print("open", flush=True)
        sys.stdin.readline()  # the load runs meanwhile
        print(con.execute("select count(*) from runs").fetchone()[0], flush=True)
    """)
    try:
        _wait_for(reader, "open")
        for _ in range(3):  # loads while the reader holds the file: each succeeds
            run(second, CONFIG)
        assert reader.stdin is not None
        reader.stdin.write("go\n")
        reader.stdin.flush()
        _wait_for(reader, "1")  # the reader kept the file it opened: one run, still readable
    finally:
        reader.kill()
        reader.wait()
    assert _runs(first.warehouse) == ["run-a", "run-b"]  # a new reader sees the new file


def test_a_killed_load_leaves_the_previous_warehouse_intact(data_dir: Path) -> None:
    paths = RunPaths(data_dir, "run-a")
    write_sample_run(paths)
    run(paths, CONFIG)
    before = paths.warehouse.read_bytes()
    writer = _child(f"""
        from pathlib import Path
        from pipeline.warehouse.swap import writable
        with writable(Path({str(paths.warehouse)!r})) as con:
            con.execute("delete from runs")
            con.execute("create table half_done as select 1 as x")
            print("writing", flush=True)
            import time; time.sleep(60)
    """)
    _wait_for(writer, "writing")
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert paths.warehouse.read_bytes() == before
    assert _runs(paths.warehouse) == ["run-a"]
    # The next load sweeps the dead load's copy and succeeds.
    assert list(data_dir.glob("warehouse.duckdb.load-*"))
    run(RunPaths(data_dir, "run-a"), CONFIG)
    assert not list(data_dir.glob("warehouse.duckdb.load-*"))
    assert _runs(paths.warehouse) == ["run-a"]


def test_a_failing_load_changes_nothing(data_dir: Path) -> None:
    paths = RunPaths(data_dir, "run-a")
    write_sample_run(paths)
    run(paths, CONFIG)
    before = paths.warehouse.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), writable(paths.warehouse) as con:
        con.execute("delete from runs")
        raise RuntimeError("boom")
    assert paths.warehouse.read_bytes() == before
    assert not list(data_dir.glob("warehouse.duckdb.load-*"))


def test_two_loads_at_once_one_waits_then_fails_with_a_message(data_dir: Path) -> None:
    paths = RunPaths(data_dir, "run-a")
    write_sample_run(paths)
    run(paths, CONFIG)
    holder = _child(f"""
        import sys
        from pathlib import Path
        from pipeline.warehouse.swap import writable
        with writable(Path({str(paths.warehouse)!r})) as con:
            print("holding", flush=True)
            sys.stdin.readline()
    """)
    try:
        _wait_for(holder, "holding")
        started = time.monotonic()
        expected = rf"pid {holder.pid}\).*nothing was changed"
        with pytest.raises(WarehouseError, match=expected), writable(paths.warehouse, wait_s=1.0):
            pass
        assert time.monotonic() - started >= 1.0
        assert holder.stdin is not None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
    run(paths, CONFIG)  # once the first is done, the next load proceeds
    assert _runs(paths.warehouse) == ["run-a"]


def test_the_writer_runs_under_a_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's default buffer pool is 80 % of the machine (the load of 100,000 posts reached
    6.8 GB); the writer runs under 3 GB, or ``$CONTENT_AUDIT_DUCKDB_MEMORY``."""
    from pipeline.warehouse.swap import MEMORY_ENV

    path = tmp_path / "warehouse.duckdb"

    def limit() -> str:
        with writable(path) as con:
            row = con.execute("select current_setting('memory_limit')").fetchone()
        assert row is not None
        return str(row[0])

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert limit() == "2.7 GiB"  # 3 GB as DuckDB prints it
    monkeypatch.setenv(MEMORY_ENV, "512MB")
    assert limit() == "488.2 MiB"
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(WarehouseError, match=r"CONTENT_AUDIT_DUCKDB_MEMORY='lots'.*e\.g\. 4GB"):
        limit()
    assert path.exists()  # the loads that ran left a warehouse; the refused one changed nothing


def test_a_load_over_its_memory_limit_says_which_setting_to_raise(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key indexes must fit in DuckDB's memory limit: past it the load fails naming the setting,
    and the warehouse is the one before (the second 100,000-post run failed so at 2 GB)."""
    from pipeline.warehouse.swap import MEMORY_ENV

    paths = RunPaths(data_dir, "run-a")
    write_sample_run(paths)
    run(paths, CONFIG)
    before = paths.warehouse.read_bytes()
    monkeypatch.setenv(MEMORY_ENV, "1MB")
    too_big = "create table big as select range as i, md5(range::varchar) as h from range(2000000)"
    with (
        pytest.raises(WarehouseError, match="set CONTENT_AUDIT_DUCKDB_MEMORY higher"),
        writable(paths.warehouse) as con,
    ):
        con.execute(too_big)
        con.execute("create unique index big_h on big(h)")
    assert paths.warehouse.read_bytes() == before
    assert not list(data_dir.glob("warehouse.duckdb.load-*"))
