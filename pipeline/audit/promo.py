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

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.audit.brand import brand_pitch
from pipeline.audit.findings import PROMO_IN_BODY, quote, span_finding
from pipeline.audit.text import (
    Span,
    by_line,
    is_heading,
    lines,
    raw_line_prefix,
    sentences,
    word_count,
)
from pipeline.records import Finding

if TYPE_CHECKING:
    from pipeline.audit.verify import Verifier

# The classifier's held-out precision is ~0.93 at 0.5 (see train_promo); on real posts the prior
# of promo is far lower than in the balanced training set, so a model-only flag needs more.
MODEL_THRESHOLD = 0.7
CONTEXT_THRESHOLD = 0.5
MIN_WORDS = 2  # one-word lines ("Menu", "Share") are chrome, not pitches
HOOK_MAX_WORDS = 12  # "Struggling with intimacy concerns?" before a CTA is the pitch's hook

_STAFF = (
    r"(?:specialists?|experts?|therapists?|counsell?ors?|coaches|psychics?|readers|doctors"
    r"|advisors?|clinicians|team)"
)
_NEAR = r"[^.?!\n]{0,40}?"

# name -> pattern; names go into the finding's ``detector`` so an analyst can see which rule fired.
CTA_PATTERNS: dict[str, re.Pattern[str]] = {
    "booking": re.compile(
        # "book" as a verb: not after an article or possessive ("the book offers a session plan"),
        # and with a determiner or offer word before the object: "book a free 15-minute
        # consultation", "schedule your session"; "helps people schedule appointments" is not a
        # pitch.
        # (``\b`` first: it fails fast where the seven look-behinds would each be tried.)
        r"\b(?<!the )(?<!a )(?<!this )(?<!my )(?<!your )(?<!our )(?<!their )"
        r"(?:book|schedule|reserve|request|claim|arrange)\s+(?:(?:a|an|your|our|my|one|free"
        r"|online|first|initial|complimentary|discovery|private|virtual|personal\w*|[\w-]+-minute"
        r"|\d+)\s+){1,4}(?:[\w-]+\s+){0,2}?"
        r"(?:consultation|session|appointment|call|reading|assessment|slot)s?\b",
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
        r"\b(?:best|top|top-rated|leading|trusted)\s+(?:[a-z-]+\s+){0,3}(?:centre|center|clinic|hospital|therapist|psychologist|"
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
    # The publisher speaking as a service: "At Manoshala, we believe …", "we're here",
    # "X is here to support you", "your well-being is our priority", "let's help you …".
    "brand_voice": re.compile(
        r"^At\s+[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4},\s+we\b"
        r"|(?i:\bwe[’']re here(?: for you| to help(?: you)?)?[.!]?$"
        r"|\bis here to (?:support|help) you\b"
        r"|\byour [\w-]+ is our (?:priority|mission|passion)\b|^let[’']s help you\b)",
    ),
    # A plug for the publisher's own channels: "I post … on Instagram, Twitter …", "follow us
    # on …", "new episodes of the … podcast".
    "channel_plug": re.compile(
        r"\b(?:I|we)\s+(?:post|share|publish)\b[^.?!\n]{0,80}?\bon\s+(?:instagram|twitter|facebook"
        r"|linkedin|tiktok|youtube|spotify|pinterest)\b"
        r"|\b(?:follow|find|join)\s+(?:us|me)\s+on\b|\bnew episodes of\b",
        re.I,
    ),
    "offer": re.compile(
        r"\b\d{1,2}\s?% off\b|\buse code\b|\bfree (?:trial|consultation|session|reading)\b"
        r"|\b(?:sign up|subscribe) (?:now|today)\b|\b(?:limited|special)[- ]time offer\b",
        re.I,
    ),
}

Scorer = Callable[[Sequence[str]], list[float]]
PROMO_HINT = "Move offers and CTAs out of the article body (one marked box at the end)."


@dataclass(frozen=True, slots=True)
class _Scored:
    span: Span
    proba: float
    rule: str | None  # the CTA pattern that matched, if any

    @property
    def flagged(self) -> bool:
        return self.rule is not None or self.proba >= MODEL_THRESHOLD


def _brand_rule(sentence: str, names: frozenset[str]) -> str | None:
    return "brand_pitch" if brand_pitch(sentence, names) else None


@lru_cache(maxsize=1 << 16)
def cta_rule(sentence: str) -> str | None:
    """Name of the first CTA pattern matching ``sentence``, or None. Cached: a sentence is
    asked about by the rule, the verifier's cues and the banner check, and chrome repeats across
    a site's posts; it was 11 % of the audit's CPU at 100,000 posts (py-spy)."""
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
        hook = (
            i + 1 < len(scored)
            and scored[i + 1].flagged
            and s.span.text.endswith("?")
            and word_count(s.span.text) <= HOOK_MAX_WORDS
        )
        if (s.proba >= CONTEXT_THRESHOLD and near) or hook:
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


_QUOTED = re.compile(r"^[\"“”‘']")


LIST_ITEM_MAX_WORDS = 25
MAX_BODY_LINES = 20  # a pitch's list or testimonials; more is the article going on


def _marked(text: str, line: Span) -> bool:
    """A list item with its marker, or a quoted line (a testimonial)."""
    return bool(raw_line_prefix(text, line)) or bool(_QUOTED.match(line.text))


def _pitch_body(text: str, following: list[Span], lead: Span) -> list[Span]:
    """The lines a pitch's lead-in introduces: marked list items or quoted lines; or, after a
    lead-in ending in ":" whose list has no markers (extracted text keeps list items as plain
    lines), short lines up to a heading or a long paragraph."""
    if following and _marked(text, following[0]):
        body = []
        for line in following:
            if not _marked(text, line):
                break
            body.append(line)
        return body
    if not lead.text.endswith(":"):
        return []
    body = []
    for line in following:
        if word_count(line.text) > LIST_ITEM_MAX_WORDS or is_heading(text, line):
            break
        body.append(line)
    return body


def _is_lead_in(line: Span, flagged: list[_Scored]) -> bool:
    """A flagged line that introduces what follows: "Consider these readings for insight:",
    "Counselor Reviews"."""
    return line.text.endswith(":") or any(s.rule == "reviews_pitch" for s in flagged)


def _block_finding(text: str, block: list[Span], lead: Span) -> Finding:
    span = Span(block[0].start, block[-1].end, text[block[0].start : block[-1].end])
    return span_finding(
        PROMO_IN_BODY,
        "warning",
        0.8,
        span,
        message=f"part of the pitch introduced by {quote(lead.text, 50)}: {quote(span.text)}",
        fix_hint="Move offers and CTAs out of the article body (one marked box at the end).",
        detector="promo.block",
        extra={"lead_in": lead.text[:200]},
    )


def promo_candidates(
    text: str, scorer: Scorer, brand_names: frozenset[str] = frozenset()
) -> tuple[list[Span], list[str | None], list[dict[str, float]]]:
    """Every sentence of two words or more, the rule it matches and its verifier features."""
    from pipeline.audit.promo_cues import promo_rows

    spans = [s for s in sentences(text) if word_count(s.text) >= MIN_WORDS]
    if not spans:
        return [], [], []
    texts = [s.text for s in spans]
    rules = [cta_rule(t) or _brand_rule(t, brand_names) for t in texts]
    all_lines = lines(text)
    heads = {line.start for line in all_lines if is_heading(text, line)}
    rows = promo_rows(texts, scorer(texts), rules, [s.start in heads for s in spans])
    # a sentence standing as a line of its own (a pitch box, a button) is placed, not written
    whole = {(line.start, line.end) for line in all_lines}
    for span, row in zip(spans, rows, strict=True):
        row["own_line"] = float((span.start, span.end) in whole)
    return spans, rules, rows


def verified_promo(
    text: str, scorer: Scorer, verifier: Verifier, brand_names: frozenset[str] = frozenset()
) -> list[Finding]:
    """Promo findings decided by the calibrated verifier (``verify``): every sentence is a
    candidate, described by the sentence model's probabilities around it, the rule that matched
    and the cues (``promo_cues.promo_rows``); consecutive sentences of one line at or above the
    verifier's threshold are one finding, scored by their highest calibrated probability."""
    spans, rules, rows = promo_candidates(text, scorer, brand_names)
    if not spans:
        return []
    all_lines = lines(text)
    verified = verifier.probabilities(rows)
    line_of = {s.start: i for i, in_line in enumerate(by_line(all_lines, spans)) for s in in_line}
    groups: list[list[int]] = []
    for i, p in enumerate(verified):
        if not verifier.flags(rows[i], p):
            continue
        previous = groups[-1][-1] if groups else None
        if previous == i - 1 and line_of[spans[previous].start] == line_of[spans[i].start]:
            groups[-1].append(i)
        else:
            groups.append([i])
    out = _testimonials(
        text, all_lines, [spans[g[0]] for g in groups if rules[g[0]] == "reviews_pitch"]
    )
    for g in groups:
        span = Span(spans[g[0]].start, spans[g[-1]].end, text[spans[g[0]].start : spans[g[-1]].end])
        proba = max(verified[i] for i in g)
        names = sorted({r for i in g if (r := rules[i])})
        why = f"; rule {', '.join(names)}" if names else ""
        out.append(
            span_finding(
                PROMO_IN_BODY,
                "warning",
                proba,
                span,
                message=f"commercial pitch inside the article (P = {proba:.2f}{why}): "
                f"{quote(span.text)}",
                fix_hint=PROMO_HINT,
                detector="promo.verified",
                extra={"rules": ",".join(names), "proba": f"{proba:.3f}"},
            )
        )
    return out


def _testimonials(text: str, all_lines: list[Span], leads: list[Span]) -> list[Finding]:
    """The quoted lines right under a flagged reviews heading ("Counselor Reviews") are the
    pitch's testimonials: one finding spans them. Only quoted lines: the wider "list after a
    lead-in" expansion of the rule path was right on 12 of 27 real pages' blocks."""
    out = []
    starts = [line.start for line in all_lines]
    for lead in leads:
        i = bisect.bisect_right(starts, lead.start) - 1
        body = []
        for line in all_lines[i + 1 : i + 1 + MAX_BODY_LINES]:
            if not _QUOTED.match(line.text):
                break
            body.append(line)
        if body:
            out.append(_block_finding(text, body, all_lines[i]))
    return out


def promo_in_body(
    text: str, scorer: Scorer, brand_names: frozenset[str] = frozenset()
) -> list[Finding]:
    """Findings for promo sentences by the rules and the sentence model alone (the path without
    a verifier); ``scorer`` maps sentences to promo probabilities.

    ``brand_names`` (``brand.brand_words``): the publisher's name as written in the text; a
    sentence naming it while addressing the reader or describing the offer is a pitch.
    The list items or quoted lines right after a flagged lead-in line (a pitch ending in ":",
    a reviews heading) are part of the same pitch: one more finding spans them; so is a question
    hook right before a flagged line or sentence."""
    spans = [s for s in sentences(text) if word_count(s.text) >= MIN_WORDS]
    if not spans:
        return []
    probas = scorer([s.text for s in spans])
    findings: list[Finding] = []
    all_lines = lines(text)
    flagged_lines: set[int] = set()
    lead_ins: list[int] = []
    proba_of = {s.start: p for s, p in zip(spans, probas, strict=True)}
    for i, (line, in_line) in enumerate(zip(all_lines, by_line(all_lines, spans), strict=True)):
        scored = [
            _Scored(s, proba_of[s.start], cta_rule(s.text) or _brand_rule(s.text, brand_names))
            for s in in_line
        ]
        groups = _groups(scored)
        findings.extend(_finding(text, g) for g in groups)
        if groups:
            flagged_lines.add(i)
            if _is_lead_in(line, [s for g in groups for s in g]):
                lead_ins.append(i)
    for i in lead_ins:
        block = _pitch_body(text, all_lines[i + 1 : i + 1 + MAX_BODY_LINES], all_lines[i])
        run: list[Span] = []
        for j, line in enumerate(block, start=i + 1):
            if j not in flagged_lines:
                run.append(line)
                continue
            if run:
                findings.append(_block_finding(text, run, all_lines[i]))
            run = []
        if run:
            findings.append(_block_finding(text, run, all_lines[i]))
        flagged_lines.update(range(i + 1, i + 1 + len(block)))
    findings.extend(_hooks(text, all_lines, flagged_lines))
    return findings


def _hooks(text: str, all_lines: list[Span], flagged: set[int]) -> list[Finding]:
    """The hook of a pitch: a short question on the line right before a flagged line
    ("Struggling with intimacy concerns?" / "Talk to our specialists"). (Section headings of a
    pitch were tried too and cost more precision on the labeled set than they gained.)"""
    out = []
    for i in sorted(flagged):
        j = i - 1
        if j >= 0 and j not in flagged:
            hook = all_lines[j]
            if hook.text.endswith("?") and word_count(hook.text) <= HOOK_MAX_WORDS:
                out.append(_block_finding(text, [hook], all_lines[i]))
    return out
