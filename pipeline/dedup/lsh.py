"""Locality-sensitive hashing over MinHash signatures: banding parameters and candidate pairs.

Banding
-------
A signature of ``num_perm`` slots is cut into ``b`` bands of ``r`` rows (``b * r <= num_perm``).
Two documents become a *candidate pair* when all ``r`` rows of at least one band are equal. For a
pair with Jaccard similarity ``s`` each slot agrees with probability ``s``, so::

    P(candidate | s) = 1 - (1 - s**r) ** b

an S-curve whose steep part sits near ``(1/b) ** (1/r)``. For a threshold ``t`` the expected
errors over a uniform prior on ``s`` are the areas::

    false positives  FP(b, r) = ∫_0^t  1 - (1 - s**r)**b  ds     (candidates below t)
    false negatives  FN(b, r) = ∫_t^1  (1 - s**r)**b       ds     (pairs above t never seen)

and :func:`optimal_bands` returns the ``(b, r)`` minimizing ``w_fp * FP + w_fn * FN`` over all
``b * r <= num_perm`` (the same criterion as datasketch's ``_optimal_param``; the integrals are
taken with the trapezoid rule on 1,001 points instead of ``scipy.integrate.quad``).

Weights: every candidate is verified by exact Jaccard before it is reported, so a false positive
costs one set intersection while a false negative is a duplicate lost for good. The default
weights are therefore 0.1 / 0.9 rather than datasketch's 0.5 / 0.5. At threshold 0.8 and 128
permutations this gives b=14, r=9: ``P(candidate)`` is 0.87 for a pair exactly at ``s = 0.8``,
0.975 at 0.85 and 0.999 at 0.9, against 0.40 / 0.69 / 0.93 with equal weights (b=9, r=13).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

FP_WEIGHT = 0.1
FN_WEIGHT = 0.9
_GRID = 1001


def candidate_probability(s: float, bands: int, rows: int) -> float:
    """``P(candidate | Jaccard = s)`` for ``bands`` x ``rows`` banding."""
    return float(1.0 - (1.0 - s**rows) ** bands)


@lru_cache(maxsize=64)
def optimal_bands(
    threshold: float,
    num_perm: int,
    fp_weight: float = FP_WEIGHT,
    fn_weight: float = FN_WEIGHT,
) -> tuple[int, int]:
    """``(bands, rows)`` minimizing the weighted false positive + false negative areas."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if num_perm < 2:
        raise ValueError(f"num_perm must be >= 2, got {num_perm}")
    if fp_weight < 0 or fn_weight < 0 or fp_weight + fn_weight == 0:
        raise ValueError("fp_weight and fn_weight must be >= 0 and not both 0")
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    best, best_error = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(1.0 - (1.0 - below**r) ** b, below)
            fn = np.trapezoid((1.0 - above**r) ** b, above)
            error = fp_weight * fp + fn_weight * fn
            if error < best_error:
                best, best_error = (b, r), float(error)
    return best


def candidate_pairs(
    signatures: npt.NDArray[np.uint64], bands: int, rows: int
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, whose signatures agree on all rows of some band."""
    n, num_perm = signatures.shape
    if bands * rows > num_perm:
        raise ValueError(f"{bands} bands x {rows} rows exceed the {num_perm} signature slots")
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: defaultdict[bytes, list[int]] = defaultdict(list)
        chunk = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        for i in range(n):
            buckets[chunk[i].tobytes()].append(i)
        for members in buckets.values():
            if len(members) > 1:
                pairs.update(combinations(members, 2))
    return pairs
