"""One real end-to-end run over the demo sites, shared by the stage acceptance tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipeline.io import StageSummary
from pipeline.paths import RunPaths


@dataclass
class DemoRun:
    paths: RunPaths
    served: list  # list[ServedSite]
    sites: list  # list[DemoSite]
    summaries: dict[str, StageSummary]

    def url(self, site: str, path: str) -> str:
        base = next(s.url for s in self.served if s.name == site)
        return base.rstrip("/") + path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.paths.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory, demo_sites: list) -> DemoRun:
    from pipeline.demo import build_sites, write_demo_config
    from pipeline.runner import resolve_config, run_all

    tmp = tmp_path_factory.mktemp("demo-run")
    sites = build_sites(tmp / "site-manifest")  # same deterministic build as the served one
    cfg = write_demo_config(tmp / "sites.yaml", demo_sites)
    paths = RunPaths(tmp / "data", "demo", tmp / "reports")
    summaries = run_all(paths, resolve_config(paths, cfg))
    return DemoRun(paths, demo_sites, sites, summaries)


def table_counts(warehouse: Path, run_id: str) -> dict[str, int]:
    """Rows per warehouse table for one run (every table carries run_id)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.columns "
                "where column_name = 'run_id' and table_schema = 'main' "
                "and table_name in (select table_name from information_schema.tables "
                "where table_type = 'BASE TABLE')"
            ).fetchall()
        ]
        return {
            t: con.execute(
                "select count(*) from query_table(?) where run_id = ?", [t, run_id]
            ).fetchone()[0]
            for t in sorted(tables)
        }
