"""Bundled demo wellness blogs: the pipeline's fixture and a way to try it without the internet.

Three small blogs (``calm-minds``, ``heart-space``, ``well-together``), each with its own
templates (WordPress-, Ghost- and Wix-like markup), built from data files in ``content/`` into
static files and served on free ports of 127.0.0.1. The posts mix the five real seed posts,
syndicated copies (``rel=canonical`` to the original site), near-duplicate rewrites, original
posts, thin posts and one post linked only from a listing page. Each site has a robots.txt with a
disallowed page that is linked from the site, a sitemap, an RSS feed and paginated listings.

Reads: only package data (``content/``, ``templates/``, ``static/``).
Writes: ``build_sites(out_dir)`` writes ``out_dir/<site>/``; ``write_demo_config`` one YAML file.

Public entry points: ``build_sites``, ``serve_sites``, ``demo_config``, ``write_demo_config`` and
the records ``DemoSite``, ``DemoPost``, ``ServedSite``. ``python -m pipeline.demo`` serves the
sites until Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.demo.content import DemoPost, DemoSite, load_sites
from pipeline.demo.render import render_site
from pipeline.demo.server import ServedSite, serve_sites
from pipeline.io import atomic_write_bytes

__all__ = [
    "DEMO_USER_AGENT",
    "DemoPost",
    "DemoSite",
    "ServedSite",
    "build_sites",
    "demo_config",
    "serve_sites",
    "write_demo_config",
]

DEMO_USER_AGENT = "content-audit-demo/0.1 (+https://example.org/bot)"


def build_sites(out_dir: Path) -> list[DemoSite]:
    """Write every demo site under ``out_dir/<site>/``; the same bytes on every call."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [render_site(site, out_dir) for site in load_sites()]


def demo_config(served: list[ServedSite], *, delay_s: float = 0.05) -> Config:
    """A pipeline config crawling the served demo sites (a short delay: it is our own server)."""
    return Config(
        user_agent=DEMO_USER_AGENT,
        sites=[SiteConfig(name=s.name, url=s.url) for s in served],
        crawl=CrawlConfig(delay_s=delay_s),
    )


def write_demo_config(path: Path, served: list[ServedSite], *, delay_s: float = 0.05) -> Path:
    """Write ``demo_config(...)`` as a YAML config file (only the non-default keys); return path."""
    data = demo_config(served, delay_s=delay_s).model_dump(mode="json", exclude_defaults=True)
    text = "# content-audit config for the bundled demo sites (python -m pipeline.demo)\n"
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
