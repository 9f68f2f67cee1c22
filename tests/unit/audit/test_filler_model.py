"""The shipped seo_filler classifier: safe load, determinism, cross-validated quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from skops.io import get_untrusted_types

from pipeline.audit.filler_model import (
    MODEL_PATH,
    cross_fitted_scorers,
    filler_probabilities,
    load_written,
)
from pipeline.audit.promo_model import TRUSTED_TYPES, load_model
from pipeline.audit.train_filler import cross_validated, train_and_save

PROBES = [
    "In this article, we will explore the many benefits of yoga for your mind and body.",
    "Magnesium glycinate is absorbed better than magnesium oxide.",
]


def test_shipped_model_loads_with_only_trusted_types() -> None:
    assert set(get_untrusted_types(file=MODEL_PATH)) <= set(TRUSTED_TYPES)
    filler, content = filler_probabilities(PROBES)
    assert filler > 0.5 > content


def test_shipped_model_matches_a_retrain(tmp_path: Path) -> None:
    retrained = load_model(train_and_save(model_path=tmp_path / "m.skops"))
    assert retrained.predict_proba(PROBES).tolist() == [
        pytest.approx(row, abs=1e-9)
        for row in load_model(MODEL_PATH).predict_proba(PROBES).tolist()
    ]


def test_written_sentences_cross_validate() -> None:
    # Measured 2026-12: 5-fold P 0.900, R 0.867 at 0.5 on the 522 written sentences (the figures
    # on real posts are far lower: benchmarks/detectors/README.md).
    scores = cross_validated(threshold=0.5)
    assert scores["n"] >= 500 and scores["precision"] >= 0.85 and scores["recall"] >= 0.80


def test_cross_fitting_never_scores_a_document_with_its_own_model() -> None:
    texts, labels = load_written()
    sentences = {"a": ["Read on to learn more!"], "b": ["Read on to learn more!"]}
    # Document b says the sentence is not filler; a model that saw b would learn the opposite of
    # what the written data and document a say, so a's score must come from a model without a.
    positive = {"a": [True], "b": [False]}
    scorers = cross_fitted_scorers(sentences, positive, {"a": 0, "b": 1}, written=(texts, labels))
    (score_a,) = scorers["a"](sentences["a"])
    (score_b,) = scorers["b"](sentences["b"])
    assert score_a < score_b  # a is scored by the model trained on b's "not filler"


def test_a_missing_model_names_the_command_that_retrains_it(tmp_path: Path) -> None:
    from pipeline.audit.promo_model import PromoModelError

    with pytest.raises(PromoModelError, match="run 'content-audit train-filler'"):
        load_model(tmp_path / "missing.skops", "train-filler")
