"""End to end on real pages: two blogs of the shared extraction pages, served on 127.0.0.1.

The corpus (``pipeline.demo.realweb``) is 12 real articles and 8 real non-article pages, with
exact and edited copies on the second blog and broken pages on the first; the whole pipeline
runs on it (about 40 s). Skipped when ``../shared/data`` (the extraction sets) is not beside the
repository: ``benchmarks/realweb/README.md`` says where it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.realweb.figures import load_manifest
from pipeline.demo import serve_sites
from pipeline.demo.realweb import SETS, build_realweb, write_realweb_config
from pipeline.io import StageSummary, read_rows
from pipeline.paths import STAGES, RunPaths
from pipeline.runner import resolve_config, run_all

pytestmark = pytest.mark.slow


@dataclass
class RealRun:
    paths: RunPaths
    manifest: list[dict[str, Any]]
    summaries: dict[str, StageSummary]

    def rows(self, path: Path) -> dict[str, dict[str, Any]]:
        return {r["url"]: r for r in read_rows(path)}

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [p for p in self.manifest if p["kind"] == kind]


@pytest.fixture(scope="module")
def real_run(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRun]:
    data = shared_dir / "data"
    if not all((data / name / "ground-truth.json").exists() for name in SETS):
        pytest.skip(f"{data} lacks {' and '.join(SETS)} (see benchmarks/realweb/README.md)")
    tmp = tmp_path_factory.mktemp("realweb")
    build_realweb(data, tmp / "sites", blogs=("health-a", "health-b"), per_blog=6)
    paths = RunPaths(tmp / "data", "realweb", tmp / "reports")
    with serve_sites(tmp / "sites") as served:
        config = resolve_config(paths, write_realweb_config(tmp / "sites.yaml", served))
        summaries = run_all(paths, config)
        manifest = load_manifest(tmp / "sites", {s.name: s.url for s in served})
    yield RealRun(paths, manifest, summaries)


def test_every_stage_finishes(real_run: RealRun) -> None:
    assert list(real_run.summaries) == list(STAGES)
    assert real_run.summaries["extract"].counts["posts"] > 0


def test_every_url_has_a_pages_row(real_run: RealRun) -> None:
    crawled = real_run.rows(real_run.paths.crawl_pages)
    assert [p["url"] for p in real_run.manifest if p["url"] not in crawled] == []
    with duckdb.connect(str(real_run.paths.warehouse), read_only=True) as con:
        rows = con.execute("select url from pages where run_id = ?", ["realweb"]).fetchall()
    loaded = {r[0] for r in rows}
    assert loaded == set(crawled)


def test_every_html_page_is_a_post_or_has_a_reason(real_run: RealRun) -> None:
    docs = real_run.rows(real_run.paths.extract_documents)
    html = [
        url
        for url, r in real_run.rows(real_run.paths.crawl_pages).items()
        if r["ok"] and "html" in (r["content_type"] or "")
    ]
    assert len(html) >= 20
    unexplained = [u for u in html if not (docs[u]["post_id"] or docs[u]["reason"])]
    assert unexplained == []


def test_exact_copies_are_grouped_with_their_originals(real_run: RealRun) -> None:
    posts = {r["url"]: r["post_id"] for r in read_rows(real_run.paths.extract_posts)}
    group = {r["post_id"]: r["group_id"] for r in read_rows(real_run.paths.dedup_members)}
    # A copy of a page extract did not keep as a post cannot be grouped: that is extraction's
    # recall (measured by the benchmark), so only pairs where both are posts are checked here.
    pairs = [
        (posts[p["url"]], posts[p["copy_of_url"]])
        for p in real_run.of_kind("exact_copy")
        if p["url"] in posts and p["copy_of_url"] in posts
    ]
    assert pairs, "no exact copy whose original is a post: the check would be empty"
    for copy, original in pairs:
        assert group.get(copy) is not None and group.get(copy) == group.get(original)


def test_broken_pages_are_recorded_with_their_status_and_reason(real_run: RealRun) -> None:
    crawled = real_run.rows(real_run.paths.crawl_pages)
    docs = real_run.rows(real_run.paths.extract_documents)
    [server_error] = real_run.of_kind("server_error")
    assert crawled[server_error["url"]]["status"] == 500
    assert crawled[server_error["url"]]["error_class"]
    [missing] = real_run.of_kind("missing")
    assert crawled[missing["url"]]["status"] == 404
    assert crawled[missing["url"]]["error_class"]
    [empty] = real_run.of_kind("empty")
    assert docs[empty["url"]]["reason"] == "empty_document"
    for page in real_run.of_kind("disallowed"):
        assert crawled[page["url"]]["error_class"] == "robots_disallowed"
    [truncated] = real_run.of_kind("truncated")
    assert docs[truncated["url"]]["post_id"] or docs[truncated["url"]]["reason"]
