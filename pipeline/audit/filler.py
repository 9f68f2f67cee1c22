"""SEO filler: text written for the search engine (or left over from a prompt), not the reader.

First version, rules:

* ``FILLER_PATTERNS``: self-referential SEO text ("SEO-friendly", "EEAT guidelines"), meta
  narration ("this article explores …", "in this post we will …") and stock padding ("In
  conclusion", "in today's fast-paced world"). Each pattern carries its severity: a leaked
  SEO brief is critical, stock phrases are info.
* table-of-contents padding: a "Table of Contents" line followed by ``TOC_MIN_ENTRIES`` or more
  short entries — in a post this length it repeats the headings instead of adding content.
"""

from __future__ import annotations

import re

from pipeline.audit.findings import SEO_FILLER, quote, span_finding
from pipeline.audit.text import Span, heading_lines, lines, sentences
from pipeline.records import Finding, Severity

# name -> (pattern, severity, score, why)
FILLER_PATTERNS: dict[str, tuple[re.Pattern[str], Severity, float, str]] = {
    "seo_self_reference": (
        re.compile(
            r"\bSEO[- ](?:friendly|optimi[sz]ed|rich)\b|\bE-?E-?A-?T\b|\bsearch engine optimi[sz]"
            r"|\bGoogle[’']s\s+(?:\w+\s+){0,2}guidelines\b|\bfocus keyword\b|\bmeta description\b",
            re.I,
        ),
        "critical",
        0.95,
        "the text talks about its own SEO (a leaked writing brief)",
    ),
    "meta_narration": (
        re.compile(
            r"\b(?:this|the following)\s+(?:article|post|blog|guide)\s+(?:explores|will explore|"
            r"delves|will delve|dives|aims to|serves as|will discuss|discusses|examines|covers)\b"
            r"|\bin\s+this\s+(?:article|post|blog|guide),?\s+(?:we|you)\s+will\b",
            re.I,
        ),
        "info",
        0.4,
        "the text narrates itself instead of saying something",
    ),
    "stock_padding": (
        re.compile(
            r"^(?:in conclusion|to sum up|in summary|all in all)\b"
            r"|\bin today[’']s (?:fast-paced|modern|busy|digital) world\b|\bwithout further ado\b"
            r"|\bin the (?:world|realm) of\b|\blet[’']s dive (?:in|into)\b|\bdelve into\b"
            r"|\bunlock the secrets?\b|\bit is important to note that\b",
            re.I,
        ),
        "info",
        0.3,
        "stock phrase that pads the text",
    ),
}

TOC_HEADER = re.compile(r"^(?:table of contents|contents|in this article)\s*:?$", re.I)
TOC_MIN_ENTRIES = 5
TOC_ENTRY_MAX_WORDS = 10


def filler_phrases(text: str) -> list[Finding]:
    out = []
    for span in sentences(text):
        for name, (pattern, severity, score, why) in FILLER_PATTERNS.items():
            match = pattern.search(span.text)
            if match is None:
                continue
            out.append(
                span_finding(
                    SEO_FILLER,
                    severity,
                    score,
                    span,
                    message=f"{why}: {quote(match.group())}",
                    fix_hint="Delete it, or replace it with a concrete point for the reader.",
                    detector=f"filler.{name}",
                    extra={"rule": name},
                )
            )
            break  # the first (most severe) rule per sentence
    return out


def toc_padding(text: str) -> list[Finding]:
    """A table of contents: the header line through its last entry."""
    all_lines = lines(text)
    heads = {h.start for h in heading_lines(text)}
    out = []
    for i, line in enumerate(all_lines):
        if not TOC_HEADER.match(line.text):
            continue
        entries = 0
        seen: set[str] = set()
        for entry in all_lines[i + 1 :]:
            long = len(entry.text.split()) > TOC_ENTRY_MAX_WORDS
            # the first entry seen again is the body's first heading: the TOC has ended
            if entry.start not in heads or long or entry.text.lower() in seen:
                break
            seen.add(entry.text.lower())
            entries += 1
        if entries < TOC_MIN_ENTRIES:
            continue
        last = all_lines[i + entries]
        span = Span(line.start, last.end, text[line.start : last.end])
        out.append(
            span_finding(
                SEO_FILLER,
                "info",
                0.3,
                span,
                message=f"table of contents with {entries} entries repeats the headings",
                fix_hint="Drop the plain-text table of contents, or make it real in-page links.",
                detector="filler.toc_padding",
                extra={"rule": "toc_padding", "entries": str(entries)},
            )
        )
    return out


def seo_filler(text: str) -> list[Finding]:
    return filler_phrases(text) + toc_padding(text)
