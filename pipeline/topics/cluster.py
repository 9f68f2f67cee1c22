"""KMeans on the LSA space: choosing k, outliers, stable topic numbering.

Minimum topic size
------------------
A topic has at least ``min_topic_size(n) = max(3, ceil(0.05 * n))`` posts (``MIN_TOPIC_SIZE``,
``MIN_TOPIC_SHARE``): two posts are a pair, not a topic, and on a large corpus a topic under
5% of it is noise at the granularity of at most ``max_k`` = 20 topics (20 topics of 5% each
are the most a corpus can have). As with HDBSCAN's
``min_cluster_size``, members of smaller clusters are noise (outliers, topic -1).

Choosing k
----------
For each k in ``[2, min(max_k, n - 1, distinct points, n // broad_topic_size(n))]`` KMeans is
fitted (``kmeans``: ``n_init=10`` plus the NMF-seeded start, fixed ``random_state``) and scored
by a *size-penalized silhouette*: the mean silhouette coefficient on the L2-normalized LSA
vectors (Euclidean distance there is a monotone function of cosine distance), where members of
clusters below the broad topic size, ``max(3, ceil(BROAD_TOPIC_SHARE * n))`` with a share of
10 %, score 0 instead of their own silhouette. (Issue 19: at 5 %, the share of a topic at all,
automatic k landed within 20 % of the true number of classes on 2 of 12 labeled tuning corpora
of real and written text, at 10 % on 5 of 12; broad topics are then at most 10, and smaller
themes are subtopics, ``TopicModel``'s second level. ``benchmarks/topics/README.md``.)
This extends scikit-learn's convention that a singleton
cluster scores 0 (Rousseeuw 1987) to every cluster too small to be a topic. The highest score
wins, ties go to the smaller k. When no k scores above 0, no split is better than none (the
silhouette of a single cluster is taken as 0) and k = 1. The silhouette is computed on at most
2,000 sampled points (seeded; cluster sizes are counted on all points), so its cost stays
bounded.

Why: on small corpora the plain silhouette over-splits. Posts on one subject come in tight
pairs (two posts of one site on one sub-theme, a post and its rewrite), a pair has a high
silhouette, and the plain score splits topics into pairs. Measured with random_state 0 over
generator seeds 0-7 of the labeled corpora in ``tests/unit/topics/conftest.py`` (k chosen; NMI
min / mean, outliers counted as a class):

==================================  ======================  =====================
corpus                              plain silhouette        size-penalized
==================================  ======================  =====================
4 x 8, 30% topic words              k=4; 0.967 / 0.996      k=4; 0.967 / 0.996
4 x 8, 15% topic words              k=4-6; 0.825 / 0.954    k=4-5; 0.914 / 0.982
4 x 8 + an off-topic post           k=4; 0.956 / 0.990      k=4; 0.956 / 0.990
paired 10/4/3/3, two close topics   k=8-10; 0.660 / 0.691   k=3-5; 0.848 / 0.932
paired 8/8/8/8                      k=3-12; 0.723 / 0.753   k=3-4; 0.857 / 0.982
paired 20/8/6/6                     k=7-12; 0.647 / 0.705   k=3-4; 0.908 / 0.965
paired 10/4/3/3, 15% topic words    k=9-11; 0.605 / 0.660   k=3-6; 0.740 / 0.863
==================================  ======================  =====================

The size-penalized column was measured with the 5 % share (before issue 19), with the
``n // min_topic_size`` bound on k and the NMF-seeded start of ``kmeans``. Before both, the
mean NMI of the rows with
15% topic words, paired 10/4/3/3, 8/8/8/8, 20/8/6/6 and 15% paired was 0.957, 0.920, 0.974,
0.946 and 0.822, and the minima of the 15% and 20/8/6/6 rows were 0.825 and 0.811. The usual
miss left is merging the two close topics (k = 3, NMI 0.908). Rejecting every k that has a
cluster under the minimum size, instead of scoring its members 0, did the same on all but the
last corpus, where it did worse (0.710 / 0.794, measured before the changes above): one stray
small cluster then rules out an otherwise good k.

Outliers
--------
A post is an outlier (topic -1) when its cosine similarity to its topic centroid is

- below ``ABSOLUTE_MIN_SIMILARITY`` = 0.1 (nearly orthogonal to its topic), or
- in a topic of at least ``ROBUST_MIN_SIZE`` = 5 posts, more than 3 robust standard deviations
  below the topic's median similarity: ``median - 3 * max(1.4826 * MAD, 0.05)``. The 0.05 floor
  keeps a very tight topic from rejecting posts that are still clearly on topic.

Topics left with fewer than the minimum topic size are then dissolved into outliers, as k
selection scored them: a pair is not a topic, and an off-topic post otherwise tends to win a
KMeans cluster of its own.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances, silhouette_samples
from threadpoolctl import threadpool_limits

Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int64]

N_INIT = 10
SILHOUETTE_SAMPLE = 2000
ABSOLUTE_MIN_SIMILARITY = 0.1
ROBUST_MIN_SIZE = 5
ROBUST_Z = 3.0
MIN_SPREAD = 0.05
MIN_TOPIC_SIZE = 3
MIN_TOPIC_SHARE = 0.05
# Share of the corpus a cluster needs to count as a broad topic when k is chosen (docstring).
BROAD_TOPIC_SHARE = 0.10
# Scores closer than this are a tie (the smaller k wins): silhouettes of neighbouring k on a
# small corpus can differ in the last bits only, and float noise must not choose the topics.
SCORE_DECIMALS = 6


def kmeans(
    x: Matrix, k: int, random_state: int, tfidf: csr_matrix | None = None
) -> tuple[Labels, Matrix]:
    """Labels and L2-normalized centroids of a KMeans fit with ``k`` clusters.

    With ``tfidf`` (the rows ``x`` was reduced from), one more start is tried beside the
    ``N_INIT`` k-means++ ones: centroids seeded from an NMF factorization of the TF-IDF matrix
    (``nmf_seeds``). As with ``n_init``, the fit with the lower inertia is kept, so the seed can
    only help the KMeans objective. Why: k-means++ seeds are single documents, and on a corpus
    whose topics share much vocabulary ten of them kept missing the basin the NMF seed finds
    (on the labeled corpus of ``benchmarks/topics``, random states 0-4: inertia 315.9-316.3
    against 316.5-316.8, NMI 0.732 against 0.714 given the true k); on the 10,000-post corpus both
    reach the same fit.
    """
    # One OpenMP thread: scikit-learn's Lloyd iterations add per-thread partial sums in the order
    # threads finish, so with 2+ threads the centroids (and on a flat silhouette curve, the
    # chosen k) could change from one run to the next on the same input. Measured here: the same
    # demo posts gave 7 and 9 topics in two runs.
    with threadpool_limits(limits=1, user_api="openmp"):
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=random_state).fit(x)
        seeds = nmf_seeds(x, k, random_state, tfidf) if tfidf is not None else None
        if seeds is not None:
            seeded = KMeans(n_clusters=k, init=seeds, n_init=1, random_state=random_state).fit(x)
            if seeded.inertia_ < model.inertia_:
                model = seeded
    centroids = model.cluster_centers_
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return model.labels_.astype(np.int64), centroids / np.where(norms == 0, 1.0, norms)


# Seeds as good as with 100 or 200 iterations (the same NMI on the labeled corpus), and the
# 10,000-post fit takes 24 s instead of 29 or 39.
NMF_MAX_ITER = 50


def nmf_seeds(x: Matrix, k: int, random_state: int, tfidf: csr_matrix) -> Matrix | None:
    """KMeans start: the mean LSA vector of each NMF topic's documents (each document to its
    heaviest NMF component; NNDSVDa init, deterministic). None when a component owns no
    document or the factorization cannot be computed: the k-means++ starts alone decide."""
    if tfidf.shape[0] <= k or min(tfidf.shape) < k:
        return None
    with warnings.catch_warnings():
        # A seed needs no converged factorization; the KMeans started from it converges.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = NMF(
            n_components=k, init="nndsvda", random_state=random_state, max_iter=NMF_MAX_ITER
        ).fit_transform(tfidf)
    owner = weights.argmax(axis=1)
    if len(np.unique(owner)) < k:
        return None
    return np.vstack([x[owner == topic].mean(axis=0) for topic in range(k)])


def distinct_points(x: Matrix) -> int:
    # Rounded so that float noise of the SVD does not make identical posts distinct.
    return int(np.unique(np.round(x, 9), axis=0).shape[0])


def min_topic_size(n: int, share: float = MIN_TOPIC_SHARE) -> int:
    """Fewest posts a topic of an ``n``-post corpus may have (see the module docstring)."""
    return max(MIN_TOPIC_SIZE, math.ceil(share * n))


def broad_topic_size(n: int) -> int:
    """Fewest posts a cluster needs for its members to count in the choice of k (module
    docstring, "Choosing k"): ``max(3, ceil(BROAD_TOPIC_SHARE * n))``."""
    return min_topic_size(n, BROAD_TOPIC_SHARE)


def penalized_silhouette(x: Matrix, labels: Labels, min_size: int) -> float | None:
    """Mean silhouette with members of clusters under ``min_size`` scoring 0.

    ``None`` when the (sampled) points do not span 2 clusters: the silhouette is undefined.
    """
    sample = silhouette_sample(x.shape[0])
    return _sampled_silhouette(pairwise_distances(x[sample]), sample, labels, min_size)


def silhouette_sample(n: int) -> npt.NDArray[np.intp]:
    # Seeded, the same for every k, so that the scores of different k compare.
    return np.random.default_rng(0).permutation(n)[:SILHOUETTE_SAMPLE]


def _sampled_silhouette(
    distances: Matrix, sample: npt.NDArray[np.intp], labels: Labels, min_size: int
) -> float | None:
    sizes = np.bincount(labels)
    sampled = labels[sample]
    if not 2 <= len(np.unique(sampled)) <= len(sample) - 1:
        return None
    scores = silhouette_samples(distances, sampled, metric="precomputed")
    return float(np.where(sizes[sampled] < min_size, 0.0, scores).mean())


def choose_k(
    x: Matrix, max_k: int, random_state: int, tfidf: csr_matrix | None = None
) -> tuple[int, dict[int, float], tuple[Labels, Matrix]]:
    """The k with the best penalized silhouette, all scores, and that k's fit (module docstring).

    The distances of the silhouette sample are computed once for all k: computed again for every
    k they were most of the cost, and automatic k took 5-47 times one fit told k (issue 19); now
    about 2 times. Scoring candidates on cheaper fits (k-means++ only, no NMF seed) saved a little
    more but made k wobble between resamples (same topic id for 0.815 of shared posts instead of
    0.879 on the labeled corpus's 80 % samples), so every candidate gets the full fit.
    """
    min_size = broad_topic_size(x.shape[0])
    # No k whose clusters would average under the minimum size: they could not all be broad
    # topics, and on small corpora this bounds the work.
    upper = min(max_k, x.shape[0] - 1, distinct_points(x), x.shape[0] // min_size)
    if upper < 2:
        return 1, {}, (np.zeros(x.shape[0], dtype=np.int64), _mean_direction(x))
    sample = silhouette_sample(x.shape[0])
    distances = pairwise_distances(x[sample])
    scores: dict[int, float] = {}
    best: tuple[int, tuple[Labels, Matrix]] | None = None
    for k in range(2, upper + 1):
        fit = kmeans(x, k, random_state, tfidf)
        score = _sampled_silhouette(distances, sample, fit[0], min_size)
        if score is None:
            continue
        scores[k] = round(score, SCORE_DECIMALS)
        if best is None or scores[k] > scores[best[0]]:  # ties go to the smaller k
            best = (k, fit)
    if best is None or scores[best[0]] <= 0:
        # No split scores above 0, the silhouette of leaving the posts together: one topic.
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


def outlier_floor(similarity: Matrix) -> float:
    """Least similarity a member of a topic with these members' ``similarity`` may have."""
    if similarity.size < ROBUST_MIN_SIZE:
        return ABSOLUTE_MIN_SIMILARITY
    median = float(np.median(similarity))
    spread = max(1.4826 * float(np.median(np.abs(similarity - median))), MIN_SPREAD)
    return max(ABSOLUTE_MIN_SIMILARITY, median - ROBUST_Z * spread)


def mark_outliers(labels: Labels, similarity: Matrix, min_size: int = MIN_TOPIC_SIZE) -> Labels:
    """Labels with outliers and topics under ``min_size`` posts set to -1 (module docstring)."""
    out = labels.copy()
    out[similarity < ABSOLUTE_MIN_SIMILARITY] = -1
    for topic in np.unique(out[out >= 0]):
        members = out == topic
        out[members & (similarity < outlier_floor(similarity[members]))] = -1
    for topic in np.unique(out[out >= 0]):
        if (out == topic).sum() < min_size:
            out[out == topic] = -1
    return out


def renumber(labels: Labels, centroids: Matrix) -> tuple[Labels, Matrix]:
    """Topics numbered 0.. by size (largest first, ties by first member); centroids follow."""
    topics = [int(t) for t in np.unique(labels[labels >= 0])]
    order = sorted(topics, key=lambda t: (-int((labels == t).sum()), int(np.argmax(labels == t))))
    mapping = {old: new for new, old in enumerate(order)}
    new_labels = np.array([mapping.get(int(t), -1) for t in labels], dtype=np.int64)
    return new_labels, centroids[order] if order else centroids[:0]
