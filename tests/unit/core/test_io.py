"""Streaming Parquet writes: atomic replacement, and key checks at 8 bytes a row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import io
from pipeline.io import DuplicateKeyError, TableWriter
from pipeline.records import primary_key

SCHEMA = pa.schema(
    [("run_id", pa.string()), ("k", pa.string()), ("n", pa.int32())],
    metadata=primary_key("run_id", "k"),
)


def _rows(keys: list[str]) -> list[dict[str, object]]:
    return [{"run_id": "r", "k": k, "n": i} for i, k in enumerate(keys)]


def test_rows_written_piece_by_piece_in_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    with TableWriter(path, SCHEMA, batch_rows=3) as out:
        out.write(_rows(["a", "b"]))
        out.write(_rows(["c", "d", "e"]))
        out.write(pa.Table.from_pylist(_rows(["f"]), schema=SCHEMA))
    assert out.rows == 6
    assert pq.read_table(path).column("k").to_pylist() == list("abcdef")
    assert pq.ParquetFile(path).metadata.num_row_groups >= 2


def test_a_duplicate_key_across_batches_fails_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"old")
    with (
        pytest.raises(DuplicateKeyError, match="k='b'"),
        TableWriter(path, SCHEMA, batch_rows=2) as out,
    ):
        out.write(_rows(["a", "b", "c", "d", "b"]))
    assert path.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_an_error_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), TableWriter(path, SCHEMA) as out:
        out.write(_rows(["a"]))
        raise RuntimeError("killed")
    assert path.read_bytes() == b"old" and list(tmp_path.iterdir()) == [path]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), max_size=12))
def test_hash_collisions_are_not_duplicates(
    tmp_path_factory: pytest.TempPathFactory, keys: list[str]
) -> None:
    """Every key hashed alike (the worst collision): only keys really written twice fail."""
    path = tmp_path_factory.mktemp("w") / "t.parquet"
    real = io._key_hashes
    io._key_hashes = lambda table, key: np.zeros(table.num_rows, np.int64)  # type: ignore[assignment]
    try:
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            with pytest.raises(DuplicateKeyError) as err:
                io.write_table(path, _rows(keys), SCHEMA, batch_rows=4)
            assert {ex[1] for ex in err.value.examples} <= dupes
        else:
            assert io.write_table(path, _rows(keys), SCHEMA, batch_rows=4) == len(keys)
    finally:
        io._key_hashes = real
