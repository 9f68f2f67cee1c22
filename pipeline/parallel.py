"""Process pools for per-page work inside a stage (extraction, per-post audit features).

The worker count is a property of the machine, not of the run: it is never stored with the
run's config, and the rows a stage writes are the same for any count (the work is cut into the
same units and the results are taken back in input order). ``CONTENT_AUDIT_WORKERS`` sets it
(the CLI's ``--workers`` sets that variable); the default is the CPUs this process may use,
once the work is large enough to repay starting the workers (``workers_for``).

Workers start with ``forkserver``, as ``extract.pagetype_train`` does: a stage runs inside an
Airflow task or next to DuckDB's threads, and forking a threaded process can deadlock.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from pipeline.config import ConfigError

ENV = "CONTENT_AUDIT_WORKERS"
START_METHOD = "forkserver"
# Units handed out ahead of the one being collected, per worker: enough to keep every worker
# busy while the parent writes results, few enough that pending inputs and results stay small.
AHEAD_PER_WORKER = 2

_T = TypeVar("_T")
_R = TypeVar("_R")


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(value: str | int | None = None) -> int:
    """``value``, else ``$CONTENT_AUDIT_WORKERS``, else the usable CPUs; a bad value fails fast
    naming the setting and the fix."""
    raw = value if value is not None else os.environ.get(ENV)
    if raw is None or raw == "":
        return available_cpus()
    try:
        n = int(raw)
    except (TypeError, ValueError):
        n = 0
    if n < 1:
        raise ConfigError(
            f"workers: {raw!r} is not a positive whole number; set {ENV} (or --workers) to 1 "
            f"or more, or unset it to use the {available_cpus()} CPUs of this machine"
        )
    return n


def workers_for(worth_it: bool, units: int | None = None) -> int:
    """Workers for a stage's work cut into ``units`` pieces (None: not known in advance): the
    set count (``worker_count``) when one is set, never more than the units; unset, the CPUs
    when the caller says the work is large enough to repay starting them (each worker imports
    the stage and loads its models: ~1 s for extraction, ~8 s for the audit's), else 1."""
    explicit = os.environ.get(ENV) not in (None, "")
    n = worker_count() if explicit or worth_it else 1
    return max(1, min(n, units)) if units is not None else n


def ordered_map(
    fn: Callable[[_T], _R],
    items: Iterable[_T],
    workers: int,
    initializer: Callable[[], Any] | None = None,
) -> Iterator[_R]:
    """``map(fn, items)`` over ``workers`` processes, results in input order, at most
    ``AHEAD_PER_WORKER * workers`` items in flight (``items`` is consumed lazily, so a
    generator reading the input piece by piece keeps memory bounded). One worker runs in this
    process: no pool to start, the same results."""
    if workers <= 1:
        if initializer is not None:
            initializer()
        yield from map(fn, items)
        return
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        pending: deque[Future[_R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= AHEAD_PER_WORKER * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # an error or an abandoned generator: do not finish the rest
                future.cancel()
