"""Audit stage: detectors that explain what is wrong with each post, and a 0-100 score.

Reads
    ``paths.extract_posts`` (POSTS), ``paths.extract_blocks`` (BLOCKS) and, when it exists,
    ``paths.dedup_paragraphs`` (SHARED_PARAGRAPHS).
Writes
    ``paths.audit_findings`` (FINDINGS: one row per finding, evidence quoted, offsets into
    ``posts.main_text`` or -1 for block/page evidence) and ``paths.audit_scores`` (POST_SCORES).

Public entry points
    ``audit_text(text, *, title=None) -> list[Finding]``: text-only detectors on one main text.
    ``run(paths, config) -> StageSummary``: the stage (adds block, site and structure findings).

Detectors (one module each): ``keywords`` (keyword_stuffing), ``promo`` + ``promo_model`` +
``brand`` (promo_in_body), ``thin`` (thin_content), ``ymyl`` (ymyl_trust in the text: statistics,
claims, quotes), ``provenance`` (ymyl_trust from metadata and bylines: author, reviewer, dates,
sources; run() only), ``filler`` + ``filler_model`` (seo_filler), ``banners`` (repeated_banner in
the text), ``readability``, ``language``; ``blocks`` and ``structure`` for run() only; the score
weights are in ``scoring``. The classifiers are retrained with ``content-audit train-promo`` and
``train-filler``; ``evaluate`` scores the text detectors on the hand-labeled set
(``content-audit eval-detectors``).
"""

from pipeline.audit.core import audit_text
from pipeline.audit.stage import run

__all__ = ["audit_text", "run"]
