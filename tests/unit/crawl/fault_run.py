"""The crawler process of the fault matrix (``test_fault_matrix``): run inside a network
namespace that has only loopback, with the strict socket guard on.

Starts the misbehaving sites on 127.0.0.1, crawls them with the real stage function, and writes
what happened (the ``pages`` rows, every request each server received, guard violations, peak
RSS) as JSON to the path given. Run: ``python -m tests.unit.crawl.fault_run OUT.json``.
"""

from __future__ import annotations

import gzip
import json
import resource
import sys
import tempfile
import threading
from pathlib import Path

import brotli

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.crawl import run
from pipeline.crawl.archive import iter_responses
from pipeline.crawl.encoding import decode_html
from pipeline.io import read_rows
from pipeline.paths import RunPaths

from .conftest import VIOLATIONS, Reply, ScriptedServer, strict_socket_guard

TIMEOUT_S = 1.5
MAX_BODY = 256 * 1024
BIG_SITEMAP_URLS = 50_000
BIG_SITE_MAX_PAGES = 20
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
JAPANESE = "日本語のページです。文字コードの宣言がありません。健康的な睡眠と食事について。" * 20

# path -> expected error_class (None: fetched fine). The test asserts each.
FAULTS: dict[str, str | None] = {
    "/slow-headers": "timeout",
    "/trickle": "timeout",
    "/reset": "network_error",
    "/s404": "http_error",
    "/s410": "http_error",
    "/s500": "http_error",
    "/s502": "http_error",
    "/s503": "http_error",
    "/throttled": None,
    "/loop-a": "redirect_loop",
    "/hop/1": "too_many_redirects",
    "/to-metadata": "private_address",
    "/to-private": "private_address",
    "http://10.0.0.1/x": "private_address",
    "/endless": "too_large",
    "/fifty-mb": "too_large",
    "/bomb": "too_large",
    "/br-bomb": "too_large",
    "/doc.pdf": "unsupported_content_type",
    "/image.png": "unsupported_content_type",
    "/binary.html": "unsupported_content_type",
    "/latin1": None,
    "/sjis": None,
    "/bad-utf8": None,
    "/deep": None,
    "/empty": None,
}
POSTS = [f"/posts/{i}" for i in range(1, 6)]


def _html(body: str) -> bytes:
    return f"<!doctype html><html><body>{body}</body></html>".encode()


def _post(name: str) -> Reply:
    return Reply(body=_html(f"<article><h1>{name}</h1><p>text of {name}</p></article>"))


def _faulty(srv: ScriptedServer) -> None:
    base = srv.base
    robots = "User-agent: *\nAllow: /\n" + "".join(
        f"Sitemap: {base}{p}\n" for p in ("/sitemap-bomb.xml", "/sitemap-bad.xml", "/sitemap.xml")
    )
    srv.route("/robots.txt", Reply(body=robots.encode(), content_type="text/plain"))
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};">' for i in range(1, 30))
    bomb = f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e0 "lol">{entities}]><urlset {NS}>'
    srv.route(
        "/sitemap-bomb.xml",
        Reply(
            body=(bomb + "<url><loc>&e29;</loc></url></urlset>").encode(), content_type="text/xml"
        ),
    )
    srv.route("/sitemap-bad.xml", Reply(body=b"<urlset><url><loc>", content_type="text/xml"))
    locs = "".join(f"<url><loc>{base}{p}</loc></url>" for p in POSTS)
    srv.route(
        "/sitemap.xml",
        Reply(body=f"<urlset {NS}>{locs}</urlset>".encode(), content_type="text/xml"),
    )
    links = [
        *FAULTS,
        "/posts/1?utm_source=news&utm_medium=mail",
        "/posts/1?fbclid=abc",
        "/posts/1#top",
    ]
    srv.route("/", Reply(body=_html("".join(f'<a href="{h}">{h}</a>' for h in links))))
    for path in POSTS:
        srv.route(path, _post(path))
    page = _html("<p>" + "slow " * 2000 + "</p>")
    srv.route("/slow-headers", Reply(body=page, delay_s=TIMEOUT_S * 2))
    srv.route("/trickle", Reply(body=page, trickle_s=0.4))
    srv.route("/reset", Reply(body=page, reset_after=len(page) // 3))
    for status in (404, 410, 500, 502, 503):
        srv.route(f"/s{status}", Reply(status, b"<p>error</p>"))
    srv.route(
        "/throttled",
        lambda n: Reply(429, b"", headers={"Retry-After": "1"}) if n == 0 else _post("throttled"),
    )
    srv.route("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    srv.route("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    for i in range(1, 21):  # a 20-hop chain, over the limit of 10
        srv.route(f"/hop/{i}", Reply(302, headers={"Location": f"/hop/{i + 1}"}))
    srv.route("/hop/21", _post("end of the chain"))
    srv.route(
        "/to-metadata",
        Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    )
    srv.route("/to-private", Reply(302, headers={"Location": "http://10.0.0.1/"}))
    srv.route("/endless", Reply(endless=True, content_length=False))
    srv.route("/fifty-mb", Reply(body=b"<p>" + b"x" * (50 * 1024 * 1024)))
    srv.route(
        "/bomb",
        Reply(
            body=gzip.compress(b"<p>" + b"\0" * (50 * 1024 * 1024), compresslevel=1),
            headers={"Content-Encoding": "gzip"},
        ),
    )
    srv.route(
        "/br-bomb",
        Reply(
            # quality 1: building the bomb at brotli's default 11 costs the test more memory
            # than the crawl under test uses
            body=brotli.compress(b"<p>" + b"\0" * (50 * 1024 * 1024), quality=1),
            headers={"Content-Encoding": "br"},
        ),
    )
    srv.route("/doc.pdf", Reply(body=b"%PDF-1.4 " + b"0" * 100, content_type="application/pdf"))
    srv.route("/image.png", Reply(body=b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"))
    srv.route(
        "/binary.html",
        Reply(body=b"\x00\x01\x02" * 100, content_type="application/octet-stream"),
    )
    srv.route(
        "/latin1",
        Reply(
            body=_html("<p>Caf\xe9 cr\xe8me br\xfbl\xe9e</p>" * 30).decode().encode("latin-1"),
            content_type="text/html",
        ),
    )
    srv.route(
        "/sjis",
        Reply(
            body=_html(f"<p>{JAPANESE}</p>").decode().encode("shift_jis"), content_type="text/html"
        ),
    )
    srv.route(
        "/bad-utf8",
        Reply(
            body=_html("<p>ok</p>") + b"\xff\xfe\xc3(\xa0\xa1",
            content_type="text/html; charset=utf-8",
        ),
    )
    deep = "<div>" * 10_000 + '<a href="/posts/5">deep link</a>' + "</div>" * 10_000
    srv.route("/deep", Reply(body=_html(deep)))
    srv.route("/empty", Reply(body=b""))


def _big(srv: ScriptedServer) -> None:
    robots = f"User-agent: *\nAllow: /\nSitemap: {srv.base}/big.xml\n"
    srv.route("/robots.txt", Reply(body=robots.encode(), content_type="text/plain"))
    locs = "".join(f"<url><loc>{srv.base}/p/{i}</loc></url>" for i in range(BIG_SITEMAP_URLS))
    srv.route(
        "/big.xml", Reply(body=f"<urlset {NS}>{locs}</urlset>".encode(), content_type="text/xml")
    )
    srv.route("/", _post("big home"))
    for i in range(BIG_SITE_MAX_PAGES):
        srv.route(f"/p/{i}", _post(f"p{i}"))


def _robots_site(srv: ScriptedServer, robots: Reply) -> None:
    srv.route("/robots.txt", robots)
    srv.route("/", Reply(body=_html('<a href="/posts/1">1</a><a href="/posts/2">2</a>')))
    for path in POSTS[:2]:
        srv.route(path, _post(path))


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


class RssSampler:
    """Resident memory just before the crawl and its maximum while the crawl runs (sampled
    every 20 ms): the crawl's own growth, apart from what building the test bodies cost."""

    def __init__(self) -> None:
        self.before_mb = self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_mb = max(self.peak_mb, _rss_mb())

    def __enter__(self) -> RssSampler:
        self.before_mb = self.peak_mb = _rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _rss_mb())


# path -> text its archived body must decode to (no charset declared for the first two).
DECODED = {"/latin1": "Café crème brûlée", "/sjis": JAPANESE[:20], "/bad-utf8": "<p>ok</p>"}


def _decoded(warc: Path, base: str) -> dict[str, bool]:
    """For each DECODED page: does its archived body, decoded as extract decodes it, hold the
    text the server meant (charset from header, then <meta>, then detection)?"""
    found = {}
    for resp in iter_responses(warc):
        path = resp.url.removeprefix(base)
        if path in DECODED:
            text = decode_html(resp.body, resp.headers.get("content-type"))
            found[path] = DECODED[path] in text
    return found


def _downstream(paths: RunPaths, config: Config) -> dict[str, object]:
    """Every stage after the crawl, through the load: each faulty page must reach the
    warehouse as a ``pages`` row (issue 16: a findings-key crash once lost all of them)."""
    import duckdb

    from pipeline.runner import run_stage

    for stage in ("extract", "dedup", "topics", "audit", "load"):
        run_stage(stage, paths, config)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        pages = con.execute(
            "select site, url, error_class, page_type, reason from pages where run_id = ?",
            [paths.run_id],
        ).fetchall()
        status = con.execute("select status from runs where run_id = ?", [paths.run_id]).fetchone()
    return {"pages": [list(p) for p in pages], "status": status[0] if status else None}


def main(out: Path) -> None:
    strict_socket_guard()
    servers = {
        name: ScriptedServer()
        for name in ("faulty", "big", "robots500", "robots404", "disallowall")
    }
    _faulty(servers["faulty"])
    _big(servers["big"])
    _robots_site(servers["robots500"], Reply(500, b"oops", content_type="text/plain"))
    _robots_site(servers["robots404"], Reply(404, b"", content_type="text/plain"))
    _robots_site(
        servers["disallowall"],
        Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain"),
    )
    for srv in servers.values():
        srv.__enter__()
    try:
        config = Config(
            user_agent="content-audit-faults/1.0",
            sites=[
                SiteConfig(
                    name=name,
                    url=f"{srv.base}/",  # type: ignore[arg-type]
                    max_pages=BIG_SITE_MAX_PAGES if name == "big" else 100,
                    max_depth=2,
                )
                for name, srv in servers.items()
            ],
            crawl=CrawlConfig(
                delay_s=0.0,
                concurrency_per_host=4,
                timeout_s=TIMEOUT_S,
                connect_timeout_s=1.0,
                retries=1,
                max_body_bytes=MAX_BODY,
                max_redirects=10,
                incremental=False,
            ),
        )
        with tempfile.TemporaryDirectory() as tmp:
            paths = RunPaths(Path(tmp), "faults")
            with RssSampler() as rss:
                summary = run(paths, config)
            rows = read_rows(paths.crawl_pages)
            decoded = _decoded(paths.warc("faulty"), servers["faulty"].base)
            loaded = _downstream(paths, config)
    finally:
        for srv in servers.values():
            srv.__exit__()
    keep = (
        "site",
        "url",
        "final_url",
        "status",
        "ok",
        "error_class",
        "error_message",
        "retries",
        "elapsed_ms",
        "bytes",
    )
    result = {
        "bases": {name: srv.base for name, srv in servers.items()},
        "rows": [{k: r[k] for k in keep} for r in rows],
        "hits": {name: [[h.path, h.status] for h in srv.hits] for name, srv in servers.items()},
        "violations": [[event, repr(target)] for event, target in VIOLATIONS],
        "counts": summary.counts,
        "decoded": decoded,
        "loaded": loaded,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "crawl_rss_before_mb": rss.before_mb,
        "crawl_rss_peak_mb": rss.peak_mb,
    }
    out.write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
