"""YMYL provenance: who wrote the post, who checked it, when, and on what sources (kind
``ymyl_trust``, detectors ``ymyl.no_author`` … ``ymyl.no_sources``).

Google's quality rater guidelines judge health pages ("Your Money or Your Life") on who stands
behind them. Each check looks at the page metadata the extractor found (``author``,
``published_at``/``updated_at``, ``outbound_links``) **and** at the text's own byline lines
("By Nadia Khan", "Reviewer Avia James", "Medically reviewed by …", "Updated May 06, 2020"), so
a byline that only survives in the text still counts:

* ``no_author`` (warning): no author in metadata and no byline line;
* ``no_reviewer`` (info): no "reviewed by" / "fact-checked by" / "Reviewer" line: expected on
  health advice, absent from most blogs, hence info;
* ``no_date`` (warning) / ``stale`` (info): no published or updated date, or the latest one older
  than ``DetectorsConfig.max_age_days`` (default 3 years) before the page was fetched;
* ``no_sources``: no outbound link to an authoritative source (``AUTHORITATIVE``: government,
  university, health-agency and journal domains) and no citation in the text; a warning when
  the post states statistics or health claims (``claims`` > 0: they need the sources most),
  else info.

Needs the page metadata, so the stage runs it (``audit_post``), not ``audit_text``. Evidence:
the byline or date line when there is one (offsets into the main text), else a page-level fact
(start/end -1) saying what was looked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from pipeline.audit.findings import NO_SPAN, YMYL_TRUST, span_finding
from pipeline.audit.text import Span, lines
from pipeline.audit.ymyl import CITATION
from pipeline.extract.dates import text_date
from pipeline.records import Finding

BYLINE_LINES = 12  # bylines sit at the top of the text (title, byline, date, reviewer)
_NAME = r"(?:Dr\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,4}"
# Labels case-insensitive, names capitalized: "By Nadia Khan", "Medically reviewed by Dr. Ana
# Ruiz", "Reviewer Avia James"; not "By the way, …" or "checked by the team".
AUTHOR_LINE = re.compile(
    rf"^(?i:(?:(?:written|posted|authored)\s+)?by:?|author:|written by:)\s+{_NAME}"
)
REVIEWER_LINE = re.compile(
    r"\b(?i:(?:(?:medically|clinically|expert|fact)[- ])?(?:reviewed|checked|verified)\s+by:?)"
    rf"\s+{_NAME}|^(?i:(?:medical\s+|expert\s+)?reviewer:?)\s+{_NAME}"
)
# Every REVIEWER_LINE match holds one of these words, in any case; most posts hold none, and
# one scan of the text is far cheaper than the pattern on each of its lines (that was 11 % of a
# rerun's audit CPU at 10,000 posts, py-spy).
_REVIEW_WORD = re.compile(r"review|checked|verified", re.I)
DATE_LINE = re.compile(
    r"^(?:[-–•]\s*)?(?:(?:last\s+)?updated|published|posted|reviewed|modified)?\s*(?:on)?:?\s*",
    re.I,
)
AUTHORITATIVE = re.compile(
    r"(?:^|\.)(?:[a-z0-9-]+\.)*(?:gov|gov\.[a-z]{2}|edu|ac\.[a-z]{2}|nhs\.uk|who\.int|europa\.eu"
    r"|nih\.gov|doi\.org|pubmed\.ncbi\.nlm\.nih\.gov|cochranelibrary\.com|bmj\.com|thelancet\.com"
    r"|jamanetwork\.com|nejm\.org|nature\.com|sciencedirect\.com|springer\.com|wiley\.com"
    r"|frontiersin\.org|plos\.org|mayoclinic\.org|clevelandclinic\.org|apa\.org)$",
    re.I,
)
DAY = 86400.0


def _top_lines(text: str) -> list[Span]:
    return lines(text)[:BYLINE_LINES]


def _first_match(spans: Sequence[Span], pattern: re.Pattern[str]) -> Span | None:
    return next((s for s in spans if pattern.search(s.text)), None)


def has_reviewer_line(text: str) -> bool:
    """Whether a line of the text names a reviewer (``REVIEWER_LINE``)."""
    return bool(_REVIEW_WORD.search(text)) and _first_match(lines(text), REVIEWER_LINE) is not None


def _date_lines(spans: Sequence[Span]) -> list[tuple[Span, datetime]]:
    """Short top lines that are a date, optionally labeled ("Updated: Aug 1, 2025")."""
    out = []
    for s in spans:
        if len(s.text.split()) > 8:
            continue
        found = text_date(s.text)
        if found is not None and DATE_LINE.match(s.text):
            out.append((s, found))
    return out


def authoritative_links(links: Sequence[str] | None) -> list[str]:
    out = []
    for link in links or ():
        host = (urlsplit(link).hostname or "").lower()
        if host and AUTHORITATIVE.search(host):
            out.append(link)
    return out


def _page_fact(detector: str, severity: str, evidence: str, message: str, hint: str) -> Finding:
    return span_finding(
        YMYL_TRUST,
        severity,  # type: ignore[arg-type]
        0.5 if severity == "info" else 0.7,
        Span(NO_SPAN, NO_SPAN, evidence),
        message=message,
        fix_hint=hint,
        detector=f"ymyl.{detector}",
    )


def provenance(
    text: str,
    *,
    author: str | None = None,
    published: datetime | None = None,
    updated: datetime | None = None,
    outbound_links: Sequence[str] | None = None,
    as_of: datetime | None = None,
    max_age_days: int = 1095,
    claims: int = 0,
) -> list[Finding]:
    top = _top_lines(text)
    out: list[Finding] = []
    if not (author or "").strip() and _first_match(top, AUTHOR_LINE) is None:
        out.append(
            _page_fact(
                "no_author",
                "warning",
                "author: none in the page metadata, no byline in the text",
                "no named author: a health post should say who wrote it",
                "Add a byline with the author's name and credentials, linked to a bio page.",
            )
        )
    if not has_reviewer_line(text):
        out.append(
            _page_fact(
                "no_reviewer",
                "info",
                "reviewer: no 'reviewed by' line",
                "no medical or expert reviewer named",
                "Have a qualified professional review the post and name them (with the date).",
            )
        )
    dated = _date_lines(top)
    dates = [d for d in (published, updated) if d is not None] + [d for _, d in dated]
    if not dates:
        out.append(
            _page_fact(
                "no_date",
                "warning",
                "date: none in the page metadata or the text",
                "no published or updated date: readers cannot tell if the advice is current",
                "Show the publication date and the date of the last review.",
            )
        )
    elif as_of is not None:
        latest = max(dates, key=lambda d: d.timestamp())
        age = (as_of.timestamp() - latest.timestamp()) / DAY
        if age > max_age_days:
            line = next((s for s, d in dated if d == latest), None)
            evidence = line or Span(NO_SPAN, NO_SPAN, f"latest date {latest.date().isoformat()}")
            out.append(
                span_finding(
                    YMYL_TRUST,
                    "info",
                    min(1.0, age / (2 * max_age_days)),
                    evidence,
                    message=f"last published or updated {latest.date().isoformat()}, "
                    f"{age / 365.25:.1f} years before the crawl (limit {max_age_days} days)",
                    fix_hint="Review the post against current guidance and update its date.",
                    detector="ymyl.stale",
                    extra={"latest": latest.date().isoformat(), "age_days": f"{age:.0f}"},
                )
            )
    if not authoritative_links(outbound_links) and not CITATION.search(text):
        n = len(outbound_links or ())
        why = f"; {claims} statistics or claims in the post need them" if claims else ""
        out.append(
            _page_fact(
                "no_sources",
                "warning" if claims else "info",
                f"sources: {n} outbound links, none to an authoritative domain; no citation",
                f"no citations or links to authoritative sources for health advice{why}",
                "Link the studies, guidelines or agencies the advice rests on.",
            )
        )
    return out
