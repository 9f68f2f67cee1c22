from __future__ import annotations

from importlib import resources

import numpy as np
import skops.io as sio
from sklearn.base import clone

from pipeline.extract.model import MODEL_FILE, TRUSTED_TYPES, BlockClassifier, shipped_model
from pipeline.extract.train import DevPage, fit_pages


def test_shipped_model_loads_with_the_explicit_trusted_list() -> None:
    ref = resources.files("pipeline.extract") / "models" / MODEL_FILE
    with resources.as_file(ref) as path:
        assert path.stat().st_size < 2_000_000
        untrusted = sio.get_untrusted_types(file=path)
    assert set(untrusted) <= set(TRUSTED_TYPES), "retrained model needs new trusted types"
    model = shipped_model()
    assert isinstance(model, BlockClassifier) and list(model.classes_) == [0, 1]


def test_estimator_conventions() -> None:
    est = BlockClassifier(max_iter=7, random_state=3)
    assert est.get_params()["max_iter"] == 7
    assert not hasattr(est, "pipeline_")
    assert clone(est).get_params() == est.get_params()


def test_training_is_deterministic(dev_pages: list[DevPage]) -> None:
    subset = dev_pages[:25]
    X = [f for p in subset for f in p.features]
    a = fit_pages(subset, random_state=0).main_scores(X)
    b = fit_pages(subset, random_state=0).main_scores(X)
    assert np.array_equal(a, b)
    assert 0.0 < a.mean() < 1.0


def test_skops_round_trip_predicts_the_same(tmp_path, dev_pages: list[DevPage]) -> None:  # type: ignore[no-untyped-def]
    from pipeline.extract.model import load_model, save_model

    subset = dev_pages[:10]
    X = [f for p in subset for f in p.features]
    model = fit_pages(subset)
    save_model(model, tmp_path / "m.skops")
    assert np.array_equal(load_model(tmp_path / "m.skops").main_scores(X), model.main_scores(X))
