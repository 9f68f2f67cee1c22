"""Incremental crawls: what the previous run fetched, sent back as conditional requests.

The previous run is the most recent other run under the data directory whose crawl finished
(its crawl manifest exists). For each page it fetched with a usable body, the crawl keeps the
validators (``ETag``, ``Last-Modified``), the body's sha1 and where the body is archived. A page
is *unchanged* when the server answers the conditional request with 304 Not Modified, or
answers 200 with a body of the same sha1. A 304 has no body: the run archives it as a WARC
``revisit`` record (profile server-not-modified) and its ``pages`` row points at the archived
record that holds the body (in an earlier run's WARC), so the run can still be re-extracted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.crawl.archive import ArchivedResponse, read_response_at
from pipeline.io import previous_finished_run, read_rows
from pipeline.paths import RunPaths

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Previous:
    """What the previous run knew about one URL."""

    run_id: str
    etag: str | None
    last_modified: str | None
    content_sha1: str
    warc_file: str  # relative to the data directory; the record holding the body
    warc_offset: int
    content_type: str | None
    bytes: int | None

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def previous_run_id(paths: RunPaths) -> str | None:
    """The most recently finished other run with a complete crawl, or None."""
    return previous_finished_run(paths, "crawl")


def previous_pages(paths: RunPaths) -> dict[tuple[str, str], Previous]:
    """``(site, url) -> Previous`` for the pages of the previous run that have a body."""
    run_id = previous_run_id(paths)
    if run_id is None:
        return {}
    prev = RunPaths(paths.data_dir, run_id)
    try:
        rows = read_rows(prev.crawl_pages, stage_hint="crawl")
    except Exception as exc:  # a damaged earlier run must not stop this one: fetch in full
        log.warning("previous run %s unreadable, crawling without validators: %s", run_id, exc)
        return {}
    out = {}
    for row in rows:
        if row_has_body(row):
            out[(row["site"], row["url"])] = Previous(
                run_id=run_id,
                etag=row["etag"],
                last_modified=row["last_modified"],
                content_sha1=row["content_sha1"],
                warc_file=row["warc_file"],
                warc_offset=row["warc_offset"],
                content_type=row["content_type"],
                bytes=row["bytes"],
            )
    log.info("incremental crawl: %d pages known from run %s", len(out), run_id)
    return out


def row_has_body(row: dict[str, Any]) -> bool:
    return bool(
        row["ok"] and row["content_sha1"] and row["warc_file"] and row["warc_offset"] is not None
    )


def load_archived(data_dir: Path, warc_file: str, offset: int) -> ArchivedResponse | None:
    """The response record a ``pages`` row points at, or None (logged) when it cannot be read:
    an earlier run's WARC deleted, moved or damaged."""
    try:
        return read_response_at(warc_path(data_dir, warc_file), offset)
    except (OSError, ValueError, EOFError) as exc:
        log.warning("archived response %s@%d unreadable: %s", warc_file, offset, exc)
        return None


def warc_path(data_dir: Path, warc_file: str) -> Path:
    """A ``pages.warc_file`` value as a path, refusing anything outside the data directory."""
    path = (data_dir / warc_file).resolve()
    if not path.is_relative_to(data_dir.resolve()):
        raise ValueError(f"warc_file {warc_file!r} points outside the data directory")
    return path
