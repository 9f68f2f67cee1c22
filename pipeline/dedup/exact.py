"""Exact all-pairs word-shingle Jaccard >= a threshold, by prefix filtering (no sampling).

The reference the MinHash search is evaluated against (``content-audit eval-dedup``, the dedup
benchmark's ground truth). It shares only the definition of a word with the search
(:func:`pipeline.dedup.normalize.tokens`; a shingle is k consecutive words, a text of fewer words
is one shingle of all of them): shingles are Python strings hashed with the built-in ``hash``
(64 bits; fix PYTHONHASHSEED to make runs byte-identical), sets are compared with numpy, and no
MinHash or LSH is involved, so it cannot share their misses.

Prefix filtering (Bayardo, Ma and Srikant, WWW 2007, "All-Pairs"): order every shingle by its
document frequency, rarest first. If J(x, y) >= t, then the first ``|x| - ceil(t |x|) + 1``
shingles of x and the first ``|y| - ceil(t |y|) + 1`` of y share at least one shingle. So the
pairs sharing a shingle of their prefixes (and passing the size filter ``t |x| <= |y|``)
include every pair at or above t; each is then verified exactly. Exact, and fast on text,
because prefixes hold the rare shingles. Memory is that of all the sets at once (about 80 bytes
per shingle while ranking): an evaluation tool, not the production path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from pipeline.dedup.normalize import tokens
from pipeline.dedup.shingles import word_shingles

I64 = npt.NDArray[np.int64]


def shingle_set(text: str, k: int = 5) -> I64:
    """The text's word k-shingles as a sorted array of Python string hashes."""
    grams = word_shingles(tokens(text), k)
    if not grams:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.fromiter((hash(g) for g in grams), dtype=np.int64, count=len(grams)))


def exact_pairs(
    docs: Iterable[tuple[str, str]], threshold: float, k: int = 5
) -> list[tuple[str, str, float]]:
    """Every pair ``(id_a, id_b, jaccard)``, ``id_a < id_b``, with Jaccard >= ``threshold``."""
    ids, sets = [], []
    for doc_id, text in docs:
        ids.append(doc_id)
        sets.append(shingle_set(text, k))
    i, j, s = all_pairs(sets, threshold)
    return sorted(
        (min(ids[a], ids[b]), max(ids[a], ids[b]), float(v))
        for a, b, v in zip(i.tolist(), j.tolist(), s.tolist(), strict=True)
    )


def all_pairs(sets: Sequence[I64], threshold: float) -> tuple[I64, I64, npt.NDArray[np.float64]]:
    """``(i, j, jaccard)`` arrays of every index pair ``i < j`` with Jaccard >= ``threshold``."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    empty = np.empty(0, dtype=np.int64)
    n = len(sets)
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=n)
    if n < 2 or not sizes.sum():
        return empty, empty, np.empty(0)
    _, inverse, counts = np.unique(np.concatenate(sets), return_inverse=True, return_counts=True)
    # Rank of each shingle: rarest first (ties by hash: any fixed order works).
    rank_of = np.empty(counts.size, dtype=np.int64)
    rank_of[np.argsort(counts, kind="stable")] = np.arange(counts.size)
    ranks = rank_of[inverse]
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    prefix_tokens, prefix_docs = [], []
    for d in range(n):
        r = np.sort(ranks[offsets[d] : offsets[d + 1]])
        if r.size:
            p = r.size - math.ceil(threshold * r.size) + 1
            prefix_tokens.append(r[:p])
            prefix_docs.append(np.full(p, d, dtype=np.int64))
    tok, doc = np.concatenate(prefix_tokens), np.concatenate(prefix_docs)
    order = np.lexsort((doc, tok))
    tok, doc = tok[order], doc[order]
    starts = np.concatenate(([0], np.flatnonzero(tok[1:] != tok[:-1]) + 1))
    lengths = np.diff(np.concatenate((starts, [tok.size])))
    codes = []
    for length in np.unique(lengths[lengths > 1]):
        first = starts[lengths == length]
        members = doc[first[:, None] + np.arange(length)]  # sorted within a run
        a, b = np.triu_indices(int(length), 1)
        i, j = members[:, a].ravel(), members[:, b].ravel()
        small, large = np.minimum(sizes[i], sizes[j]), np.maximum(sizes[i], sizes[j])
        keep = small >= threshold * large  # size filter: J <= small / large
        codes.append(i[keep] * n + j[keep])
    if not codes:
        return empty, empty, np.empty(0)
    candidates = np.unique(np.concatenate(codes))
    out_i, out_j, out_s = [], [], []
    for i, j in zip((candidates // n).tolist(), (candidates % n).tolist(), strict=True):
        a, b = sets[i], sets[j]
        inter = np.intersect1d(a, b, assume_unique=True).size
        s = inter / (a.size + b.size - inter)
        if s >= threshold:
            out_i.append(i)
            out_j.append(j)
            out_s.append(s)
    return np.asarray(out_i, np.int64), np.asarray(out_j, np.int64), np.asarray(out_s)


def precision_recall(
    found: Iterable[tuple[str, str, float]], truth: Iterable[tuple[str, str, float]]
) -> dict[str, float | int]:
    """Precision, recall and F1 of ``found`` pairs against ``truth`` pairs (order-free)."""
    got = {(min(a, b), max(a, b)) for a, b, _ in found}
    expected = {(min(a, b), max(a, b)) for a, b, _ in truth}
    tp = len(got & expected)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(expected) if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(got),
        "true_pairs": len(expected),
        "true_positives": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
