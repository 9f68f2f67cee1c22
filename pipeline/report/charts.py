"""Inline SVG charts for the report, built in Python so the HTML needs no script or library.

Labels are scraped or derived from scraped text (topic terms, titles), so every piece of text is
escaped with ``markupsafe.escape`` before it enters the SVG; the functions return ``Markup`` that
the template inserts as-is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe categorical palette (Okabe & Ito, 2008); topics cycle through it. Their
# yellow (#F0E442) is left out: 1.2:1 contrast on white, a point in it is all but invisible.
# Ordered so neighbouring topic ids get different hues (blue, orange, green, pink, ...).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#D55E00",
    "#56B4E9",
)
OUTLIER_COLOUR = "#9a9a9a"

_WIDTH = 640
# A phone's bar chart is drawn again at its width (a 640-unit chart shrunk to a 360 px screen
# has 7 px labels); the page shows one of the two by a media query.
NARROW_WIDTH = 360
_LABEL_W = 200  # room for a site name or a finding kind at 12px
_VALUE_W = 60
_ROW_H = 22
_MAP_H = 360
_PAD = 12
_AXIS_H = 34  # tick labels and the axis caption under the bars
_LABEL_CHARS = 30  # what fits in _LABEL_W at 12px; the full label stays in the tooltip
_GRID = "#d0d0d0"


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
    href: str = ""  # where a click on the point goes (the post's row in the report)


def topic_colour(topic_id: int) -> str:
    return OUTLIER_COLOUR if topic_id < 0 else PALETTE[topic_id % len(PALETTE)]


def _fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    axis_label: str,
    max_value: float | None = None,
    fmt: Callable[[float], str] = _fmt_count,
    colour: str = PALETTE[0],
    width: int = _WIDTH,
) -> Markup:
    """Horizontal bars on a labelled value axis, scaled to ``max_value`` (default: a round
    number at or above the largest value). ``width`` under 640 draws a phone's version: the
    label column shrinks with it, so the text stays at 12 px on the screen."""
    if not bars:
        return Markup("")
    ticks = axis_ticks(max_value if max_value is not None else max(b.value for b in bars))
    top = ticks[-1]
    label_w = round(_LABEL_W * min(1.0, width / _WIDTH * 1.15))
    chars = round(_LABEL_CHARS * label_w / _LABEL_W)
    span = width - label_w - _VALUE_W
    plot_h = _ROW_H * len(bars) + _PAD
    parts = [_svg_open(width, plot_h + _AXIS_H, title)]
    parts.append(_value_axis(ticks, top, span, plot_h, fmt, axis_label, label_w))
    for i, bar in enumerate(bars):
        y = _PAD // 2 + i * _ROW_H
        length = 0.0 if top <= 0 else max(0.0, min(1.0, bar.value / top)) * span
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(shorten(bar.label, chars))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{_ROW_H - 6}" '
            f'fill="{colour}"><title>{escape(bar.label)}: {escape(fmt(bar.value))}</title></rect>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}">{escape(fmt(bar.value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def axis_ticks(top: float) -> list[float]:
    """0 and 3-6 evenly spaced round values (1, 2 or 5 times a power of ten) up to >= ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    step = 10.0 ** math.floor(math.log10(top / 5))
    for factor in (1, 2, 5, 10):
        if top / (step * factor) <= 5:
            step *= factor
            break
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _value_axis(
    ticks: Sequence[float],
    top: float,
    span: float,
    plot_h: int,
    fmt: Callable[[float], str],
    caption: str,
    label_w: int = _LABEL_W,
) -> str:
    """Vertical grid lines at the ticks, their values under the plot, and the axis caption."""
    parts = []
    for tick in ticks:
        x = label_w + tick / top * span
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{plot_h}" stroke="{_GRID}"/>'
            f'<text class="tick" x="{x:.1f}" y="{plot_h + 12}" text-anchor="middle">'
            f"{escape(fmt(tick))}</text>"
        )
    parts.append(
        f'<text class="axis" x="{label_w + span / 2:.1f}" y="{plot_h + 28}" '
        f'text-anchor="middle">{escape(caption)}</text>'
    )
    return "".join(parts)


def scatter_chart(
    points: Sequence[Point],
    *,
    title: str,
    legend: Mapping[int, str] | None = None,
) -> Markup:
    """A 2-D map of points coloured by group, each group's id written at its centre (so the map
    reads without hovering or telling similar hues apart), with an optional legend."""
    if not points:
        return Markup("")
    legend = legend or {}
    legend_h = _ROW_H * len(legend)
    # Points that link somewhere make the map a group of links, not one image: a role="img"
    # would hide them from keyboard and screen-reader users (axe: nested-interactive).
    role = "group" if any(p.href for p in points) else "img"
    parts = [_svg_open(_WIDTH, _MAP_H + legend_h, title, role)]
    parts.append(
        f'<rect x="0.5" y="0.5" width="{_WIDTH - 1}" height="{_MAP_H - 1}" '
        'fill="none" stroke="#ddd"/>'
    )
    project = _projector(points)
    for p in points:
        cx, cy = project(p)
        circle = (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{topic_colour(p.group)}" '
            f'fill-opacity="0.8"><title>{escape(p.label)}</title></circle>'
        )
        if p.href:
            circle = f'<a href="{escape(p.href)}">{circle}</a>'
        parts.append(circle)
    parts.extend(_group_labels(points, project))
    for i, (group, label) in enumerate(sorted(legend.items())):
        y = _MAP_H + i * _ROW_H
        parts.append(
            f'<circle cx="{_PAD}" cy="{y + 11}" r="5" fill="{topic_colour(group)}"/>'
            f'<text class="legend" x="{_PAD * 2}" y="{y + 15}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _group_labels(
    points: Sequence[Point], project: Callable[[Point], tuple[float, float]]
) -> list[str]:
    """Each group's id beside its points (right of the rightmost, at their mean height), so the
    label does not cover a point of its own group; outliers get none."""
    placed: dict[int, list[tuple[float, float]]] = {}
    for p in points:
        if p.group >= 0:
            placed.setdefault(p.group, []).append(project(p))
    labels = []
    for group, xy in sorted(placed.items()):
        y = sum(c[1] for c in xy) / len(xy)
        # Right of the cluster unless that would leave the box; the white halo keeps it legible.
        right, left = max(c[0] for c in xy), min(c[0] for c in xy)
        x, anchor, dx = (left, "end", -9) if right > _WIDTH - 4 * _PAD else (right, "start", 9)
        labels.append(
            f'<text class="group-label" x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
            f'fill="{topic_colour(group)}">{group}</text>'
        )
    return labels


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


def shorten(label: str, limit: int = _LABEL_CHARS) -> str:
    """``label`` cut to ``limit`` characters at a word boundary, so no word is left half-shown."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    # A single long word has no boundary to cut at; then cutting inside it is the only option.
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _svg_open(width: int, height: int, title: str, role: str = "img") -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="{role}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def swatch(topic_id: int) -> Markup:
    """A small dot in the topic's map colour, to tie a table row to the map."""
    return Markup(
        f'<svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">'
        f'<circle cx="5" cy="5" r="5" fill="{topic_colour(topic_id)}"/></svg>'
    )


def line_chart(
    values: Sequence[tuple[str, float | None]],
    *,
    title: str,
    max_value: float = 100.0,
    width: int = NARROW_WIDTH,
) -> Markup:
    """One series over time (label, value), oldest first, on a 0..``max_value`` scale, each
    point's value written above it. Drawn at a phone's width: it scales up, never down."""
    known = [(i, v) for i, (_, v) in enumerate(values) if v is not None]
    if len(known) < 2:
        return Markup("")
    height, top_pad, bottom = 150, 22, 24
    plot_h = height - top_pad - bottom
    step = (width - 4 * _PAD) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 2 * _PAD + i * step, top_pad + (1 - max(0.0, min(v, max_value)) / max_value) * plot_h

    parts = [_svg_open(width, height, title)]
    parts.append(
        f'<line x1="{2 * _PAD}" y1="{top_pad + plot_h}" x2="{width - 2 * _PAD}" '
        f'y2="{top_pad + plot_h}" stroke="{_GRID}"/>'
    )
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in known))
    parts.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for i, v in known:
        x, y = xy(i, v)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}">'
            f"<title>{escape(values[i][0])}: {v:.1f}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle">{v:.0f}</text>'
        )
    for i in sorted({0, len(values) - 1}):
        x = 2 * _PAD + i * step
        anchor = "start" if i == 0 else "end"
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}">'
            f"{escape(values[i][0])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
