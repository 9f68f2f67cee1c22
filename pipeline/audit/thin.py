"""Thin content: too few words of main text, or a page that is mostly boilerplate."""

from __future__ import annotations

from pipeline.audit.findings import NO_SPAN, THIN_CONTENT, span_finding
from pipeline.audit.text import Span, lines, word_count
from pipeline.records import Finding, Severity

# Boilerplate share of the page's words from which the article is drowned by the template.
MOSTLY_BOILERPLATE_SHARE = 0.6
THIN_HINT = "Expand the post with substance (examples, sources, steps) or merge it into another."


def _severity(words: int, min_words: int) -> Severity:
    """Critical under a third of the minimum, warning under two thirds, info just below it."""
    if words < min_words / 3:
        return "critical"
    return "warning" if words < 2 * min_words / 3 else "info"


def thin_content(text: str, *, min_words: int) -> list[Finding]:
    words = word_count(text)
    if words >= min_words:
        return []
    first = lines(text)
    span = first[0] if first else Span(0, 0, "")
    return [
        span_finding(
            THIN_CONTENT,
            _severity(words, min_words),
            1 - words / min_words,
            span,
            message=f"main text has {words} words (minimum {min_words})",
            fix_hint=THIN_HINT,
            detector="thin.word_count",
            extra={"words": str(words)},
        )
    ]


def mostly_boilerplate(page_words: int, boilerplate_words: int) -> list[Finding]:
    """Page-level: the template outweighs the article (evidence is the count, not a span)."""
    if page_words <= 0:
        return []
    share = boilerplate_words / page_words
    if share < MOSTLY_BOILERPLATE_SHARE:
        return []
    evidence = f"{boilerplate_words} of {page_words} page words are boilerplate"
    return [
        span_finding(
            THIN_CONTENT,
            "warning",
            share,
            Span(NO_SPAN, NO_SPAN, evidence),
            message=f"mostly boilerplate: {share:.0%} of the page is template, not article",
            fix_hint="Trim sidebars, banners and related-post blocks around the article.",
            detector="thin.boilerplate_share",
            extra={"share": f"{share:.4f}"},
        )
    ]
