"""Crawling one site: robots.txt, then a frontier of pages, sitemaps and feeds, one row per URL.

Every URL the crawl decides about (fetched, refused by robots.txt, refused as a private address)
becomes exactly one row of ``records.PAGES``; out-of-scope links are only counted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipeline.config import CrawlConfig, SiteConfig
from pipeline.crawl import discover, rows
from pipeline.crawl.archive import ArchivedResponse, WarcArchive
from pipeline.crawl.compression import BodyTooLarge, DecodeFailed, gunzip_capped
from pipeline.crawl.encoding import decode_html
from pipeline.crawl.fetch import (
    NOT_MODIFIED,
    REDIRECT_STATUS,
    Fetcher,
    FetchResult,
    HostGate,
    media_type,
)
from pipeline.crawl.incremental import Previous, load_archived
from pipeline.crawl.robots import MAX_ROBOTS_BYTES, RobotsPolicy, policy_from_response
from pipeline.crawl.urls import canonicalize_url, host_of, in_scope, is_private_host, origin

log = logging.getLogger(__name__)

Kind = Literal["page", "sitemap", "feed", "robots"]
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset(
    {"application/xml", "text/xml", "application/rss+xml", "application/atom+xml"}
)
GZIP_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"})
# A sitemap index may point at thousands of sitemaps; these documents are not pages, so they get
# their own budget instead of eating max_pages.
MAX_DISCOVERY_DOCS = 50
# The sitemap protocol allows 50,000 URLs and 50 MB uncompressed per file: a sitemap that size
# is legitimate and must be read whole (the page limit, max_body_bytes, would refuse it).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Item:
    url: str
    depth: int
    via: str  # start | robots | sitemap | feed | link
    kind: Kind
    seq: int  # admission order, so rows come out in a stable order


def accepts(kind: Kind) -> Callable[[str | None], bool]:
    def check(content_type: str | None) -> bool:
        mt = media_type(content_type)
        if kind == "robots" or mt is None:  # no type: let the parser decide
            return True
        if kind == "sitemap" and mt in GZIP_TYPES:
            return True
        return mt in HTML_TYPES or mt in XML_TYPES or mt.endswith("+xml")

    return check


class SiteCrawl:
    """The crawl of one configured site; ``rows`` and ``counts`` are its results."""

    def __init__(
        self,
        site: SiteConfig,
        crawl: CrawlConfig,
        user_agent: str,
        fetcher: Fetcher,
        archive: WarcArchive,
        gate: HostGate,
        warc_file: str,
        base_row: dict[str, Any],
        on_row: Callable[[int, dict[str, Any]], None],
        previous: dict[str, Previous] | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.site, self.crawl, self.user_agent = site, crawl, user_agent
        self.site_url = canonicalize_url(str(site.url))
        self.host = host_of(self.site_url)
        self.fetcher, self.archive, self.warc_file = fetcher, archive, warc_file
        # Called once per URL with (admission order, row) when the row is final: the crawl
        # keeps no rows itself, so its memory does not grow with the number of pages.
        self.base_row, self.on_row = base_row, on_row
        self.gate = gate  # shared by every configured site on the same origin
        # Pages of the previous run (url -> validators and archived body), for conditional
        # requests; data_dir resolves their warc_file.
        self.previous = previous or {}
        self.data_dir = data_dir
        self.policy = RobotsPolicy(user_agent)
        self.rows_done = 0
        self.error_classes: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self._seen: set[str] = set()
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._seq = 0

    async def run(self) -> None:
        await self._robots()
        self._admit(self.site_url, 0, "start", "page")
        sitemaps = self.policy.sitemaps or (origin(self.site_url) + "/sitemap.xml",)
        for url in sitemaps:
            self._admit(url, 0, "robots" if self.policy.sitemaps else "start", "sitemap")
        workers = {
            asyncio.create_task(self._worker()) for _ in range(self.crawl.concurrency_per_host)
        }
        joined = asyncio.create_task(self._queue.join())
        try:
            # A worker only ends by raising (a bug, or an infrastructure error): surface it
            # instead of waiting forever for the items it would have processed.
            await asyncio.wait({joined, *workers}, return_when=asyncio.FIRST_COMPLETED)
            for w in workers:
                if w.done():
                    w.result()
        finally:
            for task in (joined, *workers):
                task.cancel()
            await asyncio.gather(joined, *workers, return_exceptions=True)

    async def _robots(self) -> None:
        url = origin(self.site_url) + "/robots.txt"
        item = Item(url, 0, "start", "robots", self._next_seq())
        self._seen.add(url)
        result = await self._fetch(item, max_bytes=MAX_ROBOTS_BYTES)
        status = result.status if result.error_class in (None, "http_error") else None
        policy = policy_from_response(status, result.body, self.user_agent)
        if not self.crawl.respect_robots:
            policy = RobotsPolicy(self.user_agent, sitemaps=policy.sitemaps)
        self.policy = policy
        delay = policy.crawl_delay()
        if delay is not None and delay > self.gate.delay_s:
            log.info("%s: robots.txt Crawl-delay %.1fs applies", self.site.name, delay)
            self.gate.raise_floor(delay)
        if policy.disallow_all:
            log.warning("%s: %s, nothing will be fetched (RFC 9309)", self.site.name, policy.reason)
        self._emit(item, self._record(item, result))

    async def _worker(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                prev = self.previous.get(item.url) if item.kind == "page" else None
                limit = MAX_SITEMAP_BYTES if item.kind == "sitemap" else None
                conditional = prev.conditional_headers() if prev else None
                result = await self._fetch(item, max_bytes=limit, headers=conditional)
                not_modified = result.ok and result.status == NOT_MODIFIED
                old = self._old_body(prev) if not_modified else None
                if not_modified and old is None:
                    # A 304 whose body we no longer have (or never asked for): fetch in full.
                    result = await self._fetch(item, max_bytes=limit)
                if old is not None and prev is not None:
                    row = self._record_not_modified(item, result, prev, old)
                else:
                    row = self._record(item, result, prev)
                if result.ok:
                    self._discover(item, result, row)
                self._emit(item, row)
            finally:
                self._queue.task_done()

    @property
    def known(self) -> int:
        """URLs with a row so far plus those waiting in the queue (the progress total)."""
        return self.rows_done + self._queue.qsize()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _admit(self, url: str | None, depth: int, via: str, kind: Kind) -> None:
        """Queue ``url`` unless seen, out of scope or over budget; refusals get their row here."""
        if url is None or url in self._seen:
            return
        self._seen.add(url)
        host = host_of(url)
        private = host != self.host and is_private_host(host)
        scoped = (
            in_scope(url, self.site_url) and (via == "start" or self.site.url_wanted(url))
            if kind == "page"
            else url.startswith(origin(self.site_url) + "/")
        )
        if not (private or scoped):
            self.counts["links_out_of_scope"] += 1
            return
        if not self._within_budget(kind):
            return
        item = Item(url, depth, via, kind, self._next_seq())
        if private:
            self._refuse(item, "private_address", f"{host} is a non-public address")
        elif not self.policy.allowed(url):
            self._refuse(
                item, "robots_disallowed", self.policy.reason or "disallowed by robots.txt"
            )
        else:
            self._queue.put_nowait(item)

    def _within_budget(self, kind: Kind) -> bool:
        if kind == "page":
            if self.counts["pages_admitted"] >= self.site.max_pages:
                self.counts["links_over_max_pages"] += 1
                return False
            self.counts["pages_admitted"] += 1
        else:
            if self.counts["docs_admitted"] >= MAX_DISCOVERY_DOCS:
                self.counts["docs_over_limit"] += 1
                return False
            self.counts["docs_admitted"] += 1
        return True

    def _check_redirect(self, kind: Kind, target: str) -> str | None:
        host = host_of(target)
        if host != self.host and is_private_host(host):
            return "private_address"
        if kind == "page" and not (
            in_scope(target, self.site_url) and self.site.url_wanted(target)
        ):
            return "out_of_scope_redirect"
        if origin(target) != origin(self.site_url):
            return "out_of_scope_redirect"
        if kind != "robots" and not self.policy.allowed(target):
            return "robots_disallowed"
        return None

    async def _fetch(
        self, item: Item, max_bytes: int | None = None, headers: dict[str, str] | None = None
    ) -> FetchResult:
        return await self.fetcher.fetch(
            item.url,
            self.gate,
            accept=accepts(item.kind),
            check_redirect=lambda target: self._check_redirect(item.kind, target),
            max_bytes=max_bytes,
            headers=headers,
        )

    def _old_body(self, prev: Previous | None) -> ArchivedResponse | None:
        """The previous run's archived response of a page, or None when it cannot be read."""
        if prev is None or self.data_dir is None:
            return None
        return load_archived(self.data_dir, prev.warc_file, prev.warc_offset)

    def _record_not_modified(
        self, item: Item, result: FetchResult, prev: Previous, old: ArchivedResponse
    ) -> dict[str, Any]:
        """Archive a 304 as a revisit record and give the row the previous body (links are
        discovered from it as from a fresh one)."""
        *hops, last = result.exchanges
        for ex in hops:
            self.archive.write(ex)
        self.archive.write_revisit(last, old)
        result.exchanges[-1] = dataclasses.replace(last, body=old.body)
        result.content_type = result.content_type or prev.content_type
        return self._add_row(item, result, None, prev)  # the row points at prev's record

    def _record(
        self, item: Item, result: FetchResult, prev: Previous | None = None
    ) -> dict[str, Any]:
        """Archive what was fetched and add the URL's row."""
        offset = None
        for ex in result.exchanges:
            offset = self.archive.write(ex)
        if result.exchanges and result.exchanges[-1].status in REDIRECT_STATUS:
            offset = None  # only a redirect was archived: there is no final response to point at
        return self._add_row(item, result, offset, prev)

    def _add_row(
        self, item: Item, result: FetchResult, offset: int | None, prev: Previous | None
    ) -> dict[str, Any]:
        row = rows.fetched_row(
            self.base_row,
            url=item.url,
            depth=item.depth,
            via=item.via,
            result=result,
            warc_file=self.warc_file,
            warc_offset=offset,
            previous=prev,
        )
        return row

    def _refuse(self, item: Item, error_class: str, message: str) -> None:
        row = rows.refused_row(
            self.base_row,
            url=item.url,
            depth=item.depth,
            via=item.via,
            error_class=error_class,
            message=message,
        )
        self._emit(item, row)

    def _emit(self, item: Item, row: dict[str, Any]) -> None:
        self.rows_done += 1
        if row["error_class"] is not None:
            self.error_classes[row["error_class"]] += 1
        self.on_row(item.seq, row)

    def _discover(self, item: Item, result: FetchResult, row: dict[str, Any]) -> None:
        """Admit the URLs a fetched document points to; a document that cannot be read as its
        kind turns its row into a decode_error (it stays archived)."""
        try:
            if item.kind == "page":
                self._discover_links(item, result, row)
            elif item.kind == "sitemap":
                self._discover_sitemap(result)
            elif item.kind == "feed":
                for url in discover.parse_feed(result.body, result.final_url):
                    self._admit(url, 0, "feed", "page")
        except BodyTooLarge as exc:
            row.update(ok=False, error_class="too_large", error_message=str(exc))
        except (discover.NotParseable, DecodeFailed) as exc:
            row.update(ok=False, error_class="decode_error", error_message=str(exc))

    def _discover_links(self, item: Item, result: FetchResult, row: dict[str, Any]) -> None:
        if media_type(result.content_type) not in (HTML_TYPES | {None}):
            return
        found = discover.page_links(decode_html(result.body, result.content_type), result.final_url)
        row["canonical_url"] = found.canonical
        # The site's internal link graph (crawl/links.parquet): every in-scope link of the page,
        # followed or not, so a broken link's sources and the posts nothing links to are known.
        row[rows.LINKS_KEY] = rows.internal_links(found.anchors, item.url, self.site_url)
        for feed in found.feeds:
            self._admit(feed, item.depth, "link", "feed")
        if item.depth < self.site.max_depth:
            for link in found.links:
                self._admit(link, item.depth + 1, "link", "page")

    def _discover_sitemap(self, result: FetchResult) -> None:
        body = result.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz file, not a Content-Encoding
            body = gunzip_capped(body, MAX_SITEMAP_BYTES)
        sitemap = discover.parse_sitemap(body, result.final_url)
        kind: Kind = "sitemap" if sitemap.kind == "index" else "page"
        for url in sitemap.locs:
            self._admit(url, 0, "sitemap", kind)
