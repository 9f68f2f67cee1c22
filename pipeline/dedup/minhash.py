"""MinHash signatures by one-permutation hashing with optimal densification, vectorized.

Classic MinHash evaluates ``num_perm`` hash functions on every shingle: 128 evaluations per
shingle is most of datasketch's time. One-permutation hashing (Li, Owen and Zhang, NIPS 2012)
hashes each shingle once: the hash's high bits pick one of ``num_perm`` bins and each bin keeps
its minimum, so a signature costs one hash per shingle. For two sets, a bin holds the same
minimum with probability J (their Jaccard) when neither bin is empty.

Bins left empty (sets with fewer shingles than bins, or by chance) are filled by *optimal
densification* (Shrivastava, ICML 2017): empty bin ``j`` takes the value of the first non-empty
bin among ``borrow[0, j], borrow[1, j], ...``, a fixed pseudo-random sequence of bins shared by
every document. After densification every slot of two signatures agrees with probability
exactly J, the property LSH banding needs (:mod:`pipeline.dedup.lsh`), and slots of different
bins are nearly independent.

Signatures are computed for a whole batch of documents with a few numpy calls (no Python work
per shingle); they depend only on ``num_perm`` and ``seed``, so signatures stored by one run are
comparable with the next run's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pipeline.dedup.shingles import U64, fmix64

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # an empty bin before densification
_S32 = np.uint64(32)
# Densification attempts drawn per bin; a bin still empty after all of them (probability
# ``(1 - 1/num_perm) ** 4096``, < 1e-13 at 128 bins for a one-bin set) takes the first filled bin.
_ATTEMPTS = 4096


class MinHasher:
    """Turns shingle-hash arrays into signatures of ``num_perm`` slots.

    ``seed`` fixes the hash and the densification order: signatures are comparable only between
    hashers built with the same ``num_perm`` and ``seed``.
    """

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if not 2 <= num_perm <= 1 << 16:
            raise ValueError(
                f"num_perm must be in 2..65536 (got {num_perm}); 128 is a good default"
            )
        self.num_perm = num_perm
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._salt = rng.integers(0, 1 << 63, dtype=np.uint64)
        self._borrow = rng.integers(0, num_perm, size=(_ATTEMPTS, num_perm), dtype=np.int32)

    def signatures(self, sets: list[U64]) -> U64:
        """Signatures of many sets, one row each: shape ``(len(sets), num_perm)``.

        An empty set gets the all-``EMPTY`` signature (it is similar to nothing).
        """
        k = self.num_perm
        sig = np.full((len(sets), k), EMPTY, dtype=np.uint64)
        if not sets:
            return sig
        sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
        if sizes.sum():
            h = fmix64(np.concatenate(sets) ^ self._salt)
            doc = np.repeat(np.arange(len(sets), dtype=np.int64), sizes)
            # The bin from the high 32 bits (multiply-shift: uniform over 0..k-1 for any k).
            bins = ((h >> _S32) * np.uint64(k)) >> _S32
            np.minimum.at(sig.reshape(-1), doc * k + bins.astype(np.int64), h)
        self._densify(sig, sizes > 0)
        return sig

    def signature(self, hashes: U64) -> U64:
        """The signature of one set."""
        return self.signatures([hashes])[0]

    def _densify(self, sig: U64, nonempty: npt.NDArray[np.bool_]) -> None:
        filled = sig != EMPTY
        rows, cols = np.nonzero(~filled & nonempty[:, None])
        if rows.size == 0:
            return
        src = np.full(rows.size, -1, dtype=np.int64)
        pending = np.arange(rows.size)
        for attempt in range(_ATTEMPTS):
            cand = self._borrow[attempt, cols[pending]]
            ok = filled[rows[pending], cand]
            src[pending[ok]] = cand[ok]
            pending = pending[~ok]
            if pending.size == 0:
                break
        if pending.size:
            src[pending] = np.argmax(filled[rows[pending]], axis=1)
        sig[rows, cols] = sig[rows, src]
