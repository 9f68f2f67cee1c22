"""Per-site include/exclude patterns decide which pages are fetched (issue 5), seen from the
server's request log."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.crawl import run
from pipeline.paths import RunPaths

from .conftest import Reply, ScriptedServer


def test_include_and_exclude_patterns(tmp_path: Path, server: ScriptedServer) -> None:
    links = ["/posts/a", "/posts/draft-b", "/about", "/posts/c", "/go-draft"]
    home = "".join(f'<a href="{h}">{h}</a>' for h in links)
    canonical = '<link rel="canonical" href="/">'
    server.route(
        "/", Reply(body=f"<html><head>{canonical}</head><body>{home}</body></html>".encode())
    )
    for path in links:
        server.route(path, Reply(body=b"<p>page</p>"))
    server.route("/go-draft", Reply(302, headers={"Location": "/posts/draft-d"}))
    server.route("/posts/c", Reply(302, headers={"Location": "/posts/draft-e"}))
    site = SiteConfig(
        name="blog",
        url=f"{server.base}/",  # type: ignore[arg-type]
        include=["/posts/", "/go-"],
        exclude=[r"/draft-"],
    )
    config = Config(sites=[site], crawl=CrawlConfig(delay_s=0.0, retries=0, timeout_s=2.0))
    paths = RunPaths(tmp_path, "r1")
    summary = run(paths, config)
    requested = set(server.paths())
    assert "/" in requested  # the start URL is always fetched
    assert "/posts/a" in requested
    assert not requested & {"/about", "/posts/draft-b", "/posts/draft-d", "/posts/draft-e"}
    rows = {
        r["url"].removeprefix(server.base): r for r in pq.read_table(paths.crawl_pages).to_pylist()
    }
    assert rows["/posts/c"]["error_class"] == "out_of_scope_redirect"  # redirected into exclude
    assert summary.counts["links_out_of_scope"] == 2  # /about, /posts/draft-b
    assert rows["/"]["canonical_url"] == f"{server.base}/"  # rel=canonical recorded
