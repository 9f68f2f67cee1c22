"""Segment an HTML page into paragraph-level blocks with the layout facts the classifier uses.

A block is the text of one paragraph-like element (``p``, ``h1``-``h6``, ``li``, ``td`` …) or of
a container (``div``, ``span``, ``section`` …) that has no block-level child. Text that sits
directly in a container between block children (``<div>intro<p>…</p>tail</div>``) becomes an
anonymous block of that container, so no visible text is lost. Button-like inline elements (a
``<a class="btn">`` inside a paragraph) become their own block: calls to action are often glued
to the end of a real paragraph, and the classifier must be able to drop them alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree, html

# Content of these never renders as page text.
DROP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "head", "title", "meta", "link",
     "object", "embed", "canvas", "video", "audio", "select", "option", "textarea", "math"}
)  # fmt: skip
# Elements that start a new block when met inside another element.
BLOCK_LEVEL = frozenset(
    {"p", "div", "section", "article", "main", "nav", "header", "footer", "aside", "form",
     "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
     "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "caption",
     "address", "fieldset", "details", "summary", "hr", "body", "html", "center", "menu",
     "hgroup", "dialog", "legend", "label", "button", "picture"}
)  # fmt: skip
REGIONS = ("article", "main", "nav", "header", "footer", "aside", "form")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACE = re.compile(r"\s+")
# Inline elements carrying one of these class/id tokens are rendered as buttons.
BUTTON_TOKENS = frozenset({"btn", "button", "cta", "wp-block-button"})
NOSCRIPT_FALLBACK_WORDS = 50
# Nesting deeper than this is treated as one flat block (hostile or broken markup).
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Block:
    """One visible paragraph-level unit of a page."""

    index: int
    tag: str
    tag_path: str  # e.g. "html>body>div.content>article>p"
    own_tokens: tuple[str, ...]  # class/id tokens of the element itself
    ancestor_tokens: tuple[str, ...]  # class/id tokens of its ancestors, nearest first
    text: str
    word_count: int
    link_chars: int
    position: float  # 0 = first block of the page, 1 = last
    depth: int
    parent_key: int  # identifies the parent container (blocks sharing it are siblings)
    regions: frozenset[str]  # subset of REGIONS the block is inside
    heading_level: int  # 1-6, 0 when not a heading
    hrefs: tuple[str, ...] = ()  # href of every link in the block

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def class_tokens(self) -> str:
        """Own and ancestor tokens, space-separated (the BLOCKS column)."""
        return " ".join(dict.fromkeys(self.own_tokens + self.ancestor_tokens))


def class_tokens_of(el: etree._Element) -> tuple[str, ...]:
    """Lowercase word tokens of an element's class and id ("postContent" -> post, content)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not raw.strip():
        return ()
    raw = _CAMEL.sub(" ", raw).lower()
    return tuple(t for t in _TOKEN_SPLIT.split(raw) if t and not t.isdigit())


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _skipped(el: etree._Element, drop: frozenset[str] = DROP_TAGS) -> bool:
    tag = _tag(el)
    return not tag or tag in drop or _is_hidden(el)


def _is_button(el: etree._Element) -> bool:
    tag = _tag(el)
    if tag == "button":
        return True
    if tag not in ("a", "span"):
        return False
    raw = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('role') or ''}".lower()
    return any(t in BUTTON_TOKENS for t in _TOKEN_SPLIT.split(raw)) or "wp-block-button" in raw


def _path_step(el: etree._Element) -> str:
    cls = (el.get("class") or "").split()
    return f"{_tag(el)}.{cls[0]}" if cls else _tag(el)


def _block_holders(root: etree._Element) -> set[etree._Element]:
    """Elements with a block-level (or button) descendant, found in one pass."""
    holders: set[etree._Element] = set()
    for el in root.iter():
        if _tag(el) in BLOCK_LEVEL or _is_button(el):
            parent = el.getparent()
            while parent is not None and parent not in holders:
                holders.add(parent)
                parent = parent.getparent()
    return holders


@dataclass(slots=True)
class _Ctx:
    path: tuple[str, ...]
    tokens: tuple[str, ...]
    regions: frozenset[str]
    in_link: bool = False


@dataclass(slots=True)
class _Raw:
    el: etree._Element
    ctx: _Ctx
    text: str
    link_chars: int
    parent: etree._Element | None
    hrefs: tuple[str, ...]


Piece = tuple[str, bool, str | None]  # text, inside a link, href of a link starting here


def _inline_text(
    el: etree._Element, drop: frozenset[str], in_link: bool = False
) -> Iterator[Piece]:
    """Visible text pieces under ``el`` (itself included), each flagged when inside a link."""
    if _skipped(el, drop):
        return
    link = in_link or _tag(el) == "a"
    if _tag(el) == "a" and el.get("href"):
        yield "", True, el.get("href")
    if _tag(el) == "br":
        yield "\n", link, None
    if el.text:
        yield el.text, link, None
    for child in el:
        if isinstance(child.tag, str):
            yield from _inline_text(child, drop, link)
        if child.tail:
            yield child.tail, link, None


def _join(pieces: list[Piece], keep_lines: bool) -> tuple[str, int]:
    text = "".join(p for p, _, _ in pieces)
    links = "".join(p for p, is_link, _ in pieces if is_link)
    link_chars = len(_SPACE.sub(" ", links).strip())
    if keep_lines:
        return text.strip("\n"), link_chars
    return _SPACE.sub(" ", text).strip(), link_chars


class _Segmenter:
    def __init__(self, root: etree._Element, drop: frozenset[str]) -> None:
        self.drop = drop
        self.holders = _block_holders(root)
        self.raw: list[_Raw] = []

    def emit(self, el: etree._Element, ctx: _Ctx, pieces: list[Piece]) -> None:
        text, link_chars = _join(pieces, keep_lines=_tag(el) == "pre")
        if text.strip():
            # A block nested in a link (<a><div>Login</div></a>) is all link text.
            link_chars = len(text) if ctx.in_link else min(link_chars, len(text))
            hrefs = tuple(h for _, _, h in pieces if h)
            self.raw.append(_Raw(el, ctx, text, link_chars, el.getparent(), hrefs))

    def walk(self, el: etree._Element, parent: _Ctx, depth: int) -> None:
        if _skipped(el, self.drop):
            return
        tag = _tag(el)
        own = class_tokens_of(el)
        ctx = _Ctx(
            (*parent.path, _path_step(el)),
            own + parent.tokens,
            parent.regions | {tag} if tag in REGIONS else parent.regions,
            parent.in_link or tag == "a",
        )
        if el not in self.holders or depth >= MAX_DEPTH:
            self.emit(el, ctx, list(_inline_text(el, self.drop)))
            return
        # Mixed content: inline runs between block children become anonymous blocks.
        run: list[Piece] = [(el.text, False, None)] if el.text else []
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif _tag(child) in BLOCK_LEVEL or child in self.holders or _is_button(child):
                self.emit(el, ctx, run)
                run = []
                self.walk(child, ctx, depth + 1)
            else:
                run.extend(_inline_text(child, self.drop))
            if child.tail:
                run.append((child.tail, False, None))
        self.emit(el, ctx, run)


def parse_html(markup: str) -> etree._Element | None:
    """Parse markup with lxml; None when there is nothing parseable."""
    if not markup or not markup.strip():
        return None
    # lxml rejects str input that carries an XML encoding declaration; bytes avoid that, and
    # the explicit parser encoding stops libxml2 guessing latin-1 for pages without a charset
    # (or with a stale <meta charset>: the text was already decoded by the crawl).
    parser = html.HTMLParser(encoding="utf-8")
    try:
        data = markup.encode("utf-8", "replace")
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, UnicodeError):
        return None
    return root


def segment(root: etree._Element) -> list[Block]:
    """Blocks of a parsed page, in document order.

    Pages that render their text with JavaScript (Discourse forums, some SPAs) ship a
    ``<noscript>`` copy of it; when the scripted page shows under NOSCRIPT_FALLBACK_WORDS
    words, the noscript content is segmented too.
    """
    body = root.find("body")
    start = body if body is not None else root
    seg = _walk_page(start, start is not root, DROP_TAGS)
    if sum(len(r.text.split()) for r in seg.raw) < NOSCRIPT_FALLBACK_WORDS:
        seg = _walk_page(start, start is not root, DROP_TAGS - {"noscript"})
    n = len(seg.raw)
    blocks = []
    # Holding the parent elements in seg.raw keeps their proxies alive, so id() is stable here.
    parent_keys: dict[int, int] = {}
    for i, r in enumerate(seg.raw):
        tag = _tag(r.el)
        own = class_tokens_of(r.el)
        blocks.append(
            Block(
                index=i,
                tag=tag,
                tag_path=">".join(r.ctx.path),
                own_tokens=own,
                ancestor_tokens=r.ctx.tokens[len(own) :],
                text=r.text,
                word_count=len(r.text.split()),
                link_chars=r.link_chars,
                position=i / (n - 1) if n > 1 else 0.0,
                depth=len(r.ctx.path),
                parent_key=parent_keys.setdefault(id(r.parent), len(parent_keys)),
                regions=r.ctx.regions,
                heading_level=_HEADINGS.get(tag, 0),
                hrefs=r.hrefs,
            )
        )
    return blocks


def _walk_page(start: etree._Element, in_html: bool, drop: frozenset[str]) -> _Segmenter:
    seg = _Segmenter(start, drop)
    seg.walk(start, _Ctx(("html",) if in_html else (), (), frozenset()), 0)
    return seg


def segment_html(markup: str) -> list[Block]:
    """Parse and segment in one call; [] for unparseable input."""
    root = parse_html(markup)
    return segment(root) if root is not None else []


def document_title(root: etree._Element) -> str:
    """og:title, else <title>: the hint the classifier uses to recognise the page's title."""
    for meta in root.iter("meta"):
        if (meta.get("property") or "").lower() == "og:title" and meta.get("content"):
            return str(meta.get("content"))
    title = root.find(".//title")
    return _SPACE.sub(" ", title.text_content()).strip() if title is not None else ""
