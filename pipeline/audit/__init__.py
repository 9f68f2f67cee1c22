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

Detectors (one module each): ``keywords`` (keyword_stuffing), ``promo`` + ``promo_model``
(promo_in_body), ``thin`` (thin_content), ``ymyl`` (ymyl_trust), ``filler`` (seo_filler),
``banners`` (repeated_banner in the text); ``blocks`` and ``structure`` for run() only; the score
weights are in ``scoring``. The promo classifier is retrained with
``python -m pipeline.audit.train_promo``.
"""

from pipeline.audit.core import audit_text
from pipeline.audit.stage import run

__all__ = ["audit_text", "run"]
