"""Finding URLs: sitemaps (and sitemap indexes), RSS/Atom feeds, and links in HTML pages.

Pure parsing: bytes or text in, absolute canonical URLs out. XML goes through defusedxml, so a
document declaring entities (billion laughs, external entities) is rejected, not expanded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import lxml.html
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from lxml import etree

from pipeline.crawl.urls import resolve_link

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
# Link paths that are feeds by convention; followed as feeds when a page links them.
_FEED_PATHS = ("/feed.xml", "/rss.xml", "/atom.xml", "/index.xml", "/feed", "/feed/", "/rss")


class NotParseable(ValueError):
    """The document is not well-formed XML of the expected kind (or declares entities)."""


@dataclass(frozen=True, slots=True)
class Sitemap:
    kind: Literal["index", "urlset"]
    locs: tuple[str, ...]  # child sitemaps for an index, page URLs for a urlset


# A link's text as the warehouse keeps it (a whole card of text inside one <a> is cut).
ANCHOR_CHARS = 200


@dataclass(frozen=True, slots=True)
class PageLinks:
    links: tuple[str, ...]  # <a href> targets, canonical, in document order, de-duplicated
    feeds: tuple[str, ...]  # RSS/Atom feeds announced or linked by the page
    canonical: str | None = None  # <link rel="canonical">, first one, resolved
    # (target, anchor text) of each target of ``links``, its first <a>'s text (or, for an
    # image link, the image's alt text): the page's edges of the site's link graph.
    anchors: tuple[tuple[str, str], ...] = ()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _xml_root(body: bytes) -> Element:
    try:
        return parse_xml(body.lstrip())
    except (ParseError, DefusedXmlException) as exc:
        raise NotParseable(f"not well-formed XML: {exc}") from None


def _unique(urls: list[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u is not None))


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """A ``<sitemapindex>`` or ``<urlset>`` (any namespace); raises NotParseable otherwise."""
    root = _xml_root(body)
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise NotParseable(f"root element <{kind}> is not a sitemap")
    locs = [
        resolve_link(el.text or "", base_url)
        for el in root.iter()
        if _local(el.tag) == "loc" and el.text and el.text.strip()
    ]
    return Sitemap("index" if kind == "sitemapindex" else "urlset", _unique(locs))


def parse_feed(body: bytes, base_url: str) -> tuple[str, ...]:
    """Entry URLs of an RSS 2.0 / RSS 1.0 / Atom feed; raises NotParseable otherwise."""
    root = _xml_root(body)
    if _local(root.tag) not in ("rss", "feed", "rdf"):
        raise NotParseable(f"root element <{_local(root.tag)}> is not a feed")
    urls: list[str | None] = []
    for entry in root.iter():
        if _local(entry.tag) not in ("item", "entry"):
            continue
        for child in entry:
            if _local(child.tag) != "link":
                continue
            href = child.get("href")  # Atom: <link rel="alternate" href="..."/>
            if href is not None and child.get("rel", "alternate") == "alternate":
                urls.append(resolve_link(href, base_url))
            elif href is None and child.text:  # RSS: <link>url</link>
                urls.append(resolve_link(child.text, base_url))
    return _unique(urls)


def page_links(html: str, page_url: str) -> PageLinks:
    """Links and feeds of an HTML page, resolved against its ``<base href>`` or URL."""
    try:
        doc = lxml.html.document_fromstring(
            html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError):
        return PageLinks((), ())  # empty or unparseable document: nothing to follow
    base = page_url
    for el in doc.iter("base"):
        if el.get("href"):
            base = urljoin(page_url, el.get("href", ""))
            break
    links: list[str | None] = []
    feeds: list[str | None] = []
    anchors: dict[str, str] = {}
    canonical = None
    for el in doc.iter("a", "link"):
        href = el.get("href")
        if not href:
            continue
        url = resolve_link(href, base)
        rel = (el.get("rel") or "").lower().split()
        if el.tag == "link":
            if "canonical" in rel and canonical is None:
                canonical = url
            if "alternate" in rel and (el.get("type") or "").lower() in FEED_TYPES:
                feeds.append(url)
        elif url is not None and urlsplit(url).path.endswith(_FEED_PATHS):
            feeds.append(url)
        else:
            links.append(url)
            if url is not None and url not in anchors:
                anchors[url] = anchor_text(el)
    return PageLinks(_unique(links), _unique(feeds), canonical, tuple(anchors.items()))


def anchor_text(el: etree._Element) -> str:
    """The words a link shows: its text, else its images' alt text; spaces collapsed, cut."""
    text = " ".join(el.text_content().split())
    if not text:
        text = " ".join(" ".join(img.get("alt") or "" for img in el.iter("img")).split())
    return text[:ANCHOR_CHARS]
