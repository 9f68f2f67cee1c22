"""Incremental runs: conditional requests, 304 revisits, unchanged pages and the extract stage
skipping a site whose pages all stayed the same (issue 5), against real servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.io import read_manifest, read_rows
from pipeline.paths import RunPaths
from pipeline.runner import run_stage

from .conftest import Reply, ScriptedServer

WORDS = [
    "morning",
    "light",
    "shapes",
    "how",
    "the",
    "body",
    "keeps",
    "time",
    "and",
    "a",
    "short",
    "walk",
    "before",
    "work",
    "resets",
    "the",
    "internal",
    "clock",
    "more",
    "reliably",
    "than",
    "any",
    "supplement",
    "sold",
    "for",
    "the",
    "purpose",
    "while",
    "people",
    "who",
    "keep",
    "the",
    "same",
    "wake",
    "time",
    "on",
    "weekends",
    "report",
    "steadier",
    "energy",
    "and",
    "fewer",
    "afternoon",
    "slumps",
]


def _prose(title: str, n: int) -> str:
    """Sentences that differ from page to page (repeated text would be site boilerplate)."""
    seed = sum(map(ord, title)) + n
    words = [WORDS[(seed * (i + 3) + i * i) % len(WORDS)] for i in range(60)]
    return " ".join(words).capitalize() + "."


def _page(title: str, extra: str = "") -> bytes:
    first, second = _prose(title, 1), _prose(title, 2)
    body = f"<article><h1>{title}</h1><p>{first}{extra}</p><p>{second}</p></article>"
    head = f"<head><title>{title}</title></head>"
    return f"<!doctype html><html>{head}<body>{body}</body></html>".encode()


def _site(srv: ScriptedServer, changing: bool) -> None:
    links = "".join(f'<a href="/posts/{p}">{p}</a>' for p in ("etag", "modified", "plain", "edit"))
    srv.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    srv.route("/", Reply(body=f"<html><body>{links}</body></html>".encode()))
    srv.route("/posts/etag", Reply(body=_page("Etag post"), headers={"ETag": '"v1"'}))
    srv.route(
        "/posts/modified",
        Reply(body=_page("Dated post"), headers={"Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"}),
    )
    srv.route("/posts/plain", Reply(body=_page("Plain post")))  # no validators: hash decides
    if changing:  # the second request of the run sees an edited post
        srv.route("/posts/edit", lambda n: Reply(body=_page("Edited post", f" edit {min(n, 1)}")))
    else:
        srv.route("/posts/edit", Reply(body=_page("Edited post")))


def _config(blog: ScriptedServer, stable: ScriptedServer) -> Config:
    return Config(
        user_agent="content-audit-test/1.0",
        sites=[
            SiteConfig(name="blog", url=f"{blog.base}/", max_depth=1),  # type: ignore[arg-type]
            SiteConfig(name="stable", url=f"{stable.base}/", max_depth=1),  # type: ignore[arg-type]
        ],
        crawl=CrawlConfig(delay_s=0.0, timeout_s=2.0, connect_timeout_s=1.0, retries=0),
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("data")
    with ScriptedServer() as blog, ScriptedServer() as stable:
        _site(blog, changing=True)
        _site(stable, changing=False)
        config = _config(blog, stable)
        first, second = RunPaths(data, "r1"), RunPaths(data, "r2")
        for paths in (first, second):
            for stage in ("crawl", "extract"):
                run_stage(stage, paths, config)
        yield {
            "blog": blog,
            "stable": stable,
            "first": first,
            "second": second,
            "rows": {
                (r["site"], r["url"].split(":", 2)[2].split("/", 1)[1]): r
                for r in read_rows(second.crawl_pages)
            },
        }


def test_second_run_sends_the_validators_of_the_first(runs: dict[str, Any]) -> None:
    etag_hits = [h for h in runs["blog"].hits if h.path == "/posts/etag"]
    modified_hits = [h for h in runs["blog"].hits if h.path == "/posts/modified"]
    assert len(etag_hits) == 2 and len(modified_hits) == 2
    assert "if-none-match" not in etag_hits[0].headers  # the first run knew nothing
    assert etag_hits[1].headers["if-none-match"] == '"v1"'
    assert modified_hits[1].headers["if-modified-since"] == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert [h.status for h in etag_hits] == [200, 304]


def test_rows_say_what_is_unchanged(runs: dict[str, Any]) -> None:
    rows = runs["rows"]
    for site in ("blog", "stable"):
        assert rows[(site, "posts/etag")]["status"] == 304
        assert rows[(site, "posts/modified")]["status"] == 304
        assert rows[(site, "posts/plain")]["status"] == 200
        for post in ("etag", "modified", "plain"):
            row = rows[(site, f"posts/{post}")]
            assert row["ok"] and row["unchanged"] is True and row["previous_run_id"] == "r1"
    assert rows[("blog", "posts/edit")]["unchanged"] is False
    assert rows[("stable", "posts/edit")]["unchanged"] is True
    # A 304 points at the body archived by the first run; a 200 at this run's own record.
    assert rows[("blog", "posts/etag")]["warc_file"] == "raw/r1/blog.warc.gz"
    assert rows[("blog", "posts/plain")]["warc_file"] == "raw/r2/blog.warc.gz"
    assert rows[("blog", "posts/etag")]["bytes"] == len(_page("Etag post"))
    summary = read_manifest(runs["second"], "crawl")
    assert (
        summary is not None and summary["counts"]["pages_unchanged"] == 9
    )  # 2 sites x (home + 4 posts), 1 edited


def test_304_is_archived_as_a_revisit_record(runs: dict[str, Any]) -> None:
    with runs["second"].warc("blog").open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(fh)
        ]
    revisits = [(uri, h) for kind, uri, h in records if kind == "revisit"]
    assert {uri.rsplit("/", 1)[1] for uri, _ in revisits} == {"etag", "modified"}
    for _, headers in revisits:
        assert headers.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
        assert headers.get_header("WARC-Refers-To-Target-URI").endswith(("/etag", "/modified"))


def test_extract_reads_revisited_bodies_and_reuses_unchanged_sites(runs: dict[str, Any]) -> None:
    first = {(p["site"], p["url"]): p for p in read_rows(runs["first"].extract_posts)}
    second = {(p["site"], p["url"]): p for p in read_rows(runs["second"].extract_posts)}
    assert set(first) == set(second) and len(second) == 8
    for key, post in second.items():
        assert post["run_id"] == "r2"
        if not key[1].endswith("/edit") or key[0] == "stable":
            assert post["main_text"] == first[key]["main_text"]
    edited = second[("blog", f"{runs['blog'].base}/posts/edit")]["main_text"]
    assert "edit 1" in edited
    summary = read_manifest(runs["second"], "extract")
    assert summary is not None
    # "stable" had no change: copied. "blog" had one: re-extracted whole, 304 bodies included.
    assert summary["counts"]["sites_reused"] == 1
    assert summary["counts"]["documents_reused"] == 5
    blocks = read_rows(runs["second"].extract_blocks)
    assert {b["run_id"] for b in blocks} == {"r2"}
    assert {b["site"] for b in blocks} == {"blog", "stable"}


def test_changed_extractor_means_no_reuse(runs: dict[str, Any]) -> None:
    from pipeline.extract import reuse

    second = runs["second"]
    site_rows = [r for r in read_rows(second.crawl_pages) if r["site"] == "stable"]
    assert reuse.reusable_run(RunPaths(second.data_dir, "r3"), site_rows) is not None
    marker = second.stage_dir("extract").parent.parent / "r1" / "extract" / reuse.FINGERPRINT_FILE
    saved = marker.read_bytes()
    try:
        marker.write_text('{"extractor": "an older extractor"}')
        assert reuse.reusable_run(RunPaths(second.data_dir, "r3"), site_rows) is None
    finally:
        marker.write_bytes(saved)
