"""Incremental dedup: reuse the signatures of posts whose compared text did not change.

The load step keeps every compared post's MinHash signature in the warehouse
(``dedup_signatures``: post id, sha1 of the compared text, scheme, shingle count, set digest,
slots). The next run looks them up by (post id, text hash) for its scheme; a post found there is
added to the search by its stored signature (``NearDuplicateIndex.add_signed``): it is not
tokenized, hashed or signed again, and its text is shingled only if one of its candidate pairs
must be verified. New and changed posts are signed as usual, and the LSH search runs over the
band keys of all of them, so new posts are compared with the old ones and with each other.

The warehouse is only read here (read-only connection; the load step is its one writer). If it
cannot be opened (none yet, or a load holding its lock), everything is computed, which gives
the same pairs, only slower.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from pipeline.dedup.shingles import U64
from pipeline.warehouse.sqlfiles import execute_sql, read_sql

log = logging.getLogger(__name__)

_SIGN = 1 << 63
_WRAP = 1 << 64


@dataclass(frozen=True, slots=True)
class StoredSignature:
    n_shingles: int
    set_digest: int  # unsigned 64-bit
    signature: U64


def to_int64(digest: int) -> int:
    """An unsigned 64-bit digest as the signed integer Parquet and DuckDB store."""
    return digest - _WRAP if digest >= _SIGN else digest


def stored_signatures(
    warehouse: Path, scheme: str, post_ids: Iterable[str]
) -> Mapping[tuple[str, str], StoredSignature]:
    """``{(post_id, content_hash): signature}`` of ``scheme`` for ``post_ids`` (empty if none).

    Never raises for the warehouse's sake: a warehouse that cannot be read, a schema from before
    signatures were kept, or a malformed row means that post (or every post) is signed again.
    """
    if not warehouse.exists():
        return {}
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        log.warning("dedup: warehouse not readable (%s); signing every post", exc)
        return {}
    params = {"scheme": scheme, "post_ids": sorted(set(post_ids))}
    try:
        rows = execute_sql(con, read_sql("queries/dedup_signatures.sql"), params).fetchall()
    except duckdb.Error as exc:  # e.g. a warehouse from before signatures were kept
        log.info("dedup: no stored signatures to reuse (%s)", str(exc).splitlines()[0])
        return {}
    finally:
        con.close()
    found: dict[tuple[str, str], StoredSignature] = {}
    bad = 0
    for post_id, content_hash, stored in rows:
        blob = bytes(stored["signature"])
        if len(blob) % 8 or not blob:
            bad += 1
            continue
        found[post_id, content_hash] = StoredSignature(
            int(stored["n_shingles"]),
            int(stored["set_digest"]) % _WRAP,
            np.frombuffer(blob, dtype="<u8").astype(np.uint64),
        )
    if bad:
        log.warning("dedup: %d stored signatures were malformed; those posts are signed again", bad)
    return found
