"""Page metadata: title, authors, dates, description, canonical URL, language, site name.

Sources in order of trust: JSON-LD (including ``@graph``), OpenGraph / ``article:*`` meta,
plain ``<meta name=…>``, ``<time datetime>``, then visible bylines ("By Jane Doe"). The first
source that has a field wins. Dates become tz-aware UTC datetimes (a date alone is midnight UTC);
nothing here raises on garbage: an unparseable value is simply absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from lxml import etree

ARTICLE_TYPES = frozenset(
    {"article", "blogposting", "newsarticle", "report", "scholarlyarticle", "techarticle",
     "medicalwebpage", "socialmediaposting", "liveblogposting", "analysisnewsarticle",
     "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle", "posting"}
)  # fmt: skip
# "By Jane Doe", "Written by Dr. Jane Doe": up to four capitalised words after "by".
_BYLINE = re.compile(
    r"^\s*(?:[Ww]ritten |[Pp]osted |[Rr]eviewed )?[Bb]y:?\s+"
    r"([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"
)
_SPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    description: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    site_name: str | None = None
    og_type: str | None = None
    jsonld_types: tuple[str, ...] = ()  # lowercased @type values of the page's JSON-LD

    @property
    def author(self) -> str | None:
        return ", ".join(self.authors) if self.authors else None

    @property
    def is_article_markup(self) -> bool:
        return self.og_type == "article" or bool(ARTICLE_TYPES & set(self.jsonld_types))


def parse_date(value: object) -> datetime | None:
    """ISO 8601 date or datetime -> aware UTC datetime; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if _ISO_DATE.match(text):
        text += "T00:00:00+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", value).strip()
    return text or None


def _jsonld_nodes(root: etree._Element) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return [v.lower() for v in values if isinstance(v, str)]


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = _clean(item.get("name")) if isinstance(item, dict) else _clean(item)
        if name:
            out.append(name)
    return out


def _fill(found: dict[str, Any], key: str, value: Any) -> None:
    if value and not found.get(key):
        found[key] = value


def _from_jsonld(root: etree._Element) -> dict[str, Any]:
    found: dict[str, Any] = {"jsonld_types": []}
    for node in _jsonld_nodes(root):
        types = _types(node)
        found["jsonld_types"].extend(types)
        if not ARTICLE_TYPES & set(types):
            if "website" in types:
                _fill(found, "site_name", _clean(node.get("name")))
            continue
        _fill(found, "title", _clean(node.get("headline")) or _clean(node.get("name")))
        _fill(found, "authors", tuple(_names(node.get("author"))))
        _fill(found, "published_at", parse_date(node.get("datePublished")))
        _fill(found, "updated_at", parse_date(node.get("dateModified")))
        _fill(found, "description", _clean(node.get("description")))
        publisher = node.get("publisher")
        if isinstance(publisher, dict):
            _fill(found, "site_name", _clean(publisher.get("name")))
    return found


def _meta_map(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower().strip()
        content = _clean(meta.get("content"))
        if key and content and key not in out:
            out[key] = content
    return out


def _byline(root: etree._Element) -> tuple[str, ...]:
    for el in root.iter("span", "p", "div", "a", "address"):
        if len(el) > 3:
            continue
        # The first few text nodes are enough and keep this linear on deeply nested pages.
        match = _BYLINE.match(_SPACE.sub(" ", "".join(islice(el.itertext(), 4)))[:80])
        if match:
            return (match.group(1),)
    return ()


def _first(*values: Any) -> Any:
    return next((v for v in values if v), None)


def extract_metadata(root: etree._Element) -> PageMetadata:
    """Metadata of a parsed page; fields missing from every source are None/empty."""
    ld = _from_jsonld(root)
    meta = _meta_map(root)
    title_el = root.find(".//title")
    times = [parse_date(t.get("datetime")) for t in root.iter("time")]
    canonical = next(
        (_clean(link.get("href")) for link in root.iter("link")
         if "canonical" in (link.get("rel") or "").lower().split()),
        None,
    )  # fmt: skip
    meta_authors = tuple(a for a in [meta.get("article:author"), meta.get("author")] if a)
    return PageMetadata(
        title=_first(ld.get("title"), meta.get("og:title"), meta.get("twitter:title"),
                     _clean(title_el.text_content()) if title_el is not None else None),
        authors=_first(ld.get("authors"), meta_authors[:1], _byline(root)) or (),
        published_at=_first(ld.get("published_at"), parse_date(meta.get("article:published_time")),
                            next((t for t in times if t), None)),
        updated_at=_first(ld.get("updated_at"), parse_date(meta.get("article:modified_time")),
                          parse_date(meta.get("og:updated_time"))),
        description=_first(ld.get("description"), meta.get("og:description"),
                           meta.get("description")),
        canonical_url=_first(canonical, meta.get("og:url")),
        lang=_clean(root.get("lang")) or meta.get("og:locale") or meta.get("content-language"),
        site_name=_first(meta.get("og:site_name"), ld.get("site_name"),
                         meta.get("application-name")),
        og_type=(meta.get("og:type") or "").lower() or None,
        jsonld_types=tuple(ld["jsonld_types"]),
    )  # fmt: skip
