"""Building ``records.PAGES`` rows (one per URL the crawl decided about) and the
``records.LINKS`` rows of the internal link graph."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pipeline.crawl.fetch import NOT_MODIFIED, FetchResult
from pipeline.crawl.incremental import Previous
from pipeline.crawl.urls import in_scope


def fetched_row(
    base: dict[str, Any],
    *,
    url: str,
    depth: int,
    via: str,
    result: FetchResult,
    warc_file: str | None,
    warc_offset: int | None,
    previous: Previous | None = None,
) -> dict[str, Any]:
    """The row of a URL that was requested (whatever the outcome). A 304 answer to a
    conditional request points at ``previous``'s archived body instead of its own record."""
    body = result.body
    sha1 = hashlib.sha1(body).hexdigest() if result.ok else None
    not_modified = False
    if previous is not None and result.ok and result.status == NOT_MODIFIED:
        not_modified = True
        warc_file, warc_offset = previous.warc_file, previous.warc_offset
        sha1 = previous.content_sha1
    return {
        **base,
        "url": url,
        "final_url": result.final_url,
        "status": result.status,
        "ok": result.ok,
        "error_class": result.error_class,
        "error_message": result.error_message,
        "content_type": result.content_type,
        "bytes": len(body) if result.ok else None,
        "elapsed_ms": result.elapsed_ms,
        "fetched_at": result.fetched_at,
        "robots_allowed": True,
        "retries": result.retries,
        "depth": depth,
        "discovered_via": via,
        "redirect_chain": result.redirect_chain,
        "warc_file": warc_file if warc_offset is not None else None,
        "warc_offset": warc_offset,
        "etag": _validator(result, "etag", previous),
        "last_modified": _validator(result, "last-modified", previous),
        "content_sha1": sha1,
        "previous_run_id": previous.run_id if previous is not None else None,
        "canonical_url": None,  # set when the page is parsed for links
        "unchanged": (
            None
            if previous is None or not result.ok
            else bool(not_modified or sha1 == previous.content_sha1)
        ),
    }


def _validator(result: FetchResult, name: str, previous: Previous | None) -> str | None:
    """The response's validator; a 304 that repeats none keeps the previous run's."""
    if not result.ok:
        return None
    value = result.header(name)
    if value is None and previous is not None and result.status == NOT_MODIFIED:
        return previous.etag if name == "etag" else previous.last_modified
    return value


def refused_row(
    base: dict[str, Any], *, url: str, depth: int, via: str, error_class: str, message: str
) -> dict[str, Any]:
    """The row of a URL the crawl refused to request (robots.txt, private address)."""
    return {
        **base,
        "url": url,
        "final_url": None,
        "status": None,
        "ok": False,
        "error_class": error_class,
        "error_message": message,
        "content_type": None,
        "bytes": None,
        "elapsed_ms": None,
        "fetched_at": None,
        "robots_allowed": False if error_class == "robots_disallowed" else None,
        "retries": 0,
        "depth": depth,
        "discovered_via": via,
        "redirect_chain": [],
        "warc_file": None,
        "warc_offset": None,
        "etag": None,
        "last_modified": None,
        "content_sha1": None,
        "previous_run_id": None,
        "unchanged": None,
        "canonical_url": None,
    }


# A page row's internal links, spooled with the row and written to links.parquet (not a column
# of pages.parquet: the pages schema ignores the key).
LINKS_KEY = "_links"


def internal_links(
    anchors: Iterable[tuple[str, str]], page_url: str, site_url: str
) -> list[tuple[str, str]]:
    """The (target, anchor text) links of a page that stay in the site's scope, itself left out:
    the page's edges of the site's internal link graph."""
    return [(t, text) for t, text in anchors if t != page_url and in_scope(t, site_url)]


def link_rows(page_rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """``records.LINKS`` rows from page rows carrying ``LINKS_KEY``, in the rows' order."""
    for row in page_rows:
        for position, (target, text) in enumerate(row.get(LINKS_KEY) or ()):
            yield {
                "run_id": row["run_id"],
                "site": row["site"],
                "source_url": row["url"],
                "target_url": target,
                "anchor_text": text,
                "position": position,
            }
