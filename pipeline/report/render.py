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

# About five lines of the report's text column: enough to recognise the passage in the post.
EVIDENCE_CHARS = 480


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
        "site_scores": charts.bar_chart(
            [charts.Bar(r["site"], r["avg_audit_score"] or 0.0) for r in data.sites],
            title="Average audit score per site",
            axis_label="average audit score (100 = no findings)",
            max_value=100.0,
            colour=charts.PALETTE[0],
        ),
        "findings_by_kind": charts.bar_chart(
            [charts.Bar(humanize(r["kind"]), r["findings"]) for r in data.findings_by_kind],
            title="Findings by kind",
            axis_label="findings",
        ),
        "boilerplate": charts.bar_chart(
            [charts.Bar(r["site"], r["boilerplate_share"] or 0.0) for r in data.sites],
            title="Boilerplate share of page words, per site",
            axis_label="share of page words that are template (menus, banners, footers)",
            max_value=1.0,
            fmt=pct,
            colour=charts.PALETTE[1],
        ),
        "topic_sizes": charts.bar_chart(
            [charts.Bar(topic_labels[int(t["topic_id"])], t["size"] or 0) for t in data.topics],
            title="Posts per topic",
            axis_label="posts",
            colour=charts.PALETTE[2],
        ),
        "topic_map": charts.scatter_chart(
            points, title="Topic map: one point per post", legend=legend
        ),
    }


def humanize(value: str | None) -> str:
    """A snake_case kind or reason as words for the reader: ``promo_in_body`` -> promo in body."""
    return "" if value is None else value.replace("_", " ")


def finding_message(message: str | None, evidence: str | None) -> str:
    """The message without its trailing quoted excerpt when that excerpt is the evidence.

    Audit messages end with ``: 'excerpt…'``, the evidence cut at a fixed length (often
    mid-word); the report quotes the whole evidence right below, so the excerpt only repeats it.
    """
    if not message:
        return ""
    head, sep, quoted = message.rpartition(": '")
    if not (sep and evidence and quoted.endswith("'")):
        return message
    excerpt = quoted[:-1].removesuffix("…").removesuffix("...")
    return head if excerpt and evidence.startswith(excerpt) else message


def clip(text: str | None, limit: int = EVIDENCE_CHARS) -> str:
    """Long evidence (a thin post's whole text) cut at a word boundary; the post has the rest."""
    return "" if text is None else charts.shorten(text, limit)


def signed(value: float | None, digits: int = 0) -> str:
    """A change with its sign, so a fall and a rise read differently: +3, −8, 0."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else "−") + text


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
    env.filters.update(
        pct=pct,
        num=num,
        when=when,
        http_url=http_url,
        humanize=humanize,
        signed=signed,
        clip=clip,
    )
    env.globals.update(finding_message=finding_message, swatch=charts.swatch)
    return env
