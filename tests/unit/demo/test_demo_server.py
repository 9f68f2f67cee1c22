"""The demo server and the build: real sockets on 127.0.0.1, real files in tmp_path."""

from __future__ import annotations

import http.client
import socket
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.demo import (
    DEMO_USER_AGENT,
    ServedSite,
    build_sites,
    demo_config,
    serve_sites,
    write_demo_config,
)

from .conftest import Demo


def _raw_get(served: ServedSite, target: str, method: str = "GET") -> http.client.HTTPResponse:
    """Send ``target`` byte for byte (httpx and browsers would normalise '/../' away)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    conn.request(method, target)
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_requests_are_recorded_in_order_with_query(demo: Demo) -> None:
    served = demo.served["well-together"]
    demo.get("well-together", "/?utm_source=test")
    demo.get("well-together", "/missing-page/")
    assert served.requests[-2:] == ["/?utm_source=test", "/missing-page/"]


@pytest.mark.parametrize(
    "target",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fcalm-minds/robots.txt",
        "/..\\..\\etc\\passwd",
    ],
)
def test_path_traversal_is_refused(demo: Demo, target: str) -> None:
    resp = _raw_get(demo.served["heart-space"], target)
    assert resp.status in (400, 404)
    assert b"root:" not in resp.body and b"User-agent" not in resp.body


def test_missing_files_directories_and_redirects(demo: Demo) -> None:
    served = demo.served["calm-minds"]
    assert _raw_get(served, "/no/such/page/").status == 404
    assert _raw_get(served, "/assets/").status == 404, "no directory listings"
    moved = _raw_get(served, "/about?ref=nav")
    assert (moved.status, moved.getheader("Location")) == (301, "/about/?ref=nav")
    head = _raw_get(served, "/feed.xml", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.getheader("Content-Length")) > 0
    assert _raw_get(served, "/assets/style.css").getheader("Content-Type").startswith("text/css")


def test_demo_config_round_trips_through_yaml(demo: Demo, tmp_path: Path) -> None:
    served = list(demo.served.values())
    path = write_demo_config(tmp_path / "demo.yaml", served, delay_s=0.2)
    loaded = load_config(path)
    assert loaded == demo_config(served, delay_s=0.2)
    assert loaded.user_agent == DEMO_USER_AGENT
    assert loaded.crawl.delay_s == 0.2
    assert [(s.name, str(s.url)) for s in loaded.sites] == [(s.name, s.url) for s in served]


def test_build_is_deterministic_and_replaces_stale_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build_sites(first)
    stale = first / "calm-minds" / "old-post" / "index.html"
    stale.parent.mkdir()
    stale.write_text("left over from an older build")
    sites = build_sites(first)
    build_sites(second)
    assert not stale.exists()
    assert _tree(first) == _tree(second)
    assert [s.root for s in sites] == [first / s.name for s in sites]
    assert "demo.test" in (first / "calm-minds" / "sitemap.xml").read_text(), (
        "built files carry the placeholder origin, not a port"
    )


def test_servers_stop_on_exit_and_need_a_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build_sites"), serve_sites(tmp_path):
        pass
    build_sites(tmp_path)
    with serve_sites(tmp_path) as served:
        ports = [s.port for s in served]
        assert len(set(ports)) == len(served) == 3
        assert _raw_get(served[0], "/").status == 200
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_session_fixture_serves_the_demo_sites(demo_sites: list[ServedSite]) -> None:
    assert [s.name for s in demo_sites] == ["calm-minds", "heart-space", "well-together"]
    assert all(s.url == f"http://127.0.0.1:{s.port}/" for s in demo_sites)
