"""Writing the warehouse without ever blocking its readers: a private copy, swapped in whole.

DuckDB lets one process open a file read-write, and a reader's read-only connection holds a lock
that makes the writer's open fail ("Could not set lock on file ... Conflicting lock is held").
Analysts keep notebooks and BI tools open for days, so the load never opens
``warehouse.duckdb`` itself. It copies it to ``warehouse.duckdb.load-<pid>``, opens and writes
the copy, checkpoints and closes it, and renames it over the original (``os.replace``, atomic on
one filesystem):

* an open reader keeps the file it opened (the old inode stays readable until it closes) and
  sees the new data on its next connection; the load never waits for it;
* a load that fails, raises or is killed (SIGKILL included) leaves the original untouched; its
  copy is removed by the next load (stale copies of dead processes are swept under the lock);
* two loads at once: an exclusive ``flock`` on ``warehouse.duckdb.lock`` serializes them; the
  second waits up to ``LOCK_WAIT_S`` (``$CONTENT_AUDIT_LOCK_WAIT_S`` overrides it) and then fails
  with a message naming the holder's pid.

The price is a copy of the file per load, and the rule that only the load writes: a session that
opens the file read-write itself writes to a file the next load replaces.

The file is written in storage version ``STORAGE_VERSION`` (v1.0.0), which DuckDB 1.0 and every
later release read; a warehouse an earlier version of this program wrote in DuckDB 2.0's own
format is rebuilt in it by the next load.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pipeline.warehouse.errors import WarehouseError

# The storage format written: the oldest DuckDB 1.x reads (file version 64, DuckDB 1.0 and later),
# so analysts' own clients (the CLI, R, BI tools bundling a 1.x engine) open the warehouse. DuckDB
# 2.0 writes its own format by default, which no 1.x release can read.
STORAGE_VERSION = "v1.0.0"
STORAGE_FILE_VERSION = 64
LOCK_WAIT_S = 600.0
# Operators may shorten (or lengthen) the wait, e.g. so a scheduler's retry takes over sooner.
LOCK_WAIT_ENV = "CONTENT_AUDIT_LOCK_WAIT_S"
_POLL_S = 0.2
COPY_MARK = ".load-"
# DuckDB's buffer pool may take 80 % of the machine's memory by default: the load of 100,000
# posts reached 6.8 GB. Under a limit it spills to ``<copy>.tmp`` instead and leaves room for an
# Airflow worker's other tasks; but the key (ART) indexes must fit in it: the second run of
# 100,000 posts failed at 2 GB and took 3.15 GB at 3 GB. Past that, raise it (the error says so).
MEMORY_LIMIT = "3GB"
MEMORY_ENV = "CONTENT_AUDIT_DUCKDB_MEMORY"
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def writer_lock(path: Path, wait_s: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; raise WarehouseError after ``wait_s`` of waiting
    (default: ``$CONTENT_AUDIT_LOCK_WAIT_S``, else ``LOCK_WAIT_S``)."""
    if wait_s is None:
        wait_s = _wait_from_env()
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise WarehouseError(
                        f"another load holds {lock} (pid {holder}) and did not finish within "
                        f"{wait_s:.0f} s; retry when it is done (nothing was changed)"
                    ) from None
                time.sleep(_POLL_S)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_from_env() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV)
    if raw is None:
        return LOCK_WAIT_S
    try:
        return max(float(raw), 0.0)
    except ValueError:
        raise WarehouseError(
            f"{LOCK_WAIT_ENV}={raw!r} is not a number of seconds; unset it or give e.g. 600"
        ) from None


def _sweep(path: Path) -> None:
    """Copies left by loads that died (only called under the writer lock: none is live)."""
    for stale in path.parent.glob(path.name + COPY_MARK + "*"):
        stale.unlink(missing_ok=True)


def file_version(path: Path) -> int | None:
    """The storage version number in a DuckDB file's header (None: not a DuckDB file)."""
    with open(path, "rb") as handle:
        head = handle.read(20)
    if len(head) < 20 or head[8:12] != b"DUCK":
        return None
    return int.from_bytes(head[12:20], "little")


def memory_limit() -> str:
    """The writer's DuckDB memory limit: ``$CONTENT_AUDIT_DUCKDB_MEMORY``, else ``MEMORY_LIMIT``."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return MEMORY_LIMIT
    if not _SIZE.fullmatch(raw):
        raise WarehouseError(
            f"{MEMORY_ENV}={raw!r} is not a memory size; unset it (default {MEMORY_LIMIT}) "
            "or give e.g. 4GB"
        )
    return raw


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | bool | int | float | list[str]] = {
        "storage_compatibility_version": STORAGE_VERSION,
        "memory_limit": memory_limit(),
    }
    return duckdb.connect(str(path), config=config)


def _copy_to(source: Path, copy: Path) -> None:
    """``source`` as a file in ``STORAGE_VERSION``: a plain copy when it is one already, else
    rebuilt table by table (a warehouse written in DuckDB 2.0's format by an earlier version of
    this program; ``COPY FROM DATABASE`` keeps tables, views and comments)."""
    if file_version(source) == STORAGE_FILE_VERSION:
        shutil.copyfile(source, copy)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():  # not checkpointed (a writer of an older version was killed)
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        return
    with _connect(copy) as con:
        target = con.execute("select current_database()").fetchone()[0]  # type: ignore[index]
        con.execute("attach ? as legacy (read_only)", [str(source)])
        con.execute(f'copy from database legacy to "{target}"')
        con.execute("detach legacy")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writable(path: Path, wait_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the warehouse at ``path``; when the block
    ends without an exception the copy replaces ``path`` atomically, otherwise it is dropped and
    ``path`` stays as it was."""
    with writer_lock(path, wait_s):  # creates path's directory for the lock file
        _sweep(path)
        copy = path.with_name(f"{path.name}{COPY_MARK}{os.getpid()}")
        try:
            if path.exists():
                _copy_to(path, copy)
            con = _connect(copy)
        except duckdb.Error as exc:
            _sweep(path)
            raise WarehouseError(f"cannot open a copy of {path} for writing: {exc}") from exc
        try:
            yield con
            con.execute("checkpoint")
        except duckdb.Error as exc:
            con.close()
            _sweep(path)
            if isinstance(exc, duckdb.OutOfMemoryException) or "failed to pin block" in str(exc):
                raise WarehouseError(
                    f"the load needed more than its DuckDB memory limit ({memory_limit()}; the "
                    f"tables' key indexes must fit in it): set {MEMORY_ENV} higher, e.g. "
                    f"{MEMORY_ENV}=6GB; the warehouse is unchanged ({exc})"
                ) from exc
            raise
        except BaseException:
            con.close()
            _sweep(path)
            raise
        con.close()
        _fsync(copy)
        os.replace(copy, path)
        _fsync(path.parent)
