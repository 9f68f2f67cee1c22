"""Promo in the body: calls to action and commercial pitches inside the article text.

Two signals per sentence, combined for precision:

* a lexicon of strong call-to-action patterns (``CTA_PATTERNS``): a match alone flags the
  sentence — these constructions ("book a … consultation", "download the … app", "talk to our
  specialists", "best rehab centre in <city>") are sales copy in any article;
* the promo classifier (``promo_model``): a sentence whose probability is ``MODEL_THRESHOLD`` or
  more is flagged without a lexicon match (testimonials, service pitches in varied wording).

A flagged sentence pulls in its neighbours on the same line when they score
``CONTEXT_THRESHOLD`` or more (the hook before a CTA: "Struggling with X? Talk to our
specialists"), and consecutive flagged sentences of one line become one finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.audit.findings import PROMO_IN_BODY, quote, span_finding
from pipeline.audit.text import Span, lines, sentences, word_count
from pipeline.records import Finding

# The classifier's held-out precision is ~0.93 at 0.5 (see train_promo); on real posts the prior
# of promo is far lower than in the balanced training set, so a model-only flag needs more.
MODEL_THRESHOLD = 0.7
CONTEXT_THRESHOLD = 0.5
MIN_WORDS = 2  # one-word lines ("Menu", "Share") are chrome, not pitches

_STAFF = (
    r"(?:specialists?|experts?|therapists?|counsell?ors?|coaches|psychics?|readers|doctors"
    r"|advisors?|clinicians|team)"
)
_NEAR = r"[^.?!\n]{0,40}?"

# name -> pattern; names go into the finding's ``detector`` so an analyst can see which rule fired.
CTA_PATTERNS: dict[str, re.Pattern[str]] = {
    "booking": re.compile(
        # "book" as a verb: not after an article or possessive ("the book offers a session plan").
        r"(?<!the )(?<!a )(?<!this )(?<!my )(?<!your )(?<!our )(?<!their )"
        rf"\b(?:book|schedule|reserve|request|claim|arrange)\b{_NEAR}"
        r"\b(?:consultation|session|appointment|call|reading|assessment|slot)s?\b",
        re.I,
    ),
    "app_download": re.compile(rf"\b(?:download|install)\b{_NEAR}\bapp\b", re.I),
    "talk_to_us": re.compile(
        rf"\b(?:talk|speak|chat|consult|connect)\s+(?:to|with)\s+(?:one\s+of\s+)?our\s+{_STAFF}\b",
        re.I,
    ),
    "talk_now": re.compile(
        r"\b(?:talk|speak|chat)\s+(?:to|with)\s+an?\s+(?:licensed\s+|certified\s+|qualified\s+)?"
        rf"{_STAFF}\s+(?:today|now)\b",
        re.I,
    ),
    "local_seo_anchor": re.compile(
        r"\bbest\s+(?:[a-z-]+\s+){0,3}(?:centre|center|clinic|hospital|therapist|psychologist|"
        r"psychiatrist|counsell?or|sexologist|rehab)\s+(?:in|near)\s+[A-Za-z]+",
        re.I,
    ),
    "therapy_platform": re.compile(
        r"\b(?:BetterHelp|Talkspace|ReGain|Calmerry|Cerebral)\b[^.?!\n]{0,30}?"
        rf"\b(?:has|offers|provides|{_STAFF})\b",
    ),
    "reading_upsell": re.compile(
        r"\b(?:(?:a|your|this|our)\s+(?:tarot\s+|psychic\s+|love\s+)?readings?\s+(?:can|will)\s+"
        r"(?:help|reveal|uncover|guide|show)|(?:tarot|the\s+cards)\s+can\s+(?:offer|give|reveal|"
        rf"help|provide)|\b(?:get|book|order|try|consider|explore|choose)\b{_NEAR}\breadings?\b)",
        re.I,
    ),
    "reviews_pitch": re.compile(
        r"\bread\b[^.?!\n]{0,30}?\b(?:reviews|testimonials)\b"
        r"|^(?:client|customer|counsell?or|therapist)\s+(?:reviews|testimonials)$",
        re.I,
    ),
    "offer": re.compile(
        r"\b\d{1,2}\s?% off\b|\buse code\b|\bfree (?:trial|consultation|session|reading)\b"
        r"|\b(?:sign up|subscribe) (?:now|today)\b|\b(?:limited|special)[- ]time offer\b",
        re.I,
    ),
}

Scorer = Callable[[Sequence[str]], list[float]]


@dataclass(frozen=True, slots=True)
class _Scored:
    span: Span
    proba: float
    rule: str | None  # the CTA pattern that matched, if any

    @property
    def flagged(self) -> bool:
        return self.rule is not None or self.proba >= MODEL_THRESHOLD


def cta_rule(sentence: str) -> str | None:
    """Name of the first CTA pattern matching ``sentence``, or None."""
    for name, pattern in CTA_PATTERNS.items():
        if pattern.search(sentence):
            return name
    return None


def _groups(scored: list[_Scored]) -> list[list[_Scored]]:
    """Runs of flagged sentences (plus likely-promo neighbours) within one line."""
    keep = [s.flagged for s in scored]
    for i, s in enumerate(scored):
        if s.flagged:
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(scored) and scored[j].flagged]
        if s.proba >= CONTEXT_THRESHOLD and near:
            keep[i] = True
    groups: list[list[_Scored]] = []
    for i, s in enumerate(scored):
        if keep[i] and groups and keep[i - 1]:
            groups[-1].append(s)
        elif keep[i]:
            groups.append([s])
    return groups


def _finding(text: str, group: list[_Scored]) -> Finding:
    span = Span(
        group[0].span.start, group[-1].span.end, text[group[0].span.start : group[-1].span.end]
    )
    rules = sorted({s.rule for s in group if s.rule})
    proba = max(s.proba for s in group)
    why = f"call-to-action pattern {', '.join(rules)}" if rules else f"promo classifier {proba:.2f}"
    return span_finding(
        PROMO_IN_BODY,
        "warning",
        max(proba, 0.9 if rules else 0.0),
        span,
        message=f"commercial pitch inside the article ({why}): {quote(span.text)}",
        fix_hint="Move offers and CTAs out of the article body (one marked box at the end).",
        detector="promo.lexicon" if rules else "promo.classifier",
        extra={"rules": ",".join(rules), "proba": f"{proba:.3f}"},
    )


def promo_in_body(text: str, scorer: Scorer) -> list[Finding]:
    """Findings for promo sentences; ``scorer`` maps sentences to promo probabilities."""
    spans = [s for s in sentences(text) if word_count(s.text) >= MIN_WORDS]
    if not spans:
        return []
    probas = scorer([s.text for s in spans])
    findings: list[Finding] = []
    for line in lines(text):
        scored = [
            _Scored(s, p, cta_rule(s.text))
            for s, p in zip(spans, probas, strict=True)
            if line.start <= s.start < line.end
        ]
        findings.extend(_finding(text, g) for g in _groups(scored))
    return findings
