"""Page metadata: title, authors, dates, description, canonical URL, language, site name.

Sources in order of trust, the first one with a valid value wins and is recorded in the
field's ``*_source`` (``jsonld``, ``og``, ``meta``, ``microdata``, ``time``, ``byline``,
``url``, ``text``, ``title_tag``, ``h1``, ``updated``):

1. JSON-LD (``@graph``, arrays, nested ``author`` objects), article nodes before other nodes;
2. OpenGraph / ``article:*`` meta; 3. other meta (``name=author``, ``citation_*``, ``dc.*``,
   ``parsely-*``, ``sailthru.*``); 4. microdata (``itemprop``);
5. ``<time datetime>``, visible bylines (``rel=author``, ``.author``/``.byline`` elements,
   "By Jane Doe"), dates in date-classed elements and in the URL, ``<title>`` and ``<h1>``.

Two cross-checks keep bad values out: an author equal to the site's own name, a URL or a
number is not a person (the next source is asked); a title that disagrees with the page's
``<h1>`` loses to a later candidate that agrees with it (CMS SEO titles drift from the
headline the reader sees). A page without a publication date falls back to its update date
(``published_source="updated"``): for an audit "when was this text dated" is the question.
The DOM scan is one pass over the tree (``sources.scan_page``); nothing here raises on garbage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from pipeline.extract.dates import parse_date, url_date
from pipeline.extract.metadata_sources import (
    ARTICLE_TYPES,
    PageScan,
    clean,
    jsonld_fields,
    scan_page,
    valid_byline,
)
from pipeline.pickling import compact_state

__all__ = ["ARTICLE_TYPES", "PageMetadata", "extract_metadata", "parse_date"]

Candidate = tuple[str | None, Any]  # (source, value); (None, None) when no source has one

PUBLISHED_META = ("citation_publication_date", "citation_date", "dc.date.issued", "dc.date",
                  "dcterms.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
                  "article.published", "publishdate", "publish-date", "publish_date",
                  "pubdate", "date", "datepublished")  # fmt: skip
UPDATED_META = ("dcterms.modified", "dc.date.modified", "last-modified", "datemodified")
TITLE_META = ("dc.title", "citation_title", "parsely-title", "sailthru.title", "title")
AUTHOR_META = ("author", "parsely-author", "sailthru.author", "dc.creator", "dcterms.creator")
# A person's name is short: longer "authors" are bios, bylines with dates, or lists of roles.
MAX_AUTHOR_CHARS = 80
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+")
_NOT_A_NAME = re.compile(r"^(https?:|www\.)|^[\d\W_]+$|@.*\.", re.I)
_SPACE = re.compile(r"\s+")
_NOT_PUBLISHED_KEY = re.compile(r"modif|updat|expir|publisher")


@compact_state
@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None  # aware, in the page's own offset
    updated_at: datetime | None = None
    description: str | None = None
    canonical_url: str | None = None
    lang: str | None = None
    site_name: str | None = None
    og_type: str | None = None
    jsonld_types: tuple[str, ...] = ()  # lowercased @type values of the page's JSON-LD
    title_source: str | None = None
    authors_source: str | None = None
    published_source: str | None = None
    updated_source: str | None = None
    description_source: str | None = None
    site_name_source: str | None = None

    @property
    def author(self) -> str | None:
        return ", ".join(self.authors) if self.authors else None

    @property
    def is_article_markup(self) -> bool:
        return self.og_type == "article" or bool(ARTICLE_TYPES & set(self.jsonld_types))


def _pick(candidates: list[Candidate]) -> Candidate:
    return next(((s, v) for s, v in candidates if v), (None, None))


def _comparable(value: str) -> str:
    return _SPACE.sub(" ", re.sub(r"[\W_]+", " ", value.casefold())).strip()


def _agrees(title: str, h1: str) -> bool:
    a, b = _comparable(title), _comparable(h1)
    return bool(a and b) and (a in b or b in a)


def clean_title_tag(title: str | None, site_name: str | None) -> str | None:
    """``<title>`` without its site-name part ("Sleep and stress | Calm Minds" -> "Sleep and
    stress"); a short last part counts as the site name when none is declared."""
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = _comparable(site_name or "")
    kept = [p for p in parts if not site or _comparable(p) != site]
    if len(kept) == len(parts) and len(parts[-1].split()) <= 3:
        kept = parts[:-1]
    return " - ".join(kept) if kept else title


def _title(scan: PageScan, ld: dict[str, Any], site_name: str | None) -> Candidate:
    meta = scan.meta
    candidates: list[Candidate] = [
        ("jsonld", ld.get("title")),
        ("og", meta.get("og:title") or meta.get("twitter:title")),
        ("meta", next((meta[k] for k in TITLE_META if meta.get(k)), None)),
        ("microdata", scan.itemprops.get("headline")),
        ("title_tag", clean_title_tag(scan.title, site_name)),
        ("h1", scan.h1),
    ]
    if scan.h1:
        agreeing = [(s, v) for s, v in candidates[:-1] if v and _agrees(v, scan.h1)]
        if agreeing:
            return agreeing[0]
    return _pick(candidates)


def _valid_names(names: Sequence[str], not_names: set[str]) -> tuple[str, ...]:
    out = []
    for name in names:
        name = _SPACE.sub(" ", name).strip(" ,;|-")
        if name.lower().startswith("by "):
            name = name[3:].strip()
        if not name or len(name) > MAX_AUTHOR_CHARS or _NOT_A_NAME.search(name):
            continue
        if _comparable(name) in not_names or _comparable(name).replace(" ", "") in not_names:
            continue
        out.append(name)
    return tuple(dict.fromkeys(out))


def _authors(scan: PageScan, ld: dict[str, Any], site: str | None, host: str) -> Candidate:
    """Declared authors; visible ones only one (the first byline, the first microdata author:
    later ones are commenters and replies). The site's own name is a last resort: publishers
    fill ``author`` with it when the real byline sits in the page."""
    meta = scan.meta
    meta_names = [meta[k] for k in AUTHOR_META if meta.get(k)]
    candidates: list[tuple[str, Sequence[str]]] = [
        ("jsonld", ld.get("authors", ())),
        ("og", [meta["article:author"]] if meta.get("article:author") else []),
        ("meta", scan.citation_authors or meta_names[:1]),
        ("microdata", _valid_names(scan.microdata_authors, set())[:1]),
        ("byline", [b for b in scan.bylines if valid_byline(b)][:1]),
    ]
    site_names = {_comparable(site or ""), _comparable(host)} - {""}
    found = _pick([(s, _valid_names(v, site_names)) for s, v in candidates])
    return found if found[1] else _pick([(s, _valid_names(v, set())) for s, v in candidates])


def _published(scan: PageScan, ld: dict[str, Any], url: str | None, updated: Any) -> Candidate:
    meta = scan.meta
    return _pick(
        [
            ("jsonld", ld.get("published_at")),
            ("og", parse_date(meta.get("article:published_time") or meta.get("og:published_time"))),
            ("meta", next((d for k in PUBLISHED_META if (d := parse_date(meta.get(k)))), None)),
            ("microdata", parse_date(scan.itemprops.get("datepublished"))),
            ("meta", _any_published_meta(meta)),
            ("time", scan.time_published),
            ("url", url_date(url)),
            ("text", scan.text_published),
            ("updated", updated),
            ("text", scan.loose_date),
        ]
    )


def _any_published_meta(meta: dict[str, str]) -> datetime | None:
    """Vendor-prefixed keys ("w-published-date", "published") after the known ones."""
    for key, value in meta.items():
        if "publish" in key and not _NOT_PUBLISHED_KEY.search(key):
            found = parse_date(value)
            if found:
                return found
    return None


def _utc_shifted(machine: datetime | None, shown: datetime | None) -> bool:
    """A UTC timestamp one calendar day off the date the page shows: the publisher is not in
    UTC ("2025-12-19T02:41Z" on a page that says "December 18"), so the shown day is right."""
    if machine is None or shown is None or machine.utcoffset() != timedelta(0):
        return False
    return abs((machine.date() - shown.date()).days) == 1


def _updated(scan: PageScan, ld: dict[str, Any]) -> Candidate:
    meta = scan.meta
    return _pick(
        [
            ("jsonld", ld.get("updated_at")),
            ("og", parse_date(meta.get("article:modified_time") or meta.get("og:updated_time"))),
            ("meta", next((d for k in UPDATED_META if (d := parse_date(meta.get(k)))), None)),
            ("microdata", parse_date(scan.itemprops.get("datemodified"))),
            ("text", scan.text_updated),
        ]
    )


def extract_metadata(root: etree._Element, url: str | None = None) -> PageMetadata:
    """Metadata of a parsed page; fields missing from every source are None/empty.

    ``url`` (the page's address) adds the URL-path date and recognises the site's own host
    among "authors"; nothing is fetched."""
    scan = scan_page(root)
    ld = jsonld_fields(scan.jsonld)
    meta = scan.meta
    site_source, site_name = _pick(
        [("og", meta.get("og:site_name")), ("jsonld", ld.get("site_name")),
         ("meta", meta.get("application-name") or meta.get("apple-mobile-web-app-title"))]
    )  # fmt: skip
    host = _host_name(url or scan.canonical or meta.get("og:url"))
    title_source, title = _title(scan, ld, site_name)
    authors_source, authors = _authors(scan, ld, site_name, host)
    updated_source, updated = _updated(scan, ld)
    published_source, published = _published(scan, ld, url or scan.canonical, updated)
    shown = scan.text_published or scan.loose_date
    if _utc_shifted(published, shown):
        published_source, published = "text", shown
    desc_source, description = _pick(
        [("jsonld", ld.get("description")), ("og", meta.get("og:description")),
         ("meta", meta.get("description") or meta.get("twitter:description"))]
    )  # fmt: skip
    return PageMetadata(
        title=title,
        authors=authors or (),
        published_at=published,
        updated_at=updated,
        description=description,
        canonical_url=scan.canonical or meta.get("og:url"),
        lang=clean(root.get("lang")) or meta.get("og:locale") or meta.get("content-language"),
        site_name=site_name,
        og_type=(meta.get("og:type") or "").lower() or None,
        jsonld_types=tuple(ld["jsonld_types"]),
        title_source=title_source,
        authors_source=authors_source,
        published_source=published_source,
        updated_source=updated_source,
        description_source=desc_source,
        site_name_source=site_source,
    )


def _host_name(url: str | None) -> str:
    """ "www.glossgenius.com" -> "glossgenius": how a site's own name shows up as an author."""
    match = re.match(r"^[a-z]+://(?:www\.)?([^/:?#]+)", url or "", re.I)
    if not match:
        return ""
    labels = match[1].lower().split(".")
    return labels[-2] if len(labels) >= 2 else labels[0]
