"""Readers get a read-only connection; only the load opens the warehouse for writing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.io import MissingInputError
from pipeline.warehouse import connect_readonly, migrate


def test_readers_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        migrate(con)

    with connect_readonly(path) as con:
        assert con.execute("select count(*) from runs").fetchone() == (0,)
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            con.execute("delete from runs")


def test_a_missing_warehouse_says_to_run_the_load(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="run the 'load' stage first"):
        connect_readonly(tmp_path / "warehouse.duckdb")
    assert not (tmp_path / "warehouse.duckdb").exists()  # and did not create an empty one
