"""KMeans on the LSA space: choosing k, outliers, stable topic numbering.

Choosing k
----------
For each k in ``[2, min(max_k, n - 1, distinct points)]`` KMeans is fitted (``n_init=10``,
fixed ``random_state``) and scored by the silhouette coefficient on the L2-normalized LSA
vectors (Euclidean distance there is a monotone function of cosine distance). The k with the
highest silhouette wins; ties go to the smaller k. Silhouette is computed on at most 2,000
sampled points (seeded) so the cost stays linear in the corpus beyond that size. Measured on the
labeled synthetic corpus of ``tests/unit/topics`` (4 topics x 8 posts): k = 4 exactly.

Outliers
--------
A post is an outlier (topic -1) when its cosine similarity to its topic centroid is

- below ``ABSOLUTE_MIN_SIMILARITY`` = 0.1 (nearly orthogonal to its topic), or
- in a topic of at least ``ROBUST_MIN_SIZE`` = 5 posts, more than 3 robust standard deviations
  below the topic's median similarity: ``median - 3 * max(1.4826 * MAD, 0.05)``. The 0.05 floor
  keeps a very tight topic from rejecting posts that are still clearly on topic.

Topics left with fewer than ``MIN_TOPIC_SIZE`` = 2 posts are dissolved into outliers: one post
is not a topic (an off-topic post otherwise tends to win a KMeans cluster of its own).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int64]

N_INIT = 10
SILHOUETTE_SAMPLE = 2000
ABSOLUTE_MIN_SIMILARITY = 0.1
ROBUST_MIN_SIZE = 5
ROBUST_Z = 3.0
MIN_SPREAD = 0.05
MIN_TOPIC_SIZE = 2


def kmeans(x: Matrix, k: int, random_state: int) -> tuple[Labels, Matrix]:
    """Labels and L2-normalized centroids of a KMeans fit with ``k`` clusters."""
    model = KMeans(n_clusters=k, n_init=N_INIT, random_state=random_state).fit(x)
    centroids = model.cluster_centers_
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return model.labels_.astype(np.int64), centroids / np.where(norms == 0, 1.0, norms)


def distinct_points(x: Matrix) -> int:
    # Rounded so that float noise of the SVD does not make identical posts distinct.
    return int(np.unique(np.round(x, 9), axis=0).shape[0])


def choose_k(
    x: Matrix, max_k: int, random_state: int
) -> tuple[int, dict[int, float], tuple[Labels, Matrix]]:
    """The k with the best silhouette, all scores, and that k's fit (see the module docstring)."""
    upper = min(max_k, x.shape[0] - 1, distinct_points(x))
    if upper < 2:
        return 1, {}, (np.zeros(x.shape[0], dtype=np.int64), _mean_direction(x))
    scores: dict[int, float] = {}
    best: tuple[int, tuple[Labels, Matrix]] | None = None
    for k in range(2, upper + 1):
        fit = kmeans(x, k, random_state)
        if len(np.unique(fit[0])) < 2:
            continue
        scores[k] = float(
            silhouette_score(
                x, fit[0], sample_size=min(SILHOUETTE_SAMPLE, x.shape[0]), random_state=0
            )
        )
        if best is None or scores[k] > scores[best[0]]:
            best = (k, fit)
    if best is None:
        return 1, scores, (np.zeros(x.shape[0], dtype=np.int64), _mean_direction(x))
    return best[0], scores, best[1]


def _mean_direction(x: Matrix) -> Matrix:
    mean = x.mean(axis=0, keepdims=True)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def similarity_to_centroid(x: Matrix, labels: Labels, centroids: Matrix) -> Matrix:
    """Cosine similarity of each row to its own centroid, clipped to [0, 1] (0 for -1)."""
    if len(centroids) == 0:
        return np.zeros(x.shape[0])
    sims = np.einsum("ij,ij->i", x, centroids[np.maximum(labels, 0)])
    return np.where(labels >= 0, np.clip(sims, 0.0, 1.0), 0.0)


def mark_outliers(labels: Labels, similarity: Matrix) -> Labels:
    """Labels with outliers and too-small topics set to -1 (see the module docstring)."""
    out = labels.copy()
    out[similarity < ABSOLUTE_MIN_SIMILARITY] = -1
    for topic in np.unique(out[out >= 0]):
        members = out == topic
        if members.sum() >= ROBUST_MIN_SIZE:
            sims = similarity[members]
            median = float(np.median(sims))
            spread = max(1.4826 * float(np.median(np.abs(sims - median))), MIN_SPREAD)
            out[members & (similarity < median - ROBUST_Z * spread)] = -1
    for topic in np.unique(out[out >= 0]):
        if (out == topic).sum() < MIN_TOPIC_SIZE:
            out[out == topic] = -1
    return out


def renumber(labels: Labels, centroids: Matrix) -> tuple[Labels, Matrix]:
    """Topics numbered 0.. by size (largest first, ties by first member); centroids follow."""
    topics = [int(t) for t in np.unique(labels[labels >= 0])]
    order = sorted(topics, key=lambda t: (-int((labels == t).sum()), int(np.argmax(labels == t))))
    mapping = {old: new for new, old in enumerate(order)}
    new_labels = np.array([mapping.get(int(t), -1) for t in labels], dtype=np.int64)
    return new_labels, centroids[order] if order else centroids[:0]
