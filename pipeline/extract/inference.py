"""The shipped block model at run time: boosted trees read from a safe file, scored with numpy.

Training is scikit-learn (``model.BlockClassifier``), inference is not: ``import sklearn.ensemble``
alone is 142 MB of resident memory, and the skops loader pulled in the whole of scikit-learn
(pytest included), more than trafilatura's entire peak. ``model.export_model`` writes the fitted
trees as plain arrays in a ``.npz`` (a zip of ``.npy`` files read with ``allow_pickle=False``:
loading it runs no code from the file) and ``CompiledBlockModel`` scores them with numpy, equal
to ``BlockClassifier.main_scores`` to the last bit on the dev pages (``test_model``).

File format, version ``FORMAT_VERSION``, one array per name:

==================  ============================================================================
format_version      int, this module refuses any other
feature_names       str, the DictVectorizer vocabulary in column order
tree_offsets        int, tree ``t`` is ``nodes[tree_offsets[t]:tree_offsets[t + 1]]``
feature_idx …       the fields ``NODE_FIELDS`` of scikit-learn's ``TreePredictor.nodes``, all
                    trees concatenated; ``left``/``right`` index nodes of the same tree
baseline            float, the raw score the trees add to
metadata            one JSON string: scikit-learn version, n_features, params
==================  ============================================================================
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any, Protocol

import numpy as np

FORMAT_VERSION = 1
MODEL_FILE = "block_model.npz"
NODE_FIELDS = (
    "feature_idx", "num_threshold", "missing_go_to_left", "left", "right", "is_leaf", "value",
)  # fmt: skip
# Leaf sets are bit masks in one unsigned integer (the shipped model has at most 31 leaves).
MAX_LEAVES = 64
# Rows per pass over the splits: 6 bytes per (split, row), 7,500 splits x 128 rows = 6 MB for
# the shipped model however long the page (256 rows: no faster, twice the memory). Features are
# ranked in larger passes (one searchsorted per feature and pass, 1.4 MB of matrix per pass).
CHUNK_ROWS = 128
MATRIX_ROWS = 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model gives the same file bytes


class BlockScorer(Protocol):
    """What extraction needs of a model: ``BlockClassifier`` (fold models) or the compiled one."""

    def main_scores(self, X: Sequence[Mapping[str, float]]) -> np.ndarray: ...


def feature_matrix(X: Sequence[Mapping[str, float]], columns: Mapping[str, int]) -> np.ndarray:
    """Dense float64 rows of feature dicts, as ``DictVectorizer.transform`` makes them for numeric
    features (unknown keys ignored), without its per-value Python overhead (the iterators run
    in C: 0.8 ms for a page of 240 rows, 1.5 ms with list comprehensions)."""
    n = len(columns)
    counts = [len(row) for row in X]
    total = sum(counts)
    # Unknown names go to the column past the last (dropped below); ``get`` with a default
    # keeps the lookup in C (a ``__missing__`` hook was a Python call for each of the ~32
    # unknown names per row).
    keys = chain.from_iterable(X)
    cols = np.fromiter(map(columns.get, keys, repeat(n)), np.intp, count=total)
    values = np.fromiter(chain.from_iterable(row.values() for row in X), np.float64, count=total)
    matrix = np.zeros((len(X), n + 1))
    matrix[np.repeat(np.arange(len(X)), counts), cols] = values
    return matrix[:, :n]


def _expit(x: float) -> float:
    # math.exp is libm's exp, as in scipy's expit that scikit-learn uses; numpy's vectorized exp
    # differs from it in the last bit on some inputs, which would make scores differ by 1e-16.
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:
        return 0.0


def _tree_leaves(
    nodes: Mapping[str, np.ndarray], start: int, stop: int
) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """Reachable nodes of one tree in preorder (left child first) and the range of leaf ranks
    under each (leaves numbered left to right). Raises on a child outside the tree or a node
    reached twice, so no file can make this loop."""
    is_leaf, left, right = nodes["is_leaf"], nodes["left"], nodes["right"]
    order: list[int] = []
    seen: set[int] = set()
    stack = [0]
    while stack:
        i = stack.pop()
        if not 0 <= i < stop - start or i in seen:
            raise ValueError(f"tree at node {start}: child {i} is outside the tree or shared")
        seen.add(i)
        order.append(i)
        if not is_leaf[start + i]:
            stack += [int(right[start + i]), int(left[start + i])]
    span = {i: (r, r) for r, i in enumerate(i for i in order if is_leaf[start + i])}
    for i in reversed(order):  # children before parents
        if not is_leaf[start + i]:
            span[i] = (span[int(left[start + i])][0], span[int(right[start + i])][1])
    return order, span


Split = tuple[int, float, bool, int]  # feature, threshold, missing goes left, leaves ruled out


def _tree_splits(
    nodes: Mapping[str, np.ndarray], start: int, stop: int, n_features: int
) -> tuple[list[Split], list[float]]:
    """The splits of one tree, each with the mask of the leaves a row going right cannot reach
    (those of the left subtree), and its leaf values left to right."""
    order, span = _tree_leaves(nodes, start, stop)
    splits: list[Split] = []
    leaves: list[float] = []
    for i in order:
        at = start + i
        if nodes["is_leaf"][at]:
            leaves.append(float(nodes["value"][at]))
            continue
        feature, threshold = int(nodes["feature_idx"][at]), float(nodes["num_threshold"][at])
        if not 0 <= feature < n_features or math.isnan(threshold):
            raise ValueError(f"node {at} splits on feature {feature} at {threshold}")
        low, high = span[int(nodes["left"][at])]
        mask = ((1 << (high - low + 1)) - 1) << low
        splits.append((feature, threshold, bool(nodes["missing_go_to_left"][at]), mask))
    if len(leaves) > MAX_LEAVES:
        raise ValueError(f"a tree has {len(leaves)} leaves, more than the {MAX_LEAVES} supported")
    return splits, leaves


class CompiledBlockModel:
    """Boosted trees over feature dicts, scored with numpy (see ``main_scores`` for the method).

    Built from the arrays of the file format (``load_compiled_model`` reads them); raises
    ``ValueError`` naming the problem when they do not form a valid model.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        version = int(arrays["format_version"])
        if version != FORMAT_VERSION:
            raise ValueError(
                f"block model format {version} is not {FORMAT_VERSION}: re-export it with "
                "this version of the code (content-audit train-extractor)"
            )
        self.feature_names: tuple[str, ...] = tuple(str(f) for f in arrays["feature_names"])
        self.metadata: dict[str, Any] = json.loads(str(arrays["metadata"][0]))
        self.baseline = float(arrays["baseline"])
        self._columns = {name: j for j, name in enumerate(self.feature_names)}
        self._compile({f: np.asarray(arrays[f]) for f in NODE_FIELDS}, arrays["tree_offsets"])

    def _compile(self, nodes: dict[str, np.ndarray], offsets: np.ndarray) -> None:
        bounds = [int(o) for o in offsets]
        if (
            len({len(a) for a in nodes.values()}) != 1
            or bounds != sorted(bounds)
            or (bounds[0] != 0 or bounds[-1] != len(nodes["value"]))
        ):
            raise ValueError("node arrays differ in length or tree_offsets do not partition them")
        splits: list[list[Split]] = []
        leaf_values: list[float] = []
        self._leaf_start = np.zeros(len(bounds) - 1, dtype=np.intp)
        for t, (start, stop) in enumerate(pairwise(bounds)):
            self._leaf_start[t] = len(leaf_values)
            tree, leaves = _tree_splits(nodes, start, stop, len(self.feature_names))
            splits.append(tree)
            leaf_values += leaves
        self._leaf_values = np.asarray(leaf_values, dtype=np.float64)
        self._pack(splits)

    def _pack(self, splits: list[list[Split]]) -> None:
        """Split arrays padded to ``width`` per tree (padding rules out no leaf) and each used
        feature's sorted thresholds; a split compares the ranks of row value and threshold."""
        self._n_trees = len(splits)
        self._width = max([len(tree) for tree in splits] + [1])
        by_feature: dict[int, list[float]] = {}
        for tree in splits:
            for f, thr, _, _ in tree:
                by_feature.setdefault(f, []).append(thr)
        used = sorted(by_feature)
        self._used = np.asarray(used, dtype=np.intp)
        self._thresholds = [np.unique(by_feature[f]) for f in used]
        most = max([len(u) for u in self._thresholds] + [0])
        self._rank_dtype = np.uint8 if most <= 255 else np.uint32
        widest = max([mask.bit_length() for tree in splits for _, _, _, mask in tree] + [0])
        self._mask_dtype = np.uint32 if widest <= 32 else np.uint64
        compact = {feature: k for k, feature in enumerate(used)}
        size = self._n_trees * self._width
        self._split_feature = np.zeros(size, dtype=np.intp)
        self._split_rank = np.zeros(size, dtype=self._rank_dtype)
        self._split_missing_left = np.ones(size, dtype=bool)
        self._split_mask = np.zeros(size, dtype=self._mask_dtype)
        for t, tree in enumerate(splits):
            for s, (f, thr, missing_left, mask) in enumerate(tree):
                at = t * self._width + s
                k = compact[f]
                self._split_feature[at] = k
                self._split_rank[at] = np.searchsorted(self._thresholds[k], thr)
                self._split_missing_left[at] = missing_left
                self._split_mask[at] = mask

    def main_scores(self, X: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Probability of main content for each feature dict: the sigmoid of the baseline plus
        the value of the leaf each tree sends the row to.

        All splits of all trees are tested at once (QuickScorer, Lucchese et al., SIGIR 2015): a
        row that goes right at a split cannot reach the leaves of its left subtree, and the leaf
        it reaches is the leftmost one not ruled out. A node-by-node walk in numpy, one step per
        tree level (up to 19 here), took 12 ms for a page of 240 blocks; this takes 4 ms with
        the matrix fill, scikit-learn's predict behind ``threadpool_limits`` 8.5 ms (same pages).
        """
        chunks = [
            self._ranked(feature_matrix(X[i : i + MATRIX_ROWS], self._columns))
            for i in range(0, len(X), MATRIX_ROWS)
        ]
        raw = np.concatenate(chunks).tolist() if chunks else []
        return np.array([_expit(x) for x in raw], dtype=np.float64)

    def _ranked(self, matrix: np.ndarray) -> np.ndarray:
        values = np.ascontiguousarray(matrix[:, self._used].T)
        # rank(x) = how many of the feature's thresholds are below x, so x > threshold exactly
        # when rank(x) > the threshold's index: one byte per value stands in for the float.
        ranks = np.empty(values.shape, dtype=self._rank_dtype)
        for k, thresholds in enumerate(self._thresholds):
            ranks[k] = np.searchsorted(thresholds, values[k])
        missing = np.isnan(values)
        parts = [
            self._raw(ranks[:, i : i + CHUNK_ROWS], missing[:, i : i + CHUNK_ROWS])
            for i in range(0, len(matrix), CHUNK_ROWS)
        ]
        return np.concatenate(parts)

    def _raw(self, ranks: np.ndarray, missing: np.ndarray) -> np.ndarray:
        right = ranks[self._split_feature] > self._split_rank[:, None]
        if missing.any():  # never for the extractor's features; kept for the format's sake
            miss = missing[self._split_feature]
            right = np.where(miss, ~self._split_missing_left[:, None], right)
        ruled_out = (right * self._split_mask[:, None]).reshape(self._n_trees, self._width, -1)
        alive = ~np.bitwise_or.reduce(ruled_out, axis=1)
        lowest = alive & (~alive + self._mask_dtype(1))
        leaf = np.frexp(lowest.astype(np.float64))[1] - 1  # exact: lowest is a power of two
        leaf_values = self._leaf_values[self._leaf_start[:, None] + leaf]
        # Summed tree by tree from the baseline, as scikit-learn accumulates them: the same
        # rounding, hence the same scores. A cumulative sum is always in order; a plain sum of
        # one row's column is pairwise and was 1e-17 off on a one-block page.
        start = np.full((1, ranks.shape[1]), self.baseline)
        raw: np.ndarray = np.cumsum(np.concatenate([start, leaf_values]), axis=0)[-1]
        return raw


def save_model_arrays(arrays: Mapping[str, np.ndarray], path: Path) -> None:
    """Write the format's arrays as an ``.npz`` atomically, with fixed zip timestamps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as out:
                np.lib.format.write_array(out, np.asarray(array), allow_pickle=False)
    os.replace(tmp, path)


def load_compiled_model(path: Path) -> CompiledBlockModel:
    """Read a model file; object arrays (pickles) are refused by ``allow_pickle=False``."""
    with np.load(path, allow_pickle=False) as data:
        return CompiledBlockModel({name: data[name] for name in data.files})


@cache
def shipped_model() -> CompiledBlockModel:
    """The model bundled with the package, loaded once per process."""
    ref = resources.files("pipeline.extract") / "models" / MODEL_FILE
    with resources.as_file(ref) as path:
        return load_compiled_model(path)
