"""Pages extracted by an earlier run, reused for the pages that did not change.

Whole-site reuse (``reuse``) needs every page of a site unchanged; a monthly re-audit of a
network where 5 % of the posts changed has a changed page on nearly every site. So each run
keeps every page as ``extract_page`` returned it, before the site's repeat evidence was applied
(``runs/<run>/extract/_pages/<site>.pickle``: zlib level 1, ~17 KB a page, with its blocks'
text hashes as 20-byte digests, ~4.6 KB), and the next run takes a page from there instead
of extracting it again when the crawl (or the WARC import) found its body unchanged (same
sha1) since that run and the extractor is the same (code and model fingerprint). The site's
evidence and the copies are then decided over all its pages as in a full run, so the rows are
the same as a full re-extraction, at ~3 ms a cached page instead of ~30.

The files are pickles written by this package into the data directory, which is trusted like
the stage outputs beside them; a file that cannot be read, or was written by another
extractor, is ignored (logged) and its pages are extracted again.
"""

from __future__ import annotations

import logging
import pickle
import zlib
from pathlib import Path
from typing import Any

from pipeline.extract.extractor import ExtractedPage
from pipeline.extract.reuse import extractor_fingerprint
from pipeline.io import atomic_write_bytes, link_or_copy
from pipeline.paths import RunPaths

log = logging.getLogger(__name__)

CACHE_DIR = "_pages"
_FORMAT = 2  # 2: with the blocks' text hashes
_DIGEST = 20  # bytes of a sha1: the hashes are kept as digests, ~4.6 KB a page


def cache_file(paths: RunPaths, site: str) -> Path:
    return paths.stage_dir("extract") / CACHE_DIR / f"{site}.pickle"


def pack(page: ExtractedPage, truncated: bool, hashes: list[str]) -> bytes:
    """The page, whether it was truncated, and its blocks' ``site.block_hashes`` (hex sha1s):
    a cached page is not hashed again."""
    digests = b"".join(bytes.fromhex(h) for h in hashes)
    return zlib.compress(
        pickle.dumps((page, truncated, digests), protocol=pickle.HIGHEST_PROTOCOL), 1
    )


def unpack(blob: bytes) -> tuple[ExtractedPage, bool, list[str]]:
    page, truncated, digests = pickle.loads(zlib.decompress(blob))
    hashes = [digests[i : i + _DIGEST].hex() for i in range(0, len(digests), _DIGEST)]
    return page, bool(truncated), hashes


def load(path: Path | None, urls: set[str]) -> dict[str, bytes]:
    """The cached pages of ``path`` whose URL is in ``urls`` (the unchanged ones)."""
    if path is None or not urls or not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
        log.warning("page cache %s unreadable, its pages are extracted again: %s", path, exc)
        return {}
    if data.get("format") != _FORMAT or data.get("extractor") != extractor_fingerprint():
        return {}  # another extractor: its pages would not be what this one extracts
    pages: dict[str, bytes] = data.get("pages") or {}
    return {url: blob for url, blob in pages.items() if url in urls}


def save(path: Path, pages: dict[str, bytes]) -> None:
    data = {"format": _FORMAT, "extractor": extractor_fingerprint(), "pages": pages}
    atomic_write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def carry(previous: Path, path: Path) -> None:
    """A reused site's cache, carried into this run (hard-linked when the file system can)."""
    if previous.exists():
        link_or_copy(previous, path)
