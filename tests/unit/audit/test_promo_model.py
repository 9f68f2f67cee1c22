"""The shipped promo classifier: safe load, determinism, pinned held-out quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from skops.io import get_untrusted_types

from pipeline.audit.promo import MODEL_THRESHOLD, promo_in_body
from pipeline.audit.promo_model import (
    MODEL_PATH,
    TRUSTED_TYPES,
    build_model,
    load_labeled,
    promo_probabilities,
    split_labeled,
)
from pipeline.audit.train_promo import held_out_scores, train_and_save

# Measured 2026-11 on the 189-sentence stratified held-out split: P 0.956, R 0.942, F1 0.949,
# accuracy 0.963 at 0.5; at the classifier-only threshold P 1.000, R 0.623. One sentence is
# ~0.5 points; the floors allow ~10 more errors before failing.
F1_FLOOR = 0.90
ACCURACY_FLOOR = 0.92
# A classifier-only flag must stay precise: real posts carry far less promo than the data.
FLAG_PRECISION_FLOOR = 0.95

# How-to sentences written for this test (not in the training CSV, not from the demo or seeds):
# imperative exercise, breathing, recipe, sleep and safety instructions sell nothing.
INSTRUCTIONS = [
    "Sit tall, soften your gaze and breathe in slowly through your nose for a count of four.",
    "Stand next to a wall, place one palm on it and step forward until you feel the stretch "
    "across your chest.",
    "Lower your chin, lift it again and repeat the movement eight times.",
    "Before bed, dim the lamps, put the kettle on for a herbal tea and leave your laptop in "
    "another room.",
    "If you feel faint or your chest tightens, stop and sit down, and talk to your doctor "
    "before trying again.",
    "Mash the avocado with lime juice, spread it on toast and top with a fried egg.",
    "We check messages on the sofa, eat dinner in front of a screen and then wonder why we "
    "cannot switch off.",
    "Breathe out slowly through your mouth, letting your belly fall.",
]

PROBES = [
    "Book your discovery call with our coaches now.",
    "Oxytocin is released during touch.",
    "Get the app and meet your counselor tonight.",
]


def test_labeled_data_is_balanced_enough_and_unique() -> None:
    texts, labels = load_labeled()
    assert len(texts) >= 300 and len(set(texts)) == len(texts)
    assert 0.3 <= sum(labels) / len(labels) <= 0.6


def test_held_out_quality_is_above_the_floor() -> None:
    scores = held_out_scores()
    assert scores["n_held_out"] >= 100
    assert scores["f1"] >= F1_FLOOR, scores
    assert scores["accuracy"] >= ACCURACY_FLOOR, scores
    assert scores["precision_flag"] >= FLAG_PRECISION_FLOOR, scores
    assert scores["max_negative"] < MODEL_THRESHOLD, scores


def test_instructional_sentences_are_not_promo() -> None:
    texts, _ = load_labeled()
    assert not set(INSTRUCTIONS) & set(texts)  # a fair test: unseen in training
    probas = promo_probabilities(INSTRUCTIONS)
    assert max(probas) < MODEL_THRESHOLD, dict(zip(INSTRUCTIONS, probas, strict=True))
    assert promo_in_body("\n".join(INSTRUCTIONS), promo_probabilities) == []


def test_shipped_model_loads_with_only_trusted_types() -> None:
    assert set(get_untrusted_types(file=MODEL_PATH)) <= set(TRUSTED_TYPES)
    low, high = sorted(promo_probabilities(PROBES[:2]))
    assert high > 0.7 > 0.3 > low


def test_shipped_model_matches_a_retrain(tmp_path: Path) -> None:
    # Determinism: the CSV in the repo reproduces the model in the repo.
    from pipeline.audit.promo_model import load_model

    retrained = load_model(train_and_save(model_path=tmp_path / "m.skops"))
    # Equal up to float summation order (BLAS may split sums differently under load: 1e-16).
    assert retrained.predict_proba(PROBES).tolist() == [
        pytest.approx(row, abs=1e-9) for row in load_model().predict_proba(PROBES).tolist()
    ]


def test_split_is_stratified_and_disjoint() -> None:
    texts, labels = load_labeled()
    train_x, test_x, train_y, test_y = split_labeled(texts, labels)
    assert not set(train_x) & set(test_x)
    assert abs(sum(train_y) / len(train_y) - sum(test_y) / len(test_y)) < 0.02
    assert build_model().get_params()["classifier__class_weight"] == "balanced"
