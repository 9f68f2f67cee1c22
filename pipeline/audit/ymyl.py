"""YMYL trust: health claims a reader cannot verify (kind ``ymyl_trust``).

First version, rules:

* **unsupported statistic**: a percentage, "N times", "N-fold" or "up to N %" claim with no
  citation in its sentence, the next sentence, or its lead-in line (a list of figures is
  introduced by the line above). A vague attribution ("studies show", "research suggests") is
  not a citation; it is named in the message because it makes the number look sourced.
* **absolute claim**: "scientifically proven", "clinically proven", "guaranteed", "cures …",
  "miracle" — unless negated ("isn't a guaranteed solution", "no cure").
"""

from __future__ import annotations

import bisect
import re

from pipeline.audit.findings import YMYL_TRUST, quote, span_finding
from pipeline.audit.text import Span, lines, sentences
from pipeline.records import Finding

STATISTIC = re.compile(
    r"(?:\bup to\s+)?\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)"
    # "N times" only as a comparison ("three times more likely"): "repeat five times" is an
    # instruction, not a claim.
    r"|\b(?:\d+(?:\.\d+)?|two|three|four|five|ten)[- ]times\s+(?:more|less|fewer|higher|lower"
    r"|greater|smaller|as|likelier|faster|slower|better|worse)\b"
    r"|\b(?:\d+(?:\.\d+)?|two|three|four|five|ten)[- ]fold\b",
    re.I,
)
# A source a reader can follow: a numbered/bracketed reference, an author-year citation, a named
# journal or publication, a link or DOI.
CITATION = re.compile(
    r"\(\d{1,3}\)|\[\d{1,3}\]|\(\s*[A-Z][A-Za-z-]+(?: et al\.?| and [A-Z][A-Za-z-]+)?,? \d{4}\s*\)"
    r"|\bet al\b|\bjournal\b|\bpublished in\b|\baccording to (?:a|the)\b[^.]{0,60}\b(?:study|survey"
    r"|report|review)\b|\bdoi\b|https?://|\bwww\.",
    re.I,
)
VAGUE_ATTRIBUTION = re.compile(
    r"\b(?:studies|research|science|experts|scientists|doctors)\s+(?:show|shows|suggest|suggests|"
    r"say|says|prove|proves|have shown|has shown|found|confirm|confirms)\b",
    re.I,
)
ABSOLUTE_CLAIM = re.compile(
    r"\b(?:scientifically|clinically|medically)\s+proven\b|\bguarantee[ds]?\b|\bmiracle\b"
    r"|\bcures?\s+(?:for\s+)?(?:anxiety|depression|cancer|stress|insomnia|infertility|"
    r"impotence|erectile|diabetes|disease|\w+itis)\b|\b100\s?% (?:effective|safe|natural)\b",
    re.I,
)
NEGATION = re.compile(r"\b(?:not|no|isn't|isn’t|aren't|never|nor|without)\b[^.]{0,20}$", re.I)

STATISTIC_HINT = "Cite the study (author, year, link) next to the number, or remove the number."
CLAIM_HINT = "Soften to what the evidence supports and cite it; avoid absolute health promises."


def _is_list_item(text: str, line: Span) -> bool:
    """The line had a marker ("- ", "1. ") that ``lines`` trimmed off."""
    line_start = text.rfind("\n", 0, line.start) + 1
    return bool(text[line_start : line.start].strip())


def _lead_in(text: str, all_lines: list[Span], span: Span) -> str:
    """For a list item, the line introducing the list (``Studies show … report:``), if any."""
    starts = [line.start for line in all_lines]
    i = bisect.bisect_right(starts, span.start) - 1
    if i < 0 or not _is_list_item(text, all_lines[i]):
        return ""
    while i > 0 and _is_list_item(text, all_lines[i - 1]):
        i -= 1
    previous = all_lines[i - 1].text if i > 0 else ""
    return previous if previous.endswith(":") else ""


def _is_cited(spans: list[Span], index: int, lead: str) -> bool:
    around = [spans[index].text, lead]
    if index + 1 < len(spans):
        around.append(spans[index + 1].text)
    return any(CITATION.search(t) for t in around)


def unsupported_statistics(text: str) -> list[Finding]:
    spans = sentences(text)
    all_lines = lines(text)
    out = []
    for i, span in enumerate(spans):
        match = STATISTIC.search(span.text)
        if match is None:
            continue
        lead = _lead_in(text, all_lines, span)
        if _is_cited(spans, i, lead):
            continue
        vague = VAGUE_ATTRIBUTION.search(" ".join((lead, span.text)))
        because = f" (attributed only to {quote(vague.group())})" if vague else ""
        out.append(
            span_finding(
                YMYL_TRUST,
                "warning",
                0.8 if vague else 0.6,
                span,
                message=f"statistic {quote(match.group())} with no source nearby{because}",
                fix_hint=STATISTIC_HINT,
                detector="ymyl.unsupported_statistic",
                extra={"claim": match.group()},
            )
        )
    return out


def absolute_claims(text: str) -> list[Finding]:
    out = []
    for span in sentences(text):
        for match in ABSOLUTE_CLAIM.finditer(span.text):
            if NEGATION.search(span.text[: match.start()]):
                continue
            out.append(
                span_finding(
                    YMYL_TRUST,
                    "warning",
                    0.7,
                    span,
                    message=f"absolute health claim {quote(match.group())} without evidence",
                    fix_hint=CLAIM_HINT,
                    detector="ymyl.absolute_claim",
                    extra={"claim": match.group()},
                )
            )
            break  # one finding per sentence
    return out


def ymyl_trust(text: str) -> list[Finding]:
    return unsupported_statistics(text) + absolute_claims(text)
