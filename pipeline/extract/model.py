"""The block classifier: engineered features -> probability that a block is main content.

``BlockClassifier`` follows scikit-learn's estimator conventions (``__init__`` stores
hyperparameters, ``fit`` returns self, learned state ends in ``_``) so it can be cross-validated,
cloned and checked like any estimator. X is a list of feature dicts from
``features.page_features``. The shipped model is not this object: ``export_model`` writes its
trees as plain arrays (never a pickle) that ``inference.CompiledBlockModel`` scores without
scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from pipeline.extract.inference import (
    FORMAT_VERSION,
    NODE_FIELDS,
    feature_matrix,
    save_model_arrays,
)


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Gradient-boosted trees over vectorized block feature dicts.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization:
        passed to ``HistGradientBoostingClassifier``.
    random_state:
        seed of the booster (it subsamples only for early stopping, which is off, so the
        model is a pure function of the data; the seed is kept for the convention).
    """

    def __init__(
        self,
        max_iter: int = 250,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        random_state: int | None = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def fit(
        self,
        X: Sequence[Mapping[str, float]],
        y: Sequence[int],
        sample_weight: Sequence[float] | np.ndarray | None = None,
    ) -> BlockClassifier:
        self.pipeline_ = Pipeline(
            [
                ("vectorize", DictVectorizer(sparse=False, sort=True)),
                (
                    "boost",
                    HistGradientBoostingClassifier(
                        max_iter=self.max_iter,
                        learning_rate=self.learning_rate,
                        max_leaf_nodes=self.max_leaf_nodes,
                        min_samples_leaf=self.min_samples_leaf,
                        l2_regularization=self.l2_regularization,
                        early_stopping=False,
                        random_state=self.random_state,
                    ),
                ),
            ]
        )
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.pipeline_.fit(list(X), np.asarray(y, dtype=np.int8), boost__sample_weight=weights)
        self.classes_ = self.pipeline_.classes_
        self.n_features_ = len(self.pipeline_.named_steps["vectorize"].feature_names_)
        return self

    def predict_proba(self, X: Sequence[Mapping[str, float]]) -> np.ndarray:
        if not X:
            return np.zeros((0, 2))
        # DictVectorizer.transform costs more than the trees on the hot path; the features are
        # all numeric, so filling the matrix from its vocabulary gives the same input faster.
        matrix = feature_matrix(X, self.pipeline_.named_steps["vectorize"].vocabulary_)
        # One page is a few hundred rows: starting an OpenMP pool for each call costs more than
        # the trees (measured here: 1.2 pages/s with the pool on 2 busy cores, 13 without).
        with threadpool_limits(limits=1, user_api="openmp"):
            proba: np.ndarray = self.pipeline_.named_steps["boost"].predict_proba(matrix)
        return proba

    def predict(self, X: Sequence[Mapping[str, float]]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int8)

    def main_scores(self, X: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Probability of the positive class (main content) for each row."""
        return self.predict_proba(X)[:, 1] if X else np.zeros(0)


def export_model(model: BlockClassifier, path: Path) -> None:
    """Write the fitted trees in the format of ``pipeline.extract.inference`` (see there)."""
    boost: HistGradientBoostingClassifier = model.pipeline_.named_steps["boost"]
    if boost.n_trees_per_iteration_ != 1 or boost.is_categorical_ is not None:
        raise ValueError("only a binary model over numeric features can be exported")
    trees = [predictor.nodes for (predictor,) in boost._predictors]
    nodes = np.concatenate(trees)
    metadata = {
        "sklearn_version": sklearn.__version__,
        "n_features": model.n_features_,
        "params": model.get_params(),
        "classes": [int(c) for c in model.classes_],
    }
    arrays = {
        "format_version": np.asarray(FORMAT_VERSION),
        "feature_names": np.asarray(model.pipeline_.named_steps["vectorize"].feature_names_),
        "tree_offsets": np.cumsum([0] + [len(t) for t in trees]),
        **{field: nodes[field] for field in NODE_FIELDS},
        "baseline": np.asarray(float(boost._baseline_prediction.item())),
        "metadata": np.asarray([json.dumps(metadata, sort_keys=True)]),
    }
    save_model_arrays(arrays, path)
