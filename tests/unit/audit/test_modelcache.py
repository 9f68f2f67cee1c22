"""Packaged models kept as pickles under the data directory (``pipeline.audit.modelcache``)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import skops.io

from pipeline.audit import modelcache, promo_model, verify
from pipeline.audit.modelcache import cached_file, trusted_load
from pipeline.audit.promo_model import PromoModelError

VERIFIER = verify.MODELS / "promo_verifier.skops"
SENTENCES = [
    "Book your free consultation today and start feeling better.",
    "Magnesium is a mineral the body uses in hundreds of reactions.",
]


def _refuse_skops(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("skops loaded the model: the kept copy was not used")

    monkeypatch.setattr(skops.io, "load", refuse)


def test_the_kept_model_is_the_model_skops_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    safe = trusted_load(promo_model.MODEL_PATH, promo_model.TRUSTED_TYPES)
    first = trusted_load(promo_model.MODEL_PATH, promo_model.TRUSTED_TYPES, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [
        cached_file(promo_model.MODEL_PATH, promo_model.TRUSTED_TYPES, tmp_path).name
    ]
    _refuse_skops(monkeypatch)
    again = trusted_load(promo_model.MODEL_PATH, promo_model.TRUSTED_TYPES, tmp_path)
    for model in (first, again):
        assert (model.predict_proba(SENTENCES) == safe.predict_proba(SENTENCES)).all()


def test_another_model_file_or_library_is_another_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trusted = verify.TRUSTED_TYPES
    here = cached_file(VERIFIER, trusted, tmp_path)
    other = tmp_path / "models" / VERIFIER.name
    other.parent.mkdir()
    other.write_bytes(VERIFIER.read_bytes() + b"\0")
    assert cached_file(other, trusted, tmp_path) != here
    assert cached_file(VERIFIER, [*trusted, "builtins.eval"], tmp_path) != here
    monkeypatch.setattr(modelcache, "_libraries", lambda: "scikit-learn=0.1")
    assert cached_file(VERIFIER, trusted, tmp_path) != here


def test_a_damaged_copy_is_loaded_with_skops_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    trusted = verify.TRUSTED_TYPES
    kept = cached_file(VERIFIER, trusted, tmp_path)
    kept.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        model = trusted_load(VERIFIER, trusted, tmp_path)
    assert "unreadable" in caplog.text
    assert type(model) is type(skops.io.load(VERIFIER, trusted=trusted))
    assert kept.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_is_logged_and_the_model_loaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    with caplog.at_level(logging.WARNING):
        model = trusted_load(VERIFIER, verify.TRUSTED_TYPES, blocker / "models")
    assert model is not None and "not written" in caplog.text


def test_a_missing_model_still_names_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    with pytest.raises(PromoModelError, match="train-filler"):
        promo_model.load_model(tmp_path / "gone.skops", "train-filler", tmp_path / "cache")
    models = tmp_path / "models"
    shutil.copytree(verify.MODELS, models)
    (models / "statistic_verifier.skops").unlink()
    with pytest.raises(PromoModelError, match="train-verifiers"):
        verify.shipped(models, tmp_path / "cache")
