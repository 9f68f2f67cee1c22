"""Exact all-pairs word 5-shingle Jaccard >= a threshold, by prefix filtering (no sampling).

The ground truth of the dedup benchmark. It shares only the definition of a word with the code
under test (``pipeline.dedup.normalize.tokens``; a shingle is 5 consecutive words, a text of
fewer words is one shingle of all of them): shingles are Python strings hashed with the built-in
``hash`` (64 bits; the benchmark fixes PYTHONHASHSEED), sets are compared with numpy, and no
MinHash or LSH is involved, so it cannot share their misses.

Prefix filtering (Bayardo, Ma and Srikant, WWW 2007, "All-Pairs"): order every shingle by its
document frequency, rarest first. If J(x, y) >= t, then the first ``|x| - ceil(t |x|) + 1``
shingles of x and the first ``|y| - ceil(t |y|) + 1`` of y share at least one shingle. So the
pairs sharing a shingle of their prefixes (and passing the size filter ``t |x| <= |y|``)
include every pair at or above t; each is then verified exactly. Exact, and fast on text,
because the prefixes hold the rare shingles.

``python benchmarks/dedup/truth.py CORPUS.jsonl THRESHOLD OUT.npz``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import read

from pipeline.dedup.normalize import tokens

I64 = npt.NDArray[np.int64]


def shingle_set(text: str, k: int = 5) -> I64:
    words = tokens(text)
    if not words:
        return np.empty(0, dtype=np.int64)
    if len(words) < k:
        grams = {" ".join(words)}
    else:
        grams = {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
    return np.unique(np.fromiter((hash(g) for g in grams), dtype=np.int64, count=len(grams)))


def all_pairs(sets: list[I64], threshold: float) -> tuple[I64, I64, npt.NDArray[np.float64]]:
    """``(i, j, jaccard)`` arrays of every pair ``i < j`` with Jaccard >= ``threshold``."""
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
    flat = np.concatenate(sets)
    vocab, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    del flat, vocab
    # Rank of each shingle: rarest first (ties by hash, any fixed order works).
    rank_of = np.empty(counts.size, dtype=np.int64)
    rank_of[np.argsort(counts, kind="stable")] = np.arange(counts.size)
    ranks = rank_of[inverse]
    del inverse, rank_of
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    ranked = [np.sort(ranks[offsets[d] : offsets[d + 1]]) for d in range(len(sets))]
    del ranks
    prefix_docs, prefix_tokens = [], []
    for d, r in enumerate(ranked):
        if r.size:
            p = r.size - math.ceil(threshold * r.size) + 1
            prefix_tokens.append(r[:p])
            prefix_docs.append(np.full(p, d, dtype=np.int64))
    tok = np.concatenate(prefix_tokens)
    doc = np.concatenate(prefix_docs)
    order = np.lexsort((doc, tok))
    tok, doc = tok[order], doc[order]
    edges = np.flatnonzero(tok[1:] != tok[:-1]) + 1
    starts = np.concatenate(([0], edges))
    lengths = np.diff(np.concatenate((starts, [tok.size])))
    codes = []
    for length in np.unique(lengths[lengths > 1]):
        first = starts[lengths == length]
        members = doc[first[:, None] + np.arange(length)]  # sorted within a run
        a, b = np.triu_indices(int(length), 1)
        i, j = members[:, a].ravel(), members[:, b].ravel()
        small, large = np.minimum(sizes[i], sizes[j]), np.maximum(sizes[i], sizes[j])
        keep = small >= threshold * large  # size filter: J <= small / large
        codes.append(i[keep] * len(sets) + j[keep])
    if not codes:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    cand = np.unique(np.concatenate(codes))
    ci, cj = cand // len(sets), cand % len(sets)
    out_i, out_j, out_s = [], [], []
    for i, j in zip(ci.tolist(), cj.tolist(), strict=True):
        a, b = sets[i], sets[j]
        inter = np.intersect1d(a, b, assume_unique=True).size
        s = inter / (a.size + b.size - inter)
        if s >= threshold:
            out_i.append(i)
            out_j.append(j)
            out_s.append(s)
    return np.asarray(out_i, np.int64), np.asarray(out_j, np.int64), np.asarray(out_s)


def main(argv: list[str]) -> int:
    corpus, threshold, out = Path(argv[0]), float(argv[1]), Path(argv[2])
    ids, sets = [], []
    for doc_id, text in read(corpus):
        ids.append(doc_id)
        sets.append(shingle_set(text))
    i, j, s = all_pairs(sets, threshold)
    np.savez_compressed(out, ids=np.asarray(ids), i=i, j=j, s=s, threshold=threshold)
    print(f"{len(ids)} documents, {i.size} pairs at J >= {threshold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
