"""TopicModel: TF-IDF -> LSA -> KMeans -> outliers -> c-TF-IDF labels, as one estimator.

Small inputs: texts with no usable word (empty, only stop words and numbers, or, from 20
texts on, only words no other text uses) are outliers (-1). With fewer than 3 texts that have
words there is nothing to cluster: all of them are topic 0, and no outlier marking either (there
is no distribution to be an outlier of). A ``k`` larger than the number of distinct texts is
lowered to that number.
"""

from __future__ import annotations

import io
import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.topics.cluster import (
    Labels,
    Matrix,
    broad_topic_size,
    choose_k,
    distinct_points,
    kmeans,
    mark_outliers,
    min_topic_size,
    outlier_floor,
    renumber,
    similarity_to_centroid,
)
from pipeline.topics.labels import (
    MapProjection,
    class_tfidf,
    contrast_weights,
    representatives,
    top_terms,
)
from pipeline.topics.stable import TermCentroid, term_centroids
from pipeline.topics.vectorize import (
    LsaEmbedding,
    count_vectorizer,
    loaded_vectorizer,
    tfidf_vectorizer,
)

MIN_TEXTS_TO_CLUSTER = 3
# A topic with fewer posts is not split into subtopics: two subtopics of a handful of posts each
# are not a plan a content team can act on.
SUBTOPIC_MIN_POSTS = 20
SAVE_FORMAT = 2


class TopicModel:
    """Clusters texts into topics; scikit-learn style (``fit`` returns self, state ends in ``_``).

    Fitted attributes: ``labels_`` (one per text, -1 outlier), ``confidence_`` (cosine to the
    topic centroid, 0..1), ``coords_`` (n, 2; NaN for texts without a usable word), ``k_``
    (clusters fitted), ``min_topic_size_`` (smaller clusters were dissolved into outliers),
    ``silhouette_`` ({k: size-penalized silhouette} when k was chosen), ``terms_`` and
    ``representatives_`` (per topic id), ``nearest_similarity_`` (cosine to the nearest topic
    centroid, outliers included: how far off an outlier is), ``term_centroids_`` (per topic: its
    heaviest TF-IDF terms, comparable across fits; see ``stable``), ``outlier_floor_`` (per
    topic: the least cosine a member has; ``predict`` marks texts under it as outliers).

    Second level (``subtopics=True``): each topic of at least ``SUBTOPIC_MIN_POSTS`` posts is
    clustered again on its members' LSA vectors by the same rule (``choose_k``, at least 10 % of
    the topic per subtopic; smaller clusters are folded into the nearest one), and a topic where
    no split beats none has no subtopics. ``sublabels_`` (subtopic index within the post's topic,
    -1 for none), ``subcentroids_`` (per topic; 0 rows when not split), ``subterms_`` (per topic,
    per subtopic: the terms that set it apart from its siblings, ``labels.contrast_weights``) and
    ``sub_term_centroids_`` (for stable subtopic ids). ``predict_levels`` assigns both levels.
    """

    labels_: Labels
    confidence_: Matrix
    nearest_similarity_: Matrix
    coords_: Matrix
    centroids_: Matrix
    k_: int
    min_topic_size_: int
    silhouette_: dict[int, float]
    terms_: dict[int, list[str]]
    representatives_: dict[int, list[int]]
    term_centroids_: list[TermCentroid]
    outlier_floor_: Matrix
    vectorizer_: TfidfVectorizer | None
    embedding_: LsaEmbedding
    map_: MapProjection
    sublabels_: Labels
    subcentroids_: list[Matrix]
    subterms_: dict[int, dict[int, list[str]]]
    sub_term_centroids_: list[list[TermCentroid]]

    def __init__(
        self,
        k: int | None = None,
        max_k: int = 20,
        random_state: int = 0,
        subtopics: bool = True,
    ) -> None:
        self.k = k
        self.max_k = max_k
        self.random_state = random_state
        self.subtopics = subtopics

    def fit(self, texts: list[str]) -> TopicModel:
        if self.k is not None and self.k < 1:
            raise ValueError(f"k must be >= 1 or None (automatic), got {self.k}")
        if self.max_k < 2:
            raise ValueError(f"max_k must be >= 2, got {self.max_k}")
        self._reset(len(texts))
        vectorizer = tfidf_vectorizer(len(texts))
        try:
            tfidf = vectorizer.fit_transform(texts)
        except ValueError:  # empty vocabulary: no text has a usable word
            return self
        self.vectorizer_ = vectorizer
        valid = np.flatnonzero(tfidf.getnnz(axis=1) > 0)
        self.embedding_ = LsaEmbedding(self.random_state)
        x = self.embedding_.fit_transform(tfidf[valid])
        labels, centroids = self._cluster(x, tfidf[valid])
        self.min_topic_size_ = min_topic_size(x.shape[0])
        if x.shape[0] >= MIN_TEXTS_TO_CLUSTER:
            sims = similarity_to_centroid(x, labels, centroids)
            labels = mark_outliers(labels, sims, self.min_topic_size_)
        labels, self.centroids_ = renumber(labels, centroids)
        self.labels_[valid] = labels
        self.confidence_[valid] = similarity_to_centroid(x, labels, self.centroids_)
        if len(self.centroids_):
            self.nearest_similarity_[valid] = np.clip((x @ self.centroids_.T).max(axis=1), 0, 1)
        self.map_ = MapProjection()
        self.coords_[valid] = self.map_.fit_transform(x)
        self._describe([texts[i] for i in valid], labels, valid)
        vocabulary = list(vectorizer.get_feature_names_out())
        n_topics = len(self.centroids_)
        self.term_centroids_ = term_centroids(tfidf[valid], labels, n_topics, vocabulary)
        confidence = self.confidence_[valid]
        self.outlier_floor_ = np.array(
            [outlier_floor(confidence[labels == t]) for t in range(n_topics)]
        )
        self.subcentroids_ = [np.zeros((0, x.shape[1])) for _ in range(n_topics)]
        self.sub_term_centroids_ = [[] for _ in range(n_topics)]
        if self.subtopics:
            kept = [texts[i] for i in valid]
            for topic in range(n_topics):
                self._split(topic, x, tfidf[valid], labels, valid, kept, vocabulary)
        return self

    def _split(
        self,
        topic: int,
        x: Matrix,
        tfidf: csr_matrix,
        labels: Labels,
        index: npt.NDArray[np.intp],
        texts: list[str],
        vocabulary: list[str],
    ) -> None:
        """Subtopics of one topic (class docstring); ``x``, ``tfidf``, ``labels`` and ``texts``
        are the rows of texts with words, ``index`` their positions in the input."""
        members = np.flatnonzero(labels == topic)
        if members.size < SUBTOPIC_MIN_POSTS:
            return
        k, _, (sub, centroids) = choose_k(x[members], self.max_k, self.random_state, tfidf[members])
        sub, centroids = _without_small(x[members], sub, centroids, broad_topic_size(members.size))
        if len(centroids) < 2:
            return
        sub, centroids = renumber(sub, centroids)
        k = len(centroids)
        self.sublabels_[index[members]] = sub
        self.subcentroids_[topic] = centroids
        counts = count_vectorizer(vocabulary).transform([texts[i] for i in members])
        weights = contrast_weights(counts, sub, k)
        self.subterms_[topic] = {s: top_terms(weights[s], vocabulary) for s in range(k)}
        self.sub_term_centroids_[topic] = term_centroids(tfidf[members], sub, k, vocabulary)

    def _reset(self, n: int) -> None:
        self.labels_ = np.full(n, -1, dtype=np.int64)
        self.confidence_ = np.zeros(n)
        self.nearest_similarity_ = np.zeros(n)
        self.coords_ = np.full((n, 2), np.nan)  # NaN: no usable text, no place on the map
        self.k_ = 0
        self.min_topic_size_ = 0
        self.silhouette_ = {}
        self.terms_ = {}
        self.representatives_ = {}
        self.term_centroids_ = []
        self.outlier_floor_ = np.zeros(0)
        self.vectorizer_ = None
        self.centroids_ = np.zeros((0, 0))
        self.sublabels_ = np.full(n, -1, dtype=np.int64)
        self.subcentroids_ = []
        self.subterms_ = {}
        self.sub_term_centroids_ = []

    def _cluster(self, x: Matrix, tfidf: csr_matrix) -> tuple[Labels, Matrix]:
        if x.shape[0] < MIN_TEXTS_TO_CLUSTER:
            self.k_ = 1
            return choose_k(x, 1, self.random_state)[2]
        if self.k is None:
            self.k_, self.silhouette_, fit = choose_k(x, self.max_k, self.random_state, tfidf)
            return fit
        self.k_ = min(self.k, distinct_points(x))
        if self.k_ == 1:
            return choose_k(x, 1, self.random_state)[2]
        return kmeans(x, self.k_, self.random_state, tfidf)

    def _describe(self, texts: list[str], labels: Labels, index: npt.NDArray[np.intp]) -> None:
        n_topics = len(self.centroids_)
        if n_topics == 0 or self.vectorizer_ is None:
            return
        vocabulary = list(self.vectorizer_.get_feature_names_out())
        counts = count_vectorizer(vocabulary).transform(texts)
        weights = class_tfidf(counts, labels, n_topics)
        similarity = self.confidence_[index]
        for topic in range(n_topics):
            self.terms_[topic] = top_terms(weights[topic], vocabulary)
            self.representatives_[topic] = [
                int(index[i]) for i in representatives(similarity, labels, topic)
            ]

    def predict(self, texts: list[str]) -> tuple[Labels, Matrix, Matrix]:
        """Topic, cosine to its centroid and map coordinates for unseen texts, without refitting.

        The topic is the nearest centroid, or -1 when the text is less similar to it than the
        fitted topic's least similar member allowed (``outlier_floor_``): a new post on a
        subject the fit never saw is an outlier, not forced into the nearest topic. The
        confidence is the cosine to the nearest centroid either way."""
        labels, confidence, coords, _ = self.predict_levels(texts)
        return labels, confidence, coords

    def predict_levels(self, texts: list[str]) -> tuple[Labels, Matrix, Matrix, Labels]:
        """``predict``'s topic, confidence and coordinates, and each text's subtopic within its
        topic (``predict_subtopics``), from one transform of the texts."""
        n = len(texts)
        labels, confidence = np.full(n, -1, np.int64), np.zeros(n)
        coords, sublabels = np.full((n, 2), np.nan), np.full(n, -1, np.int64)
        if self.vectorizer_ is None or n == 0:
            return labels, confidence, coords, sublabels
        tfidf = self.vectorizer_.transform(texts)
        valid = np.flatnonzero(tfidf.getnnz(axis=1) > 0)
        if valid.size == 0:
            return labels, confidence, coords, sublabels
        x = self.embedding_.transform(tfidf[valid])
        coords[valid] = self.map_.transform(x)
        if len(self.centroids_):
            sims = x @ self.centroids_.T
            nearest = np.argmax(sims, axis=1)
            best = np.clip(sims.max(axis=1), 0.0, 1.0)
            labels[valid] = np.where(best >= self.outlier_floor_[nearest], nearest, -1)
            confidence[valid] = best
            sublabels[valid] = self._nearest_subtopics(x, labels[valid])
        return labels, confidence, coords, sublabels

    def predict_subtopics(self, texts: list[str], labels: Labels) -> Labels:
        """Subtopic index of each text within its topic ``labels[i]`` (from ``predict``): the
        nearest subtopic centroid, -1 for outliers and texts of topics without subtopics."""
        if self.vectorizer_ is None or not texts:
            return np.full(len(texts), -1, np.int64)
        x = self.embedding_.transform(self.vectorizer_.transform(texts))
        return self._nearest_subtopics(x, np.asarray(labels))

    def _nearest_subtopics(self, x: Matrix, labels: Labels) -> Labels:
        out = np.full(len(labels), -1, np.int64)
        for topic, centroids in enumerate(self.subcentroids_):
            rows = np.flatnonzero(labels == topic)
            if len(centroids) and rows.size:
                out[rows] = np.argmax(x[rows] @ centroids.T, axis=1)
        return out


def _without_small(
    x: Matrix, labels: Labels, centroids: Matrix, min_size: int
) -> tuple[Labels, Matrix]:
    """Clusters of at least ``min_size`` members; members of smaller ones go to the nearest
    remaining centroid (a subtopic of two posts is not a subtopic, and within a topic its posts
    are not outliers either). The chosen k's score already counted those members as 0."""
    sizes = np.bincount(labels, minlength=len(centroids))
    keep = np.flatnonzero(sizes >= min_size)
    if len(keep) == len(centroids) or len(keep) == 0:
        return labels, centroids
    kept = centroids[keep]
    return np.argmax(x @ kept.T, axis=1).astype(np.int64), kept


def save_model(model: TopicModel, path: Path) -> None:
    """What ``predict`` needs, as plain arrays and JSON in one ``.npz`` (no pickle): the TF-IDF
    vocabulary and idf, the SVD and map projections, centroids, outlier floors, terms."""
    vectorizer = model.vectorizer_
    meta = {
        "format": SAVE_FORMAT,
        "k": model.k,
        "max_k": model.max_k,
        "random_state": model.random_state,
        "k_": model.k_,
        "min_topic_size_": model.min_topic_size_,
        "terms_": {str(t): v for t, v in model.terms_.items()},
        "term_centroids_": model.term_centroids_,
        "subtopics": model.subtopics,
        "subterms_": {
            str(t): {str(s): terms for s, terms in subs.items()}
            for t, subs in model.subterms_.items()
        },
        "sub_term_centroids_": model.sub_term_centroids_,
        "vocabulary": [] if vectorizer is None else list(vectorizer.get_feature_names_out()),
    }
    arrays: dict[str, np.ndarray] = {
        "meta": np.array(json.dumps(meta)),
        "centroids": model.centroids_,
        "outlier_floor": model.outlier_floor_,
        # Subtopic centroids of all topics in one array; topic t's are rows
        # sub_offsets[t]:sub_offsets[t + 1].
        "sub_offsets": np.cumsum([0] + [len(c) for c in model.subcentroids_]),
    }
    if any(len(c) for c in model.subcentroids_):
        arrays["subcentroids"] = np.vstack([c for c in model.subcentroids_ if len(c)])
    if vectorizer is not None:
        arrays["idf"] = np.asarray(vectorizer.idf_)
        if model.embedding_.components_ is not None:
            arrays["svd_components"] = model.embedding_.components_
        if model.map_.mean_ is not None and model.map_.components_ is not None:
            arrays["map_mean"] = model.map_.mean_
            arrays["map_components"] = model.map_.components_
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def load_model(path: Path) -> TopicModel:
    """A model saved by :func:`save_model`, ready to ``predict`` (``ValueError`` if unreadable)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays["meta"]))
    if meta.get("format") != SAVE_FORMAT:
        raise ValueError(f"topic model format {meta.get('format')!r}, expected {SAVE_FORMAT}")
    model = TopicModel(
        k=meta["k"],
        max_k=meta["max_k"],
        random_state=meta["random_state"],
        subtopics=meta["subtopics"],
    )
    model._reset(0)
    model.k_, model.min_topic_size_ = meta["k_"], meta["min_topic_size_"]
    model.terms_ = {int(t): v for t, v in meta["terms_"].items()}
    model.term_centroids_ = meta["term_centroids_"]
    model.centroids_ = arrays["centroids"]
    model.outlier_floor_ = arrays["outlier_floor"]
    offsets = [int(o) for o in arrays["sub_offsets"]]
    subcentroids = arrays.get("subcentroids", np.zeros((0, model.centroids_.shape[1])))
    model.subcentroids_ = [subcentroids[a:b] for a, b in pairwise(offsets)]
    model.subterms_ = {
        int(t): {int(s): terms for s, terms in subs.items()}
        for t, subs in meta["subterms_"].items()
    }
    model.sub_term_centroids_ = meta["sub_term_centroids_"]
    model.embedding_ = LsaEmbedding(model.random_state)
    model.embedding_.components_ = arrays.get("svd_components")
    model.map_ = MapProjection()
    model.map_.mean_ = arrays.get("map_mean")
    model.map_.components_ = arrays.get("map_components")
    if meta["vocabulary"]:
        model.vectorizer_ = loaded_vectorizer(meta["vocabulary"], arrays["idf"])
    return model


def cluster_texts(texts: list[str], k: int | None = None, random_state: int = 0) -> list[int]:
    """One topic id per text, -1 for outliers; ``k=None`` chooses k (2..20) automatically.

    Deterministic for a given ``random_state``. See :class:`TopicModel` for small inputs and
    :mod:`pipeline.topics.cluster` for how k and outliers are decided.
    """
    return [int(t) for t in TopicModel(k=k, random_state=random_state).fit(texts).labels_]
