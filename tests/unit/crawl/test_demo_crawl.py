"""Crawl the bundled demo blogs: robots.txt is obeyed and every post is fetched."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.crawl import run
from pipeline.crawl.archive import iter_responses
from pipeline.paths import RunPaths


def test_demo_sites_crawl(demo_sites: list, tmp_path: Path) -> None:
    from pipeline.demo import build_sites, demo_config

    # The fixture serves the sites; building them again here only describes them (posts, robots).
    described = {site.name: site for site in build_sites(tmp_path / "described")}
    paths = RunPaths(data_dir=tmp_path / "data", run_id="demo")
    summary = run(paths, demo_config(demo_sites))
    rows = pq.read_table(paths.crawl_pages).to_pylist()
    assert summary.counts["sites"] == len(demo_sites) == len(described)

    for served in demo_sites:
        site = described[served.name]
        assert site.disallowed, f"{site.name}: the demo should disallow something"
        for prefix in site.disallowed:
            hits = [target for target in served.requests if target.startswith(prefix)]
            assert not hits, f"{site.name}: requested disallowed {hits}"
        refused = {
            r["url"]
            for r in rows
            if r["site"] == site.name and r["error_class"] == "robots_disallowed"
        }
        assert refused, f"{site.name}: the linked disallowed page should have a refused row"

        fetched = {r["final_url"] for r in rows if r["site"] == site.name and r["ok"]}
        archived = {r.url for r in iter_responses(paths.warc(site.name)) if r.status == 200}
        for post in site.posts:
            url = served.url.rstrip("/") + post.path
            assert url in fetched, f"{site.name}: post {post.path} not fetched"
            assert url in archived, f"{site.name}: post {post.path} not archived"
