"""Render ``ReportData`` into one self-contained HTML page (jinja2, autoescape on).

Titles, URLs, evidence and topic terms are scraped text an attacker controls. Autoescaping covers
HTML; links additionally go through ``http_url`` because escaping does not stop a
``javascript:`` URL; and the page's Content-Security-Policy allows no remote load and no script
but the page's own (``report.js``, by its SHA-256), which writes scraped text only as text.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pipeline.records import SEVERITY_POINTS
from pipeline.report import charts, labels
from pipeline.report.data import (
    FIX_FIRST_POSTS,
    POST_CARDS,
    ReportData,
    Row,
    card_posts,
)
from pipeline.report.exports import EXPORTS

# About five lines of the report's text column: enough to recognise the passage in the post.
EVIDENCE_CHARS = 480
# The topic map draws at most this many points (every n-th post of each topic past it): 5,000
# points made a 759 KB map that no one can read point by point.
MAP_POINTS = 2000
TOP_ACTIONS = 3
COVERAGE_SITES = 8  # columns of the topic coverage table; the view has every site
DIFF_PASSAGES = 3  # differing passages shown per copy; the CSV and the posts have the rest
DIFF_CHARS = 300
# What to fix first is ranked by the points findings cost their posts' scores (the audit's own
# weights); notes (info) are suggestions and never rank.
PROBLEM_POINTS = {s: p for s, p in SEVERITY_POINTS.items() if s != "info"}


def render_report(data: ReportData, *, title: str, exports_dir: str = "") -> str:
    """The report page for one run, as an HTML string. ``exports_dir`` is where its CSV files
    are, relative to the page ("" leaves them unlinked)."""
    template = _environment().get_template("report.html.j2")
    carded = set(card_posts(data.posts))

    def anchor(post_id: object) -> str:
        """A post's card when it has one, else its row of the posts table."""
        return f"post-{post_id}" if str(post_id) in carded else f"row-{post_id}"

    return template.render(
        title=title,
        run=data.run,
        data=data,
        overview=data.overview,
        charts=build_charts(data, anchor),
        anchor=anchor,
        actions=top_actions(data.findings_by_kind, data.findings),
        diffs=duplicate_diffs(data.duplicate_groups, data.duplicate_texts),
        coverage=topic_coverage(data.topic_coverage, data.sites),
        carded=carded,
        findings_by_post=_findings_by_post(data.card_findings),
        exports={
            name: f"{quote(exports_dir)}/{name}.csv" if exports_dir else "" for name in EXPORTS
        },
        export_notes=EXPORTS,
        script=Markup(_script()),
        csp=content_security_policy(),
        limits={
            "fix_first": FIX_FIRST_POSTS,
            "post_cards": POST_CARDS,
            "map_points": MAP_POINTS,
        },
    )


@cache
def _script() -> str:
    return (resources.files("pipeline.report") / "templates" / "report.js").read_text("utf-8")


def content_security_policy() -> Markup:
    """Nothing from anywhere; inline styles; the page's own script only, by its hash."""
    digest = base64.b64encode(hashlib.sha256(_script().encode("utf-8")).digest()).decode()
    return Markup(
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def top_actions(kinds: Sequence[Row], findings: Sequence[Row]) -> list[Row]:
    """The kinds of problem to fix first: by the audit score they cost in all (critical and
    warning findings, scored as the audit scores a post), each with how many posts and sites
    it touches and the fix its most confident finding suggests."""
    hints: dict[str, str] = {}
    for f in findings:
        if f["fix_hint"]:
            hints.setdefault(str(f["kind"]), str(f["fix_hint"]))
    ranked = []
    for k in kinds:
        cost = sum(points * (k[sev] or 0) for sev, points in PROBLEM_POINTS.items())
        if cost > 0:
            ranked.append({**k, "cost": cost, "fix_hint": hints.get(str(k["kind"]), "")})
    ranked.sort(key=lambda k: (-k["cost"], -k["posts"], k["kind"]))
    return ranked[:TOP_ACTIONS]


def topic_coverage(rows: Sequence[Row], sites: Sequence[Row]) -> Row:
    """The topics x sites table: the ``COVERAGE_SITES`` sites with most posts as columns, each
    cell the share of the site's posts in the topic (None where it has none)."""
    by_size = sorted(sites, key=lambda s: (-(s["posts"] or 0), s["site"]))
    shown = sorted(s["site"] for s in by_size[:COVERAGE_SITES] if s["posts"])
    cells = {(r["site"], int(r["topic_id"])): r for r in rows}
    return {
        "sites": shown,
        "hidden": max(0, len([s for s in sites if s["posts"]]) - len(shown)),
        "cells": cells,
    }


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n") if p.strip()]


def duplicate_diffs(groups: Sequence[Row], texts: dict[str, str]) -> dict[str, list[Row]]:
    """For each copy (post id) of the shown groups: up to ``DIFF_PASSAGES`` passages where its
    text differs from its group's canonical post, as (canonical side, copy side) pairs, and how
    many there are in all. A word-for-word copy has none."""
    out: dict[str, list[Row]] = {}
    for group in groups:
        members = group["members"] or []
        canonical = next((m for m in members if m["is_canonical"]), None)
        if canonical is None:
            continue
        left = _paragraphs(texts.get(str(canonical["post_id"]), ""))
        for member in members:
            if member["is_canonical"]:
                continue
            right = _paragraphs(texts.get(str(member["post_id"]), ""))
            matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
            passages = [
                {
                    "original": charts.shorten(" ".join(left[i1:i2]), DIFF_CHARS),
                    "duplicate": charts.shorten(" ".join(right[j1:j2]), DIFF_CHARS),
                }
                for op, i1, i2, j1, j2 in matcher.get_opcodes()
                if op != "equal"
            ]
            out[str(member["post_id"])] = passages
    return out


def _findings_by_post(findings: Sequence[Row]) -> dict[str, list[Row]]:
    by_post: dict[str, list[Row]] = {}
    for f in findings:
        by_post.setdefault(str(f["post_id"]), []).append(f)
    return by_post


def _thinned(points: list[charts.Point]) -> list[charts.Point]:
    """At most about ``MAP_POINTS`` points: every n-th of each topic, so small topics stay."""
    if len(points) <= MAP_POINTS:
        return points
    step = -(-len(points) // MAP_POINTS)
    kept: list[charts.Point] = []
    seen: dict[int, int] = {}
    for p in points:  # the query orders by topic, then post
        n = seen.get(p.group, 0)
        seen[p.group] = n + 1
        if n % step == 0:
            kept.append(p)
    return kept


def _both_widths(draw: Callable[..., Markup], *args: Any, **kwargs: Any) -> Markup:
    """A chart drawn for a desktop and again for a phone; CSS shows one of them."""
    wide = draw(*args, **kwargs)
    if not wide:
        return wide
    narrow = draw(*args, **kwargs, width=charts.NARROW_WIDTH)
    return Markup(
        f'<div class="wide-only">{wide}</div><div class="narrow-only" aria-hidden="true">'
        f"{narrow}</div>"
    )


def build_charts(data: ReportData, anchor: Callable[[object], str]) -> dict[str, Markup]:
    topic_labels = {int(t["topic_id"]): f"{t['topic_id']}: {t['label']}" for t in data.topics}
    points = [
        charts.Point(
            p["x"], p["y"], int(p["topic_id"]), p["title"] or "", f"#{anchor(p['post_id'])}"
        )
        for p in data.topic_map
    ]
    shown = _thinned(points)
    legend = {p.group: topic_labels.get(p.group, "outliers") for p in points}
    map_title = "Topic map: one point per post"
    if len(shown) < len(points):
        map_title = f"Topic map: {len(shown):,} of {len(points):,} posts"
    return {
        "site_scores": _both_widths(
            charts.bar_chart,
            [charts.Bar(r["site"], r["avg_audit_score"] or 0.0) for r in data.sites],
            title="Health score per site",
            axis_label="health score (average audit score; 100 = no findings)",
            max_value=100.0,
            colour=charts.PALETTE[0],
        ),
        "findings_by_kind": _both_widths(
            charts.bar_chart,
            [
                charts.Bar(labels.label("kind", r["kind"]), r["findings"])
                for r in data.findings_by_kind
            ],
            title="Findings by kind",
            axis_label="findings",
        ),
        "boilerplate": _both_widths(
            charts.bar_chart,
            [charts.Bar(r["site"], r["boilerplate_share"] or 0.0) for r in data.sites],
            title="Template share of page words, per site",
            axis_label="share of page words that are template (menus, banners, footers)",
            max_value=1.0,
            fmt=pct,
            colour=charts.PALETTE[1],
        ),
        "topic_sizes": _both_widths(
            charts.bar_chart,
            [charts.Bar(topic_labels[int(t["topic_id"])], t["size"] or 0) for t in data.topics],
            title="Posts per topic",
            axis_label="posts",
            colour=charts.PALETTE[2],
        ),
        "topic_map": charts.scatter_chart(shown, title=map_title, legend=legend),
        "trend": charts.line_chart(
            [(str(r["run_id"]), r["health"]) for r in data.trend],
            title="Health score over the last runs",
        ),
    }


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
        label=labels.label,
        explain=labels.explain,
        pct=pct,
        num=num,
        when=when,
        http_url=http_url,
        signed=signed,
        clip=clip,
    )
    env.globals.update(finding_message=finding_message, swatch=charts.swatch)
    return env
