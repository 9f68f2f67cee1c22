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
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from pipeline.extract.markup import parse_html
from pipeline.pickling import compact_state

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
REGIONS = ("article", "main", "nav", "header", "footer", "aside", "form", "articlebody")
# ARIA landmark roles and schema.org body properties name the same regions as the HTML5 tags:
# evidence for the classifier (a feature), never a rule.
_ROLE_REGIONS = {"main": "main", "article": "article", "navigation": "nav", "banner": "header",
                 "contentinfo": "footer", "complementary": "aside", "form": "form"}  # fmt: skip
_ITEMPROP_REGIONS = frozenset({"articlebody", "text", "reviewbody", "description"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Inline elements carrying one of these class/id tokens are rendered as buttons.
BUTTON_TOKENS = frozenset({"btn", "button", "cta", "wp-block-button"})
NOSCRIPT_FALLBACK_WORDS = 50
# Pages that ship their text hidden and reveal it with a script (React streaming puts the
# article in ``<div hidden id="S:0">`` and swaps it in; anti-flicker wrappers set
# ``visibility:hidden`` until the scripts run) show a browser far more than their visible DOM.
# When the hidden elements the walk skipped hold enough text, the page is walked again with
# them shown, and that is kept when it holds REVEAL_FACTOR times the visible words and at least
# REVEAL_MIN_GAIN more: a hidden menu or modal never outweighs a real page like that.
REVEAL_FACTOR = 3
REVEAL_MIN_GAIN = 200
# Nesting deeper than this is treated as one flat block (hostile or broken markup).
MAX_DEPTH = 200
# Entries of the caches keyed by attribute values (class/id tokens, path steps, hints). A page
# repeats a few hundred values on thousands of elements (at most 582 distinct class/id pairs
# on the first 120 dev pages), but across pages they barely repeat (24,740 distinct on those
# 120, mostly ids), so the cache holds about one page: a larger one was 15 MB of others' ids.
VALUE_CACHE = 1 << 10


@compact_state
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
    return _tokens(el.get("class"), el.get("id"))


@lru_cache(maxsize=VALUE_CACHE)
def _tokens(cls: str | None, id_: str | None) -> tuple[str, ...]:
    raw = f"{cls or ''} {id_ or ''}"
    if not raw.strip():
        return ()
    raw = _CAMEL.sub(" ", raw).lower()
    return tuple(t for t in _TOKEN_SPLIT.split(raw) if t and not t.isdigit())


@lru_cache(maxsize=VALUE_CACHE)
def _path_step(tag: str, cls: str | None) -> str:
    words = (cls or "").split()
    return f"{tag}.{words[0]}" if words else tag


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# Elements that may be hidden, found by libxml2 in one pass: testing three attributes of every
# element from Python was a tenth of the segmentation time.
_MAYBE_HIDDEN = etree.XPath("descendant-or-self::*[@hidden or @aria-hidden or @style]")


def _hidden_elements(start: etree._Element) -> set[etree._Element]:
    # The set holds the proxies, so the walk meets these same objects again.
    return {el for el in _MAYBE_HIDDEN(start) if _is_hidden(el)}


def _visible_tag(el: etree._Element, drop: frozenset[str], hidden: set[etree._Element]) -> str:
    """The element's lowercase tag, or "" when it renders nothing (comment, dropped, in
    ``hidden``)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    tag = tag.lower()
    return "" if not tag or tag in drop or el in hidden else tag


def _regions(el: etree._Element, tag: str, inherited: frozenset[str]) -> frozenset[str]:
    region = tag if tag in REGIONS else _ROLE_REGIONS.get(el.get("role") or "")
    prop = el.get("itemprop")
    if prop and prop.lower() in _ITEMPROP_REGIONS:
        inherited = inherited | {"articlebody"}
    return inherited | {region} if region else inherited


def _is_button(el: etree._Element, tag: str) -> bool:
    if tag == "button":
        return True
    return tag in ("a", "span") and _button_attrs(el.get("class"), el.get("id"), el.get("role"))


@lru_cache(maxsize=VALUE_CACHE)
def _button_attrs(cls: str | None, id_: str | None, role: str | None) -> bool:
    raw = f"{cls or ''} {id_ or ''} {role or ''}".lower()
    return any(t in BUTTON_TOKENS for t in _TOKEN_SPLIT.split(raw)) or "wp-block-button" in raw


def _block_holders(root: etree._Element) -> set[etree._Element]:
    """Elements with a block-level (or button) descendant, found in one pass."""
    holders: set[etree._Element] = set()
    for el in root.iter(etree.Element):  # elements only: comments and PIs hold nothing
        tag = el.tag.lower()
        if tag in BLOCK_LEVEL or _is_button(el, tag):
            for parent in el.iterancestors():
                if parent in holders:
                    break
                holders.add(parent)
    return holders


@dataclass(slots=True)
class _Ctx:
    path: str  # the tag path, steps joined by ">"
    depth: int  # steps in path
    tokens: tuple[str, ...]
    regions: frozenset[str]
    in_link: bool = False


@dataclass(slots=True)
class _Raw:
    el: etree._Element
    tag: str
    own: tuple[str, ...]
    ctx: _Ctx
    text: str
    link_chars: int
    parent: etree._Element | None
    hrefs: tuple[str, ...]


class _Run:
    """Visible text met in document order: all of it, the part inside links, link targets."""

    __slots__ = ("hrefs", "links", "texts")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.links: list[str] = []
        self.hrefs: list[str] = []

    def add(self, text: str, in_link: bool) -> None:
        self.texts.append(text)
        if in_link:
            self.links.append(text)


def _inline_text(
    el: etree._Element, drop: frozenset[str], run: _Run, in_link: bool, hidden: set[etree._Element]
) -> None:
    """Add the visible text under ``el`` (itself included) to ``run``."""
    tag = _visible_tag(el, drop, hidden)
    if not tag:
        return
    link = in_link or tag == "a"
    if tag == "a" and el.get("href"):
        run.hrefs.append(el.get("href"))
    if tag == "br":
        run.add("\n", link)
    if el.text:
        run.add(el.text, link)
    for child in el:
        if isinstance(child.tag, str):
            _inline_text(child, drop, run, link, hidden)
        if child.tail:
            run.add(child.tail, link)


def _collapse(text: str) -> str:
    # Same as re.sub(r"\s+", " ", text).strip(): \s and str.split() both use str.isspace().
    return " ".join(text.split())


class _Segmenter:
    def __init__(self, root: etree._Element, drop: frozenset[str], reveal: bool = False) -> None:
        self.drop = drop
        # What counts as hidden: nothing when revealing.
        self.hidden_set: set[etree._Element] = set() if reveal else _hidden_elements(root)
        self.hidden: list[etree._Element] = []  # hidden elements the walk skipped
        self.holders = _block_holders(root)
        self.raw: list[_Raw] = []

    def emit(
        self, el: etree._Element, tag: str, own: tuple[str, ...], ctx: _Ctx, run: _Run
    ) -> None:
        if not run.texts:
            return
        joined = "".join(run.texts)
        text = joined.strip("\n") if tag == "pre" else _collapse(joined)
        if text.strip():
            # A block nested in a link (<a><div>Login</div></a>) is all link text.
            link_chars = len(_collapse("".join(run.links)))
            link_chars = len(text) if ctx.in_link else min(link_chars, len(text))
            raw = _Raw(el, tag, own, ctx, text, link_chars, el.getparent(), tuple(run.hrefs))
            self.raw.append(raw)

    def walk(self, el: etree._Element, parent: _Ctx, depth: int) -> None:
        tag = _visible_tag(el, self.drop, self.hidden_set)
        if not tag:
            if el in self.hidden_set and el.tag.lower() not in self.drop:
                self.hidden.append(el)
            return
        cls = el.get("class")
        own = _tokens(cls, el.get("id"))
        step = _path_step(tag, cls)
        ctx = _Ctx(
            f"{parent.path}>{step}" if parent.depth else step,
            parent.depth + 1,
            own + parent.tokens,
            _regions(el, tag, parent.regions),
            parent.in_link or tag == "a",
        )
        if el not in self.holders or depth >= MAX_DEPTH:
            run = _Run()
            _inline_text(el, self.drop, run, False, self.hidden_set)
            self.emit(el, tag, own, ctx, run)
            return
        # Mixed content: inline runs between block children become anonymous blocks.
        run = _Run()
        if el.text:
            run.add(el.text, False)
        for child in el:
            child_tag = child.tag
            if not isinstance(child_tag, str):
                pass
            elif (
                (child_tag := child_tag.lower()) in BLOCK_LEVEL
                or child in self.holders
                or _is_button(child, child_tag)
            ):
                self.emit(el, tag, own, ctx, run)
                run = _Run()
                self.walk(child, ctx, depth + 1)
            else:
                _inline_text(child, self.drop, run, False, self.hidden_set)
            if child.tail:
                run.add(child.tail, False)
        self.emit(el, tag, own, ctx, run)


def segment(root: etree._Element) -> list[Block]:
    """Blocks of a parsed page, in document order.

    Pages that render their text with JavaScript (Discourse forums, some SPAs) ship a
    ``<noscript>`` copy of it; when the scripted page shows under NOSCRIPT_FALLBACK_WORDS
    words, the noscript content is segmented too.
    """
    body = root.find("body")
    start = body if body is not None else root
    seg = _walk_page(start, start is not root, DROP_TAGS)
    words = _words(seg)
    if words < NOSCRIPT_FALLBACK_WORDS:
        seg = _walk_page(start, start is not root, DROP_TAGS - {"noscript"})
        words = _words(seg)
    if _worth_revealing(words, _hidden_words(seg.hidden)):
        revealed = _walk_page(start, start is not root, seg.drop, reveal=True)
        if _worth_revealing(words, _words(revealed) - words):
            seg = revealed
    n = len(seg.raw)
    blocks = []
    # Holding the parent elements in seg.raw keeps their proxies alive, so id() is stable here.
    parent_keys: dict[int, int] = {}
    for i, r in enumerate(seg.raw):
        blocks.append(
            Block(
                index=i,
                tag=r.tag,
                tag_path=r.ctx.path,
                own_tokens=r.own,
                ancestor_tokens=r.ctx.tokens[len(r.own) :],
                text=r.text,
                word_count=len(r.text.split()),
                link_chars=r.link_chars,
                position=i / (n - 1) if n > 1 else 0.0,
                depth=r.ctx.depth,
                parent_key=parent_keys.setdefault(id(r.parent), len(parent_keys)),
                regions=r.ctx.regions,
                heading_level=_HEADINGS.get(r.tag, 0),
                hrefs=r.hrefs,
            )
        )
    return blocks


def _worth_revealing(visible: int, hidden: int) -> bool:
    return hidden >= REVEAL_MIN_GAIN and visible + hidden >= REVEAL_FACTOR * visible


_TEXT_NOT_CODE = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def _hidden_words(elements: list[etree._Element]) -> int:
    """Words under the skipped hidden elements (scripts and styles aside): an upper bound of
    what a reveal walk adds, read only to decide whether to make that walk."""
    return sum(len(str(t).split()) for el in elements for t in _TEXT_NOT_CODE(el))


def _words(seg: _Segmenter) -> int:
    return sum(len(r.text.split()) for r in seg.raw)


def _walk_page(
    start: etree._Element, in_html: bool, drop: frozenset[str], reveal: bool = False
) -> _Segmenter:
    seg = _Segmenter(start, drop, reveal)
    top = _Ctx("html", 1, (), frozenset()) if in_html else _Ctx("", 0, (), frozenset())
    seg.walk(start, top, 0)
    return seg


def segment_html(markup: str) -> list[Block]:
    """Parse and segment in one call; [] for unparseable input."""
    root = parse_html(markup)
    return segment(root) if root is not None else []
