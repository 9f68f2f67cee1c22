"""Politeness and robots.txt availability, observed from the server side."""

from __future__ import annotations

import asyncio
import itertools
import socket
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.crawl import run
from pipeline.crawl.fetch import RECOVER_AFTER, HostGate
from pipeline.paths import RunPaths

from .conftest import Reply, ScriptedServer

N_POSTS = 8


def _crawl(tmp_path: Path, sites: list[tuple[str, str]], **crawl: Any) -> list[dict[str, Any]]:
    settings = {"delay_s": 0.05, "timeout_s": 1.0, "connect_timeout_s": 1.0, "retries": 1, **crawl}
    config = Config(
        user_agent="content-audit-test/1.0",
        sites=[SiteConfig(name=name, url=url) for name, url in sites],  # type: ignore[arg-type]
        crawl=CrawlConfig(**settings),
    )
    paths = RunPaths(data_dir=tmp_path, run_id="r1")
    run(paths, config)
    return pq.read_table(paths.crawl_pages).to_pylist()


def _slow_blog(srv: ScriptedServer, delay_s: float = 0.25) -> None:
    links = "".join(f'<a href="/p/{i}">{i}</a>' for i in range(N_POSTS))
    srv.route("/", Reply(body=f"<html><body>{links}</body></html>".encode()))
    for i in range(N_POSTS):
        srv.route(f"/p/{i}", Reply(body=b"<p>post</p>", delay_s=delay_s))


def test_per_host_delay_and_concurrency(tmp_path: Path, server: ScriptedServer) -> None:
    _slow_blog(server)
    rows = _crawl(tmp_path, [("blog", f"{server.base}/")], delay_s=0.1, concurrency_per_host=2)
    assert sum(r["ok"] for r in rows) == 1 + N_POSTS
    starts = sorted(h.at for h in server.hits)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # 0.1 s apart at the client. Arrival times carry the test server's thread scheduling
    # (one gap of 0.070 s was seen with the machine's two cores busy), so one late arrival
    # may shorten the next gap; the mean cannot shrink, and a broken gate gives gaps near 0.
    assert min(gaps) >= 0.05, gaps
    assert sum(gaps) / len(gaps) >= 0.095, gaps
    # Slow replies overlap, so the second slot was used, and never a third.
    assert server.max_in_flight == 2


def test_global_cap_spans_sites(tmp_path: Path) -> None:
    with ScriptedServer() as one, ScriptedServer() as two:
        _slow_blog(one, 0.1)
        _slow_blog(two, 0.1)
        _crawl(
            tmp_path,
            [("one", f"{one.base}/"), ("two", f"{two.base}/")],
            delay_s=0.0,
            concurrency=1,
            concurrency_per_host=2,
        )
        spans = sorted((h.at, h.end or h.at) for h in one.hits + two.hits)
    assert len(spans) >= 2 * (1 + N_POSTS)
    # concurrency=1: a request never starts before the previous one (on either site) ended.
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end - 0.01


def test_robots_404_allows_everything(tmp_path: Path, server: ScriptedServer) -> None:
    _slow_blog(server, 0.0)
    rows = {
        r["url"].removeprefix(server.base): r for r in _crawl(tmp_path, [("b", f"{server.base}/")])
    }
    assert rows["/robots.txt"]["status"] == 404 and rows["/robots.txt"]["retries"] == 0
    assert all(rows[f"/p/{i}"]["ok"] for i in range(N_POSTS))


def test_robots_5xx_disallows_the_whole_site(tmp_path: Path, server: ScriptedServer) -> None:
    _slow_blog(server, 0.0)
    server.route("/robots.txt", Reply(503, b"maintenance"))
    rows = {
        r["url"].removeprefix(server.base): r for r in _crawl(tmp_path, [("b", f"{server.base}/")])
    }
    robots = rows["/robots.txt"]
    assert robots["error_class"] == "http_error" and robots["status"] == 503
    assert robots["retries"] == 1
    start = rows["/"]
    assert start["error_class"] == "robots_disallowed" and "503" in start["error_message"]
    assert server.paths() == ["/robots.txt", "/robots.txt"]  # nothing else was requested


def test_unreachable_site_is_recorded_not_raised(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rows = _crawl(tmp_path, [("gone", f"http://127.0.0.1:{port}/")], retries=0)
    by = {r["url"]: r for r in rows}
    assert by[f"http://127.0.0.1:{port}/robots.txt"]["error_class"] == "connect_error"
    assert by[f"http://127.0.0.1:{port}/"]["error_class"] == "robots_disallowed"
    assert (tmp_path / "raw" / "r1" / "gone.warc.gz").exists()


def test_sites_sharing_an_origin_share_its_delay(tmp_path: Path, server: ScriptedServer) -> None:
    for section in ("a", "b"):
        links = "".join(f'<a href="/{section}/{i}">{i}</a>' for i in range(4))
        server.route(f"/{section}/", Reply(body=f"<p>{links}</p>".encode()))
        for i in range(4):
            server.route(f"/{section}/{i}", Reply(body=b"<p>post</p>"))
    sites = [("a", f"{server.base}/a/"), ("b", f"{server.base}/b/")]
    rows = _crawl(tmp_path, sites, delay_s=0.1, concurrency_per_host=2)
    assert sum(r["ok"] for r in rows) == 2 * 5
    starts = sorted(h.at for h in server.hits)
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.08


def test_429_slows_the_whole_host_down(tmp_path: Path, server: ScriptedServer) -> None:
    """After a 429 with Retry-After: 1, no request to that host starts within the second, not
    only the throttled URL's retry (issue 5: "429 and 503 slow that host down")."""
    links = "".join(f'<a href="/p/{i}">{i}</a>' for i in range(N_POSTS))
    server.route(
        "/", Reply(body=f"<html><body><a href='/busy'>b</a>{links}</body></html>".encode())
    )
    server.route(
        "/busy",
        lambda n: Reply(429, b"", headers={"Retry-After": "1"}) if n == 0 else Reply(body=b"ok"),
    )
    for i in range(N_POSTS):  # slow enough that posts are still queued when the 429 comes
        server.route(f"/p/{i}", Reply(body=b"<p>post</p>", delay_s=0.2))
    rows = _crawl(tmp_path, [("blog", f"{server.base}/")], delay_s=0.0, concurrency_per_host=2)
    assert all(r["ok"] for r in rows if "/p/" in r["url"] or r["url"].endswith("/busy"))
    throttled = next(h for h in server.hits if h.path == "/busy")
    assert throttled.end is not None
    # A request that passed the gate while the 429 was on its way back may land just after it
    # (0.15 s of slack for a loaded machine); none may start later inside the Retry-After
    # window. Without the slow-down, posts keep arriving every ~0.1 s through that window.
    later = [h.at - throttled.end for h in server.hits if h.at > throttled.end + 0.15]
    assert later, "the crawl stopped after the 429"
    assert min(later) >= 0.95, later


def test_slowdown_doubles_then_recovers_to_the_configured_delay() -> None:
    async def scenario() -> list[float]:
        gate = HostGate(0.0, 2)
        seen = []
        for _ in range(3):
            gate.slow_down(None)
            seen.append(gate.delay_s)
        for _ in range(RECOVER_AFTER * 3):
            gate.succeeded()
            seen.append(gate.delay_s)
        return seen

    seen = asyncio.run(scenario())
    assert seen[:3] == [0.5, 1.0, 2.0]
    assert seen[2 + RECOVER_AFTER] == 1.0 and seen[2 + 2 * RECOVER_AFTER] == 0.5
    assert seen[-1] == 0.0  # back to the configured delay, not stuck near it


@pytest.mark.slow
def test_default_politeness_never_exceeds_the_configured_rate(
    tmp_path: Path, server: ScriptedServer
) -> None:
    """Issue 5's measured target, asserted from the server's log: with the defaults (1 s between
    request starts per host, 2 in flight) no window of the crawl saw more than that."""
    _slow_blog(server, delay_s=0.3)
    config = Config(
        user_agent="content-audit-test/1.0",
        sites=[SiteConfig(name="blog", url=f"{server.base}/")],  # type: ignore[arg-type]
    )
    assert (config.crawl.delay_s, config.crawl.concurrency_per_host) == (1.0, 2)
    run(RunPaths(data_dir=tmp_path, run_id="r1"), config)
    starts = sorted(h.at for h in server.hits)
    assert len(starts) >= 1 + N_POSTS  # robots.txt, sitemap.xml, home, posts
    # Arrival times carry the test server's thread scheduling (a few ms); 0.9 s would mean the
    # gate let two requests through in the same second.
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.9, gaps
    for i, at in enumerate(starts):  # never more than n+1 starts in any n-second window
        assert sum(1 for t in starts[i:] if t - at < 5.0) <= 6
    assert server.max_in_flight <= 2
