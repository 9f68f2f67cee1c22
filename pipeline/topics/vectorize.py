"""Text to vectors: TF-IDF, then LSA (truncated SVD), then L2 normalization.

LSA is what clustering and k selection run on: KMeans and silhouette on raw TF-IDF suffer from
its tens of thousands of sparse dimensions (every pair of short posts is nearly orthogonal),
while 100 LSA components keep the co-occurrence structure and make cosine distances meaningful
(Deerwester et al. 1990; the scikit-learn "Clustering text documents using k-means" example).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

Matrix = npt.NDArray[np.float64]

# Words every wellness blog post uses whatever its subject: blog mechanics (post, read, comment,
# subscribe, updated, min), filler of the genre (tips, ways, really, important, help, feel, life)
# and the genre itself (wellness, wellbeing). Left in, they dominate the labels ("tips, help,
# feel") and blur topics. "health" is kept: "mental health" vs "heart health" separates topics.
_WELLNESS_WORDS = """
    blog post posts article articles read reading click subscribe newsletter share comment
    comments updated update min minute minutes author reviewed review disclaimer
    tips tip ways way thing things lot lots really just like also actually simply
    important help helps helpful helping good great best better make makes making
    know need needs want wants feel feeling life day days time times people person
    wellness wellbeing well may might can could get gets getting one many often
"""
WELLNESS_STOP_WORDS: frozenset[str] = frozenset(_WELLNESS_WORDS.split())
STOP_WORDS: frozenset[str] = ENGLISH_STOP_WORDS | WELLNESS_STOP_WORDS

# Letters only, at least three: numbers, "2023", "png" fragments of markup and two-letter
# tokens are noise for topics. Not four: "sex", "bed", "nap", "tea" name topics of the genre.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"
MAX_COMPONENTS = 100
# A term must appear in 2 documents to matter, and one in over 90% of them separates nothing;
# both only once the corpus is large enough that this does not empty the vocabulary.
_DF_LIMITS_FROM = 20


def tfidf_vectorizer(n_docs: int) -> TfidfVectorizer:
    """Sublinear TF-IDF with the English + wellness stop words; df limits only for n >= 20."""
    large = n_docs >= _DF_LIMITS_FROM
    return _tfidf(min_df=2 if large else 1, max_df=0.9 if large else 1.0)


def loaded_vectorizer(vocabulary: list[str], idf: Matrix) -> TfidfVectorizer:
    """A fitted :func:`tfidf_vectorizer` rebuilt from its vocabulary (in column order) and idf.

    The df limits only shape the vocabulary during fitting, so they are not needed here."""
    vectorizer = _tfidf(vocabulary=vocabulary)
    vectorizer.idf_ = idf
    return vectorizer


def _tfidf(**settings: object) -> TfidfVectorizer:
    return TfidfVectorizer(
        sublinear_tf=True,
        stop_words=sorted(STOP_WORDS),
        token_pattern=TOKEN_PATTERN,
        dtype=np.float64,
        **settings,
    )


def count_vectorizer(vocabulary: list[str]) -> CountVectorizer:
    """Raw term counts over a fitted vocabulary (for class-based TF-IDF labels)."""
    return CountVectorizer(token_pattern=TOKEN_PATTERN, vocabulary=vocabulary)


class LsaEmbedding:
    """TruncatedSVD to ``min(100, n_docs - 1, n_features - 1)`` components, then L2-normalize.

    With fewer than 2 possible components (2 documents, or a 2-word vocabulary) the SVD would
    keep nothing useful, so the normalized TF-IDF rows are used as they are (``components_`` is
    None). ``transform`` is the SVD's projection, ``tfidf @ components_.T``, computed here so a
    saved model needs only that array (``TopicModel.save``), not a pickled estimator.
    """

    components_: Matrix | None

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit_transform(self, tfidf: csr_matrix) -> Matrix:
        n_docs, n_features = tfidf.shape
        n_components = min(MAX_COMPONENTS, n_docs - 1, n_features - 1)
        self.components_ = None
        if n_components >= 2:
            svd = TruncatedSVD(n_components=n_components, random_state=self.random_state)
            reduced = svd.fit_transform(tfidf)
            self.components_ = np.asarray(svd.components_, dtype=np.float64)
            return self._normalize(reduced)
        return self._normalize(tfidf.toarray())

    def transform(self, tfidf: csr_matrix) -> Matrix:
        if self.components_ is None:
            return self._normalize(tfidf.toarray())
        return self._normalize(np.asarray(tfidf @ self.components_.T))

    @staticmethod
    def _normalize(x: Matrix) -> Matrix:
        return np.asarray(normalize(x), dtype=np.float64)
