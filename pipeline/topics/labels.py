"""Topic labels by class-based TF-IDF, representative posts, and the 2-D map.

c-TF-IDF (Grootendorst 2022, BERTopic) treats all posts of a topic as one document::

    W(t, c) = tf(t, c) * log(1 + A / f(t))

with ``tf(t, c)`` the count of term t in topic c, ``f(t)`` its count over all topics and ``A``
the average number of words per topic. A term frequent in one topic and rare elsewhere ranks
first; the top ``TERMS_PER_TOPIC`` terms (ties broken alphabetically) are the topic's terms and
``", ".join(terms)`` its label.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.decomposition import PCA

TERMS_PER_TOPIC = 4
REPRESENTATIVES = 3


def topic_counts(counts: csr_matrix, labels: npt.NDArray[np.int64], n_topics: int) -> np.ndarray:
    """``(n_topics, n_terms)`` term counts summed over each topic's documents."""
    per_topic = np.zeros((n_topics, counts.shape[1]))
    for topic in range(n_topics):
        rows = np.flatnonzero(labels == topic)
        if rows.size:
            per_topic[topic] = np.asarray(counts[rows].sum(axis=0)).ravel()
    return per_topic


def class_tfidf(counts: csr_matrix, labels: npt.NDArray[np.int64], n_topics: int) -> np.ndarray:
    """``(n_topics, n_terms)`` c-TF-IDF weights from per-document term ``counts``."""
    per_topic = topic_counts(counts, labels, n_topics)
    total = per_topic.sum(axis=0)
    avg_words = per_topic.sum() / max(n_topics, 1)
    idf = np.log1p(avg_words / np.where(total > 0, total, np.inf))
    return np.asarray(per_topic * idf)


def contrast_weights(
    counts: csr_matrix, labels: npt.NDArray[np.int64], n_topics: int
) -> np.ndarray:
    """``(n_topics, n_terms)`` weights of terms that set each cluster apart from the others of
    one parent: ``p(t | c) * log(p(t | c) / p(t | parent))``, positive part (a term's
    contribution to the KL divergence of the cluster from its parent).

    For subtopics. c-TF-IDF there labels every subtopic with its topic's own words: they are the
    most frequent in each subtopic and, with two or three siblings, the idf hardly discounts
    them. A topic word is as frequent in the subtopic as in the topic (ratio 1, weight 0).
    """
    per_topic = topic_counts(counts, labels, n_topics)
    parent = per_topic.sum(axis=0)
    p_parent = parent / max(parent.sum(), 1.0)
    p_topic = per_topic / np.maximum(per_topic.sum(axis=1, keepdims=True), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p_topic > 0, p_topic / np.where(p_parent > 0, p_parent, 1.0), 1.0)
    return np.asarray(p_topic * np.log(np.maximum(ratio, 1.0)))


def top_terms(weights: np.ndarray, vocabulary: list[str], n: int = TERMS_PER_TOPIC) -> list[str]:
    """The ``n`` highest-weighted terms with a positive weight, ties alphabetical."""
    ranked = sorted(
        (i for i in np.flatnonzero(weights > 0)), key=lambda i: (-weights[i], vocabulary[i])
    )
    return [vocabulary[i] for i in ranked[:n]]


def representatives(
    similarity: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], topic: int
) -> list[int]:
    """Indices of the ``REPRESENTATIVES`` posts closest to the topic centroid."""
    members = np.flatnonzero(labels == topic)
    order = sorted(members, key=lambda i: (-similarity[i], i))
    return [int(i) for i in order[:REPRESENTATIVES]]


class MapProjection:
    """2-D coordinates for the report: PCA of the LSA vectors (full SVD, sign-fixed: stable).

    ``transform`` is PCA's projection without whitening, ``(x - mean_) @ components_.T``,
    computed here so a saved model holds two arrays, not a pickled estimator."""

    mean_: npt.NDArray[np.float64] | None
    components_: npt.NDArray[np.float64] | None

    def fit_transform(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        self.mean_ = self.components_ = None
        # PCA of identical points divides by a zero variance; they all sit at the origin.
        if x.shape[0] >= 2 and x.shape[1] >= 2 and not np.allclose(x, x[0]):
            pca = PCA(n_components=2, svd_solver="full").fit(x)
            self.mean_ = np.asarray(pca.mean_, dtype=np.float64)
            self.components_ = np.asarray(pca.components_, dtype=np.float64)
        return self.transform(x)

    def transform(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.mean_ is not None and self.components_ is not None:
            return np.asarray((x - self.mean_) @ self.components_.T)
        padded = np.zeros((x.shape[0], 2))
        padded[:, : min(2, x.shape[1])] = x[:, :2] - x[:, :2].mean(axis=0)
        return padded
