"""Word k-shingles and their 64-bit hashes.

A document is represented by the *set* of its word k-shingles (k consecutive words, default 5).
Shingles are hashed once with blake2b-8 (stable across processes and Python versions, unlike
``hash()``), and the set is kept as a sorted array of unique ``uint64``. Jaccard similarity on
these hashed sets equals Jaccard on the string sets unless two distinct shingles of the compared
documents collide in 64 bits, with probability about n²/2⁶⁵ for n shingles (< 10⁻¹¹ for a
100,000-word post).

Documents shorter than k words (but not empty) are one shingle: their whole word sequence. They
then match only a document with exactly the same words, rather than never matching anything.
An empty document has no shingles; it is similar to nothing (Jaccard of two empty sets is
undefined, and two empty posts are not duplicate content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]


def word_shingles(words: Sequence[str], k: int) -> set[str]:
    """The set of k-word shingles of ``words`` (space-joined); see the module docstring."""
    if k < 1:
        raise ValueError(f"shingle size k must be >= 1, got {k}")
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def hash_shingle(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")


def shingle_hashes(words: Sequence[str], k: int) -> U64:
    """Sorted unique 64-bit hashes of the k-word shingles of ``words``."""
    hashes = [hash_shingle(s) for s in word_shingles(words, k)]
    return np.unique(np.asarray(hashes, dtype=np.uint64))


def jaccard(a: U64, b: U64) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays (0.0 when either is empty)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
