"""Report stage: one self-contained HTML page per run, read from the warehouse.

Reads:   ``RunPaths.warehouse`` (read-only, via ``pipeline.warehouse.connect_readonly``) with the
         ``sql/queries/report_*.sql`` queries, for ``paths.run_id``.
Writes:  ``RunPaths.report_for_run`` (``<reports_dir>/<run_id>.html``) and, when the run is the
         latest succeeded run (``v_latest_run``), the same bytes to ``RunPaths.report_latest``
         (``latest.html``), each atomically. A run that did not succeed has no report.
         Needs no config: the title is the one the run was loaded with (``runs.config``).

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

from pipeline.config import Config, ReportConfig
from pipeline.io import StageSummary, atomic_write_bytes
from pipeline.paths import RunPaths
from pipeline.report.data import ReportData, fetch_report_data
from pipeline.report.render import render_report
from pipeline.warehouse import connect_readonly

__all__ = ["ReportData", "fetch_report_data", "render_report", "run"]

DEFAULT_TITLE = ReportConfig().title


def run(paths: RunPaths, config: Config | None = None) -> StageSummary:
    """Render the run's report from the warehouse to ``report_for_run`` (and ``report_latest``
    when the run is the latest succeeded one)."""
    with connect_readonly(paths.warehouse) as con:
        data = fetch_report_data(con, paths.run_id)
    title = config.report.title if config else data.run.get("report_title") or DEFAULT_TITLE
    html = render_report(data, title=str(title)).encode("utf-8")
    outputs = [paths.report_for_run]
    if data.run.get("latest_run_id") == paths.run_id:
        outputs.append(paths.report_latest)
    for target in outputs:
        atomic_write_bytes(target, html)
    summary = StageSummary(stage="report", run_id=paths.run_id, outputs=[str(p) for p in outputs])
    summary.counts = {
        "posts_ranked": len(data.fix_first),
        "sites": len(data.sites),
        "duplicate_groups": len(data.duplicate_groups),
        "topics": len(data.topics),
        "finding_kinds": len(data.findings_by_kind),
        "shared_paragraphs": len(data.shared_paragraphs),
        "crawl_errors": len(data.crawl_errors),
        "left_out_reasons": len(data.left_out),
        "changes": len(data.changes),
        "html_bytes": len(html),
    }
    return summary
