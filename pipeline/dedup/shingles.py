"""Word k-shingles hashed to 64 bits, vectorized with numpy: no Python work per word.

A document is represented by the *set* of its word k-shingles (k consecutive words, default 5),
kept as a sorted array of unique ``uint64`` hashes. The words are exactly those of
:func:`pipeline.dedup.normalize.tokens` (``\\w+(?:'\\w+)*`` on the folded text), found and
hashed on the text's UTF-8 bytes with array operations instead of as Python strings (that
regex and a dict lookup per word were ~90 % of the time):

1. the text is folded (NFKC, casefold, quotes and dashes unified); the few non-ASCII characters
   that are not word characters (``str.isalnum()`` false, the regex's ``\\w``: symbols, emoji,
   lone surrogates, and combining marks, so ``हिन्दी`` is three words here as it is for the
   regex) are turned into spaces, so every remaining byte >= 0x80 belongs to a word character;
2. a byte is a word byte if it is an ASCII letter, digit or ``_``, or >= 0x80; an apostrophe
   between two word bytes joins them (``don't``); words are the runs of word bytes;
3. a word's hash is ``fmix64(sum_j (b_j + 1) * P**j ^ length * C)`` over its bytes (wrapping
   64-bit arithmetic, P odd), from one prefix sum over the whole text and the inverse powers of
   P (P is odd, so invertible modulo 2**64); ``fmix64`` is MurmurHash3's finalizer;
4. the hash of the shingle starting at word ``j`` is ``fmix64(sum_i w[j+i] * P_i)`` (``P_i``
   fixed odd constants), for every position at once.

Hashes depend only on the words' bytes: they are the same in every process and on every machine,
so signatures stored by one run are comparable with the next run's. Two different shingles
collide with probability about 2**-64 (a polynomial hash modulo 2**64 can be attacked with
crafted words thousands of bytes long; the cost would be a slightly wrong Jaccard), so Jaccard on
the hashed sets equals Jaccard on the string sets.

Documents shorter than k words (but not empty) are one shingle: their whole word sequence. They
then match only a document with exactly the same words, rather than never matching anything.
An empty document has no shingles; it is similar to nothing (Jaccard of two empty sets is
undefined, and two empty posts are not duplicate content).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pipeline.textnorm import fold

U64 = npt.NDArray[np.uint64]

MAX_SHINGLE_SIZE = 64
_MASK64 = (1 << 64) - 1
# Odd 64-bit multipliers, one per position in a shingle (fixed: stored signatures depend on them).
_POSITION = np.random.default_rng(0x5EED_5419).integers(
    1, 1 << 62, size=MAX_SHINGLE_SIZE + 1, dtype=np.uint64
) * np.uint64(2) + np.uint64(1)
_BYTE_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_BYTE_BASE_INV = pow(_BYTE_BASE, -1, 1 << 64)
_LENGTH_MIX = np.uint64(0xD6E8FEB86659FD93)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_APOSTROPHE = ord("'")
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] = True
_WORD_BYTE[0x80:] = True
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fmix64(x: U64) -> U64:
    """MurmurHash3's 64-bit finalizer: every input bit affects every output bit."""
    x = x ^ (x >> _S33)
    x = x * _M1
    x = x ^ (x >> _S33)
    x = x * _M2
    return x ^ (x >> _S33)


_POWERS_KEPT = 1 << 22  # texts up to 4 MB reuse the cached powers (64 MB at most)


class _Powers:
    """``P**j`` and ``P**-j`` modulo 2**64 for j < n, grown on demand (one per process)."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[U64, U64]:
        if self.up.size < n:
            size = max(n, 2 * self.up.size, 1 << 16)
            up = _cumulative_powers(_BYTE_BASE, size)
            down = _cumulative_powers(_BYTE_BASE_INV, size)
            if size > _POWERS_KEPT:  # one huge post: 16 bytes per byte, not kept for later
                return up[:n], down[:n]
            self.up, self.down = up, down
        return self.up[:n], self.down[:n]


def _cumulative_powers(base: int, n: int) -> U64:
    factors = np.full(n, base, dtype=np.uint64)
    factors[0] = 1
    return np.cumprod(factors, dtype=np.uint64)  # wraps modulo 2**64, as intended


_POWERS = _Powers()


def word_hashes_of_text(text: str) -> U64:
    """The 64-bit hash of each word of ``text`` (the words of ``tokens(text)``), in order."""
    folded = fold(text)
    if not folded.isascii():
        for ch in set(_NON_ASCII.findall(folded)):
            if not (ch.isalnum() or ch == "_"):  # the same test as the regex's \\w
                folded = folded.replace(ch, " ")
    data = np.frombuffer(folded.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    n = data.size
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    word = _WORD_BYTE[data]
    joined = word.copy()
    if n > 2:
        joined[1:-1] |= (data[1:-1] == _APOSTROPHE) & word[:-2] & word[2:]
    edges = np.diff(joined.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if starts.size == 0:
        return np.empty(0, dtype=np.uint64)
    up, down = _POWERS.get(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum((data.astype(np.uint64) + np.uint64(1)) * up, out=prefix[1:])
    # sum over the word of (b_j + 1) * P**(j - start): shift the span back to its start.
    spans = (prefix[ends] - prefix[starts]) * down[starts]
    lengths = (ends - starts).astype(np.uint64)
    return fmix64(spans ^ (lengths * _LENGTH_MIX))


def word_hash(word: str) -> int:
    """One word's hash, computed in plain Python (the reference the vectorized path must match)."""
    data = word.encode("utf-8", "surrogatepass")
    total, power = 0, 1
    for byte in data:
        total = (total + (byte + 1) * power) & _MASK64
        power = (power * _BYTE_BASE) & _MASK64
    mixed = total ^ ((len(data) * int(_LENGTH_MIX)) & _MASK64)
    return int(fmix64(np.asarray([mixed], dtype=np.uint64))[0])


def text_shingle_hashes(text: str, k: int) -> U64:
    """Sorted unique 64-bit hashes of the k-word shingles of ``text``'s words."""
    return _shingles(word_hashes_of_text(text), k)


def shingle_hashes(words: Sequence[str], k: int) -> U64:
    """The same for words already split by ``tokens`` (they are re-read from their joined text)."""
    return text_shingle_hashes(" ".join(words), k)


def _shingles(w: U64, k: int) -> U64:
    if not 1 <= k <= MAX_SHINGLE_SIZE:
        raise ValueError(f"shingle size k must be in 1..{MAX_SHINGLE_SIZE}, got {k}")
    n = w.size
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    if n < k:  # one shingle of all the words; its length is mixed in (it has fewer than k)
        # Array arithmetic, not numpy scalars: scalars warn on the (intended) wrap-around.
        total = (w * _POSITION[:n]).sum(dtype=np.uint64, keepdims=True)
        return fmix64(total + np.uint64(n) * _POSITION[-1:])
    m = n - k + 1
    acc = w[:m] * _POSITION[0]
    for i in range(1, k):
        acc += w[i : i + m] * _POSITION[i]
    return sorted_unique(fmix64(acc))


def sorted_unique(x: U64) -> U64:
    """``np.unique`` for a 1-D array, by one sort (np.unique was 5x slower here)."""
    x = np.sort(x)
    if x.size < 2:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def word_shingles(words: Sequence[str], k: int) -> set[str]:
    """The set of k-word shingles of ``words`` as strings (the reference the hashes stand for)."""
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: U64, b: U64) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays (0.0 when either is empty)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = intersection_size(a, b)
    return inter / (a.size + b.size - inter)


def intersection_size(a: U64, b: U64) -> int:
    """``|a ∩ b|`` of two sorted unique arrays: binary search of the shorter in the longer."""
    if a.size > b.size:
        a, b = b, a
    pos = np.searchsorted(b, a)
    pos[pos == b.size] = 0
    return int(np.count_nonzero(b[pos] == a))
