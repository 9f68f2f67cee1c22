"""Render the demo sites to static files with each site's own Jinja templates.

Absolute URLs (canonical, og:url, sitemap, feed, robots ``Sitemap:``, one site's navigation) are
written with a placeholder origin per site, ``http://<site>.demo.test``; the demo server replaces
it with the real ``http://127.0.0.1:<port>`` when serving. Built files are therefore byte-identical
from one build to the next, whatever port they are later served on.
"""

from __future__ import annotations

import email.utils
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from pipeline.demo.content import DemoPost, DemoSite, parse_body

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_RECENT = 5
_RELATED = 3


def render_site(site: dict[str, Any], out_dir: Path) -> DemoSite:
    """Write one site under ``out_dir/<name>/`` (replacing what was there) and describe it."""
    root = out_dir / site["name"]
    if root.exists():
        shutil.rmtree(root)
    env = _environment(site)
    public = [p for p in site["posts"] if p["kind"] != "listing_only"]
    common = {"site": site, "recent": public[:_RECENT], "link": _linker(site)}
    for path, html in _listing_pages(env, site, common):
        _write(root, path, html)
    for post in site["posts"]:
        html = env.get_template(f"{site['name']}/post.html").render(
            common, post=post, related=_related(post, public), canonical=_canonical(post)
        )
        _write(root, post["path"], html)
    for page in site["pages"]:
        page = {**page, "blocks": parse_body(page["body"], {}, f"{site['name']}{page['path']}")}
        html = env.get_template(f"{site['name']}/page.html").render(common, page=page)
        _write(root, page["path"], html)
    for name in ("robots.txt", "sitemap.xml", "feed.xml"):
        text = env.get_template(f"common/{name}").render(common, posts=public)
        _write(root, "/" + name, text)
    shutil.copyfile(TEMPLATES_DIR / site["name"] / "style.css", _target(root, "/assets/style.css"))
    shutil.copyfile(STATIC_DIR / "placeholder.svg", _target(root, "/assets/placeholder.svg"))
    return DemoSite(
        name=site["name"],
        root=root,
        posts=tuple(_demo_post(site["name"], p) for p in site["posts"]),
        disallowed=tuple(site["disallow"]),
    )


def _listing_pages(
    env: Environment, site: dict[str, Any], common: dict[str, Any]
) -> list[tuple[str, str]]:
    per_page = site["per_page"]
    chunks = [site["posts"][i : i + per_page] for i in range(0, len(site["posts"]), per_page)]
    paths = ["/"] + [f"/page/{n}/" for n in range(2, len(chunks) + 1)]
    template = env.get_template(f"{site['name']}/listing.html")
    out = []
    for number, (path, posts) in enumerate(zip(paths, chunks, strict=True), start=1):
        html = template.render(
            common, posts=posts, page_num=number, page_paths=paths, path=path, page_count=len(paths)
        )
        out.append((path, html))
    return out


def _related(post: dict[str, Any], public: list[dict[str, Any]]) -> list[dict[str, Any]]:
    others = [p for p in public if p["slug"] != post["slug"]]
    # Same topic first, then newest: stable because `public` is already sorted.
    others.sort(key=lambda p: p.get("topic") != post.get("topic"))
    return others[:_RELATED]


def _canonical(post: dict[str, Any]) -> str:
    # Syndicated copies point search engines at the original, as syndication partners are asked to.
    return str(post["source_url"] if post["kind"] == "syndicated" else post["url"])


def _demo_post(site: str, post: dict[str, Any]) -> DemoPost:
    source = f"{post['source_site']}:{post['source_path']}" if "source_site" in post else None
    return DemoPost(
        site=site,
        slug=post["slug"],
        path=post["path"],
        title=post["title"],
        kind=post["kind"],
        source=source,
        seed=post.get("seed"),
    )


def _environment(site: dict[str, Any]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = _inline(_linker(site))
    env.filters["isodate"] = lambda d: d.isoformat()
    env.filters["human"] = lambda d: f"{d:%b} {d.day}, {d.year}"
    env.filters["long"] = lambda d: f"{d:%B} {d:%d}, {d.year}"
    env.filters["rfc822"] = email.utils.format_datetime
    env.filters["ymd"] = lambda d: d.date().isoformat()
    return env


def _linker(site: dict[str, Any]) -> Callable[[str], str]:
    """Site-internal hrefs: WordPress-like sites write absolute URLs, the others root-relative."""
    origin = site["origin"] if site.get("absolute_links") else ""

    def link(path: str) -> str:
        return origin + path if path.startswith("/") else path

    return link


def _inline(link: Callable[[str], str]) -> Callable[[str], Markup]:
    """Escape body text and turn ``[text](href)`` into anchors."""

    def inline(text: str) -> Markup:
        out, last = [], 0
        for m in _LINK.finditer(text):
            out.append(escape(text[last : m.start()]))
            out.append(Markup('<a href="{}">{}</a>').format(link(m[2]), m[1]))
            last = m.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    return inline


def _target(root: Path, path: str) -> Path:
    target = root / path.strip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _write(root: Path, path: str, text: str) -> None:
    _target(root, path).write_text(text, encoding="utf-8", newline="\n")
