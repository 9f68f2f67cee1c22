"""Inline SVG charts: scaling, escaping, degenerate inputs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.report.charts import OUTLIER_COLOUR, Bar, Point, bar_chart, scatter_chart


def test_bars_scale_to_the_largest_value_and_parse_as_xml() -> None:
    svg = bar_chart([Bar("thin_content", 10), Bar("promo", 5)], title="Findings")

    root = ET.fromstring(svg)
    widths = [float(r.get("width", "0")) for r in root.iter("rect")]
    assert widths[0] == 2 * widths[1] > 0


def test_shares_scale_to_a_fixed_maximum() -> None:
    svg = bar_chart([Bar("a", 0.5)], title="Share", max_value=1.0, fmt=lambda v: f"{v:.0%}")

    [rect] = ET.fromstring(svg).iter("rect")
    assert 0 < float(rect.get("width", "0")) < 300  # half of the 380px bar span
    assert ">50%</text>" in svg


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    label = "<script>alert(1)</script>" + "x" * 40
    svg = bar_chart([Bar(label, 1)], title="t & <b>")

    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…</text>" in svg  # shortened in the axis label, complete in the tooltip
    ET.fromstring(svg)


def test_empty_input_draws_nothing() -> None:
    assert bar_chart([], title="x") == ""
    assert scatter_chart([], title="x") == ""


def test_scatter_handles_a_single_point_and_colours_outliers_grey() -> None:
    svg = scatter_chart([Point(3.0, 3.0, -1, "only <post>")], title="map", legend={-1: "outliers"})

    circles = list(ET.fromstring(svg).iter("circle"))
    assert circles[0].get("fill") == OUTLIER_COLOUR
    assert all(re.fullmatch(r"[\d.]+", c.get("cx", "")) for c in circles)  # no nan/inf
    assert "only &lt;post&gt;" in svg
