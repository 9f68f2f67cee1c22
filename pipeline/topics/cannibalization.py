"""Keyword cannibalization: two posts of one site in one topic competing for the same query.

Search engines rank one page per query and site well; two posts answering the same question
split clicks and links between them ("How to fall asleep fast" and "Falling asleep quickly: 10
tricks"). The signal is the pair of both: the *texts* overlap (cosine of their TF-IDF vectors)
and the *titles* share their key terms (the query usually sits in the title). Either alone is
weak: every post in a topic shares vocabulary, and titles share words ("tips", "guide") across
unrelated posts.

Each pair of one site and topic is scored by ``PairScorer``, a logistic model over ``FEATURES``:
the cosine of the whole texts' TF-IDF vectors, the cosines of the openings' and of the titles'
LSA vectors (the topic model's space, where a query's synonyms meet), and the overlap coefficient
of the titles' key terms (``|A & B| / min(|A|, |B|)``). It was fitted on 775 labeled pairs of
real articles and reports pairs at its threshold, best first; measured on 785 other labeled
pairs: precision 0.683, recall 0.727 (``benchmarks/topics/title_pairs``, README there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import csr_matrix

from pipeline.topics.vectorize import STOP_WORDS

if TYPE_CHECKING:
    from pipeline.topics.model import TopicModel

_WORD = re.compile(r"[^\W\d_]{3,}")
# Title words that say nothing about the query: numbers of a listicle, its genre words.
_NOISE_WORDS = """
    guide guides ultimate complete beginner beginners simple easy quick step steps everything
    need know why what how when top best ways tips tricks secrets science truth really
    actually work works
"""
_TITLE_NOISE = frozenset(_NOISE_WORDS.split())


def _stem(word: str) -> str:
    """A light stemmer, enough for titles: plural and -ing/-ed forms of one query match."""
    for suffix in ("ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


def title_terms(title: str) -> frozenset[str]:
    """The title's key terms: content words, stemmed, without stop and listicle words."""
    words = (w.lower() for w in _WORD.findall(title or ""))
    return frozenset(_stem(w) for w in words if w not in STOP_WORDS and w not in _TITLE_NOISE)


def title_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def overlap_matrix(terms: Sequence[frozenset[str]]) -> np.ndarray:
    """``title_overlap`` of every pair of ``terms``, as one sparse product (a Python call per
    pair was 17 % of a rerun's topics stage at 10,000 posts: a site's topic holds ~1,000)."""
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for t in terms:
        indices.extend(vocabulary.setdefault(w, len(vocabulary)) for w in t)
        indptr.append(len(indices))
    shape = (len(terms), max(1, len(vocabulary)))
    onehot = csr_matrix((np.ones(len(indices)), indices, indptr), shape=shape)
    shared = np.asarray((onehot @ onehot.T).toarray())  # |A & B|, exact in float64
    sizes = np.diff(np.asarray(indptr))
    smaller = np.minimum.outer(sizes, sizes)
    out = np.zeros(shared.shape)
    np.divide(shared, smaller, out=out, where=smaller > 0)
    return out


OPENING_WORDS = 100
FEATURES = ("text_similarity", "opening_similarity", "title_similarity", "title_overlap")
# Logistic weights over FEATURES, fitted on the tuning part of the labeled real article pairs
# (benchmarks/topics/title_pairs, ``run.py --fit``). The threshold maximizes F1 of the tuning
# part's out-of-fold scores (P 0.72, R 0.81 there). Precision 0.9 needs 0.69 and keeps a third
# of the real pairs (R 0.37) and almost none of the written corpus's: the labels split pages by
# audience and budget ("best CRM" against "best CRM for small business"), which no similarity
# of words separates, so a strict list would mostly be empty.
WEIGHTS = (4.4869, 4.3766, 1.5521, 1.669)
INTERCEPT = -7.5147
THRESHOLD = 0.45


@dataclass(frozen=True, slots=True)
class PairInputs:
    """What pairs are scored from, one row per post: L2-normalized TF-IDF of the whole text,
    LSA vectors of the opening (title and first ``OPENING_WORDS`` words) and of the title alone
    (the topic model's space, where words that occur together are close: synonyms of a query
    meet there when they share no letter), and the title's key terms."""

    tfidf: csr_matrix
    openings: np.ndarray
    titles: np.ndarray
    terms: list[frozenset[str]]


def pair_inputs(model: TopicModel, titles: Sequence[str], texts: Sequence[str]) -> PairInputs:
    """``texts`` as the model clustered them (title, blank line, main text)."""
    assert model.vectorizer_ is not None  # callers check: a model without words has no pairs
    vectorizer, embedding = model.vectorizer_, model.embedding_
    openings = [
        " ".join(t.split()[: OPENING_WORDS + len(h.split())])
        for h, t in zip(titles, texts, strict=True)
    ]
    return PairInputs(
        tfidf=vectorizer.transform(texts),
        openings=embedding.transform(vectorizer.transform(openings)),
        titles=embedding.transform(vectorizer.transform(list(titles))),
        terms=[title_terms(t) for t in titles],
    )


def group_features(inputs: PairInputs, rows: Sequence[int]) -> dict[str, np.ndarray]:
    """Each of ``FEATURES`` for every pair of ``rows``, as ``(len(rows), len(rows))`` matrices
    (one matrix product per feature instead of one per pair; the diagonal is meaningless)."""
    idx = list(rows)
    tfidf = inputs.tfidf[idx]
    openings, titles = inputs.openings[idx], inputs.titles[idx]
    terms = [inputs.terms[i] for i in idx]
    return {
        "text_similarity": np.asarray((tfidf @ tfidf.T).toarray()),
        "opening_similarity": np.clip(openings @ openings.T, 0, 1),
        "title_similarity": np.clip(titles @ titles.T, 0, 1),
        "title_overlap": overlap_matrix(terms),
    }


def pair_features(inputs: PairInputs, a: int, b: int) -> dict[str, float]:
    """``FEATURES`` of one pair (the labeled-pair benchmark scores pairs one by one)."""
    return {name: float(m[0, 1]) for name, m in group_features(inputs, [a, b]).items()}


@dataclass(frozen=True, slots=True)
class PairScorer:
    """Probability that two posts answer one query: a logistic model over ``FEATURES``."""

    weights: tuple[float, ...] = WEIGHTS
    intercept: float = INTERCEPT
    threshold: float = THRESHOLD

    def score(self, features: Mapping[str, Any]) -> Any:
        """The probability of one pair (float features) or of many (arrays of one shape)."""
        z = self.intercept + sum(
            w * features[f] for w, f in zip(self.weights, FEATURES, strict=True)
        )
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True, slots=True)
class Pair:
    a: int  # indices into the inputs, a < b
    b: int
    text_similarity: float
    title_overlap: float
    shared_terms: tuple[str, ...]
    score: float  # PairScorer probability


def competing_pairs(
    inputs: PairInputs,
    groups: Sequence[tuple[str, int]],
    scorer: PairScorer | None = None,
) -> list[Pair]:
    """Pairs of rows in the same ``groups`` key ((site, topic); topic -1 never pairs) whose
    score reaches the scorer's threshold, best first."""
    scorer = scorer or PairScorer()
    members: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(groups):
        if key[1] >= 0:
            members.setdefault(key, []).append(i)
    out: list[Pair] = []
    for key in sorted(members):
        rows = members[key]
        if len(rows) < 2:
            continue
        features = group_features(inputs, rows)
        scores = scorer.score(features)
        for i, j in zip(*np.nonzero(np.triu(scores >= scorer.threshold, k=1)), strict=True):
            a, b = rows[int(i)], rows[int(j)]
            shared = tuple(sorted(inputs.terms[a] & inputs.terms[b]))
            text = float(features["text_similarity"][i, j])
            overlap = float(features["title_overlap"][i, j])
            out.append(Pair(min(a, b), max(a, b), text, overlap, shared, float(scores[i, j])))
    out.sort(key=lambda p: (-p.score, p.a, p.b))
    return out
