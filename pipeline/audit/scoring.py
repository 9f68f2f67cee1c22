"""Per-post audit score: 100 minus documented penalties per finding kind × severity, floor 0.

penalty(finding) = SEVERITY_POINTS[severity] × KIND_WEIGHT[kind]; each kind's total is capped at
``KIND_CAP`` so one noisy detector cannot zero a post on its own. Worked example (seed 001):
keyword_stuffing critical 20 × 1.5 = 30, three promo warnings 3 × 8 = 24, three ymyl warnings
3 × 8 × 1.25 = 30 → 100 − 84 = 16.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pipeline.audit import findings as k
from pipeline.records import SEVERITY_POINTS, Finding

KIND_WEIGHT = {
    k.KEYWORD_STUFFING: 1.5,
    k.PROMO_IN_BODY: 1.0,
    k.THIN_CONTENT: 1.5,
    k.YMYL_TRUST: 1.25,  # health claims are the costliest trust problem after stuffing
    k.SEO_FILLER: 0.75,
    k.REPEATED_BANNER: 1.0,
    k.BOILERPLATE_SHARE: 0.5,  # informational: the template, not the article
    k.STRUCTURE: 0.5,
    k.READABILITY: 0.5,  # hard prose costs readers, it does not mislead them
    k.LANGUAGE: 0.0,  # a fact about the post (checks were skipped), not a problem in it
}
KIND_CAP = 40.0


def audit_score(found: Iterable[Finding]) -> float:
    per_kind: dict[str, float] = defaultdict(float)
    for f in found:
        per_kind[f.kind] += SEVERITY_POINTS.get(f.severity, 0.0) * KIND_WEIGHT.get(f.kind, 1.0)
    penalty = sum(min(KIND_CAP, p) for p in per_kind.values())
    return round(max(0.0, 100.0 - penalty), 2)
