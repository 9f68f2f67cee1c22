"""The demo sites' content: ``content/sites.yaml`` plus one text file per post.

A post file is YAML front matter between ``---`` lines, then a body with one block per line::

    ## Heading 2            ### Heading 3            - list item (consecutive items form a list)
    > quotation             [[toc]]                  [[cta <key>]]  (a CTA from front matter)
    [[figure <caption>]]    anything else: a paragraph; inline links as [text](href)

Syndicated posts have no body: title, author, body and CTAs come from ``source``
(``<site>/<slug>``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).parent / "content"
POST_KINDS = frozenset({"seed", "syndicated", "near_duplicate", "original", "thin", "listing_only"})
# Inherited by a syndicated copy: the article itself, not the original site's chrome
# (previous/next links, disclaimer, comment form belong to the original site).
_SYNDICATED_FIELDS = ("title", "author", "reviewer", "read_time", "description", "body", "ctas")
# Optional front matter keys and their defaults (templates use StrictUndefined).
_OPTIONAL: dict[str, Any] = {
    "updated": None,
    "reviewer": None,
    "read_time": None,
    "ctas": {},
    "comments": False,
    "closing_cta": None,
    "post_nav": None,
    "disclaimer": None,
}
_DIRECTIVE = re.compile(r"^\[\[(?P<name>[a-z]+)(?: (?P<arg>.+))?\]\]$")


@dataclass(frozen=True, slots=True)
class DemoPost:
    site: str
    slug: str
    path: str  # URL path, e.g. "/blog/why-sleep-matters/"
    title: str
    kind: str  # one of POST_KINDS
    source: str | None  # "<site>:<path>" of the original (syndicated / near_duplicate)
    seed: str | None  # seed file id ("000".."004") if the text comes from a seed


@dataclass(frozen=True, slots=True)
class DemoSite:
    name: str
    root: Path
    posts: tuple[DemoPost, ...]
    disallowed: tuple[str, ...]  # robots.txt Disallow paths


def placeholder_origin(site: str) -> str:
    """The origin written into built files; the server swaps in the real one (RFC 2606 '.test')."""
    return f"http://{site}.demo.test"


def load_sites() -> list[dict[str, Any]]:
    """Every site's settings with its posts resolved and sorted newest first."""
    spec = yaml.safe_load((CONTENT_DIR / "sites.yaml").read_text(encoding="utf-8"))
    sites: list[dict[str, Any]] = spec["sites"]
    raw = {s["name"]: _read_posts(s["name"]) for s in sites}
    for site in sites:
        site["origin"] = placeholder_origin(site["name"])
        site["pages"] = [{"noindex": False, **page} for page in site["pages"]]
        posts = [_resolve(site, slug, meta, raw, sites) for slug, meta in raw[site["name"]].items()]
        site["posts"] = sorted(posts, key=lambda p: (p["date"], p["slug"]), reverse=True)
    return sites


def _read_posts(site: str) -> dict[str, dict[str, Any]]:
    posts = {}
    for path in sorted((CONTENT_DIR / "posts" / site).glob("*.txt")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        try:
            meta = yaml.safe_load(front)
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: bad front matter: {exc}") from None
        meta["body"] = body
        posts[path.stem] = meta
    return posts


def _resolve(
    site: dict[str, Any],
    slug: str,
    meta: dict[str, Any],
    raw: dict[str, dict[str, dict[str, Any]]],
    sites: list[dict[str, Any]],
) -> dict[str, Any]:
    post = {**_OPTIONAL, **meta}
    if post["kind"] not in POST_KINDS:
        raise ValueError(f"{site['name']}/{slug}: unknown kind {post['kind']!r}")
    if "source" in post:
        src_site, src_slug = post["source"].split("/")
        original = raw[src_site][src_slug]
        if post["kind"] == "syndicated":
            post.update({k: original[k] for k in _SYNDICATED_FIELDS if k in original})
            post.setdefault("seed", original.get("seed"))
        src_spec = next(s for s in sites if s["name"] == src_site)
        post["source_path"] = src_spec["post_path"].format(slug=src_slug)
        post["source_site"] = src_site
        post["source_site_title"] = src_spec["title"]
        post["source_url"] = placeholder_origin(src_site) + post["source_path"]
    post["slug"] = slug
    post["path"] = site["post_path"].format(slug=slug)
    post["url"] = site["origin"] + post["path"]
    post["ctas"] = {key: {"heading": None, **cta} for key, cta in post["ctas"].items()}
    post["blocks"] = parse_body(post["body"], post["ctas"], f"{site['name']}/{slug}")
    post["description"] = post.get("description") or _summary(post["blocks"])
    post["words"] = sum(len(b.get("text", "").split()) for b in post["blocks"])
    for key in ("date", "updated"):
        if isinstance(post.get(key), dt.date):
            post[key] = dt.datetime.combine(post[key], dt.time(9, 0), dt.UTC)
    return post


def parse_body(text: str, ctas: dict[str, Any], where: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if m := _DIRECTIVE.match(line):
            blocks.append(_directive(m["name"], m["arg"], ctas, where))
        elif line.startswith(("## ", "### ")):
            level, _, heading = line.partition(" ")
            blocks.append({"type": f"h{len(level)}", "text": heading, "id": slugify(heading)})
        elif line.startswith("- "):
            if not blocks or blocks[-1]["type"] != "ul":
                blocks.append({"type": "ul", "items": [], "text": ""})
            blocks[-1]["items"].append(line[2:])
            blocks[-1]["text"] += " " + line[2:]
        elif line.startswith("> "):
            blocks.append({"type": "quote", "text": line[2:]})
        else:
            blocks.append({"type": "p", "text": line})
    toc = [{"text": b["text"], "id": b["id"]} for b in blocks if b["type"] == "h2"]
    for b in blocks:
        if b["type"] == "toc":
            b["entries"] = toc
    return blocks


def _directive(name: str, arg: str | None, ctas: dict[str, Any], where: str) -> dict[str, Any]:
    if name == "cta" and arg in ctas:
        return {"type": "cta", "key": arg, "cta": ctas[arg]}
    if name == "figure" and arg:
        return {"type": "figure", "caption": arg}
    if name == "toc":
        return {"type": "toc"}
    raise ValueError(f"{where}: unknown directive [[{name} {arg or ''}]]")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _summary(blocks: list[dict[str, Any]], limit: int = 155) -> str:
    first = next((b["text"] for b in blocks if b["type"] == "p"), "")
    first = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", first)
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
