"""Scrapy crawling the benchmark sites, in a fresh process; a JSON report out.

Run by ``run.py``. One spider for all sites, configured like the content-audit run:

* ``CONCURRENT_REQUESTS`` = the global cap, ``CONCURRENT_REQUESTS_PER_DOMAIN`` = the per-site
  cap, ``DOWNLOAD_DELAY = 0``, ``ROBOTSTXT_OBEY = True`` (Protego), ``DEPTH_LIMIT = 50``,
  retries on (Scrapy's default 2), redirects on, cookies off (content-audit keeps none),
  ``LOG_LEVEL = INFO`` (no per-request log line; content-audit logs none either).
* Scrapy keys its download slots (where the per-domain cap applies) by host name, and all 20
  sites are on 127.0.0.1: every request gets ``meta["download_slot"] = host:port`` so the cap is
  per site, as content-audit's per-origin gate is.
* Discovery as content-audit does it: the home page and ``/sitemap.xml`` (the ``Sitemap:`` line
  of every robots.txt here), then ``<a href>`` links of every HTML page
  (``LinkExtractor``), kept only when they have the site's origin (the same scope).
* Per page: the decoded body is written to a gzip file per site (``<site>.bodies.gz``), and
  bytes and URLs are counted. That is less than content-audit's WARC (no request record, no
  headers, no WARC block digests, no ``pages`` rows), and more than counting bytes.

The clock covers ``CrawlerProcess.start()`` (the crawl, not the imports).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.sitemap import Sitemap


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class BenchSpider(scrapy.Spider):
    name = "bench"
    # No allowed_domains: Scrapy matches it (and LinkExtractor's allow_domains) against the
    # netloc, port included, so "127.0.0.1" would drop every link; the origin check in
    # parse_page is the scope instead, the same as content-audit's.

    def __init__(self, sites: dict[str, str], out_dir: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites  # name -> home URL
        self.site_of = {origin(url): name for name, url in sites.items()}
        self._open = ExitStack()  # closed in closed()
        self.files: dict[str, gzip.GzipFile] = {}
        for name in sites:
            path = out_dir / f"{name}.bodies.gz"
            gz = gzip.open(path, "wb", compresslevel=6)  # noqa: SIM115  (closed in closed())
            self.files[name] = self._open.enter_context(gz)
        self.links = LinkExtractor()
        self.pages: set[str] = set()
        self.counts: Counter[str] = Counter()

    def _request(self, url: str, callback: Any) -> scrapy.Request:
        meta: dict[str, Any] = {"download_slot": urlsplit(url).netloc}
        return scrapy.Request(url, callback=callback, meta=meta)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.sites.values():
            yield self._request(url, self.parse_page)
            yield self._request(origin(url) + "/sitemap.xml", self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        self.counts["sitemaps"] += 1
        for entry in Sitemap(response.body):
            loc = entry["loc"]
            if origin(loc) == origin(response.url):
                yield self._request(loc, self.parse_page)

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        site = self.site_of[origin(response.url)]
        self.files[site].write(response.body)
        self.counts["bytes"] += len(response.body)
        if response.status == 200 and isinstance(response, TextResponse):
            self.pages.add(response.url)
        else:
            self.counts["not_html"] += 1
            return
        home = origin(response.url)
        for link in self.links.extract_links(response):
            if origin(link.url) == home:
                yield self._request(link.url, self.parse_page)

    def closed(self, reason: str) -> None:
        self._open.close()
        self.counts["close_reason_" + reason] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=Path, required=True, help='JSON {"name": "url", ...}')
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--per-host", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sites: dict[str, str] = json.loads(args.sites.read_text(encoding="utf-8"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    settings = {
        "BOT_NAME": "bench",
        "USER_AGENT": "scrapy-bench/1.0 (benchmark on 127.0.0.1)",
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DEPTH_LIMIT": 50,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "DOWNLOAD_TIMEOUT": 20,
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    process.crawl(crawler, sites=sites, out_dir=args.data_dir)
    t0 = time.perf_counter()
    process.start()
    wall = time.perf_counter() - t0
    crawl_peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the report
    spider = crawler.spider
    assert isinstance(spider, BenchSpider)
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    report = {
        "tool": "scrapy",
        "wall_s": wall,
        "crawl_peak_rss_kb": crawl_peak_kb,
        "pages_ok": len(spider.pages),
        "urls": sorted(spider.pages),
        "requests_ok": stats.get("downloader/response_status_count/200", 0),
        "requests": stats.get("downloader/request_count", 0),
        "not_ok": sum(v for k, v in stats.items() if k.startswith("downloader/exception_count")),
        "robots_forbidden": stats.get("robotstxt/forbidden", 0),
        "output_bytes": sum(p.stat().st_size for p in args.data_dir.glob("*.bodies.gz")),
        "output": "decoded bodies, one gzip stream per site",
        "counts": dict(spider.counts),
        "stats": {k: v for k, v in stats.items() if isinstance(v, int | float | str)},
    }
    args.out.write_text(json.dumps(report, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
