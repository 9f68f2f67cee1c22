"""Heading structure from the extracted HTML: one H1, no skipped levels (run() only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.audit.findings import NO_SPAN, STRUCTURE, span_finding
from pipeline.audit.text import Span
from pipeline.records import Finding


def _page_level(evidence: str, severity: str, message: str, hint: str, rule: str) -> Finding:
    return span_finding(
        STRUCTURE,
        "warning" if severity == "warning" else "info",
        0.5 if severity == "warning" else 0.3,
        Span(NO_SPAN, NO_SPAN, evidence),
        message=message,
        fix_hint=hint,
        detector=f"structure.{rule}",
        extra={"rule": rule},
    )


def heading_structure(
    h1_count: int | None, headings: Sequence[dict[str, Any]] | None
) -> list[Finding]:
    """No H1 / several H1 (from ``h1_count``), and each skipped level (h2 → h4)."""
    heads = [h for h in headings or () if h.get("level") is not None]
    h1s = [str(h.get("text") or "") for h in heads if h["level"] == 1]
    n_h1 = h1_count if h1_count is not None else len(h1s)
    out = []
    if n_h1 == 0:
        out.append(
            _page_level(
                "", "warning", "page has no H1", "Mark the post title up as the one H1.", "no_h1"
            )
        )
    elif n_h1 > 1:
        out.append(
            _page_level(
                " | ".join(h1s) or f"{n_h1} H1 elements",
                "warning",
                f"page has {n_h1} H1 headings",
                "Keep one H1 (the title); demote the others to H2.",
                "multiple_h1",
            )
        )
    previous = None
    for h in heads:
        level = int(h["level"])
        if previous is not None and level > previous + 1:
            out.append(
                _page_level(
                    str(h.get("text") or ""),
                    "info",
                    f"heading level skips from H{previous} to H{level}",
                    f"Use H{previous + 1} here so the outline has no gaps.",
                    "skipped_level",
                )
            )
        previous = level
    return out
