"""Keyword cannibalization: two posts of one site in one topic competing for the same query.

Search engines rank one page per query and site well; two posts answering the same question
split clicks and links between them ("How to fall asleep fast" and "Falling asleep quickly: 10
tricks"). The signal is the pair of both: the *texts* overlap (cosine of their TF-IDF vectors)
and the *titles* share their key terms (the query usually sits in the title). Either alone is
weak: every post in a topic shares vocabulary, and titles share words ("tips", "guide") across
unrelated posts.

A pair is reported when its text similarity is at least ``MIN_TEXT_SIMILARITY`` and the overlap
coefficient of its title key terms (``|A & B| / min(|A|, |B|)``) is at least
``MIN_TITLE_OVERLAP``; pairs are sorted by ``score``, the mean of the two. Thresholds were set
on half of the labeled corpus's topics and measured on the other half (``benchmarks/topics``,
README there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from pipeline.topics.vectorize import STOP_WORDS

MIN_TEXT_SIMILARITY = 0.3
MIN_TITLE_OVERLAP = 0.3
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


@dataclass(frozen=True, slots=True)
class Pair:
    a: int  # indices into the inputs, a < b
    b: int
    text_similarity: float
    title_overlap: float
    shared_terms: tuple[str, ...]

    @property
    def score(self) -> float:
        return (self.text_similarity + self.title_overlap) / 2


def competing_pairs(
    tfidf: csr_matrix,
    titles: Sequence[str],
    groups: Sequence[tuple[str, int]],
    min_text: float = MIN_TEXT_SIMILARITY,
    min_title: float = MIN_TITLE_OVERLAP,
) -> list[Pair]:
    """Pairs of rows in the same ``groups`` key ((site, topic); topic -1 never pairs) that
    pass both thresholds, best first. ``tfidf`` rows are L2-normalized (cosine = dot)."""
    members: dict[tuple[str, int], list[int]] = {}
    for i, key in enumerate(groups):
        if key[1] >= 0:
            members.setdefault(key, []).append(i)
    terms = [title_terms(t) for t in titles]
    out: list[Pair] = []
    for key in sorted(members):
        rows = members[key]
        if len(rows) < 2:
            continue
        sims = (tfidf[rows] @ tfidf[rows].T).toarray()
        upper = np.triu(sims >= min_text, k=1)
        for i, j in zip(*np.nonzero(upper), strict=True):
            a, b = rows[int(i)], rows[int(j)]
            overlap = title_overlap(terms[a], terms[b])
            if overlap >= min_title:
                out.append(
                    Pair(
                        a=min(a, b),
                        b=max(a, b),
                        text_similarity=float(sims[i, j]),
                        title_overlap=overlap,
                        shared_terms=tuple(sorted(terms[a] & terms[b])),
                    )
                )
    out.sort(key=lambda p: (-p.score, p.a, p.b))
    return out
