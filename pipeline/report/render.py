"""Render ``ReportData`` into one self-contained HTML page (jinja2, autoescape on).

Titles, URLs, evidence and topic terms are scraped text an attacker controls. Autoescaping covers
HTML; links additionally go through ``http_url`` because escaping does not stop a
``javascript:`` URL; and the page's Content-Security-Policy forbids scripts and remote loads, so
even a missed hole could not execute or phone home.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pipeline.report import charts
from pipeline.report.data import CHANGES, CRAWL_ERRORS, FIX_FIRST_POSTS, ReportData


def render_report(data: ReportData, *, title: str) -> str:
    """The report page for one run, as an HTML string."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        run=data.run,
        data=data,
        charts=build_charts(data),
        limits={"fix_first": FIX_FIRST_POSTS, "crawl_errors": CRAWL_ERRORS, "changes": CHANGES},
    )


def build_charts(data: ReportData) -> dict[str, Markup]:
    topic_labels = {int(t["topic_id"]): f"{t['topic_id']}: {t['label']}" for t in data.topics}
    points = [
        charts.Point(p["x"], p["y"], int(p["topic_id"]), p["title"] or "") for p in data.topic_map
    ]
    legend = {p.group: topic_labels.get(p.group, "outliers") for p in points}
    return {
        "findings_by_kind": charts.bar_chart(
            [charts.Bar(r["kind"], r["findings"]) for r in data.findings_by_kind],
            title="Findings by kind",
        ),
        "boilerplate": charts.bar_chart(
            [charts.Bar(r["site"], r["boilerplate_share"] or 0.0) for r in data.sites],
            title="Boilerplate share of page words, per site",
            max_value=1.0,
            fmt=pct,
            colour=charts.PALETTE[1],
        ),
        "topic_sizes": charts.bar_chart(
            [charts.Bar(topic_labels[int(t["topic_id"])], t["size"] or 0) for t in data.topics],
            title="Posts per topic",
            colour=charts.PALETTE[2],
        ),
        "topic_map": charts.scatter_chart(
            points, title="Topic map: one point per post", legend=legend
        ),
    }


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def http_url(value: str | None) -> str | None:
    """The URL if it is http(s), else None: only those become links in the report."""
    if not value:
        return None
    return value if urlsplit(value).scheme.lower() in ("http", "https") else None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct, num=num, when=when, http_url=http_url)
    return env
