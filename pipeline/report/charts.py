"""Inline SVG charts for the report, built in Python so the HTML needs no script or library.

Labels are scraped or derived from scraped text (topic terms, titles), so every piece of text is
escaped with ``markupsafe.escape`` before it enters the SVG; the functions return ``Markup`` that
the template inserts as-is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe categorical palette (Okabe & Ito, 2008); topics cycle through it.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
OUTLIER_COLOUR = "#9a9a9a"

_WIDTH = 640
_LABEL_W = 200  # room for a site name or a finding kind at 12px
_VALUE_W = 60
_ROW_H = 22
_MAP_H = 360
_PAD = 12
_LABEL_CHARS = 30  # what fits in _LABEL_W at 12px; the full label stays in the tooltip


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    group: int  # topic id; -1 = outlier
    label: str  # shown as the point's tooltip


def topic_colour(topic_id: int) -> str:
    return OUTLIER_COLOUR if topic_id < 0 else PALETTE[topic_id % len(PALETTE)]


def _fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: float | None = None,
    fmt: Callable[[float], str] = _fmt_count,
    colour: str = PALETTE[0],
) -> Markup:
    """Horizontal bars, one row per item, scaled to ``max_value`` (default: the largest value)."""
    if not bars:
        return Markup("")
    top = max_value if max_value is not None else max(b.value for b in bars)
    span = _WIDTH - _LABEL_W - _VALUE_W
    height = _ROW_H * len(bars) + _PAD
    parts = [_svg_open(_WIDTH, height, title)]
    for i, bar in enumerate(bars):
        y = _PAD // 2 + i * _ROW_H
        length = 0.0 if top <= 0 else max(0.0, min(1.0, bar.value / top)) * span
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(_short(bar.label))}'
            "</text>"
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{_ROW_H - 6}" '
            f'fill="{colour}"><title>{escape(bar.label)}: {escape(fmt(bar.value))}</title></rect>'
            f'<text x="{_LABEL_W + length + 4:.1f}" y="{y + 15}">{escape(fmt(bar.value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def scatter_chart(
    points: Sequence[Point],
    *,
    title: str,
    legend: Mapping[int, str] | None = None,
) -> Markup:
    """A 2-D map of points coloured by group, with an optional legend of group labels."""
    if not points:
        return Markup("")
    legend = legend or {}
    legend_h = _ROW_H * len(legend)
    parts = [_svg_open(_WIDTH, _MAP_H + legend_h, title)]
    parts.append(
        f'<rect x="0.5" y="0.5" width="{_WIDTH - 1}" height="{_MAP_H - 1}" '
        'fill="none" stroke="#ddd"/>'
    )
    project = _projector(points)
    for p in points:
        cx, cy = project(p)
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{topic_colour(p.group)}" '
            f'fill-opacity="0.8"><title>{escape(p.label)}</title></circle>'
        )
    for i, (group, label) in enumerate(sorted(legend.items())):
        y = _MAP_H + i * _ROW_H
        parts.append(
            f'<circle cx="{_PAD}" cy="{y + 11}" r="5" fill="{topic_colour(group)}"/>'
            f'<text x="{_PAD * 2}" y="{y + 15}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _projector(points: Sequence[Point]) -> Callable[[Point], tuple[float, float]]:
    """Scale data coordinates into the plot box; y grows upwards as on a map."""
    x_min, x_max = min(p.x for p in points), max(p.x for p in points)
    y_min, y_max = min(p.y for p in points), max(p.y for p in points)
    # One point (or a line of them) has zero span; 1.0 avoids dividing by zero.
    x_span = (x_max - x_min) or 1.0
    y_span = (y_max - y_min) or 1.0
    inner_w = _WIDTH - 4 * _PAD
    inner_h = _MAP_H - 4 * _PAD

    def project(p: Point) -> tuple[float, float]:
        cx = 2 * _PAD + (p.x - x_min) / x_span * inner_w
        cy = 2 * _PAD + (1 - (p.y - y_min) / y_span) * inner_h
        return cx, cy

    return project


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
