from __future__ import annotations

import json
import math
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone

from pipeline.extract import extract_page
from pipeline.extract.devsets import PageSet
from pipeline.extract.inference import (
    CHUNK_ROWS,
    FORMAT_VERSION,
    MATRIX_ROWS,
    MODEL_FILE,
    CompiledBlockModel,
    feature_matrix,
    load_compiled_model,
    save_model_arrays,
    shipped_model,
)
from pipeline.extract.model import BlockClassifier, export_model
from pipeline.extract.train import DevPage, fit_pages
from pipeline.extract.train import main as train_main

# Scores of the compiled trees equal scikit-learn's to the last bit on the dev pages (the same
# leaf values summed in the same order, libm's exp); the contract is this tolerance.
SCORE_TOLERANCE = 1e-9


def _arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def test_shipped_model_is_a_plain_array_file() -> None:
    ref = resources.files("pipeline.extract") / "models" / MODEL_FILE
    with resources.as_file(ref) as path:
        assert path.stat().st_size < 2_000_000
        arrays = _arrays(path)  # allow_pickle=False: no object arrays, no code
    assert int(arrays["format_version"]) == FORMAT_VERSION
    meta = json.loads(str(arrays["metadata"][0]))
    assert meta["classes"] == [0, 1]
    assert meta["n_features"] == len(arrays["feature_names"])
    assert meta["params"] == BlockClassifier().get_params()
    model = shipped_model()
    assert model.feature_names == tuple(arrays["feature_names"])


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


@pytest.fixture(scope="module")
def small_models(
    tmp_path_factory: pytest.TempPathFactory, dev_pages: list[DevPage]
) -> tuple[BlockClassifier, CompiledBlockModel]:
    model = fit_pages(dev_pages[:12])
    path = tmp_path_factory.mktemp("model") / "m.npz"
    export_model(model, path)
    return model, load_compiled_model(path)


def test_exported_model_scores_like_the_fitted_one(
    small_models: tuple[BlockClassifier, CompiledBlockModel], dev_pages: list[DevPage]
) -> None:
    model, compiled = small_models
    X = [f for p in dev_pages[12:40] for f in p.features]  # unseen rows reach other leaves
    expected = model.main_scores(X)
    assert np.max(np.abs(compiled.main_scores(X) - expected)) <= SCORE_TOLERANCE
    assert compiled.main_scores([]).shape == (0,)
    # A page longer than the matrix and split passes scores as its rows do one by one.
    long_page = X[: MATRIX_ROWS + CHUNK_ROWS + 1]
    assert len(long_page) == MATRIX_ROWS + CHUNK_ROWS + 1
    scores = compiled.main_scores(long_page)
    assert np.max(np.abs(scores - expected[: len(long_page)])) <= SCORE_TOLERANCE


def test_one_block_pages_score_exactly_like_the_fitted_model(
    small_models: tuple[BlockClassifier, CompiledBlockModel], dev_pages: list[DevPage]
) -> None:
    # Exact, not within the tolerance: summing one row's leaf values pairwise instead of tree
    # by tree moved a one-block dev page's score by 1e-17 (a score at the 0.5 threshold would
    # flip). The whole dev set is exact; single rows are where the sum order differed.
    model, compiled = small_models
    rows = [p.features[0] for p in dev_pages[12:60] if p.features]
    for row in rows:
        assert np.array_equal(compiled.main_scores([row]), model.main_scores([row]))


def test_export_is_byte_identical(tmp_path: Path, dev_pages: list[DevPage]) -> None:
    model = fit_pages(dev_pages[:5])
    export_model(model, tmp_path / "a.npz")
    export_model(model, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_fold_models_and_compiled_models_extract_the_same(
    small_models: tuple[BlockClassifier, CompiledBlockModel],
    dev_set: PageSet,
    dev_pages: list[DevPage],
) -> None:
    """``extract_page`` takes a fitted BlockClassifier (cross-validation) or a compiled model."""
    model, compiled = small_models
    for page in dev_pages[40:45]:
        html = dev_set.html(page.page_id)
        url = page.truth["url"] or None
        assert extract_page(html, url, model).main_text == (
            extract_page(html, url, compiled).main_text
        )


def test_missing_values_take_the_learned_side(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=600)
    missing = rng.random(600) < 0.3
    # Missing rows are mostly positive, so the trees learn to send NaN one way on purpose.
    y = ((x > 0.3) | (missing & (rng.random(600) < 0.9))).astype(int)
    X = [
        {"a": math.nan if m else float(v), "b": float(v * 2 + rng.normal())}
        for v, m in zip(x, missing, strict=True)
    ]
    model = BlockClassifier(max_iter=20, min_samples_leaf=5).fit(X, y)
    export_model(model, tmp_path / "m.npz")
    arrays = _arrays(tmp_path / "m.npz")
    internal = arrays["is_leaf"] == 0
    assert len(set(arrays["missing_go_to_left"][internal])) == 2  # both directions occur
    compiled = load_compiled_model(tmp_path / "m.npz")
    assert np.max(np.abs(compiled.main_scores(X) - model.main_scores(X))) <= SCORE_TOLERANCE


def test_malformed_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    good = shipped_model()
    ref = resources.files("pipeline.extract") / "models" / MODEL_FILE
    with resources.as_file(ref) as path:
        arrays = _arrays(path)
    with pytest.raises(ValueError, match="format 99"):
        CompiledBlockModel({**arrays, "format_version": np.asarray(99)})
    cyclic = {**arrays, "left": arrays["left"].copy()}
    cyclic["left"][0] = 0  # the root is its own left child
    with pytest.raises(ValueError, match="outside the tree or shared"):
        CompiledBlockModel(cyclic)
    with pytest.raises(ValueError, match="partition"):
        CompiledBlockModel({**arrays, "tree_offsets": arrays["tree_offsets"][:-1]})
    # An object array would need pickle to load: np.load refuses it.
    save_model_arrays(arrays, tmp_path / "ok.npz")
    assert load_compiled_model(tmp_path / "ok.npz").feature_names == good.feature_names
    with zipfile.ZipFile(tmp_path / "ok.npz", "a") as archive, archive.open("x.npy", "w") as out:
        np.lib.format.write_array(out, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="allow_pickle"):
        load_compiled_model(tmp_path / "ok.npz")


def test_feature_matrix_ignores_unknown_features_like_dictvectorizer() -> None:
    columns = {"a": 0, "b": 1}
    matrix = feature_matrix([{"b": 2.0, "new": 5.0}, {}, {"a": 1.0}], columns)
    assert matrix.tolist() == [[0.0, 2.0], [0.0, 0.0], [1.0, 0.0]]


def test_train_command_writes_a_loadable_model_file(
    tmp_path: Path, dev_dir: Path, dev_truth: dict[str, Any]
) -> None:
    """``content-audit train-extractor`` (train.main) on a small dev set writes the npz."""
    small = tmp_path / "dev"
    (small / "html").mkdir(parents=True)
    ids = sorted(dev_truth)[:12]
    (small / "ground-truth.json").write_text(json.dumps({i: dev_truth[i] for i in ids}))
    for page_id in ids:
        name = f"{page_id}.html.gz"
        (small / "html" / name).write_bytes((dev_dir / "html" / name).read_bytes())
    out = tmp_path / "model.npz"
    assert train_main(["--dev-dir", str(small), "--out", str(out)]) == 0
    model = load_compiled_model(out)
    assert model.metadata["params"] == BlockClassifier().get_params()
    assert len(model.feature_names) == model.metadata["n_features"]
