"""Building ``records.PAGES`` rows: one per URL the crawl decided about."""

from __future__ import annotations

import hashlib
from typing import Any

from pipeline.crawl.fetch import FetchResult


def fetched_row(
    base: dict[str, Any],
    *,
    url: str,
    depth: int,
    via: str,
    result: FetchResult,
    warc_file: str | None,
    warc_offset: int | None,
) -> dict[str, Any]:
    """The row of a URL that was requested (whatever the outcome)."""
    body = result.body
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
        "etag": result.header("etag") if result.ok else None,
        "last_modified": result.header("last-modified") if result.ok else None,
        "content_sha1": hashlib.sha1(body).hexdigest() if result.ok else None,
    }


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
    }
