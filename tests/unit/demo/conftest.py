"""The demo sites built and served once for this folder, with their DemoSite descriptions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from pipeline.demo import DemoPost, DemoSite, ServedSite, build_sites, serve_sites


@dataclass(frozen=True, slots=True)
class Demo:
    sites: dict[str, DemoSite]
    served: dict[str, ServedSite]
    client: httpx.Client

    def get(self, site: str, path: str) -> httpx.Response:
        return self.client.get(self.served[site].url.rstrip("/") + path)

    def posts(self) -> list[DemoPost]:
        return [p for s in self.sites.values() for p in s.posts]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("demo-built")
    sites = build_sites(root)
    with serve_sites(root) as served, httpx.Client(timeout=10) as client:
        yield Demo({s.name: s for s in sites}, {s.name: s for s in served}, client)
