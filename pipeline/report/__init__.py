"""Report stage: one self-contained HTML page per run, read from the warehouse.

Reads:   ``RunPaths.warehouse`` (read-only, via ``pipeline.warehouse.connect_readonly``) with the
         ``sql/queries/report_*.sql`` queries, for ``paths.run_id``.
Writes:  ``RunPaths.report_for_run`` (``<reports_dir>/<run_id>.html``) and, when the run is the
         latest succeeded run (``v_latest_run``), the same bytes to ``RunPaths.report_latest``
         (``latest.html``), each atomically; the CSV files behind its lists in
         ``RunPaths.report_exports`` (``<reports_dir>/<run_id>/*.csv``, ``exports``), written
         before the page that links them. A run that did not succeed has no report.
         Needs no config: the title is the one the run was loaded with (``runs.config``).

The page loads nothing from anywhere: inline CSS, charts drawn as inline SVG by
``pipeline.report.charts``, and one inline script (``templates/report.js``, allowed by its hash in
the page's Content-Security-Policy) that sorts, filters, searches and pages the tables; without
it every table is complete up to its row limit and every link works. Scraped text is escaped
(jinja2 autoescape) and the only outside links are to the audited posts' http(s) URLs. The page
holds no wall-clock time, so rendering the same warehouse twice gives the same bytes.

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
from pipeline.report.exports import export_csvs
from pipeline.report.render import render_report
from pipeline.warehouse import connect_readonly

__all__ = ["ReportData", "fetch_report_data", "render_report", "run"]

DEFAULT_TITLE = ReportConfig().title


def run(paths: RunPaths, config: Config | None = None) -> StageSummary:
    """Render the run's report from the warehouse to ``report_for_run`` (and ``report_latest``
    when the run is the latest succeeded one)."""
    with connect_readonly(paths.warehouse) as con:
        data = fetch_report_data(con, paths.run_id)
        exported = export_csvs(con, paths.run_id, paths.report_exports)
    title = config.report.title if config else data.run.get("report_title") or DEFAULT_TITLE
    html = render_report(data, title=str(title), exports_dir=paths.run_id).encode("utf-8")
    outputs = [paths.report_for_run]
    exports = [str(paths.report_exports / f"{name}.csv") for name in exported]
    if data.run.get("latest_run_id") == paths.run_id:
        outputs.append(paths.report_latest)
    for target in outputs:
        atomic_write_bytes(target, html)
    summary = StageSummary(
        stage="report", run_id=paths.run_id, outputs=[*map(str, outputs), *exports]
    )
    summary.counts = {
        **{f"csv_{name}": rows for name, rows in exported.items()},
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
