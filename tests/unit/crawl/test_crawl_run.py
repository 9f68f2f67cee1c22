"""The crawl stage end to end against one scripted, misbehaving site on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.crawl import run
from pipeline.crawl.archive import iter_responses
from pipeline.crawl.encoding import decode_html
from pipeline.io import StageSummary
from pipeline.paths import RunPaths

from .conftest import Reply, ScriptedServer, recording_network

UA = "content-audit-test/1.0"
CRAWL_DELAY = 0.1  # from robots.txt; larger than the configured 0.05, so it must win
BIG = 64 * 1024  # max_body_bytes for this site


def _html(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def _links(*hrefs: str) -> bytes:
    return _html("".join(f'<a href="{h}">{h}</a>' for h in hrefs))


def _post(name: str) -> Reply:
    return Reply(body=_html(f"<h1>{name}</h1><p>text of {name}</p>"), headers={"ETag": f'"{name}"'})


def _script(srv: ScriptedServer) -> None:
    base = srv.base
    srv.route(
        "/robots.txt",
        Reply(
            body=(
                f"User-agent: *\nDisallow: /private/\nCrawl-delay: {CRAWL_DELAY}\n"
                f"Sitemap: {base}/sitemap_index.xml\n"
            ).encode(),
            content_type="text/plain",
        ),
    )
    srv.route(
        "/sitemap_index.xml",
        Reply(
            body=(
                '<?xml version="1.0"?><sitemapindex '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemaps/posts.xml.gz</loc></sitemap></sitemapindex>"
            ).encode(),
            content_type="application/xml",
        ),
    )
    urlset = "".join(
        f"<url><loc>{base}{p}</loc></url>"
        for p in ("/posts/a", "/posts/b?utm_source=news&amp;id=2", "/flaky", "/throttled")
    )
    srv.route(
        "/sitemaps/posts.xml.gz",
        Reply(
            body=gzip.compress(
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset}</urlset>'.encode()
            ),
            content_type="application/gzip",
        ),
    )
    srv.route(
        "/",
        Reply(
            body=_html(
                '<a href="/listing/">all posts</a>',
                head='<link rel="alternate" type="application/rss+xml" href="/feed.xml">',
            )
        ),
    )
    srv.route(
        "/feed.xml",
        Reply(
            body=(
                '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                f"<item><link>{base}/posts/c</link></item>"
                f"<item><link>{base}/posts/a</link></item></channel></rss>"
            ).encode(),
            content_type="application/rss+xml",
        ),
    )
    srv.route(
        "/listing/",
        Reply(
            body=_links(
                "/posts/a",
                "/posts/d#comments",
                "/private/secret",
                "http://example.com/offsite",
                "http://10.0.0.1/x",
                "/always-503",
                "/redirect-1",
                "/loop-a",
                "/hop/1",
                "/redirect-private",
                "/redirect-offsite",
                "/slow",
                "/huge",
                "/bomb",
                "/doc.pdf",
                "/latin1",
                "/cp1252",
                "/missing",
            )
        ),
    )
    for name in ("a", "b?id=2", "c", "d", "e"):
        srv.route(f"/posts/{name}", _post(name))
    srv.route("/private/secret", _post("secret"))
    srv.route("/flaky", lambda n: Reply(500, b"oops") if n == 0 else _post("flaky"))
    srv.route(
        "/throttled",
        lambda n: Reply(429, b"slow down", headers={"Retry-After": "1"}) if n == 0 else _post("t"),
    )
    srv.route("/always-503", Reply(503, b"down"))
    srv.route("/redirect-1", Reply(301, headers={"Location": "/redirect-2"}))
    srv.route("/redirect-2", Reply(302, headers={"Location": f"{base}/posts/e"}))
    srv.route("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    srv.route("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    for i in range(1, 6):
        srv.route(f"/hop/{i}", Reply(302, headers={"Location": f"/hop/{i + 1}"}))
    srv.route("/redirect-private", Reply(302, headers={"Location": "http://10.0.0.2/admin"}))
    srv.route("/redirect-offsite", Reply(302, headers={"Location": "http://example.com/"}))
    srv.route("/slow", Reply(body=_html("late"), delay_s=2.5))
    srv.route("/huge", Reply(body=b"<p>" + b"x" * (BIG * 4), content_length=False))
    srv.route(
        "/bomb",
        Reply(
            body=gzip.compress(b"<p>" + b"\0" * (50 * 1024 * 1024)),
            headers={"Content-Encoding": "gzip"},
        ),
    )
    srv.route("/doc.pdf", Reply(body=b"%PDF-1.4 ...", content_type="application/pdf"))
    srv.route(
        "/latin1",
        Reply(
            body=_html("<p>caf\xe9 \x93quoted\x94</p>").decode().encode("latin-1"),
            content_type="text/html; charset=iso-8859-1",
        ),
    )
    srv.route(
        "/cp1252",
        Reply(
            body="<p>Na\xefve \u201cquotes\u201d \u2013 caf\xe9</p>".encode("cp1252"),
            content_type="text/html",
        ),
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("data")
    with ScriptedServer() as srv:
        _script(srv)
        config = Config(
            user_agent=UA,
            sites=[SiteConfig(name="blog", url=f"{srv.base}/", max_depth=3, max_pages=100)],
            crawl=CrawlConfig(
                delay_s=0.05,
                concurrency_per_host=4,
                timeout_s=1.0,
                connect_timeout_s=1.0,
                retries=1,
                max_body_bytes=BIG,
                max_redirects=3,
            ),
        )
        paths = RunPaths(data_dir=data, run_id="r1")
        with recording_network() as net:
            summary = run(paths, config)
        rows = pq.read_table(paths.crawl_pages).to_pylist()
        yield {
            "srv": srv,
            "paths": paths,
            "summary": summary,
            "rows": rows,
            "by_path": {r["url"].removeprefix(srv.base): r for r in rows},
            "network": list(net),
        }


def test_every_url_is_one_row(crawled: dict[str, Any]) -> None:
    urls = [r["url"] for r in crawled["rows"]]
    assert len(urls) == len(set(urls))
    assert all(r["run_id"] == "r1" and r["site"] == "blog" for r in crawled["rows"])
    # Off-site links are out of scope: not fetched and not rows.
    assert not any("example.com/offsite" in u for u in urls)


def test_discovery_via_robots_sitemap_index_gzip_feed_and_links(crawled: dict[str, Any]) -> None:
    by = crawled["by_path"]
    assert by["/robots.txt"]["ok"] and by["/robots.txt"]["discovered_via"] == "start"
    assert by["/sitemap_index.xml"]["discovered_via"] == "robots"
    assert by["/sitemaps/posts.xml.gz"]["discovered_via"] == "sitemap"
    # Listed by the sitemap, the feed and the listing: whichever came first, fetched once.
    assert by["/posts/a"]["discovered_via"] in ("sitemap", "feed", "link")
    assert crawled["srv"].paths().count("/posts/a") == 1
    b = by["/posts/b?id=2"]  # utm_source dropped before queueing
    assert b["ok"] and b["discovered_via"] == "sitemap"
    assert by["/feed.xml"]["discovered_via"] == "link"
    assert by["/posts/c"]["discovered_via"] == "feed"
    assert by["/posts/d"]["discovered_via"] == "link" and by["/posts/d"]["depth"] == 2
    assert "/sitemap.xml" not in by  # robots.txt named the sitemap: no fallback probe


def test_robots_disallowed_never_requested(crawled: dict[str, Any]) -> None:
    row = crawled["by_path"]["/private/secret"]
    assert row["error_class"] == "robots_disallowed"
    assert row["robots_allowed"] is False and row["status"] is None
    assert "/private/secret" not in crawled["srv"].paths()


def test_private_address_refused_without_any_connection(crawled: dict[str, Any]) -> None:
    row = crawled["by_path"]["http://10.0.0.1/x"]
    assert row["error_class"] == "private_address"
    assert row["status"] is None and row["fetched_at"] is None
    redirected = crawled["by_path"]["/redirect-private"]
    assert redirected["error_class"] == "private_address"
    assert redirected["redirect_chain"][-1] == "http://10.0.0.2/admin"
    # Nothing but the test server was ever connected to or even looked up.
    port = crawled["srv"].port
    targets = {t for _, t in crawled["network"]}
    assert targets, "the audit hook saw no connection at all: the guard is broken"
    for target in targets:
        assert target in (("127.0.0.1", port), "127.0.0.1"), target


def test_retries_on_500_and_429_with_retry_after(crawled: dict[str, Any]) -> None:
    by = crawled["by_path"]
    assert by["/flaky"]["ok"] and by["/flaky"]["status"] == 200 and by["/flaky"]["retries"] == 1
    assert by["/throttled"]["ok"] and by["/throttled"]["retries"] == 1
    times = [h.at for h in crawled["srv"].hits if h.path == "/throttled"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # Retry-After: 1 was honoured
    always = by["/always-503"]
    assert always["error_class"] == "http_error" and always["status"] == 503
    assert always["retries"] == 1
    assert crawled["srv"].paths().count("/always-503") == 2
    missing = by["/missing"]
    assert missing["error_class"] == "http_error" and missing["status"] == 404
    assert missing["retries"] == 0  # a 404 is not retried


def test_redirects(crawled: dict[str, Any]) -> None:
    by, base = crawled["by_path"], crawled["srv"].base
    chain = by["/redirect-1"]
    assert chain["ok"] and chain["status"] == 200 and chain["final_url"] == f"{base}/posts/e"
    assert chain["redirect_chain"] == [
        f"{base}/redirect-1",
        f"{base}/redirect-2",
        f"{base}/posts/e",
    ]
    assert by["/loop-a"]["error_class"] == "redirect_loop"
    assert by["/loop-a"]["redirect_chain"] == [f"{base}/loop-a", f"{base}/loop-b", f"{base}/loop-a"]
    assert by["/hop/1"]["error_class"] == "too_many_redirects"
    assert "/hop/5" not in crawled["srv"].paths()  # stopped after max_redirects=3 hops
    assert by["/redirect-offsite"]["error_class"] == "out_of_scope_redirect"


def test_timeout_size_and_content_type_limits(crawled: dict[str, Any]) -> None:
    by = crawled["by_path"]
    assert by["/slow"]["error_class"] == "timeout" and by["/slow"]["retries"] == 1
    assert by["/huge"]["error_class"] == "too_large"
    bomb = by["/bomb"]
    assert bomb["error_class"] == "too_large" and "decoded" in bomb["error_message"]
    pdf = by["/doc.pdf"]
    assert pdf["error_class"] == "unsupported_content_type" and pdf["status"] == 200
    assert pdf["content_type"] == "application/pdf" and pdf["warc_offset"] is None


def test_charsets_decode_without_crash(crawled: dict[str, Any]) -> None:
    bodies = {r.url: r for r in iter_responses(_warc(crawled))}
    base = crawled["srv"].base
    latin = bodies[f"{base}/latin1"]
    # latin-1 labels are decoded as windows-1252, like browsers do: 0x93/0x94 are curly quotes.
    assert "caf\xe9 \u201cquoted\u201d" in decode_html(latin.body, latin.headers["content-type"])
    cp = bodies[f"{base}/cp1252"]
    text = decode_html(cp.body, cp.headers["content-type"])
    assert "quotes" in text and "caf" in text


def test_rows_record_incremental_fields(crawled: dict[str, Any]) -> None:
    row = crawled["by_path"]["/posts/a"]
    assert row["etag"] == '"a"' and len(row["content_sha1"]) == 40
    assert row["bytes"] > 0 and row["fetched_at"].tzinfo is not None


def test_warc_holds_what_was_fetched(crawled: dict[str, Any]) -> None:
    warc = _warc(crawled)
    assert not list(warc.parent.glob(".*.tmp"))
    base = crawled["srv"].base
    statuses = {r.url: r.status for r in iter_responses(warc)}
    assert statuses[f"{base}/robots.txt"] == 200
    assert statuses[f"{base}/sitemaps/posts.xml.gz"] == 200
    assert statuses[f"{base}/redirect-1"] == 301 and statuses[f"{base}/redirect-2"] == 302
    assert statuses[f"{base}/posts/e"] == 200
    for refused in ("/doc.pdf", "/huge", "/bomb", "/slow", "/private/secret"):
        assert f"{base}{refused}" not in statuses
    # warc_offset points at the row's own response record.
    for row in crawled["rows"]:
        if row["warc_offset"] is None:
            continue
        assert row["warc_file"] == "raw/r1/blog.warc.gz"
        with warc.open("rb") as fh:
            fh.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == row["final_url"]


def test_request_records_pair_with_responses(crawled: dict[str, Any]) -> None:
    data = _warc(crawled).read_bytes()
    types = [r.rec_type for r in ArchiveIterator(io.BytesIO(data))]
    assert types[0] == "warcinfo"
    assert types.count("request") == types.count("response")


def test_crawl_delay_from_robots_is_honoured(crawled: dict[str, Any]) -> None:
    times = sorted(h.at for h in crawled["srv"].hits if h.path != "/robots.txt")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Measured at the server, so allow a little jitter in arrival versus send time.
    assert min(gaps) >= CRAWL_DELAY * 0.8, min(gaps)


def test_summary_counts_and_reasons(crawled: dict[str, Any]) -> None:
    summary: StageSummary = crawled["summary"]
    rows = crawled["rows"]
    assert summary.counts["sites"] == 1
    assert summary.counts["urls_attempted"] == len(rows)
    assert summary.counts["pages_ok"] == sum(r["ok"] for r in rows)
    assert summary.counts["errors"] == len(rows) - summary.counts["pages_ok"]
    assert summary.dropped["robots_disallowed"] == 1
    assert summary.dropped["private_address"] == 2
    assert summary.counts["links_out_of_scope"] >= 1


def test_rows_in_admission_order_through_the_spool(crawled: dict[str, Any]) -> None:
    # Rows are spooled to disk as they finish (in completion order) and written back in the
    # order the URLs were admitted: robots.txt, the start page, then the sitemap.
    base = crawled["srv"].base
    assert [r["url"] for r in crawled["rows"][:3]] == [
        f"{base}/robots.txt", f"{base}/", f"{base}/sitemap_index.xml"
    ]  # fmt: skip
    paths: RunPaths = crawled["paths"]
    assert sorted(p.name for p in paths.crawl_pages.parent.iterdir()) == [
        "links.parquet", "pages.parquet"
    ]  # fmt: skip


def test_the_internal_link_graph_is_recorded(crawled: dict[str, Any]) -> None:
    # Before: links were followed and forgotten, so a 404 could not be traced to the pages that
    # link to it, and a post linked from nowhere could not be told from one that is.
    base = crawled["srv"].base
    paths: RunPaths = crawled["paths"]
    links = pq.read_table(paths.crawl_links).to_pylist()
    edges = {(r["source_url"], r["target_url"]): r for r in links}

    listing = f"{base}/listing/"
    assert (f"{base}/", listing) in edges and edges[(f"{base}/", listing)]["anchor_text"] == (
        "all posts"
    )
    # The broken link is known with its source and text; off-site links are not internal.
    assert edges[(listing, f"{base}/missing")]["anchor_text"] == "/missing"
    assert not any(t.startswith(("http://example.com", "http://10.")) for _, t in edges)
    # A page's links keep their order; the fragment of /posts/d#comments is dropped.
    from_listing = sorted(
        (r for r in links if r["source_url"] == listing), key=lambda r: r["position"]
    )
    assert [r["target_url"] for r in from_listing[:2]] == [f"{base}/posts/a", f"{base}/posts/d"]
    assert {r["run_id"] for r in links} == {paths.run_id} and {r["site"] for r in links} == {"blog"}


def _warc(crawled: dict[str, Any]) -> Path:
    paths: RunPaths = crawled["paths"]
    return paths.warc("blog")
