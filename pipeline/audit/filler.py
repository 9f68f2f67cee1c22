"""SEO filler: text written for the search engine (or left over from a prompt), not the reader.

Two signals per sentence:

* the filler classifier (``filler_model``, scikit-learn, trained on labeled sentences): a
  sentence with P(filler) of ``MODEL_THRESHOLD`` or more is flagged (generic intros and outros,
  hype that promises content without giving it, FAQ padding: wording too varied for rules);
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
from pipeline.audit.promo import Scorer
from pipeline.audit.text import Span, heading_lines, lines, sentences, word_count
from pipeline.records import Finding, Severity

# P(filler) from which the classifier alone flags a sentence (info severity: filler costs the
# reader time, it does not mislead). Chosen on the labeled set's dev split: on real posts the
# classifier's extra flags are mostly false below ~0.95 (benchmarks/detectors/README.md), so it
# fires alone only when it is nearly certain; the rules carry the detector.
MODEL_THRESHOLD = 0.95
MODEL_MIN_WORDS = 3

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
            r"\b(?:this|the following)\s+(?:article|post|blog|guide|newsletter)\s+(?:explores|"
            r"will explore|delves|will delve|dives|aims to|serves as|will discuss|discusses|"
            r"examines|covers)\b"
            r"|\bin\s+this\s+(?:article|post|blog|guide),?\s+(?:we|you)\s+will\b"
            # reading instructions and announcements of what comes next
            r"|\b(?:keep|continue) reading\b|\bread on\b"
            r"|^below,? (?:I|we)\s+(?:describe|explain|outline|cover|share|list)\b"
            r"|\bwe[’']re (?:going to|here to help you) (?:explain|explore|understand|cover|discuss"
            r"|look at|break)"
            r"|^let[’']s (?:break (?:this|it) down|take a (?:closer )?look|explore)\b"
            # a listicle announcing its own list ("Here are the top …", "Look out for these …")
            r"|^(?:here are|these are|below are|the following are)\s+(?:\w+\s+){0,4}?(?:top|best"
            r"|biggest|most|main|key|latest|emerging)\b|^look out for these\b",
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
            r"|\bunlock the secrets?\b|\bit is important to note that\b"
            r"|\bcontinues? to evolve\b|\bon the horizon\b|\bcannot be overstated\b"
            r"|\bit[’']s (?:essential|important|crucial) to stay informed\b"
            r"|\bthank you for your interest\b",
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


def filler_phrases(text: str, scorer: Scorer | None = None) -> list[Finding]:
    spans = sentences(text)
    probas = scorer([s.text for s in spans]) if scorer is not None and spans else []
    out = []
    for i, span in enumerate(spans):
        proba = probas[i] if probas else 0.0
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
        else:
            if proba >= MODEL_THRESHOLD and word_count(span.text) >= MODEL_MIN_WORDS:
                out.append(
                    span_finding(
                        SEO_FILLER,
                        "info",
                        proba,
                        span,
                        message=f"formulaic filler (filler classifier {proba:.2f}): "
                        f"{quote(span.text)}",
                        fix_hint="Delete it, or replace it with a concrete point for the reader.",
                        detector="filler.classifier",
                        extra={"proba": f"{proba:.3f}"},
                    )
                )
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


def seo_filler(text: str, scorer: Scorer | None = None) -> list[Finding]:
    """Rule and classifier findings; ``scorer`` maps sentences to P(filler) (None: rules only)."""
    return filler_phrases(text, scorer) + toc_padding(text)
