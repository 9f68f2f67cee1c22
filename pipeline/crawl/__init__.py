"""Crawl stage: fetch the configured sites politely and archive what was fetched.

Reads: the ``sites`` and ``crawl`` sections of the config (and ``user_agent``); the network.
Writes: ``RunPaths.warc(site)`` (one gzipped WARC/1.1 per site: request and response records of
robots.txt, sitemaps, feeds, pages and redirects) and ``RunPaths.crawl_pages`` (``records.PAGES``:
one row per URL the crawl decided about, with a snake_case ``error_class`` when not ok) and
``RunPaths.crawl_links`` (``records.LINKS``: the internal link graph, one row per fetched page
and in-scope link target, with its anchor text).

Error classes: robots_disallowed, private_address, timeout, connect_error, network_error,
invalid_url, http_error, too_large, too_many_redirects, redirect_loop, out_of_scope_redirect,
unsupported_content_type, decode_error.

Public entry points:
    run(paths, config) -> StageSummary              the stage
    parts.run_site(paths, config, site) / parts.assemble(paths, config)
                                                    the same crawl, one task per site (Airflow)
    urls.canonicalize_url(url), urls.in_scope(url, site_url)
    archive.iter_responses(warc_path) -> Iterator[ArchivedResponse]   for the extract stage
    encoding.decode_html(body, content_type) -> str
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import Config, SiteConfig
from pipeline.crawl.archive import WarcArchive
from pipeline.crawl.fetch import Fetcher, HostGate, make_client
from pipeline.crawl.incremental import Previous, previous_pages
from pipeline.crawl.progress import CrawlProgress
from pipeline.crawl.rows import link_rows
from pipeline.crawl.site import SiteCrawl
from pipeline.crawl.spool import RowSpool
from pipeline.crawl.urls import canonicalize_url, origin
from pipeline.io import StageSummary, write_table
from pipeline.paths import RunPaths

__all__ = ["crawl_sites", "run"]

# Rows per row group of pages.parquet. Converting a batch of dicts to Arrow costs far more
# memory than the batch (2,048 rows: +20 MB that the allocator keeps), and the crawl's peak is
# reached right there; measured on the crawl benchmark's 10,000 rows: 2,048 rows 144 MB peak,
# 1,024 rows 129-135, 512 rows 124, 256 rows 121. Small row groups cost readers nothing here.
PAGES_BATCH_ROWS = 512


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Crawl every configured site; write the WARCs and ``pages.parquet``."""
    outputs = [
        str(paths.crawl_pages),
        str(paths.crawl_links),
        *(str(paths.warc(s.name)) for s in config.sites),
    ]
    return crawl_to_files(paths, config, paths.crawl_pages, paths.crawl_links, outputs=outputs)


def crawl_to_files(
    paths: RunPaths,
    config: Config,
    pages: Path,
    links: Path,
    *,
    outputs: list[str],
    warc_of: Callable[[str], Path] | None = None,
) -> StageSummary:
    """Crawl the config's sites into ``pages`` and ``links`` (and the WARCs, see
    ``crawl_sites``); the summary the stage reports."""
    with RowSpool(pages.with_name(".pages.spool")) as spool:
        with CrawlProgress() as progress:
            counts = asyncio.run(crawl_sites(paths, config, progress, spool, warc_of))
        # Imported once the crawl is over: records' schemas load pyarrow (~35 MB of RSS once
        # the crawl's own libraries are in), which the crawl itself never needs.
        from pipeline.records import LINKS, PAGES

        write_table(pages, spool, PAGES, batch_rows=PAGES_BATCH_ROWS)
        n_links = write_table(links, link_rows(spool), LINKS)
        return StageSummary(
            stage="crawl",
            run_id=paths.run_id,
            counts={
                "sites": len(config.sites),
                "urls_attempted": len(spool),
                "pages_ok": spool.ok,
                "errors": len(spool) - spool.ok,
                "pages_unchanged": spool.unchanged,
                "internal_links": n_links,
                "links_out_of_scope": counts["links_out_of_scope"],
                "links_over_max_pages": counts["links_over_max_pages"],
            },
            dropped=dict(sorted(spool.error_classes.items())),
            outputs=outputs,
        )


async def crawl_sites(
    paths: RunPaths,
    config: Config,
    progress: CrawlProgress,
    spool: RowSpool,
    warc_of: Callable[[str], Path] | None = None,
) -> Counter[str]:
    """Crawl all sites concurrently (each politely) into ``spool``; the crawls' counters.

    ``warc_of(site)`` is where a site's WARC is written (default ``paths.warc``); the rows name
    the published WARC either way.
    """
    warc_of = warc_of or paths.warc
    previous = previous_pages(paths) if config.crawl.incremental else {}
    async with make_client(config.crawl, config.user_agent, hosts=len(config.sites)) as client:
        fetcher = Fetcher(client, config.crawl)
        # Politeness is per origin, even when two configured sites share one.
        gates: dict[str, HostGate] = {}
        crawls = []
        for index, site in enumerate(config.sites):
            gate = gates.setdefault(
                origin(canonicalize_url(str(site.url))),
                HostGate(config.crawl.delay_s, config.crawl.concurrency_per_host),
            )
            known = {url: p for (name, url), p in previous.items() if name == site.name}
            crawls.append(
                _crawl_site(
                    paths,
                    config,
                    site,
                    index,
                    fetcher,
                    gate,
                    progress,
                    spool,
                    known,
                    warc_of(site.name),
                )
            )
        counts: Counter[str] = Counter()
        for site_counts in await asyncio.gather(*crawls):
            counts.update(site_counts)
        return counts


async def _crawl_site(
    paths: RunPaths,
    config: Config,
    site: SiteConfig,
    index: int,
    fetcher: Fetcher,
    gate: HostGate,
    progress: CrawlProgress,
    spool: RowSpool,
    previous: dict[str, Previous],
    warc: Path,
) -> Counter[str]:
    def on_row(seq: int, row: dict[str, Any]) -> None:
        spool.add(index, seq, row)
        progress.row(site.name, row, crawl.known)

    with WarcArchive(warc) as archive:
        crawl = SiteCrawl(
            site,
            config.crawl,
            config.user_agent,
            fetcher,
            archive,
            gate,
            warc_file=paths.warc_file(site.name),
            base_row={"run_id": paths.run_id, "site": site.name},
            on_row=on_row,
            previous=previous,
            data_dir=paths.data_dir,
        )
        await crawl.run()
    progress.site_done(site.name, dict(crawl.error_classes))
    return crawl.counts
