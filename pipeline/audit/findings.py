"""Finding kinds, construction from a text span, stable ids and deterministic order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pipeline.audit.text import Span
from pipeline.records import Finding, Severity

# Finding kinds are snake_case column values (FINDINGS.kind).
KEYWORD_STUFFING = "keyword_stuffing"
PROMO_IN_BODY = "promo_in_body"
THIN_CONTENT = "thin_content"
YMYL_TRUST = "ymyl_trust"
SEO_FILLER = "seo_filler"
REPEATED_BANNER = "repeated_banner"
BOILERPLATE_SHARE = "boilerplate_share"
STRUCTURE = "structure"
READABILITY = "readability"
LANGUAGE = "language"

KINDS: tuple[str, ...] = (
    KEYWORD_STUFFING,
    PROMO_IN_BODY,
    THIN_CONTENT,
    YMYL_TRUST,
    SEO_FILLER,
    REPEATED_BANNER,
    BOILERPLATE_SHARE,
    STRUCTURE,
    READABILITY,
    LANGUAGE,
)

NO_SPAN = -1  # start/end of evidence that is a block or a page-level fact, not main-text offsets


def span_finding(
    kind: str,
    severity: Severity,
    score: float,
    span: Span,
    *,
    message: str,
    fix_hint: str,
    detector: str,
    extra: dict[str, str] | None = None,
) -> Finding:
    return Finding(
        kind=kind,
        severity=severity,
        score=round(min(1.0, max(0.0, score)), 4),
        evidence=span.text,
        start=span.start,
        end=span.end,
        message=message,
        fix_hint=fix_hint,
        detector=detector,
        extra=extra or {},
    )


def quote(text: str, limit: int = 80) -> str:
    """Short quoted form of ``text`` for messages (one line)."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"'{flat}'"


def finding_id(post_id: str, finding: Finding) -> str:
    key = "\x1f".join(
        (post_id, finding.kind, str(finding.start), str(finding.end), finding.evidence)
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Text order first (page-level findings with start -1 lead), then kind, then evidence."""
    return sorted(findings, key=lambda f: (f.start, f.end, f.kind, f.detector, f.evidence))
