"""Report stage: one self-contained HTML page per run, read from the warehouse.

Reads:   ``RunPaths.warehouse`` (read-only, via ``pipeline.warehouse.connect_readonly``) with the
         ``sql/queries/report_*.sql`` queries, for ``paths.run_id``.
Writes:  ``RunPaths.report_for_run`` (``<reports_dir>/<run_id>.html``) and the same bytes to
         ``RunPaths.report_latest`` (``latest.html``), each atomically.

The page has no script, font, image or stylesheet from anywhere: inline CSS, and charts drawn as
inline SVG by ``pipeline.report.charts``. Scraped text is escaped (jinja2 autoescape) and the only
links are to the audited posts' http(s) URLs. The page holds no wall-clock time, so rendering the
same warehouse twice gives the same bytes.

Public entry points:
    run(paths, config) -> StageSummary
    fetch_report_data(con, run_id) -> ReportData      (pipeline.report.data)
    render_report(data, title=...) -> str              (pipeline.report.render)
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.io import StageSummary, atomic_write_bytes
from pipeline.paths import RunPaths
from pipeline.report.data import ReportData, fetch_report_data
from pipeline.report.render import render_report
from pipeline.warehouse import connect_readonly

__all__ = ["ReportData", "fetch_report_data", "render_report", "run"]


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Render the run's report from the warehouse to ``report_for_run`` and ``report_latest``."""
    with connect_readonly(paths.warehouse) as con:
        data = fetch_report_data(con, paths.run_id)
    html = render_report(data, title=config.report.title).encode("utf-8")
    atomic_write_bytes(paths.report_for_run, html)
    atomic_write_bytes(paths.report_latest, html)
    summary = StageSummary(
        stage="report",
        run_id=paths.run_id,
        outputs=[str(paths.report_for_run), str(paths.report_latest)],
    )
    summary.counts = {
        "posts_ranked": len(data.fix_first),
        "sites": len(data.sites),
        "duplicate_groups": len(data.duplicate_groups),
        "topics": len(data.topics),
        "finding_kinds": len(data.findings_by_kind),
        "shared_paragraphs": len(data.shared_paragraphs),
        "crawl_errors": len(data.crawl_errors),
        "changes": len(data.changes),
        "html_bytes": len(html),
    }
    return summary
