"""Crawl progress: a rich bar per site on a terminal, and log lines everywhere."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

log = logging.getLogger("pipeline.crawl")

LOG_EVERY = 100  # pages between progress log lines, so a 10k-page crawl logs ~100 lines


def _bar(console: Console | None) -> Progress:
    # rich is imported only when a bar is drawn (~10 MB of RSS an Airflow task does not need).
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """URLs per second over rich's recent window ("-" until it has two samples)."""

        def render(self, task: Task) -> Text:
            speed = task.speed
            return Text(f"{speed:5.1f} url/s" if speed else "    - url/s")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("errors {task.fields[errors]}"),
        RateColumn(),
        transient=False,
        console=console,
    )


class CrawlProgress:
    """Counts rows per site; draws bars only when stderr is a TTY (not in Airflow task logs)."""

    def __init__(self, enabled: bool | None = None, console: Console | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar = _bar(console) if self.enabled else None
        self._tasks: dict[str, TaskID] = {}
        self.done: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def __enter__(self) -> CrawlProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def row(self, site: str, row: dict[str, Any], queued: int) -> None:
        """Record one finished row; ``queued`` is the site's rows done + still waiting."""
        self.done[site] += 1
        if not row["ok"]:
            self.errors[site] += 1
        if self._bar is not None:
            if site not in self._tasks:
                self._tasks[site] = self._bar.add_task(site, total=queued, errors=0)
            self._bar.update(
                self._tasks[site], completed=self.done[site], total=queued, errors=self.errors[site]
            )
        if self.done[site] % LOG_EVERY == 0:
            log.info("%s: %d urls done, %d errors", site, self.done[site], self.errors[site])

    def site_done(self, site: str, counts: dict[str, int]) -> None:
        log.info(
            "%s: crawled %d urls, %d ok, %d errors; %s",
            site,
            self.done[site],
            self.done[site] - self.errors[site],
            self.errors[site],
            ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no errors",
        )
