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


# ``extra`` keys that name *what* a finding is about (the phrase, the claim, the rule, the
# occurrence): two findings quoting one sentence differ by them. Measured values (count,
# density, probability, age) are left out on purpose, so a rerun on the same text keeps the id.
IDENTITY_KEYS: tuple[str, ...] = (
    "phrase",
    "claim",
    "person",
    "rule",
    "rules",
    "block_index",
    "occurrence",
    "lang",
)


def finding_key(post_id: str, finding: Finding) -> str:
    """What makes a finding itself: post, kind, detector, span, evidence and its subject."""
    subject = [f"{k}={finding.extra[k]}" for k in IDENTITY_KEYS if k in finding.extra]
    parts = (post_id, finding.kind, finding.detector, str(finding.start), str(finding.end))
    return "\x1f".join((*parts, finding.evidence, *subject))


def finding_id(post_id: str, finding: Finding) -> str:
    return _digest(finding_key(post_id, finding))


def finding_ids(post_id: str, findings: Iterable[Finding]) -> list[str]:
    """One id per finding of a post, unique by construction and stable across runs.

    Two findings with the same key (a detector reporting one thing twice) get the key's id and
    then ``#2``, ``#3``, … in the findings' order, which ``sort_findings`` makes deterministic.
    """
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        key = finding_key(post_id, finding)
        n = seen.get(key, 0) + 1
        seen[key] = n
        out.append(_digest(key if n == 1 else f"{key}\x1f#{n}"))
    return out


def _digest(key: str) -> str:
    # 16 hex digits (64 bits): a collision among a site's findings is ~n²/2⁶⁵; the stage's key
    # check (``pipeline.io.write_table``) still refuses one, naming the rows, before the load.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Text order first (page-level findings with start -1 lead), then kind, then evidence."""
    return sorted(findings, key=lambda f: (f.start, f.end, f.kind, f.detector, f.evidence))
