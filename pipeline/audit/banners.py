"""Repeated banners inside the main text: the same promo line pasted more than once.

Seed 004 carries "It's Normal For Marriages To Have Their Challenges And Difficulties" /
"Guidance From A Licensed Professional Can Help You Navigate Them" twice in the article body.
A line counts when it has ``BANNER_MIN_WORDS`` words or more, is not a numbered item (a table of
contents repeats its headings legitimately) nor a lead-in ending in ":" (a template subheading,
"How to adapt to this trend:"), and occurs at least twice; consecutive repeated lines form one
banner, reported at each occurrence. With a promo ``scorer`` (English posts), a run is a banner
only when one of its lines sells: a call-to-action rule matches or P(promo) is
``BANNER_PROMO_MIN`` or more; a repeated "Talk to your doctor if you have questions" is advice.
A line repeated ``BANNER_ANY_COUNT`` times or more with ``BANNER_ANY_WORDS`` words or more is a
banner whatever its wording (issue 17: "It's normal to feel overwhelmed sometimes. Guidance is a
call away" or "Free shipping on all orders over $50" pasted three times does not sound like a
sale to a classifier, and no writer repeats a sentence of that length three times on purpose).
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.audit.findings import REPEATED_BANNER, quote, span_finding
from pipeline.audit.promo import Scorer, cta_rule
from pipeline.audit.text import Span, is_numbered, lines, word_count
from pipeline.records import Finding

BANNER_MIN_WORDS = 4
BANNER_PROMO_MIN = 0.5
BANNER_ANY_COUNT = 3  # this many copies of one long line is a banner, selling or not
BANNER_ANY_WORDS = 6
# A repeated table header ("Week Monday Tuesday … Sunday") or legend ("s = slow pace (your
# normal jogging pace)") is the article's structure: no function word, or a "key = value" line.
_FUNCTION_WORD = re.compile(
    r"\b(?:a|an|the|and|or|to|of|in|on|for|with|your|you|our|we|is|are|it|this|at|by|from)\b",
    re.I,
)
_STRUCTURE = re.compile(r"^\S{1,12}\s*[=:|]\s|\||\t")
BANNER_HINT = "Show the banner once, outside the article text, or remove it."


def _key(line: Span) -> str:
    return " ".join(line.text.lower().split())


def _reads_as_prose(line: str) -> bool:
    return bool(_FUNCTION_WORD.search(line)) and not _STRUCTURE.search(line)


def _banner_runs(runs: list[list[Span]], counts: Counter[str], scorer: Scorer) -> list[list[Span]]:
    """The runs that are banners: pasted three times or more (whatever they say), or selling."""

    def pasted(run: list[Span]) -> bool:
        return any(
            counts[_key(x)] >= BANNER_ANY_COUNT
            and word_count(x.text) >= BANNER_ANY_WORDS
            and _reads_as_prose(x.text)
            for x in run
        )

    undecided = [run for run in runs if not pasted(run)]
    distinct = sorted({line.text for run in undecided for line in run})
    proba = dict(zip(distinct, scorer(distinct), strict=True)) if distinct else {}
    return [
        run
        for run in runs
        if pasted(run) or any(cta_rule(x.text) or proba[x.text] >= BANNER_PROMO_MIN for x in run)
    ]


def repeated_lines(text: str, scorer: Scorer | None = None) -> list[Finding]:
    """One finding per occurrence of a repeated banner (a run of consecutive repeated lines),
    so the report can point at every place the reader meets it."""
    all_lines = lines(text)
    counts = Counter(_key(line) for line in all_lines)
    runs: list[list[Span]] = []
    in_current: set[str] = set()  # keys of the current run's lines
    previous_repeated = False
    for line in all_lines:
        repeated = (
            counts[_key(line)] >= 2
            and word_count(line.text) >= BANNER_MIN_WORDS
            and not is_numbered(text, line)
            and not line.text.endswith(":")
        )
        # a run ends where it starts over (the same banner pasted twice in a row is two)
        in_run = previous_repeated and _key(line) not in in_current
        if repeated and in_run:
            runs[-1].append(line)
            in_current.add(_key(line))
        elif repeated:
            runs.append([line])
            in_current = {_key(line)}
        previous_repeated = repeated
    if scorer is not None and runs:
        runs = _banner_runs(runs, counts, scorer)
    out = []
    occurrence: Counter[str] = Counter()
    for run in runs:
        span = Span(run[0].start, run[-1].end, text[run[0].start : run[-1].end])
        n = min(counts[_key(line)] for line in run)
        key = _key(run[0])
        occurrence[key] += 1
        out.append(
            span_finding(
                REPEATED_BANNER,
                "warning",
                min(1.0, 0.4 + 0.2 * n),
                span,
                message=f"banner repeated {n} times in the article (occurrence "
                f"{occurrence[key]} of {n}): {quote(span.text)}",
                fix_hint=BANNER_HINT,
                detector="banners.repeated_lines",
                extra={"count": str(n), "occurrence": str(occurrence[key])},
            )
        )
    return out
