"""Crawl stage: fetch the configured sites politely and archive what was fetched.

Reads: the ``sites`` and ``crawl`` sections of the config (and ``user_agent``); the network.
Writes: ``RunPaths.warc(site)`` (one gzipped WARC/1.1 per site: request and response records of
robots.txt, sitemaps, feeds, pages and redirects) and ``RunPaths.crawl_pages`` (``records.PAGES``:
one row per URL the crawl decided about, with a snake_case ``error_class`` when not ok).

Error classes: robots_disallowed, private_address, timeout, connect_error, network_error,
invalid_url, http_error, too_large, too_many_redirects, redirect_loop, out_of_scope_redirect,
unsupported_content_type, decode_error.

Public entry points:
    run(paths, config) -> StageSummary              the stage
    urls.canonicalize_url(url), urls.in_scope(url, site_url)
    archive.iter_responses(warc_path) -> Iterator[ArchivedResponse]   for the extract stage
    encoding.decode_html(body, content_type) -> str
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from pipeline.config import Config, SiteConfig
from pipeline.crawl.archive import WarcArchive
from pipeline.crawl.fetch import Fetcher, HostGate, make_client
from pipeline.crawl.incremental import Previous, previous_pages
from pipeline.crawl.progress import CrawlProgress
from pipeline.crawl.site import SiteCrawl
from pipeline.crawl.urls import canonicalize_url, origin
from pipeline.io import StageSummary, write_table
from pipeline.paths import RunPaths

__all__ = ["crawl_sites", "run"]


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Crawl every configured site; write the WARCs and ``pages.parquet``."""
    with CrawlProgress() as progress:
        results = asyncio.run(crawl_sites(paths, config, progress))
    # Imported once the crawl is over: records' schemas load pyarrow (~80 MB of RSS), which the
    # crawl itself never needs, so the peak is the larger of the two, not their sum.
    rows = [row for site_rows, _ in results for row in site_rows]
    from pipeline.records import PAGES

    write_table(paths.crawl_pages, rows, PAGES)
    counts: Counter[str] = Counter()
    for _, site_counts in results:
        counts.update(site_counts)
    dropped = Counter(row["error_class"] for row in rows if row["error_class"] is not None)
    return StageSummary(
        stage="crawl",
        run_id=paths.run_id,
        counts={
            "sites": len(config.sites),
            "urls_attempted": len(rows),
            "pages_ok": sum(1 for row in rows if row["ok"]),
            "errors": sum(1 for row in rows if not row["ok"]),
            "pages_unchanged": sum(1 for row in rows if row["unchanged"]),
            "links_out_of_scope": counts["links_out_of_scope"],
            "links_over_max_pages": counts["links_over_max_pages"],
        },
        dropped=dict(sorted(dropped.items())),
        outputs=[str(paths.crawl_pages), *(str(paths.warc(s.name)) for s in config.sites)],
    )


async def crawl_sites(
    paths: RunPaths, config: Config, progress: CrawlProgress
) -> list[tuple[list[dict[str, Any]], Counter[str]]]:
    """Crawl all sites concurrently (each politely); per site, its rows and counters."""
    previous = previous_pages(paths) if config.crawl.incremental else {}
    async with make_client(config.crawl, config.user_agent, hosts=len(config.sites)) as client:
        fetcher = Fetcher(client, config.crawl)
        # Politeness is per origin, even when two configured sites share one.
        gates: dict[str, HostGate] = {}
        crawls = []
        for site in config.sites:
            gate = gates.setdefault(
                origin(canonicalize_url(str(site.url))),
                HostGate(config.crawl.delay_s, config.crawl.concurrency_per_host),
            )
            known = {url: p for (name, url), p in previous.items() if name == site.name}
            crawls.append(_crawl_site(paths, config, site, fetcher, gate, progress, known))
        return list(await asyncio.gather(*crawls))


async def _crawl_site(
    paths: RunPaths,
    config: Config,
    site: SiteConfig,
    fetcher: Fetcher,
    gate: HostGate,
    progress: CrawlProgress,
    previous: dict[str, Previous],
) -> tuple[list[dict[str, Any]], Counter[str]]:
    warc = paths.warc(site.name)
    with WarcArchive(warc) as archive:
        crawl = SiteCrawl(
            site,
            config.crawl,
            config.user_agent,
            fetcher,
            archive,
            gate,
            warc_file=warc.relative_to(paths.data_dir).as_posix(),
            base_row={"run_id": paths.run_id, "site": site.name},
            on_row=lambda row: progress.row(site.name, row, crawl.known),
            previous=previous,
            data_dir=paths.data_dir,
        )
        rows = await crawl.run()
    progress.site_done(site.name, dict(Counter(r["error_class"] for r in rows if r["error_class"])))
    return rows, crawl.counts
