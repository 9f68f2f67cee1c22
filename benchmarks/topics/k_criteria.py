"""Alternative rules for choosing k, measured beside the shipped one on every corpus (issue 19).

Each rule takes the LSA vectors the topic model clusters (``pipeline.topics.vectorize``) and
returns a k; the benchmark then fits the model's own KMeans at that k, so only the choice of k
differs. None of these is used by the product: they are the alternatives tried, kept so the
comparison can be rerun.

* ``silhouette-5%``: the previous rule, size-penalized silhouette with a 5 % minimum share.
* ``eigengap``: the largest gap between consecutive eigenvalues of the normalized Laplacian of a
  10-nearest-neighbour cosine graph (von Luxburg 2007).
* ``prediction-strength``: the largest k whose prediction strength (Tibshirani & Walther 2005,
  two random halves, twice) is at least 0.8, else the best one.
* ``calinski-harabasz``, ``davies-bouldin``: the classic internal indices, one KMeans per k.
* ``gap-silhouette``: silhouette minus the silhouette of the same k on a null data set (each LSA
  column permuted), the gap-statistic idea applied to the silhouette.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh
from sklearn.cluster import KMeans
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from pipeline.topics.cluster import distinct_points, min_topic_size, penalized_silhouette

Matrix = np.ndarray
MAX_K = 20


def _upper(x: Matrix, min_size: int = 3) -> int:
    return max(2, min(MAX_K, x.shape[0] - 1, distinct_points(x), x.shape[0] // min_size))


def _fit(x: Matrix, k: int, n_init: int = 10) -> np.ndarray:
    with threadpool_limits(limits=1, user_api="openmp"):
        labels: np.ndarray = KMeans(n_clusters=k, n_init=n_init, random_state=0).fit(x).labels_
    return labels


def silhouette_5(x: Matrix) -> int:
    min_size = min_topic_size(x.shape[0])  # the 5 % share of a topic at all
    scores = {}
    for k in range(2, _upper(x, min_size) + 1):
        score = penalized_silhouette(x, _fit(x, k), min_size)
        if score is not None:
            scores[k] = round(score, 6)
    best = max(scores, key=lambda k: (scores[k], -k))
    return best if scores[best] > 0 else 1


def eigengap(x: Matrix, neighbours: int = 10) -> int:
    n = x.shape[0]
    nn = min(neighbours, n - 1)
    dist, ind = NearestNeighbors(n_neighbors=nn + 1, metric="cosine").fit(x).kneighbors(x)
    rows = np.repeat(np.arange(n), nn)
    w = sp.csr_matrix((np.clip(1 - dist[:, 1:].ravel(), 0, None), (rows, ind[:, 1:].ravel())),
                      shape=(n, n))  # fmt: skip
    w = w.maximum(w.T)
    d = np.asarray(w.sum(axis=1)).ravel()
    scale = sp.diags(1 / np.sqrt(np.where(d > 0, d, 1)))
    m = min(_upper(x) + 2, n - 1)
    eig = np.sort(eigsh(scale @ w @ scale, k=m, which="LA", return_eigenvectors=False))[::-1]
    laplacian = 1 - eig
    gaps = {k: laplacian[k] - laplacian[k - 1] for k in range(2, m - 1)}
    return max(gaps, key=lambda k: gaps[k])


def prediction_strength(x: Matrix, threshold: float = 0.8, splits: int = 2) -> int:
    n = x.shape[0]
    rng = np.random.default_rng(0)
    perms = [rng.permutation(n) for _ in range(splits)]
    strength = {}
    for k in range(2, max(2, _upper(x) // 2) + 1):
        values = []
        for p in perms:
            a, b = x[p[: n // 2]], x[p[n // 2 :]]
            with threadpool_limits(limits=1, user_api="openmp"):
                train = KMeans(n_clusters=k, n_init=3, random_state=0).fit(a)
                test = KMeans(n_clusters=k, n_init=3, random_state=0).fit(b).labels_
            predicted = train.predict(b)
            per_cluster = []
            for c in range(k):
                members = predicted[test == c]
                if len(members) >= 2:
                    same = (members[:, None] == members[None, :]).sum() - len(members)
                    per_cluster.append(same / (len(members) * (len(members) - 1)))
            values.append(min(per_cluster) if per_cluster else 0.0)
        strength[k] = float(np.mean(values))
    passing = [k for k, v in strength.items() if v >= threshold]
    return max(passing) if passing else max(strength, key=lambda k: strength[k])


def _index(score: Callable[[Matrix, np.ndarray], float], best: Callable[..., int]) -> Callable:
    def rule(x: Matrix) -> int:
        values = {k: score(x, _fit(x, k, 3)) for k in range(2, _upper(x) + 1)}
        return best(values, key=lambda k: values[k])

    return rule


def gap_silhouette(x: Matrix) -> int:
    rng = np.random.default_rng(0)
    null = np.column_stack([rng.permutation(x[:, j]) for j in range(x.shape[1])])
    null /= np.linalg.norm(null, axis=1, keepdims=True)
    values = {
        k: silhouette_score(x, _fit(x, k, 3)) - silhouette_score(null, _fit(null, k, 3))
        for k in range(2, _upper(x) + 1)
    }
    return max(values, key=lambda k: values[k])


RULES: dict[str, Callable[[Matrix], int]] = {
    "silhouette-5%": silhouette_5,
    "eigengap": eigengap,
    "prediction-strength": prediction_strength,
    "calinski-harabasz": _index(calinski_harabasz_score, max),
    "davies-bouldin": _index(davies_bouldin_score, min),
    "gap-silhouette": gap_silhouette,
}
