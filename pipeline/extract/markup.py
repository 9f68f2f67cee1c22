"""Markup to an lxml tree, and the text read off the tree before segmentation."""

from __future__ import annotations

import re

from lxml import etree

_SPACE = re.compile(r"\s+")
_STRING = etree.XPath("string()", smart_strings=False)  # what lxml.html's text_content() runs


def parse_html(markup: str) -> etree._Element | None:
    """Parse markup with lxml; None when there is nothing parseable."""
    if not markup or not markup.strip():
        return None
    # lxml rejects str input that carries an XML encoding declaration; bytes avoid that, and
    # the explicit parser encoding stops libxml2 guessing latin-1 for pages without a charset
    # (or with a stale <meta charset>: the text was already decoded by the crawl).
    # etree's parser, not lxml.html's: the same tree, but lxml.html looks up a Python element
    # class for every element proxy it creates, which made each walk of the tree twice as slow.
    parser = etree.HTMLParser(encoding="utf-8")
    try:
        root = etree.fromstring(markup.encode("utf-8", "replace"), parser)
    except (etree.ParserError, ValueError, UnicodeError):
        return None
    return root  # None for a document without elements (lxml.html raised ParserError there)


def text_content(el: etree._Element) -> str:
    """All text inside ``el``, as lxml.html's ``text_content()``."""
    return str(_STRING(el))


def document_title(root: etree._Element) -> str:
    """og:title, else <title>: the hint the classifier uses to recognise the page's title."""
    for meta in root.iter("meta"):
        if (meta.get("property") or "").lower() == "og:title" and meta.get("content"):
            return str(meta.get("content"))
    title = root.find(".//title")
    return _SPACE.sub(" ", text_content(title)).strip() if title is not None else ""
