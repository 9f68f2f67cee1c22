"""Text findings of an earlier run, reused for the posts whose text did not change.

The text detectors (``core.text_findings``: the sentence models, the verifiers, keyword
stuffing, readability...) are most of the audit's work, and they read only the post's main
text, its title, its URL and site name (the publisher's brand) and the detector settings. So
each run keeps every post's text findings (``runs/<run>/audit/_text_findings.parquet``, one row
per post: site, key, pickled findings) under a key digesting exactly those inputs and the
audit's fingerprint (its code, models and data files); the next run takes a post's text
findings from there when the key is the same, and runs everything else (blocks, shared
paragraphs, duplicate titles, provenance, site densities) as usual. The rows are the same as a
full audit.

The pickles are written by this package into the data directory, trusted like the stage
outputs beside them; a file that cannot be read is ignored (logged) and its posts audited in
full.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.config import DetectorsConfig
from pipeline.io import input_dataset, previous_finished_run, site_filter
from pipeline.paths import RunPaths
from pipeline.records import Finding

log = logging.getLogger(__name__)

CACHE_FILE = "_text_findings.parquet"
SCHEMA = pa.schema([("site", pa.string()), ("key", pa.string()), ("findings", pa.binary())])


def cache_file(paths: RunPaths) -> Path:
    return paths.stage_dir("audit") / CACHE_FILE


@cache
def fingerprint() -> str:
    """Hash of the audit package's code, models and data, and of the Finding record."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for source in sorted(files):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    digest.update((package.parent / "records.py").read_bytes())
    return digest.hexdigest()[:20]


def post_key(post: dict[str, Any], config: DetectorsConfig) -> str:
    """A digest of everything the post's text findings are computed from."""
    digest = hashlib.sha256()
    parts = (
        fingerprint(),
        config.model_dump_json(),
        post.get("main_text"),
        post.get("title"),
        post.get("url"),
        post.get("site_name"),
    )
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


def previous_cache(paths: RunPaths) -> Path | None:
    """The text findings kept by the run before this one, if it audited and kept them."""
    run_id = previous_finished_run(paths, "audit")
    if run_id is None:
        return None
    path = cache_file(RunPaths(paths.data_dir, run_id))
    return path if path.exists() else None


def load_site(path: Path | None, site: Any) -> dict[str, bytes]:
    """key -> pickled findings of one site's posts in ``path`` (read through row groups)."""
    if path is None:
        return {}

    where = site_filter(site)
    try:
        table = input_dataset(path).to_table(filter=where, columns=["key", "findings"])
    except (OSError, pa.ArrowException) as exc:
        log.warning("text findings %s unreadable, posts audited in full: %s", path, exc)
        return {}
    return dict(
        zip(table.column("key").to_pylist(), table.column("findings").to_pylist(), strict=True)
    )


def pack(findings: list[Finding]) -> bytes:
    return pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(blob: bytes) -> list[Finding]:
    found: list[Finding] = pickle.loads(blob)
    return found
