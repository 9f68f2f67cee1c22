"""The pure core: detectors over one post's text (``audit_text``) and over its blocks and
site context (``audit_post``). No file system, clock or network; the promo scorer is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pipeline.audit import blocks as block_rules
from pipeline.audit.banners import repeated_lines
from pipeline.audit.brand import brand_keys, brand_words
from pipeline.audit.filler import seo_filler
from pipeline.audit.findings import PROMO_IN_BODY, sort_findings
from pipeline.audit.keywords import keyword_stuffing
from pipeline.audit.language import detect, language_finding
from pipeline.audit.promo import Scorer, promo_in_body, verified_promo
from pipeline.audit.provenance import provenance
from pipeline.audit.readability import readability
from pipeline.audit.structure import heading_structure, title_and_description
from pipeline.audit.thin import mostly_boilerplate, thin_content
from pipeline.audit.verify import Verifiers
from pipeline.audit.ymyl import ymyl_trust
from pipeline.config import DetectorsConfig
from pipeline.records import Finding

Row = dict[str, Any]
NO_VERIFIERS = Verifiers()
# Findings that make a post's missing sources a warning rather than a note.
CLAIM_DETECTORS = frozenset(
    {"ymyl.unsupported_statistic", "ymyl.absolute_claim", "ymyl.unsourced_quote"}
)


def text_findings(
    text: str,
    *,
    title: str | None,
    config: DetectorsConfig,
    scorer: Scorer,
    filler_scorer: Scorer | None = None,
    brand: Sequence[str] = (),
    verifiers: Verifiers = NO_VERIFIERS,
) -> list[Finding]:
    """Every text-only detector on ``text``, sorted; offsets index ``text``. ``scorer`` and
    ``filler_scorer`` give P(promo) and P(filler) per sentence (the packaged models in
    production, cross-fitted ones in the benchmark); ``brand``: the publisher's brand keys
    (``brand.brand_keys`` of the page URL and site name), when known."""
    if not isinstance(text, str):
        return []
    lang = detect(text)
    if not lang.is_english:
        return sort_findings(
            [
                *language_finding(text, lang),
                *thin_content(text, min_words=config.thin_content_words),
                *repeated_lines(text),
            ]
        )
    found = [
        *keyword_stuffing(
            text,
            min_repeats=config.stuffing_min_repeats,
            percentile=config.stuffing_natural_percentile,
            glued_min=config.stuffing_glued_min,
            openers_min=config.stuffing_openers_min,
            title=title if isinstance(title, str) else None,
        ),
        *(
            verified_promo(text, scorer, verifiers.promo, brand_words(text, brand))
            if verifiers.promo is not None
            else promo_in_body(text, scorer, brand_words(text, brand))
        ),
        *thin_content(text, min_words=config.thin_content_words),
        *ymyl_trust(text, verifiers.statistic),
        *seo_filler(text, filler_scorer),
        *repeated_lines(text, scorer),
        *readability(
            text, min_ease=config.readability_min_ease, max_grade=config.readability_max_grade
        ),
    ]
    return sort_findings(cap_per_kind(found))


# A pathological post (a template pasted 90 times, a 200,000-word dump) would otherwise bury the
# report in thousands of identical findings; the strongest ones per kind say what to fix.
MAX_FINDINGS_PER_KIND = 50


def cap_per_kind(found: list[Finding], limit: int = MAX_FINDINGS_PER_KIND) -> list[Finding]:
    """At most ``limit`` findings per kind (highest score first, ties in text order); the last
    one kept says how many were left out."""
    by_kind: dict[str, list[Finding]] = {}
    for f in found:
        by_kind.setdefault(f.kind, []).append(f)
    out: list[Finding] = []
    for fs in by_kind.values():
        if len(fs) <= limit:
            out.extend(fs)
            continue
        kept = sorted(fs, key=lambda f: (-f.score, f.start, f.end))[:limit]
        last = kept[-1]
        note = f" (+{len(fs) - limit} more findings of this kind in the post, not listed)"
        kept[-1] = replace(
            last,
            message=last.message + note,
            extra={**last.extra, "not_listed": str(len(fs) - limit)},
        )
        out.extend(kept)
    return out


def audit_text(text: str, *, title: str | None = None) -> list[Finding]:
    """Text-only findings on one post's main text, with the default thresholds and the
    packaged promo model. Never raises for any text (a missing model file is an installation
    error and raises ``PromoModelError``)."""
    from pipeline.audit import verify
    from pipeline.audit.filler_model import filler_probabilities
    from pipeline.audit.promo_model import promo_probabilities

    return text_findings(
        text,
        title=title,
        config=DetectorsConfig(),
        scorer=promo_probabilities,
        filler_scorer=filler_probabilities,
        verifiers=verify.shipped(),
    )


@dataclass(frozen=True, slots=True)
class PostAudit:
    findings: list[Finding]
    boilerplate_share: float
    text_findings: list[Finding]  # ``text_findings`` of the post: what ``cache`` keeps


def boilerplate_share(post: Row, blocks: Sequence[Row]) -> float:
    page = int(post.get("page_words") or 0)
    if page > 0:
        return min(1.0, int(post.get("boilerplate_words") or 0) / page)
    total = sum(int(b.get("word_count") or 0) for b in blocks)
    other = sum(int(b.get("word_count") or 0) for b in blocks if not b.get("is_main"))
    return other / total if total else 0.0


def audit_post(
    post: Row,
    blocks: Sequence[Row],
    shared: Sequence[Row],
    *,
    config: DetectorsConfig,
    scorer: Scorer,
    filler_scorer: Scorer | None = None,
    site_findings: Sequence[Finding] = (),
    verifiers: Verifiers = NO_VERIFIERS,
    text_found: list[Finding] | None = None,
) -> PostAudit:
    """Text findings plus block, site and structure findings for one POSTS row;
    ``site_findings`` are the post's findings that need the whole site (duplicate titles);
    ``text_found``: the post's text findings when already known (``cache``)."""
    text = str(post.get("main_text") or "")
    found = text_found
    if found is None:
        found = text_findings(
            text,
            title=post.get("title"),
            config=config,
            scorer=scorer,
            filler_scorer=filler_scorer,
            brand=brand_keys(post.get("url"), post.get("site_name")),
            verifiers=verifiers,
        )
    share = boilerplate_share(post, blocks)
    page_words = int(post.get("page_words") or 0)
    extra = [
        *block_rules.promo_blocks_in_article(blocks, text),
        *block_rules.repeated_blocks(blocks, text),
        *block_rules.shared_paragraphs(str(post.get("post_id")), shared, text),
        *block_rules.boilerplate_share_finding(
            share, block_rules.category_shares(blocks, page_words)
        ),
        *mostly_boilerplate(page_words, int(post.get("boilerplate_words") or 0)),
        *heading_structure(post.get("h1_count"), post.get("headings")),
        *title_and_description(post.get("title"), post.get("description")),
        *provenance(
            text,
            author=post.get("author"),
            published=post.get("published_at"),
            updated=post.get("updated_at"),
            outbound_links=post.get("outbound_links"),
            as_of=post.get("fetched_at"),
            max_age_days=config.max_age_days,
            claims=sum(1 for f in found if f.detector in CLAIM_DETECTORS),
        ),
        *site_findings,
    ]
    return PostAudit(sort_findings(_merge(found, extra)), share, found)


def _merge(found: list[Finding], extra: list[Finding]) -> list[Finding]:
    """Add block-level findings unless the text detectors already reported the same thing."""
    out = list(found)
    for f in extra:
        same_text = any(
            g.kind == f.kind and " ".join(g.evidence.split()) == " ".join(f.evidence.split())
            for g in out
        )
        covered = (
            f.kind == PROMO_IN_BODY
            and f.start >= 0
            and any(g.kind == PROMO_IN_BODY and g.start < f.end and f.start < g.end for g in found)
        )
        if not (same_text or covered):
            out.append(f)
    return out
