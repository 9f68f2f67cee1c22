"""Raw metadata evidence of a page: JSON-LD nodes, meta tags, microdata, visible bylines, dates.

``scan_page`` walks the tree once (``root.iter()``, no recursion, so deep markup costs nothing
extra) and collects every candidate; ``pipeline.extract.metadata`` ranks them. Text values are
whitespace-collapsed and HTML-unescaped once more: CMSs often escape titles twice
("Tips &amp;#8211; Tricks").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import islice
from typing import Any

from lxml import etree

from pipeline.extract.blocks import VALUE_CACHE
from pipeline.extract.dates import parse_date, text_date
from pipeline.extract.markup import text_content

ARTICLE_TYPES = frozenset(
    {"article", "blogposting", "newsarticle", "report", "scholarlyarticle", "techarticle",
     "medicalwebpage", "socialmediaposting", "liveblogposting", "analysisnewsarticle",
     "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle", "posting"}
)  # fmt: skip
# Other nodes whose author and dates describe the page itself (forum threads, Q&A, guides).
PAGE_TYPES = frozenset(
    {"discussionforumposting", "qapage", "question", "webpage", "itempage", "howto", "recipe",
     "creativework", "blog", "faqpage", "aboutpage", "medicalcondition"}
)  # fmt: skip
# "By Jane Doe", "Written by Dr. Jane Doe": up to four capitalised words after "by".
_BYLINE = re.compile(
    r"^\s*(?:[Ww]ritten |[Pp]osted |[Rr]eviewed )?[Bb]y:?\s+"
    r"([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"
)
_BY_PREFIX = re.compile(r"^\s*(written |posted )?by:?\s+", re.I)
_SPACE = re.compile(r"\s+")
_TOKENS = re.compile(r"[^a-z0-9]+")
# Class/id tokens of elements that show an author name or a date.
AUTHOR_TOKENS = frozenset({"author", "byline", "writer", "vcard"})
AUTHOR_HINTS = ("auth", "byline", "writer", "vcard")
_BYLINE_TAGS = frozenset({"span", "p", "div", "a", "address", "strong", "em", "b"})
_BYLINE_STARTS = ("by", "written", "posted", "reviewed")
# Substrings of class/id values of elements that show a date ("styles_dateAndAuthor", "posted-on").
DATE_HINTS = ("date", "time", "posted", "publish", "updated", "meta", "byline")
_UPDATED = re.compile(r"\b(updated|modified|edited|reviewed)\b", re.I)
MAX_BYLINE_WORDS = 6
REVIEW_TOKENS = frozenset({"review", "reviews", "comment", "comments", "testimonial", "reply"})
REVIEW_REACH = 8
# Labels and widgets that sit in author-classed elements but are not names.
_NOT_BYLINE = re.compile(
    r"\d|[:*?!]\s*$|^(by|about|written|posted|author|authors|name|comments?|share|from)\b", re.I
)
MAX_DATE_TEXT_WORDS = 12
_NOT_VISIBLE = frozenset({"meta", "link", "head", "html", "body"})
MAX_LOOSE_CHARS = 60
_DIGITS = re.compile(r"\d{4}")


def clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    if "&" in value:
        value = html.unescape(value)
    text = _SPACE.sub(" ", value).strip()
    return text or None


@dataclass(slots=True)
class PageScan:
    meta: dict[str, str] = field(default_factory=dict)  # lowercased name/property -> content
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    itemprops: dict[str, str] = field(default_factory=dict)  # lowercased itemprop -> value
    microdata_authors: list[str] = field(default_factory=list)
    citation_authors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    time_published: datetime | None = None
    text_published: datetime | None = None
    text_updated: datetime | None = None
    loose_date: datetime | None = None  # first date in any short visible text
    title: str | None = None
    h1: str | None = None
    canonical: str | None = None


def _short_text(el: etree._Element, pieces: int = 6) -> str:
    # A few text nodes are enough and keep the scan linear on deeply nested pages.
    return _SPACE.sub(" ", "".join(islice(el.itertext(), pieces))).strip()[:120]


def _tokens(raw: str) -> set[str]:
    return set(_TOKENS.split(raw)) if raw.strip() else set()


def _el_tokens(el: etree._Element) -> set[str]:
    return _tokens(f"{el.get('class') or ''} {el.get('id') or ''}".lower())


def _jsonld_nodes(script: etree._Element) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(script.text or "")
    except (ValueError, RecursionError):
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            if "@graph" in item:
                stack.append(item["@graph"])


def _on_meta(scan: PageScan, el: etree._Element) -> None:
    key = (el.get("property") or el.get("name") or "").lower().strip()
    content = clean(el.get("content"))
    if not key or not content:
        return
    if key == "citation_author":
        scan.citation_authors.append(content)
    scan.meta.setdefault(key, content)


def valid_byline(text: str) -> bool:
    """A visible byline that can be a full name: two to six words, no digits, no label.
    (One word in an author-classed element is a facet label or a reviewer's first name.)"""
    text = text.strip()
    return 2 <= len(text.split()) <= MAX_BYLINE_WORDS and not _NOT_BYLINE.search(text)


def _in_reviews(el: etree._Element) -> bool:
    """Inside a review, comment or testimonial: its author is not the page's author."""
    for _, ancestor in zip(range(REVIEW_REACH), el.iterancestors(), strict=False):
        if _el_tokens(ancestor) & REVIEW_TOKENS:
            return True
    return False


def _on_itemprop(scan: PageScan, el: etree._Element, prop: str) -> None:
    value = el.get("content") or el.get("datetime") or _short_text(el)
    if prop == "author":
        name = el.find(".//*[@itemprop='name']")
        value = el.get("content") or _short_text(name if name is not None else el)
        if value and len(value.split()) <= MAX_BYLINE_WORDS:
            scan.microdata_authors.append(value)
    elif value:
        scan.itemprops.setdefault(prop, value)


def _lead(el: etree._Element, own: str) -> str:
    """The first words of an element, its first child's when it opens with one."""
    if not own and len(el) and isinstance(el[0].tag, str):
        own = (el[0].text or "").strip()
    return own[:9].lower()


@lru_cache(maxsize=VALUE_CACHE)
def _class_hints(cls: str | None, id_: str | None) -> tuple[bool, bool]:
    """(names an author element, names a date element) for an element's class and id."""
    raw = f"{cls or ''} {id_ or ''}".lower()
    author = any(t in raw for t in AUTHOR_HINTS) and bool(AUTHOR_TOKENS & _tokens(raw))
    return author, bool(raw.strip()) and any(h in raw for h in DATE_HINTS)


def _on_visible(scan: PageScan, el: etree._Element, tag: str) -> None:
    """Bylines and dates shown to the reader. Cheap tests on the element's own text and
    attributes come first: this runs for every element of the page."""
    own = (el.text or "").strip()
    author_classed, date_classed = _class_hints(el.get("class"), el.get("id"))
    children = len(el)
    small = children <= 3
    if (el.get("rel") or "").lower() == "author" or (children <= 2 and author_classed):
        text = _BY_PREFIX.sub("", _short_text(el))
        if valid_byline(text) and not _in_reviews(el):
            scan.bylines.append(text)
    elif small and tag in _BYLINE_TAGS and _lead(el, own).startswith(_BYLINE_STARTS):
        match = _BYLINE.match(_short_text(el, 4)[:80])
        if match and not _in_reviews(el):
            scan.bylines.append(match.group(1))
            scan.text_published = scan.text_published or text_date(_short_text(el))
    if scan.loose_date is None and own and len(own) <= MAX_LOOSE_CHARS and _DIGITS.search(own):
        scan.loose_date = text_date(own)
    if small and date_classed:
        text = _short_text(el)
        if len(text.split()) <= MAX_DATE_TEXT_WORDS:
            found = text_date(text)
            if found and _UPDATED.search(text):
                scan.text_updated = scan.text_updated or found
            elif found:
                scan.text_published = scan.text_published or found


def _on_time(scan: PageScan, el: etree._Element) -> None:
    if scan.time_published is not None:
        return
    found = parse_date(el.get("datetime")) or text_date(_short_text(el))
    if found and not _UPDATED.search(f"{el.get('class') or ''} {el.get('itemprop') or ''}"):
        scan.time_published = found


def scan_page(root: etree._Element) -> PageScan:
    """Every metadata candidate of the page, collected in one pass in document order."""
    scan = PageScan()
    for el in root.iter(etree.Element):  # comments and PIs carry no metadata
        tag = el.tag.lower()
        if tag == "meta":
            _on_meta(scan, el)
        elif tag == "script":
            if (el.get("type") or "").lower().strip() == "application/ld+json":
                scan.jsonld.extend(_jsonld_nodes(el))
            continue
        elif tag == "title" and scan.title is None:
            scan.title = clean(text_content(el))
        elif tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            scan.canonical = scan.canonical or clean(el.get("href"))
        elif tag == "h1" and scan.h1 is None:
            scan.h1 = clean(_short_text(el, 20))
        elif tag == "time":
            _on_time(scan, el)
        prop = (el.get("itemprop") or "").lower().strip()
        if prop:
            _on_itemprop(scan, el, prop)
        if tag and tag not in _NOT_VISIBLE:
            _on_visible(scan, el, tag)
    return scan


def declared_types(root: etree._Element) -> tuple[str | None, list[str]]:
    """(og:type, JSON-LD @type values) of a page, as ``scan_page`` and ``jsonld_fields`` read
    them, from its ``<meta>`` and ``<script>`` elements alone: what the block classifier needs of
    the metadata, for callers that want only the main text (``extractor.page_text``)."""
    scan = PageScan()
    for el in root.iter("meta", "script"):
        if el.tag == "meta":
            _on_meta(scan, el)
        elif (el.get("type") or "").lower().strip() == "application/ld+json":
            scan.jsonld.extend(_jsonld_nodes(el))
    og_type = (scan.meta.get("og:type") or "").lower() or None
    return og_type, [t for node in scan.jsonld for t in _types(node)]


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    values = t if isinstance(t, list) else [t]
    return [v.lower() for v in values if isinstance(v, str)]


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = clean(item.get("name")) if isinstance(item, dict) else clean(item)
        if name:
            out.append(name)
    return out


def _fill(found: dict[str, Any], key: str, value: Any) -> None:
    if value and not found.get(key):
        found[key] = value


def jsonld_fields(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Title, authors, dates, description and site name from JSON-LD: article nodes first,
    then nodes describing the page (forum posts, web pages), never organisations."""
    found: dict[str, Any] = {"jsonld_types": []}
    typed = [(node, _types(node)) for node in nodes]
    for node, types in typed:
        found["jsonld_types"].extend(types)
        if "website" in types:
            _fill(found, "site_name", clean(node.get("name")))
    articles = [n for n, t in typed if ARTICLE_TYPES & set(t)]
    pages = [n for n, t in typed if PAGE_TYPES & set(t) and not ARTICLE_TYPES & set(t)]
    for rank, node in enumerate(articles + pages):
        if rank < len(articles):
            _fill(found, "title", clean(node.get("headline")) or clean(node.get("name")))
            _fill(found, "description", clean(node.get("description")))
            publisher = node.get("publisher")
            if isinstance(publisher, dict):
                _fill(found, "site_name", clean(publisher.get("name")))
        _fill(found, "authors", tuple(_names(node.get("author"))))
        _fill(found, "published_at", parse_date(node.get("datePublished")))
        _fill(found, "updated_at", parse_date(node.get("dateModified")))
    return found
