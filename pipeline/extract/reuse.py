"""Incremental extraction: bodies of revalidated pages, and reusing an unchanged site's output.

A page the crawl revalidated with 304 Not Modified has no body in this run's WARC; its ``pages``
row points at the earlier record that has it (``crawl.incremental``), read here.

A site is re-extracted as a whole or not at all, because site-level evidence (blocks repeated
across its pages) makes each page's result depend on the others. When every page the crawl
fetched for a site is unchanged since one previous run, the same set of pages was fetched
there, and that run's extract ran with the same extractor (code and model fingerprint), the
previous output for the site *is* what extraction would produce: its rows are copied with the
new run id instead of being recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.crawl.archive import ArchivedResponse
from pipeline.crawl.fetch import NOT_MODIFIED, media_type
from pipeline.crawl.incremental import load_archived
from pipeline.crawl.site import HTML_TYPES
from pipeline.io import atomic_write_bytes, input_dataset, read_manifest, read_rows, site_filter
from pipeline.paths import RunPaths

if TYPE_CHECKING:
    import pyarrow as pa

FINGERPRINT_FILE = "_extractor.json"


@cache
def extractor_fingerprint() -> str:
    """Hash of the extract package's code and shipped model: a change means no reuse."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.npz")]):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:20]


def write_fingerprint(paths: RunPaths) -> Path:
    target = paths.stage_dir("extract") / FINGERPRINT_FILE
    atomic_write_bytes(target, json.dumps({"extractor": extractor_fingerprint()}).encode())
    return target


def _fingerprint_of(paths: RunPaths) -> str | None:
    try:
        data = json.loads((paths.stage_dir("extract") / FINGERPRINT_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    value = data.get("extractor")
    return str(value) if value else None


def revisited_responses(
    data_dir: Path, site_rows: list[dict[str, Any]]
) -> Iterator[ArchivedResponse]:
    """The archived bodies of the site's pages that answered 304, under their final URL."""
    for row in site_rows:
        if not (row["ok"] and row["status"] == NOT_MODIFIED and row["warc_file"]):
            continue
        old = load_archived(data_dir, row["warc_file"], row["warc_offset"])
        if old is None:
            continue  # logged; the page is absent from this run's extraction
        yield ArchivedResponse(
            url=row["final_url"] or row["url"],
            status=old.status,
            headers=old.headers,
            body=old.body,
            fetched_at=old.fetched_at,
        )


def _html_pages(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fetched rows extract reads (robots.txt, sitemaps and feeds are not compared)."""
    return [r for r in rows if r["ok"] and media_type(r["content_type"]) in HTML_TYPES]


def reusable_run(paths: RunPaths, site_rows: list[dict[str, Any]]) -> RunPaths | None:
    """The previous run whose extract output for this site can be copied, or None."""
    ok = _html_pages(site_rows)
    previous_ids = {r["previous_run_id"] for r in ok}
    if not ok or len(previous_ids) != 1 or not all(r["unchanged"] for r in ok):
        return None
    (previous_id,) = previous_ids
    if previous_id is None or previous_id == paths.run_id:
        return None
    prev = RunPaths(paths.data_dir, previous_id)
    if read_manifest(prev, "extract") is None or _fingerprint_of(prev) != extractor_fingerprint():
        return None
    try:
        prev_ok = _html_urls(prev.crawl_pages).get(ok[0]["site"], set())
    except Exception:
        return None
    return prev if prev_ok == {r["url"] for r in ok} else None


def _html_urls(crawl_pages: Path) -> dict[str, set[str]]:
    """site -> URLs of an earlier run's fetched HTML pages, read once for all its sites (not
    once per site: 100 sites of a 100,000-page run would read it 100 times)."""
    stat = crawl_pages.stat()  # a rewritten file is read again
    return _html_urls_of(crawl_pages, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _html_urls_of(crawl_pages: Path, mtime_ns: int, size: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in _html_pages(read_rows(crawl_pages, stage_hint="crawl")):
        out.setdefault(row["site"], set()).add(row["url"])
    return out


def copied_table(path: Path, site: str, run_id: str) -> pa.Table:
    """The site's rows of an earlier run's extract output, under this run's id, read through
    the file's row-group statistics and kept in Arrow (a reused site costs no Python rows)."""
    import pyarrow as pa

    table = input_dataset(path).to_table(filter=site_filter(site))
    run_ids = pa.array([run_id] * table.num_rows, pa.string())
    return table.set_column(table.schema.get_field_index("run_id"), "run_id", run_ids)
