"""What the CLI prints: one line per finished stage, and the run summary from the warehouse."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from pipeline.io import StageSummary
from pipeline.paths import RunPaths

_console = Console(stderr=False, highlight=False)


def print_stage_summary(summary: StageSummary) -> None:
    counts = ", ".join(f"{k}={v}" for k, v in summary.counts.items())
    dropped = ", ".join(f"{k}={v}" for k, v in summary.dropped.items())
    line = f"[bold]{summary.stage:<8}[/] {summary.elapsed_s:6.1f}s  {counts}"
    if dropped:
        line += f"  [dim](dropped: {dropped})[/]"
    _console.print(line, soft_wrap=True)


def run_summary(paths: RunPaths) -> dict[str, int]:
    """The run's headline numbers, read from the warehouse (read-only)."""
    from pipeline.warehouse import connect_readonly
    from pipeline.warehouse.sqlfiles import read_sql

    with connect_readonly(paths.warehouse) as con:
        cur = con.execute(read_sql("queries/run_summary.sql"), {"run_id": paths.run_id})
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
    return dict(zip(names, row or (), strict=False))


def print_run_summary(paths: RunPaths, summaries: dict[str, StageSummary]) -> None:
    numbers = run_summary(paths)
    table = Table(title=f"content-audit run {paths.run_id}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    labels = {
        "sites": "sites",
        "pages_fetched": "pages fetched",
        "page_errors": "URLs not fetched (errors, robots)",
        "posts": "posts",
        "duplicate_groups": "duplicate groups",
        "topics": "topics",
        "posts_with_findings": "posts with findings",
        "findings": "findings",
    }
    for key, label in labels.items():
        table.add_row(label, str(numbers.get(key, 0)))
    total = sum(s.elapsed_s for s in summaries.values())
    table.add_row("elapsed", f"{total:.1f}s")
    _console.print(table)
    _console.print(f"warehouse: {paths.warehouse}")
    _console.print(f"report:    {paths.report_latest}")
