"""Inline SVG charts: scaling, axes, labels, escaping, colours, degenerate inputs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from pipeline.report.charts import (
    OUTLIER_COLOUR,
    PALETTE,
    Bar,
    Point,
    axis_ticks,
    bar_chart,
    scatter_chart,
    shorten,
)


def _texts(svg: str, cls: str | None = None) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter("text") if cls is None or t.get("class") == cls]


def test_bars_scale_to_the_axis_top_and_parse_as_xml() -> None:
    svg = bar_chart([Bar("thin_content", 10), Bar("promo", 5)], title="Findings", axis_label="n")

    widths = [float(r.get("width", "0")) for r in ET.fromstring(svg).iter("rect")]
    assert widths[0] == 2 * widths[1] > 0


def test_bar_chart_has_a_value_axis_with_round_ticks_and_a_caption() -> None:
    # Before: bars had no scale at all, so a 40 and a 4 read the same without the number.
    svg = bar_chart(
        [Bar("promo in body", 40), Bar("seo filler", 3)], title="t", axis_label="findings"
    )

    assert _texts(svg, "tick") == ["0", "10", "20", "30", "40"]
    assert _texts(svg, "axis") == ["findings"]
    assert len(list(ET.fromstring(svg).iter("line"))) == 5  # a grid line per tick


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(40, [0, 10, 20, 30, 40]), (6, [0, 2, 4, 6]), (1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
     (73, [0, 20, 40, 60, 80]), (0, [0, 1])],
)  # fmt: skip
def test_axis_ticks_are_round_and_cover_the_top(top: float, ticks: list[float]) -> None:
    assert axis_ticks(top) == pytest.approx(ticks)


def test_shares_scale_to_a_fixed_maximum() -> None:
    svg = bar_chart(
        [Bar("a", 0.5)], title="Share", axis_label="share", max_value=1.0, fmt=lambda v: f"{v:.0%}"
    )

    [rect] = ET.fromstring(svg).iter("rect")
    assert float(rect.get("width", "0")) == pytest.approx(190)  # half of the 380px bar span
    assert ">50%</text>" in svg and _texts(svg, "tick")[-1] == "100%"


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    label = "<script>alert(1)</script>" + "x" * 40
    svg = bar_chart([Bar(label, 1)], title="t & <b>", axis_label="<i>")

    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…</text>" in svg  # shortened in the axis label, complete in the tooltip
    ET.fromstring(svg)


def test_long_labels_are_cut_at_a_word_boundary() -> None:
    # Before: "4: sex, emotional, conversati…", a half word.
    label = "4: sex, emotional, conversations, intimacy"

    assert shorten(label) == "4: sex, emotional…"
    assert shorten("short label") == "short label"
    assert shorten("x" * 40) == "x" * 29 + "…"  # one long word: nowhere else to cut


def test_palette_leaves_out_colours_too_pale_to_see_on_white() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    # WCAG contrast against white; 1.4.11 asks 3:1 of graphics, the dropped yellow had 1.2:1.
    contrast = {c: 1.05 / (luminance(c) + 0.05) for c in PALETTE}
    assert min(contrast.values()) >= 2.0, contrast
    assert "#F0E442" not in PALETTE


def test_empty_input_draws_nothing() -> None:
    assert bar_chart([], title="x", axis_label="x") == ""
    assert scatter_chart([], title="x") == ""


def test_scatter_handles_a_single_point_and_colours_outliers_grey() -> None:
    svg = scatter_chart([Point(3.0, 3.0, -1, "only <post>")], title="map", legend={-1: "outliers"})

    circles = list(ET.fromstring(svg).iter("circle"))
    assert circles[0].get("fill") == OUTLIER_COLOUR
    assert all(re.fullmatch(r"[\d.]+", c.get("cx", "")) for c in circles)  # no nan/inf
    assert "only &lt;post&gt;" in svg
    assert _texts(svg, "group-label") == []  # outliers are no topic: no id on the map


def test_scatter_writes_each_topic_id_beside_its_points() -> None:
    # Before: the map could only be read by hovering or by telling two blues apart.
    points = [
        Point(0, 0, 0, "a"),
        Point(0.1, 0, 0, "b"),
        Point(1, 1, 4, "c"),
        Point(1, 0.9, 4, "d"),
    ]
    root = ET.fromstring(scatter_chart(points, title="map"))

    labels = {t.text: t for t in root.iter("text") if t.get("class") == "group-label"}
    assert set(labels) == {"0", "4"}
    assert labels["0"].get("fill") == PALETTE[0]
    xs = {c.get("fill"): float(c.get("cx", "0")) for c in root.iter("circle")}
    # Topic 0 (left) is labelled to its right, topic 4 (at the right edge) to its left.
    assert float(labels["0"].get("x", "0")) > xs[PALETTE[0]]
    assert labels["4"].get("text-anchor") == "end"
