"""Structure from the extracted page (run() only): one H1 and no skipped heading levels; a title
of a sensible length; a meta description; titles and descriptions unique within the site.

Title length: search results show about 50-60 characters of a title and cut the rest, and a
title under ``TITLE_MIN_CHARS`` rarely says what the post is about, so outside
[``TITLE_MIN_CHARS``, ``TITLE_MAX_CHARS``] is an info finding. A title or description shared by
several posts of one site makes them compete for the same query (warning).
"""

from __future__ import annotations

from collections import defaultdict
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
                "H1: none",
                "warning",
                "page has no H1",
                "Mark the post title up as the one H1.",
                "no_h1",
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


TITLE_MIN_CHARS = 30
TITLE_MAX_CHARS = 60


def _norm(text: object) -> str:
    return " ".join(str(text or "").lower().split())


def title_and_description(title: str | None, description: str | None) -> list[Finding]:
    """Missing or badly sized title, missing meta description."""
    out = []
    t = " ".join(str(title or "").split())
    if not t:
        out.append(
            _page_level(
                "title: none",
                "warning",
                "page has no title",
                "Give the post a descriptive <title> of 30-60 characters.",
                "no_title",
            )
        )
    elif not TITLE_MIN_CHARS <= len(t) <= TITLE_MAX_CHARS:
        short = len(t) < TITLE_MIN_CHARS
        out.append(
            _page_level(
                t,
                "info",
                f"title is {len(t)} characters ({'under' if short else 'over'} "
                f"{TITLE_MIN_CHARS if short else TITLE_MAX_CHARS}): search results "
                + ("show little about the post" if short else "cut it off"),
                f"Write a title of {TITLE_MIN_CHARS}-{TITLE_MAX_CHARS} characters.",
                "title_too_short" if short else "title_too_long",
            )
        )
    if not _norm(description):
        out.append(
            _page_level(
                "meta description: none",
                "info",
                "page has no meta description",
                "Write a meta description (about 150 characters) that summarises the post.",
                "no_description",
            )
        )
    return out


def duplicate_title_and_description(posts: Sequence[dict[str, Any]]) -> dict[str, list[Finding]]:
    """post_id -> findings for titles and descriptions shared with other posts of its site."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for p in posts:
        for field in ("title", "description"):
            key = _norm(p.get(field))
            if key:
                groups[(str(p.get("site")), field, key)].append(p)
    out: dict[str, list[Finding]] = defaultdict(list)
    for (_, field, _), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        for p in members:
            others = sorted(str(o.get("url") or o.get("post_id")) for o in members if o is not p)
            out[str(p.get("post_id"))].append(
                _page_level(
                    f"{field}: " + " ".join(str(p.get(field)).split()),
                    "warning",
                    f"{field} shared with {len(others)} other post(s) of the site: "
                    + ", ".join(others[:3]),
                    f"Give each post its own {field}; if they cover one subject, merge them.",
                    f"duplicate_{field}",
                )
            )
    return out
