"""Near-duplicate pairs: MinHash + LSH for candidates, exact Jaccard for every reported pair.

:class:`NearDuplicateIndex` takes documents one at a time (a stream: nothing but compact arrays
is kept per document) and then searches:

1. Streaming: each text is normalized, split into words and hashed into its sorted set of
   shingle hashes (:mod:`pipeline.dedup.shingles`). The set goes to a temporary file
   (:class:`ShingleStore`: verification reads it back, so the sets of a million posts are not in
   memory); batches of sets get MinHash signatures (:mod:`pipeline.dedup.minhash`), and only their
   LSH band keys are kept (``bands`` x 8 bytes per document). A document added by a stored
   signature (:meth:`NearDuplicateIndex.add_signed`, the stage's incremental path) keeps its text
   instead, and the shingle sets computed from it for verification stay cached: that path is for
   a stage's posts, whose texts are in memory anyway, not for a million-document stream.
2. Documents with identical shingle sets (exact copies, or copies that differ only in
   punctuation, case or typography) are collapsed to their first one: their Jaccard is 1.0 by
   definition, and a thousand copies of one post would otherwise put 500,000 pairs in one LSH
   bucket.
3. LSH banding (bands x rows chosen for the threshold, :mod:`pipeline.dedup.lsh`) proposes
   candidate pairs among the representatives, one band at a time, by sorting its keys.
4. Every candidate is verified by exact Jaccard of the shingle sets; only pairs at or above the
   threshold are reported, so no pair is reported with a similarity it does not have.
5. Closure: within each connected component of verified pairs (up to ``CLOSURE_MAX_SIZE``
   representatives), every pair not yet verified is verified too. LSH misses pairs close to the
   threshold (``P(candidate)`` is about 0.9 at exactly the threshold); the typical miss is two
   edited copies of one original that both match the original. Closure finds these for the cost
   of a few set intersections per group; pairs with no verified path between them can still be
   missed.
6. Pairs of representatives are expanded back to their members.

Input rules (never an exception for bad text): an empty text, or one with no word, has no
shingles and is paired with nothing; a text shorter than k words is one shingle (it pairs only
with the same words); a repeated id keeps its first text and the later ones are skipped (counted
in ``PairSearch.repeated_ids``); lone surrogates are hashed, not rejected; a very long text is
hashed whole (~40 bytes of temporaries per byte of text: ~200 MB for a 5 MB post, freed after).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from pipeline.dedup.groups import connected_groups
from pipeline.dedup.lsh import band_keys, candidate_pairs, optimal_bands, split_pairs
from pipeline.dedup.minhash import MinHasher
from pipeline.dedup.shingles import U64, jaccard, text_shingle_hashes

DEFAULT_SHINGLE_SIZE = 5
DEFAULT_NUM_PERM = 128
DEFAULT_SEED = 1
# Components larger than this skip the closure step: it verifies m(m-1)/2 pairs, ~20k at 200.
CLOSURE_MAX_SIZE = 200
# A batch is signed when it holds this many shingles or documents, whichever comes first: the
# shingles bound the hashing temporaries (~5 arrays of 8 bytes per shingle), the documents the
# signature matrix and its densification (~2 KB per document at 128 slots).
BATCH_SHINGLES = 1 << 20
BATCH_DOCS = 4096
# Version of the word, shingle and signature hashing (pipeline.dedup.shingles, .minhash): part
# of every stored signature's scheme, bumped when a change makes old signatures incomparable.
HASH_VERSION = "h1"

Pair = tuple[str, str, float]


@dataclass(frozen=True, slots=True)
class PairSearch:
    """Verified pairs plus the counters of how they were found."""

    pairs: list[Pair]  # (id_a, id_b, jaccard), id_a < id_b, sorted
    candidates: int  # LSH candidate pairs between distinct shingle sets, all verified
    rejected: int  # candidates whose exact Jaccard was below the threshold
    closure_found: int  # pairs LSH missed, found by verifying within connected components
    bands: int
    rows: int
    empty: int = 0  # documents without any shingle (never paired)
    repeated_ids: int = 0  # documents skipped because their id came earlier


class ShingleStore:
    """Shingle sets appended to an anonymous temporary file, read back by index."""

    def __init__(self) -> None:
        # Closed by close() (the index's context manager); deleted by the OS when closed.
        self._fh = tempfile.TemporaryFile(prefix="content-audit-shingles-")  # noqa: SIM115
        self._offsets = array("q", [0])
        self._dirty = False

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def append(self, hashes: U64) -> None:
        self._fh.write(hashes.tobytes())
        self._offsets.append(self._offsets[-1] + hashes.nbytes)
        self._dirty = True

    def __getitem__(self, i: int) -> U64:
        if self._dirty:
            self._fh.flush()
            self._dirty = False
        start, end = self._offsets[i], self._offsets[i + 1]
        data = os.pread(self._fh.fileno(), end - start, start)
        return np.frombuffer(data, dtype=np.uint64)

    def close(self) -> None:
        self._fh.close()


class NearDuplicateIndex:
    """Add documents (a stream), then :meth:`search` for the pairs at or above ``threshold``."""

    def __init__(
        self,
        threshold: float = 0.8,
        *,
        shingle_size: int = DEFAULT_SHINGLE_SIZE,
        num_perm: int = DEFAULT_NUM_PERM,
        seed: int = DEFAULT_SEED,
        keep_signatures: bool = False,
    ) -> None:
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.bands, self.rows = optimal_bands(threshold, num_perm)
        self.hasher = MinHasher(num_perm, seed)
        self.scheme = f"w{shingle_size}-oph{num_perm}-s{seed}-{HASH_VERSION}"
        self.ids: list[str] = []
        self.store = ShingleStore()
        self._index: dict[str, int] = {}
        self._sizes = array("q")
        self._digests = array("Q")
        self._keys: list[U64] = []
        # Documents added since the last batch was signed: (shingle hashes, or a signature
        # given by add_signed).
        self._pending: list[tuple[U64 | None, U64 | None]] = []
        self._pending_shingles = 0
        self._lazy: dict[int, str] = {}  # signed documents: text, shingled only if verified
        self._lazy_sets: dict[int, U64] = {}
        self._kept: list[U64] | None = [] if keep_signatures else None
        self.repeated_ids = 0

    def add(self, doc_id: str, text: str) -> int | None:
        """Add a document; its index, or None when ``doc_id`` was already added (skipped)."""
        if doc_id in self._index:
            self.repeated_ids += 1
            return None
        return self.add_hashes(doc_id, text_shingle_hashes(text, self.shingle_size))

    def add_hashes(self, doc_id: str, hashes: U64) -> int | None:
        """Add a document by its sorted unique shingle hashes (see :meth:`add`)."""
        if doc_id in self._index:
            self.repeated_ids += 1
            return None
        index = self._new(doc_id, hashes.size, set_digest(hashes))
        self.store.append(hashes)
        self._pending.append((hashes, None))
        self._pending_shingles += hashes.size
        # Both limits: a batch of a million one-shingle posts would be a 1 GiB signature matrix.
        if self._pending_shingles >= BATCH_SHINGLES or len(self._pending) >= BATCH_DOCS:
            self._sign_pending()
        return index

    def add_signed(
        self, doc_id: str, signature: U64, n_shingles: int, digest: int, text: str
    ) -> int | None:
        """Add a document whose signature was computed before (same ``scheme``).

        It is not tokenized, hashed or signed; ``text`` is shingled only if one of its candidate
        pairs has to be verified. None when ``doc_id`` was already added (skipped).
        """
        if doc_id in self._index:
            self.repeated_ids += 1
            return None
        if signature.shape != (self.hasher.num_perm,):
            raise ValueError(f"a signature of {signature.size} slots for {self.scheme}")
        index = self._new(doc_id, n_shingles, digest)
        self.store.append(np.empty(0, dtype=np.uint64))
        self._lazy[index] = text
        self._pending.append((None, signature))
        if len(self._pending) >= BATCH_DOCS:
            self._sign_pending()
        return index

    def _new(self, doc_id: str, n_shingles: int, digest: int) -> int:
        index = len(self.ids)
        self._index[doc_id] = index
        self.ids.append(doc_id)
        self._sizes.append(n_shingles)
        self._digests.append(digest)
        return index

    def index_of(self, doc_id: str) -> int:
        return self._index[doc_id]

    def size(self, i: int) -> int:
        """Distinct shingles of document ``i``."""
        return self._sizes[i]

    def digest(self, i: int) -> int:
        """:func:`set_digest` of document ``i``'s shingles."""
        return self._digests[i]

    def shingle_set(self, i: int) -> U64:
        """The sorted shingle hashes of document ``i``."""
        if i in self._lazy:
            if i not in self._lazy_sets:
                self._lazy_sets[i] = text_shingle_hashes(self._lazy[i], self.shingle_size)
            return self._lazy_sets[i]
        return self.store[i]

    def signatures(self) -> U64:
        """Every document's signature, in order (``keep_signatures=True`` only)."""
        if self._kept is None:
            raise RuntimeError("signatures were not kept: build the index with keep_signatures")
        self._sign_pending()
        if not self._kept:
            return np.empty((0, self.hasher.num_perm), dtype=np.uint64)
        return np.concatenate(self._kept)

    def _sign_pending(self) -> None:
        if self._pending:
            fresh = [h for h, sig in self._pending if sig is None and h is not None]
            computed = iter(self.hasher.signatures(fresh)) if fresh else iter(())
            signatures = np.stack(
                [next(computed) if sig is None else sig for _, sig in self._pending]
            )
            self._keys.append(band_keys(signatures, self.bands, self.rows))
            if self._kept is not None:
                self._kept.append(signatures)
        self._pending, self._pending_shingles = [], 0

    def search(self) -> PairSearch:
        """Every pair of added documents whose exact Jaccard is >= the threshold."""
        self._sign_pending()
        n = len(self.ids)
        sizes = np.frombuffer(self._sizes, dtype=np.int64)
        nonempty = np.flatnonzero(sizes > 0)
        digests = np.frombuffer(self._digests, dtype=np.uint64)[nonempty]
        # Identical sets: np.unique's first index per digest is the first-seen document.
        _, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
        reps = nonempty[np.sort(first)]
        rep_of_group = nonempty[first]
        copies: dict[int, list[int]] = {}
        for doc, group in zip(nonempty.tolist(), inverse.tolist(), strict=True):
            copies.setdefault(int(rep_of_group[group]), []).append(doc)
        keys = np.concatenate(self._keys) if self._keys else np.empty((0, self.bands), np.uint64)
        codes = candidate_pairs(keys[reps]) if reps.size > 1 else np.empty(0, dtype=np.uint64)
        ii, jj = split_pairs(codes)
        verified = self._verify(reps[ii], reps[jj])
        accepted = {ij: s for ij, s in verified.items() if s >= self.threshold}
        closure = self._closure(accepted, verified)
        found: list[tuple[int, int, float]] = []
        for members in copies.values():
            found.extend((a, b, 1.0) for a, b in combinations(members, 2))
        for (i, j), similarity in (accepted | closure).items():
            found.extend((a, b, similarity) for a in copies[i] for b in copies[j])
        ids = self.ids
        pairs = sorted(
            (ids[a], ids[b], s) if ids[a] < ids[b] else (ids[b], ids[a], s) for a, b, s in found
        )
        return PairSearch(
            pairs,
            candidates=len(verified),
            rejected=len(verified) - len(accepted),
            closure_found=len(closure),
            bands=self.bands,
            rows=self.rows,
            empty=n - nonempty.size,
            repeated_ids=self.repeated_ids,
        )

    def jaccard(self, a: int, b: int) -> float:
        """Exact Jaccard of documents ``a`` and ``b`` (0.0 when either has no shingle)."""
        return jaccard(self.shingle_set(a), self.shingle_set(b))

    def _verify(
        self, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]
    ) -> dict[tuple[int, int], float]:
        verified: dict[tuple[int, int], float] = {}
        current, current_set = -1, np.empty(0, dtype=np.uint64)
        # Candidate codes are sorted by their first member: read each of its sets once.
        for a, b in zip(left.tolist(), right.tolist(), strict=True):
            if a != current:
                current, current_set = a, self.shingle_set(a)
            i, j = (a, b) if a < b else (b, a)
            verified[i, j] = jaccard(current_set, self.shingle_set(b))
        return verified

    def _closure(
        self, accepted: dict[tuple[int, int], float], verified: dict[tuple[int, int], float]
    ) -> dict[tuple[int, int], float]:
        """Pairs >= threshold inside connected components of ``accepted`` not yet verified."""
        found: dict[tuple[int, int], float] = {}
        nodes = sorted({i for pair in accepted for i in pair})
        for component in connected_groups(nodes, accepted):
            if len(component) > CLOSURE_MAX_SIZE:
                continue
            sets = {i: self.shingle_set(i) for i in component}
            for i, j in combinations(component, 2):  # sorted component: i < j
                if (i, j) not in verified:
                    similarity = jaccard(sets[i], sets[j])
                    if similarity >= self.threshold:
                        found[i, j] = similarity
        return found

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> NearDuplicateIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def set_digest(hashes: U64) -> int:
    """64-bit digest of a shingle set (0 for the empty set): equal digests, identical sets."""
    if not hashes.size:
        return 0
    return int.from_bytes(hashlib.blake2b(hashes.tobytes(), digest_size=8).digest(), "little")


def near_duplicate_pairs(
    docs: Iterable[tuple[str, str]], threshold: float = 0.8
) -> list[tuple[str, str, float]]:
    """Pairs ``(id_a, id_b, jaccard)`` of documents whose word 5-shingle Jaccard is >= threshold.

    ``docs`` are ``(id, text)``, read once as a stream. Texts are normalized (NFKC, casefold,
    quotes and dashes unified) and split into words (letters and digits, apostrophes inside a
    word kept). Each pair appears once with ``id_a < id_b``; the list is sorted by
    ``(id_a, id_b)``. The Jaccard is exact (every pair is verified on the shingle sets);
    candidates come from MinHash LSH with 128 slots and seed 1. Bad input never raises: see the
    module docstring (empty and short texts, repeated ids keep the first text, surrogates).
    """
    with NearDuplicateIndex(threshold) as index:
        for doc_id, text in docs:
            index.add(doc_id, text)
        return index.search().pairs
