"""MinHash signatures of shingle-hash sets, vectorized with numpy.

Each of ``num_perm`` permutations is simulated by a universal hash
``h_i(x) = (a_i * x + b_i) mod p`` with the Mersenne prime ``p = 2**61 - 1`` (as datasketch).
The signature is ``min_x h_i(x)`` per permutation; for two sets A and B,
``P[min h_i(A) = min h_i(B)] ≈ J(A, B)``, so the share of equal signature slots estimates the
Jaccard similarity.

Exact arithmetic: inputs ``x`` are the low 32 bits of the 64-bit shingle hashes, and
``a_i in [1, p)``, ``b_i in [0, p)``. The product ``a_i * x`` needs up to 93 bits, so it is split
as ``a = a_hi * 2**32 + a_lo`` and reduced with the Mersenne identity ``2**61 ≡ 1 (mod p)``
(see :func:`_mod_mersenne` and :func:`_universal_hash`); every intermediate fits in ``uint64``.
datasketch instead lets ``a * x`` wrap around modulo ``2**64``, and a shortcut with small
``a_i < 2**32`` (no overflow) is worse: the hash becomes piecewise linear in ``x`` with only ~8
pieces, the 128 slots are strongly correlated and the estimate of J = 0.6 came out at 0.32.
32-bit inputs are enough here: a colliding pair of shingles only perturbs the *estimate*;
every candidate is verified on the full 64-bit sets afterwards.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 61) - 2)  # largest value h_i can take: the "empty set" signature
_LOW32 = np.uint64(0xFFFFFFFF)
_LOW29 = np.uint64((1 << 29) - 1)
_S29, _S32, _S61 = np.uint64(29), np.uint64(32), np.uint64(61)
# Rows of shingles hashed per numpy call: bounds the temporary (rows x num_perm x 8 bytes,
# 4 MiB at 128 permutations) for very long posts.
_CHUNK = 4096


class MinHasher:
    """Turns sorted shingle-hash arrays into MinHash signatures of length ``num_perm``.

    ``seed`` fixes the permutations: signatures are comparable only between hashers built with
    the same ``num_perm`` and ``seed``.
    """

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 2:
            raise ValueError(f"num_perm must be >= 2 (got {num_perm}); 128 is a good default")
        self.num_perm = num_perm
        self.seed = seed
        rng = np.random.default_rng(seed)
        # a_i must be non-zero, or h_i is constant and the slot carries no information.
        self.a = rng.integers(1, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)
        self.b = rng.integers(0, MERSENNE_PRIME, size=num_perm, dtype=np.uint64)
        self._a_hi = self.a >> _S32
        self._a_lo = self.a & _LOW32

    def signature(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        """The signature of one shingle set (all slots MAX_HASH when the set is empty)."""
        sig = np.full(self.num_perm, MAX_HASH, dtype=np.uint64)
        x = hashes & _LOW32
        for start in range(0, x.size, _CHUNK):
            block = x[start : start + _CHUNK, None]
            values = _universal_hash(block, self._a_hi, self._a_lo, self.b)
            np.minimum(sig, values.min(axis=0), out=sig)
        return sig

    def signatures(self, sets: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
        """Signatures of many sets, one row each: shape ``(len(sets), num_perm)``."""
        out = np.empty((len(sets), self.num_perm), dtype=np.uint64)
        for i, hashes in enumerate(sets):
            out[i] = self.signature(hashes)
        return out


def _mod_mersenne(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """``v mod (2**61 - 1)`` for any uint64 ``v``: fold the bits above 61 back (2**61 ≡ 1)."""
    v = (v & MERSENNE_PRIME) + (v >> _S61)  # < 2**61 + 8, so one conditional subtraction
    return np.where(v >= MERSENNE_PRIME, v - MERSENNE_PRIME, v)


def _universal_hash(
    x: npt.NDArray[np.uint64],
    a_hi: npt.NDArray[np.uint64],
    a_lo: npt.NDArray[np.uint64],
    b: npt.NDArray[np.uint64],
) -> npt.NDArray[np.uint64]:
    """``(a * x + b) mod (2**61 - 1)`` exactly, broadcasting ``x`` (n, 1) against ``a`` (perm,).

    ``a * x = a_hi * x * 2**32 + a_lo * x`` with ``a_hi < 2**29``, ``a_lo, x < 2**32``:
    ``u = a_hi * x < 2**61`` and ``u * 2**32 mod p`` is a 61-bit rotation of ``u`` by 32
    (low 29 bits move up, the high 32 bits wrap to the bottom); ``a_lo * x < 2**64`` is folded.
    """
    u = x * a_hi
    high = ((u & _LOW29) << _S32) | (u >> _S29)
    low = _mod_mersenne(x * a_lo)
    return _mod_mersenne(high + low + b)  # three terms < 2**61: the sum fits in uint64
