"""Quality gate: held-out extraction scores of a model trained on the training split only.

Measured at the time of writing (96 held-out pages, page/layout features, word-weighted
training, expected-F1 selection and the smoothing of ``text.decide_main``): F1 0.745,
with-coverage 0.827, without leak 0.069 (before those: 0.727 / 0.821 / 0.098). The floors sit
about 3 points below (the leak ceiling 3 points above): training
is deterministic, so the margin is not run-to-run noise but room for the small shifts a
dependency upgrade (scikit-learn's binning, lxml's parser) or a re-annotated page can cause;
a real regression (a lost feature, a broken segmenter) costs far more than 3 points.
"""

from __future__ import annotations

from pipeline.extract.model import BlockClassifier
from pipeline.extract.train import DevPage, evaluate_pages, is_held_out

F1_FLOOR = 0.715
WITH_COVERAGE_FLOOR = 0.80
WITHOUT_LEAK_CEILING = 0.10


def test_held_out_quality_floor(dev_pages: list[DevPage], split_model: BlockClassifier) -> None:
    held = [p for p in dev_pages if is_held_out(p.page_id)]
    assert len(held) >= 80
    report = evaluate_pages(split_model, held)
    assert report["f1"] >= F1_FLOOR, report
    assert report["with_coverage"] >= WITH_COVERAGE_FLOOR, report
    assert report["without_leak"] <= WITHOUT_LEAK_CEILING, report
