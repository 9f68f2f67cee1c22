"""File I/O shared by the stages: atomic Parquet and manifest writes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.paths import RunPaths

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported where a table is read or written, not here: it is ~80 MB of RSS, and the
# crawl (which imports this module for StageSummary) only needs it once, at the end.


WRITE_BATCH_ROWS = 2048


class MissingInputError(FileNotFoundError):
    """A stage's input from an earlier stage does not exist; run that stage first."""


class DuplicateKeyError(ValueError):
    """A stage produced rows that break their warehouse table's key: a bug in that stage,
    caught where it happens (nothing is written) instead of at the load."""

    def __init__(self, path: Path, key: tuple[str, ...], examples: list[tuple[Any, ...]]) -> None:
        self.path, self.key, self.examples = path, key, examples
        shown = "; ".join(
            ", ".join(f"{c}={v!r}" for c, v in zip(key, ex, strict=True)) for ex in examples
        )
        super().__init__(f"{path.name}: duplicate key ({', '.join(key)}): {shown}")


_KEY_EXAMPLES = 5


def link_or_copy(source: Path, target: Path) -> None:
    """``source`` at ``target`` too, replacing it atomically: a hard link (no space, no copy
    time) where the file system allows, else a copy; nothing to do when it is already there."""
    if target.exists() and os.path.samefile(source, target):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.link-tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(
    path: Path,
    rows: Iterable[Mapping[str, Any]] | pa.Table,
    schema: pa.Schema,
    *,
    batch_rows: int = WRITE_BATCH_ROWS,
) -> int:
    """Write rows (dicts or an Arrow table) with ``schema`` to ``path`` atomically; return count.

    Dict rows are converted ``batch_rows`` at a time, one row group each, so the Arrow
    copy of a large stage output never exists whole next to the Python rows (the crawl's
    10,000 rows took the process from 84 to 189 MB converted in one piece).

    A schema declaring a primary key (``pipeline.records.primary_key``) has it checked: a
    repeated key raises ``DuplicateKeyError`` naming the rows, and the file is not replaced.
    """
    with TableWriter(path, schema, batch_rows=batch_rows) as writer:
        writer.write(rows)
    return writer.rows


class TableWriter:
    """``write_table`` a piece at a time: rows written as they come (a stage that streams its
    output never holds it whole), the file replaced atomically when the block exits without
    an error, and left as it was otherwise.

    >>> with TableWriter(path, POSTS) as out:   # doctest: +SKIP
    ...     for site in sites:
    ...         out.write(rows_of(site))
    """

    def __init__(self, path: Path, schema: pa.Schema, *, batch_rows: int = WRITE_BATCH_ROWS):
        from pipeline.records import key_columns

        self.path, self.schema, self.batch_rows = path, schema, batch_rows
        self.key = key_columns(schema)
        self.rows = 0
        # 8 bytes per row (the key tuple's hash), not the tuple: blocks reach 12 M rows at
        # 100,000 posts, whose key tuples alone would take ~2 GB.
        self._hashes: list[Any] = []
        self._pending: list[Mapping[str, Any]] = []
        self._tmp: str | None = None
        self._writer: Any = None

    def __enter__(self) -> TableWriter:
        import pyarrow.parquet as pq

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        os.close(fd)
        self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        return self

    def write(self, rows: Iterable[Mapping[str, Any]] | pa.Table) -> None:
        """Add rows; dict rows go out ``batch_rows`` at a time (one row group each)."""
        import pyarrow as pa

        if isinstance(rows, pa.Table):
            self._flush()
            self._write(rows.select(self.schema.names).cast(self.schema))
            return
        for row in rows:
            self._pending.append(row)
            if len(self._pending) >= self.batch_rows:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            batch, self._pending = self._pending, []
            self._write(pa.Table.from_pylist(batch, schema=self.schema))

    def _write(self, table: pa.Table) -> None:
        if self.key and table.num_rows:
            self._hashes.append(_key_hashes(table, self.key))
        self._writer.write_table(table)
        self.rows += table.num_rows

    def _duplicates(self) -> list[tuple[Any, ...]]:
        assert self._tmp is not None
        return _duplicate_keys(self._tmp, self.key, self._hashes)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._tmp is not None
        try:
            if exc_type is None:
                self._flush()
            self._writer.close()
            if exc_type is None and (dupes := self._duplicates()):
                raise DuplicateKeyError(self.path, self.key, dupes)
            if exc_type is None:
                os.replace(self._tmp, self.path)
        finally:
            Path(self._tmp).unlink(missing_ok=True)


def _key_hashes(table: pa.Table | pa.RecordBatch, key: tuple[str, ...]) -> Any:
    import numpy as np

    columns = [table.column(c).to_pylist() for c in key]
    return np.fromiter((hash(k) for k in zip(*columns, strict=True)), np.int64, table.num_rows)


def _duplicate_keys(path: str, key: tuple[str, ...], hashes: list[Any]) -> list[tuple[Any, ...]]:
    """The first few keys written twice to ``path``: equal hashes found by sorting, then
    confirmed on the key values themselves (a hash collision is not a duplicate)."""
    import numpy as np
    import pyarrow.parquet as pq

    if not hashes:
        return []
    ordered = np.sort(np.concatenate(hashes))
    repeated = set(ordered[1:][ordered[1:] == ordered[:-1]].tolist())
    if not repeated:
        return []
    seen: set[tuple[Any, ...]] = set()
    dupes: list[tuple[Any, ...]] = []
    for batch in pq.ParquetFile(path).iter_batches(columns=list(key)):
        columns = [batch.column(c).to_pylist() for c in key]
        hashes_of_batch = _key_hashes(batch, key).tolist()
        for k, h in zip(zip(*columns, strict=True), hashes_of_batch, strict=True):
            if h not in repeated:
                continue
            if k in seen and k not in dupes and len(dupes) < _KEY_EXAMPLES:
                dupes.append(k)
            seen.add(k)
    return dupes


def read_table(path: Path, stage_hint: str = "", columns: list[str] | None = None) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(_required(path, stage_hint), columns=columns)


def _required(path: Path, stage_hint: str) -> Path:
    if not path.exists():
        hint = f" (run the '{stage_hint}' stage for this run first)" if stage_hint else ""
        raise MissingInputError(f"missing input {path}{hint}")
    return path


def read_rows(path: Path, stage_hint: str = "") -> list[dict[str, Any]]:
    return read_table(path, stage_hint).to_pylist()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


@dataclass(slots=True)
class StageSummary:
    """What a stage did: counters for the manifest, the task log and the CLI summary."""

    stage: str
    run_id: str
    counts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count
    outputs: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self.start


def write_manifest(
    paths: RunPaths,
    summary: StageSummary,
    *,
    config_hash: str,
    inputs: Iterable[Path] = (),
) -> Path:
    """Write the stage's manifest last: its presence marks the stage complete for the run."""
    body = {
        **summary.as_dict(),
        "config_hash": config_hash,
        "code_version": __version__,
        "inputs": {str(p): file_digest(p) for p in inputs if p.exists()},
        # Recorded for people reading the manifest; never used for logic.
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    target = paths.manifest(summary.stage)
    atomic_write_bytes(target, json.dumps(body, indent=2, sort_keys=True).encode())
    return target


def read_manifest(paths: RunPaths, stage: str) -> dict[str, Any] | None:
    p = paths.manifest(stage)
    if not p.exists():
        return None
    data: dict[str, Any] = json.loads(p.read_text())
    return data


_ORDER_DIR = ".order"  # under data_dir/runs: one file per run, "when it first started"
_ORDER_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def run_started(paths: RunPaths, at: datetime | None = None) -> str:
    """When the run first started (UTC, microseconds): recorded by its first call and never
    changed, so clearing or rerunning a run keeps its place in the run order.

    This is the one place the wall clock orders runs: "the run before this one" (the baseline of
    an incremental crawl, of topic lineage, of the report's changes) is the run that *started*
    before it, whenever either was last rerun. ``at`` records a given time instead of now (a run
    imported or generated with its own dates); an existing record always wins.
    """
    path = paths.data_dir / "runs" / _ORDER_DIR / f"{paths.run_id}.json"
    known = _recorded_start(path)
    if known is not None:
        return known
    started = (at or datetime.now(UTC)).astimezone(UTC).strftime(_ORDER_FORMAT)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two tasks of one run starting at once record one time
        with path.open("x", encoding="utf-8") as out:
            json.dump({"run_id": paths.run_id, "started_at": started}, out)
    except FileExistsError:
        return _recorded_start(path) or started
    return started


def run_started_at(paths: RunPaths) -> datetime:
    """``run_started`` as an aware UTC datetime (what the warehouse records in runs.started_at)."""
    return datetime.strptime(run_started(paths), _ORDER_FORMAT).replace(tzinfo=UTC)


def _recorded_start(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["started_at"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _log.warning("ignoring unreadable run start %s: %s", path, exc)
        return None


def previous_finished_run(paths: RunPaths, stage: str) -> str | None:
    """The run's predecessor among the runs whose ``stage`` completed: the one that started
    last before this run started (``run_started``). A run recorded before run starts were kept
    is placed by its manifest's ``finished_at``."""
    mine = run_started(paths)
    best: tuple[str, str] | None = None
    order_dir = paths.data_dir / "runs" / _ORDER_DIR
    for manifest in sorted((paths.data_dir / "runs").glob(f"*/{stage}/_manifest.json")):
        run_id = manifest.parent.parent.name
        if run_id == paths.run_id or run_id.startswith("."):  # .staging is no run
            continue
        started = _recorded_start(order_dir / f"{run_id}.json")
        if started is None:
            try:
                started = str(json.loads(manifest.read_text()).get("finished_at") or "")
            except (OSError, json.JSONDecodeError) as exc:
                _log.warning("ignoring unreadable manifest %s: %s", manifest, exc)
                continue
        if started < mine and (best is None or (started, run_id) > best):
            best = (started, run_id)
    return best[1] if best else None


def input_dataset(path: Path, stage_hint: str = "") -> Any:
    """A ``pyarrow.dataset`` over an earlier stage's file, to read a part at a time (a site's
    rows through the row groups' statistics); a missing file raises ``MissingInputError``."""
    import pyarrow.dataset as ds

    return ds.dataset(_required(path, stage_hint), format="parquet")


def site_filter(site: Any) -> Any:
    """The dataset filter for one site's rows (a null site too): read through the row groups'
    statistics, since every stage writes its rows site by site."""
    import pyarrow.compute as pc

    return pc.field("site").is_null() if site is None else pc.field("site") == site
