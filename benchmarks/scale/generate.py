"""A scale corpus for the end-to-end benchmark: wellness and news blog posts as WARC files, made
of real pages, with known duplicates and promo banners.

``python generate.py --posts N --out DIR [--seed 0] [--sites S] [--data ../shared/data]``
writes ``DIR/warc/<site>.warc.gz`` (one per site), ``DIR/truth.jsonl`` (one line per post) and
``DIR/summary.json``; ``content-audit extract --from-warc DIR/warc`` imports it.

Design, and why:

* **Real pages as templates.** The article pages (``page_type`` article or blog) of the shared
  sets ``extraction-dev`` and ``extraction-more`` keep their markup, scripts, menus, sidebars
  and footers: extraction, dedup and the audit see the chrome of real sites, not a toy layout.
  A template's main-text paragraphs are found by matching the ground-truth ``articleBody``
  against the page's ``<p>`` elements (by shared word 4-grams: the ground truth writes
  straight quotes and "- " list items where the page has curly quotes and ``<li>``); each
  matched ``<p>`` becomes a *slot* (its opening tag kept, so the site's CSS classes stay).
  The rest of the original article is removed: other elements carrying ground-truth text
  (subheadings, list items, tables), then whatever text is left in the slots' common
  container and in same-class sibling blocks (an FAQ or a "conclusion" the ground truth left
  out). Otherwise every post made of one page would share that text and be a near-duplicate
  of the others. The title (``<title>``, ``<h1>``, ``og:title``, JSON-LD), URL (canonical,
  ``og:url``, share links), publication date (ISO and a few written forms) and description
  metas become placeholders too. Pages with fewer than ``MIN_SLOTS`` matched paragraphs are
  not used (23 of the 735 article pages).
* **Parse once, render by concatenation.** Each template is parsed with lxml once and
  serialized to a list of literal pieces between placeholders; a post is a ``b"".join`` of
  pieces and its values. Parsing and serializing a page alone costs ~8 ms; this keeps generation
  above 300 posts/s on one core (figures: benchmarks/scale/README.md).
* **Posts.** 4-20 paragraphs (more, up to 20, while under ``MIN_POST_WORDS`` words) from the
  pool of real article paragraphs: ground-truth lines of 40+ characters and 8+ words that read
  as prose (no list items or table rows, a sentence ending), deduplicated: 27,875. Each site
  walks the pool in its own pseudo-random order (``PoolWalk``), so unrelated posts of one site
  never share a paragraph until the pool is used up (~2,800 posts); across sites they do (see
  the README). A real title of another article (each site walks the title list from its own
  offset, so titles repeat within a site only after the whole list, then with a variant
  suffix, bar a handful), a date that advances with the post number, a URL
  ``/<yyyy>/<mm>/<slug>/``. Each site uses 1-3 templates (one theme, like a real site), so
  its chrome repeats across its posts as extraction's site-level evidence expects.
* **Known answers.** Besides originals: exact copies (same bytes, so the copy's canonical
  still names the original; on the same site or another one), rewrites (10-30 % of the
  sentences edited by one word, or the paragraphs reordered), syndications (the original's
  paragraphs in another site's template) and, in about 10 % of posts, one promo sentence
  pasted mid-article. ``truth.jsonl`` records all of it per post.
* **Streaming, bounded memory.** Posts are rendered and written one at a time; nothing grows
  with N except files. Copies pick their original from a bounded reservoir of recent
  originals' *specs* (template, title, URL, paragraph ids), and re-render it: rendering is a
  pure function of the spec, so an exact copy is byte-identical without keeping any HTML.
  Listing pages are written as their 20 entries fill up; a first counting pass over the
  site-assignment stream tells how many listing pages each site will have, so each WARC can
  start with its home page (the import takes the first URL of a site as its start URL, and
  links outside that URL's directory are out of scope).
* **WARCs.** warcio's ``WARCWriter``, one gzip member per record like any WARC, at zlib level
  1 instead of warcio's fixed 9: on these pages level 9 compresses ~25 MB/s and level 1
  ~105 MB/s, for files ~20 % larger; compression is still the largest cost per post. Digests
  are computed in one call per body instead of warcio's 16 KB chunk loop. Record ids and dates
  derive from the seed, so the same arguments give the same bytes (checked). Each file starts
  with a warcinfo record whose software is ``content-audit``, so the import names the site
  after the file; the hosts (``<site>.example``) are unique per site as well, so the host rule
  would give one site per file too.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import html
import io
import json
import random
import re
import resource
import sys
import time
import uuid
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlsplit

import lxml.html
from lxml import etree
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

VERSION = 1  # bump when the output for a given seed changes
SETS = ("extraction-dev", "extraction-more")
POST_TYPES = frozenset({"article", "blog"})
MIN_PARAGRAPH_CHARS = 40
MIN_PARAGRAPH_WORDS = 8
SENTENCE_END = frozenset('.!?"”)')
MIN_POST_WORDS = 150  # paragraphs are added (up to the maximum) until a post has this many
MIN_LEFTOVER_CHARS = 12  # shorter texts ("Share", "Home") also match chrome
SLOT_SHARE = 0.8  # a <p> is a main-text paragraph when this share of its 4-grams is the article's
LEFTOVER_SHARE = 0.6  # any other element this much the article's is removed
MIN_SLOTS = 3  # a template needs this many matched main-text <p> elements
PARAGRAPHS = (4, 20, 9)  # min, max, mode of a post's paragraph count (triangular)
TEMPLATES_PER_SITE = (1, 1, 2, 2, 3)
TEMPLATE_WEIGHTS = (0.7, 0.2, 0.1)  # the first template is the site's usual layout
PER_LISTING = 20
EXACT_SHARE, REWRITE_SHARE, SYNDICATED_SHARE = 0.05, 0.05, 0.02
BANNER_SHARE = 0.10  # of posts that are not exact copies (exact copies inherit the banner)
REORDER_SHARE = 0.25  # of rewrites: paragraphs reordered instead of sentences edited
RESERVOIR = 1000  # recent originals a copy may copy
SITE_RESERVOIR = 50  # ... and per site, for same-site copies
SAME_SITE = {"exact_copy": 0.6, "rewrite": 0.7, "syndicated": 0.0}  # P(original on same site)
PICK_TRIES = 32
GZIP_LEVEL = 1
FIRST_DAY, LAST_DAY = date(2016, 1, 4), date(2025, 12, 19)
CRAWL_START = datetime(2026, 1, 15, 3, 0, 0, tzinfo=UTC)
SOFTWARE = "content-audit benchmarks/scale/generate.py"  # "content-audit..." -> site = file name
USER_AGENT = "content-audit-scale-corpus/1"
DESCRIPTION_CHARS = 155

# Pasted promo/CTA sentences, the kind content teams find glued into articles.
BANNERS = (
    "Book a free consultation with our nutrition team today!",
    "Ready to feel your best? Start your 14-day free trial of the VitalPath app now.",
    "Use code WELLNESS20 at checkout for 20% off your first order.",
    "Sign up for our newsletter and get our free 7-day meal plan delivered to your inbox.",
    "Limited time offer: save 30% on all supplements this week only. Shop now!",
    "Download our free guide to better sleep – no credit card required.",
    "Join over 50,000 members who have transformed their health. Become a member today!",
    "Struggling with stress? Talk to a licensed therapist online within 24 hours. Get started.",
    "Try our plant-based protein powder risk-free with our 60-day money-back guarantee.",
    "Schedule your appointment online today and get your first session at half price.",
    "Click here to claim your free personalized fitness assessment.",
    "Don't miss out! Our spring detox program starts Monday – reserve your spot now.",
    "Free shipping on all orders over $50. Order your wellness bundle today!",
    "Subscribe now and get unlimited access to hundreds of guided meditations.",
    "Call us today at 1-800-555-0199 to speak with a certified wellness coach.",
    "Our best-selling probiotic is back in stock. Buy now before it sells out again!",
    "Take our 2-minute quiz to find the right vitamin plan for you.",
    "Book your spot in our next online yoga class – the first class is on us.",
    "Want results like these? Enroll in our 12-week coaching program and save $100 today.",
    "Get our free healthy recipes e-book when you create an account today.",
)
SITE_WORDS = (
    ("calm", "vital", "bright", "green", "true", "daily", "whole", "pure", "urban", "north",
     "sunny", "clear", "steady", "good", "open", "kind", "fresh", "balanced", "mindful", "active"),
    ("wellness", "health", "living", "nutrition", "mind", "news", "journal", "fitness",
     "habits", "notes", "times", "post", "herald", "digest", "kitchen", "body", "life", "care"),
)  # fmt: skip
# Titles repeat within a site only after the whole list; later rounds get one of these.
TITLE_VARIANTS = (
    "", ": What You Need to Know", " (Updated)", ": A Closer Look", ": Part 2",
    " – Revisited", ": Questions Answered", ": The Short Version", ": Our Take",
)  # fmt: skip
EDIT_WORDS = ("really", "truly", "often", "surely", "clearly", "simply", "also", "even", "just")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

_WS = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SLUG = re.compile(r"[^a-z0-9]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Placeholders: ASCII (lxml percent-encodes other characters in href/src), absent from the real
# pages (checked when a template is made).
_OPEN, _CLOSE = "{{ca|", "|ca}}"
_MARK = re.compile(r"\{\{ca\|([a-z0-9:._]+)\|ca\}\}")
_SCRIPT_TAGS = frozenset({"script", "style"})
# Metas set whatever they said (they may word the title differently from the ground truth).
_METAS = {
    "description": "description", "og:description": "description",
    "twitter:description": "description", "og:title": "title", "twitter:title": "title",
    "og:url": "url", "twitter:url": "url",
}  # fmt: skip
_KEEP_TAGS = frozenset({"html", "head", "body", "title"})
_NOT_SLOT_PARENTS = frozenset({"p", "figcaption", "figure", "blockquote"})
_CHROME_TAGS = frozenset({"nav", "aside", "header", "footer", "form", "script", "style"})
_CLEAR_TAGS = frozenset({"p", "li", "ul", "ol", "dl", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "table", "pre", "figcaption", "details"})  # fmt: skip
MIN_OWN_TEXT = 20  # an element with this much text of its own is article text
_VISIBLE_TEXT = ".//text()[not(ancestor::script) and not(ancestor::style)]"


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


# ---------------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Source:
    """One real article page of the shared sets."""

    sid: str  # "<set>/<id>"
    url: str
    title: str
    published: date | None
    lines: tuple[str, ...]  # ground-truth main-text lines, whitespace-normalized
    html_path: Path


@dataclass(frozen=True, slots=True)
class Pool:
    """Every real article paragraph once: ``texts[i]`` came from ground-truth line ``ids[i]``."""

    texts: tuple[str, ...]
    ids: tuple[str, ...]  # "<set>/<page id>#<line number among the body's non-empty lines>"
    words: tuple[int, ...]


def _date(value: Any) -> date | None:
    text = str(value or "")
    return date.fromisoformat(text[:10]) if _ISO_DATE.match(text) else None


def is_prose(line: str) -> bool:
    """A paragraph worth reusing: long enough, not a list item or table row (the ground truth
    writes those as lines too), ending like a sentence."""
    return (
        len(line) >= MIN_PARAGRAPH_CHARS
        and len(line.split()) >= MIN_PARAGRAPH_WORDS
        and not _LIST_ITEM.match(line)
        and line[-1] in SENTENCE_END
    )


def load_sources(data_dir: Path) -> tuple[list[Source], Pool]:
    """The article pages of both sets (id order) and the paragraph pool drawn from them."""
    sources: list[Source] = []
    texts: list[str] = []
    ids: list[str] = []
    seen: set[str] = set()
    for name in SETS:
        truth = json.loads((data_dir / name / "ground-truth.json").read_text(encoding="utf-8"))
        for pid in sorted(truth):
            gt = truth[pid]
            if gt["page_type"] not in POST_TYPES:
                continue
            lines = tuple(x for x in (norm(s) for s in (gt["articleBody"] or "").split("\n")) if x)
            sid = f"{name}/{pid}"
            path = data_dir / name / "html" / f"{pid}.html.gz"
            title = norm(gt.get("title") or "")
            sources.append(Source(sid, gt["url"], title, _date(gt["publish_date"]), lines, path))
            for n, line in enumerate(lines):
                if is_prose(line) and line not in seen:
                    seen.add(line)
                    texts.append(line)
                    ids.append(f"{sid}#{n}")
    return sources, Pool(tuple(texts), tuple(ids), tuple(len(t.split()) for t in texts))


# -------------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class Template:
    """A real page as literal pieces between placeholders: ``pieces[i] = (text, key)`` with
    key "" after the last piece. Keys: ``slot:<n>`` (the n-th main-text paragraph),
    ``<field>:<encoding>:<context>`` (title/url/date/description, see ``field_value``)."""

    sid: str
    pieces: tuple[tuple[bytes, str], ...]  # literals pre-encoded: a post encodes only its values
    slot_tags: tuple[str, ...]  # opening tag of each slot's <p>, attributes kept
    fields: frozenset[str]  # the keys that are not slots
    own_title: str  # the page's real title: posts on it take another one
    stats: dict[str, Any]


def format_date(day: date, form: str) -> str:
    """``day`` written the way ``form`` names (the forms ``_date_forms`` looks for)."""
    month = MONTHS[day.month - 1]
    if form == "iso":
        return day.isoformat()
    if form == "mdy0":
        return f"{month} {day.day:02d}, {day.year}"
    if form == "bdy":
        return f"{month[:3]} {day.day}, {day.year}"
    if form == "dmy":
        return f"{day.day} {month} {day.year}"
    if form == "dby":
        return f"{day.day} {month[:3]} {day.year}"
    return f"{month} {day.day}, {day.year}"  # mdy


DATE_FORMS = ("iso", "mdy", "mdy0", "bdy", "dmy", "dby")


def _date_forms(day: date) -> dict[str, str]:
    """Ways a page may write its date: form name -> text, each text once."""
    unique: dict[str, str] = {}
    for form in DATE_FORMS:
        text = format_date(day, form)
        if text not in unique.values():
            unique[form] = text
    return unique


ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda v: v,
    "pct": lambda v: quote(v, safe=""),  # share links: ?url=https%3A%2F%2F…
    "json": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    "jsonascii": lambda v: json.dumps(v)[1:-1],
    "jsonslash": lambda v: json.dumps(v, ensure_ascii=False)[1:-1].replace("/", "\\/"),
}
# Where each encoding is looked for: text and attributes ("h"), script text ("s").
CONTEXT_ENCODINGS = {"h": ("raw", "pct"), "s": ("raw", "json", "jsonascii", "jsonslash")}


def _encodings(value: str, context: str) -> dict[str, str]:
    """How ``value`` can be written in a text/attribute ("h") or script ("s") context."""
    return {name: ENCODINGS[name](value) for name in CONTEXT_ENCODINGS[context]}


def encode(value: str, encoding: str, context: str) -> str:
    """``value`` written as ``encoding`` for a piece of serialized HTML in ``context``: text
    and attributes are HTML-escaped (the serializer escaped the literal around it), script
    text is not (nothing there is unescaped by a browser)."""
    out = ENCODINGS[encoding](value)
    return html.escape(out) if context == "h" else out.replace("</", "<\\/")


def _replacements(src: Source, context: str) -> list[tuple[str, str]]:
    """(old text, placeholder) pairs for one context, longest first so that a URL is replaced
    before a date inside it."""
    pairs: dict[str, str] = {}
    values = [("url", src.url, "")]
    if len(src.title) >= 12:  # a short title ("Blog") would match menu items
        values.append(("title", src.title, ""))
    if src.published is not None:
        values += [("date", text, form) for form, text in _date_forms(src.published).items()]
    for name, value, form in values:
        for encoding, text in _encodings(value, context).items():
            key = f"{name}{'.' + form if form else ''}:{encoding}:{context}"
            pairs.setdefault(text, f"{_OPEN}{key}{_CLOSE}")
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def _substitute(text: str | None, pairs: list[tuple[str, str]]) -> str | None:
    """``text`` with placeholders; None when nothing changed."""
    if not text:
        return None
    out = text
    for old, new in pairs:
        if old in out:
            out = out.replace(old, new)
    return None if out == text else out


def _placeholders(root: etree._Element, src: Source) -> None:
    """Title, URL, date and description placeholders wherever the page writes them."""
    in_html, in_script = _replacements(src, "h"), _replacements(src, "s")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        if text := _substitute(el.text, in_script if el.tag in _SCRIPT_TAGS else in_html):
            el.text = text
        if (tail := _substitute(el.tail, in_html)) is not None:
            el.tail = tail
        for name, value in el.attrib.items():
            if (new := _substitute(value, in_html)) is not None:
                el.set(name, new)
        if el.tag == "meta":
            name = _METAS.get((el.get("name") or el.get("property") or "").lower())
            if name is not None:
                el.set("content", f"{_OPEN}{name}:raw:h{_CLOSE}")
        elif el.tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            el.set("href", f"{_OPEN}url:raw:h{_CLOSE}")


def _title_elements(root: etree._Element) -> None:
    """Make sure <title> and the main <h1> carry the title placeholder."""
    mark = f"{_OPEN}title:raw:h{_CLOSE}"
    title = root.find(".//title")
    if title is not None and _OPEN + "title" not in (title.text or ""):
        title.text = mark
    h1s = list(root.iter("h1"))
    if h1s and not any(_OPEN + "title" in (h.text_content() or "") for h in h1s):
        h1 = h1s[0]
        for child in list(h1):
            h1.remove(child)
        h1.text = mark


class ArticleText:
    """The ground-truth main text, for asking "is this element's text the article's?" loosely:
    the ground truth writes list items as "- item", straight quotes where the page has curly
    ones, and table rows as one line, so exact line equality misses much of it."""

    GRAM = 4

    def __init__(self, lines: Sequence[str]) -> None:
        rows = [_WORD.findall(line.lower()) for line in lines]
        self.joined = " \n ".join(" ".join(words) for words in rows)
        self.grams = frozenset(g for words in rows for g in self._grams(words))

    def _grams(self, words: list[str]) -> list[str]:
        return [" ".join(words[i : i + self.GRAM]) for i in range(len(words) - self.GRAM + 1)]

    def share(self, text: str) -> float:
        """Share of ``text``'s word 4-grams found in the article (short texts: whole)."""
        words = _WORD.findall(text.lower())
        if len(words) < self.GRAM:
            return float(bool(words) and f" {' '.join(words)} " in f" {self.joined} ")
        grams = self._grams(words)
        return sum(g in self.grams for g in grams) / len(grams)


def _matched_paragraphs(root: etree._Element, article: ArticleText) -> list[etree._Element]:
    """The <p> elements that are the article's paragraphs (outermost, each text once)."""
    found: list[etree._Element] = []
    taken: set[str] = set()
    for p in root.iter("p"):
        text = norm(p.text_content())
        key = text.lower()
        if len(text) < MIN_PARAGRAPH_CHARS or key in taken or article.share(text) < SLOT_SHARE:
            continue
        if any(a.tag in _NOT_SLOT_PARENTS for a in p.iterancestors()):
            continue  # nested, or a caption or pull quote the ground truth kept: no paragraph
        taken.add(key)
        found.append(p)
    return found


def _drop_leftovers(body: etree._Element, article: ArticleText, slots: list[etree._Element]) -> int:
    """Remove the other elements whose text is the article's (subheadings, list items, table
    cells, short or repeated paragraphs), so the original article does not show through;
    return how many were removed. Elements holding a slot or the title stay."""
    titled = [el for el in body.iter("h1") if _OPEN + "title" in el.text_content()]
    keep = set(slots) | set(titled)
    holders = {a for el in keep for a in el.iterancestors()}
    doomed = [
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and el.tag not in _KEEP_TAGS
        and el not in keep
        and el not in holders
        and len(text := norm(el.text_content())) >= MIN_LEFTOVER_CHARS
        and article.share(text) >= LEFTOVER_SHARE
    ]
    for el in doomed:
        el.drop_tree()  # keeps the tail text
    return len(doomed)


def _clear_container(slots: list[etree._Element]) -> int:
    """Remove the remaining text of the article body (the slots' closest common container):
    sections the ground truth left out (an FAQ, a table, a caption) would otherwise repeat in
    every post made of this page, making them near-duplicates of each other. Chrome inside
    the body (nav, aside, header, footer, forms) stays; images and embeds stay; nothing is
    done when the slots only meet at <body>. Returns how many elements were removed."""
    container = _common_ancestor(slots)
    if container is None or container.tag in ("body", "html"):
        return 0
    keep = set(slots) | {el for el in container.iter("h1") if _OPEN + "title" in el.text_content()}
    holders = {a for el in keep for a in el.iterancestors()}
    doomed = []
    for el in container.iterdescendants():
        if not isinstance(el.tag, str) or el in keep or el in holders:
            continue
        if el.tag in _CHROME_TAGS or any(a.tag in _CHROME_TAGS for a in _up_to(el, container)):
            continue
        if el.tag in _CLEAR_TAGS or len(_own_text(el)) >= MIN_OWN_TEXT:
            doomed.append(el)
    doomed += [el for el in _sibling_blocks(container, holders) if el not in doomed]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return len(doomed)


def _sibling_blocks(
    container: etree._Element, holders: set[etree._Element]
) -> list[etree._Element]:
    """Block-based CMS layouts split one article into several rich-text blocks of the same
    class ("richtext", "entry-content"): the blocks beside the slots' one hold the rest of the
    original article (an FAQ, a conclusion), so they go too. Only for a classed container: a
    bare <div> matches half the page."""
    cls = container.get("class")
    root = container.getroottree().getroot()
    if not cls:
        return []
    return [
        el
        for el in root.iter(container.tag)
        if el.get("class") == cls
        and el is not container
        and el not in holders
        and not any(a.tag in _CHROME_TAGS for a in el.iterancestors())
    ]


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    common: list[etree._Element] | None = None
    for el in elements:
        chain = [el, *el.iterancestors()][::-1]  # root first
        if common is None:
            common = chain
        else:
            n = 0
            while n < min(len(common), len(chain)) and common[n] is chain[n]:
                n += 1
            common = common[:n]
    return common[-1] if common else None


def _up_to(el: etree._Element, top: etree._Element) -> Iterator[etree._Element]:
    for a in el.iterancestors():
        if a is top:
            return
        yield a


def _own_text(el: etree._Element) -> str:
    """Text directly in ``el`` (not in its children)."""
    return norm((el.text or "") + " ".join(c.tail or "" for c in el))


def _opening_tag(el: etree._Element) -> str:
    attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in el.attrib.items())
    return f"<p{attrs}>"


def _replace_with_text(el: etree._Element, text: str) -> None:
    """Put ``text`` where ``el`` was (lxml removes an element's tail with it: keep it)."""
    parent, prev = el.getparent(), el.getprevious()
    if parent is None:
        return
    filler = text + (el.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + filler
    else:
        parent.text = (parent.text or "") + filler
    parent.remove(el)


def _pieces(serialized: str) -> tuple[tuple[bytes, str], ...]:
    parts = _MARK.split(serialized)  # literal, key, literal, key, ..., literal
    literals = [p.encode("utf-8") for p in parts[0::2]]
    return tuple(zip(literals, [*parts[1::2], ""], strict=True))


def prepare_template(src: Source) -> Template | None:
    """``src`` as a template, or None when fewer than ``MIN_SLOTS`` paragraphs match."""
    # A few real pages carry control characters, which lxml refuses in any string set on the
    # tree; UTF-8 never uses these bytes inside a multi-byte character, so they can go.
    raw = _NOT_XML_BYTES.sub(b"", gzip.decompress(src.html_path.read_bytes()))
    if _OPEN.encode() in raw or _CLOSE.encode() in raw:
        return None
    try:
        root = lxml.html.document_fromstring(raw, parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None
    body = root.find("body")
    article = ArticleText(src.lines)
    slots = _matched_paragraphs(root, article)
    if body is None or len(slots) < MIN_SLOTS:
        return None
    _placeholders(root, src)
    _title_elements(root)
    dropped = _drop_leftovers(body, article, slots)
    cleared = _clear_container(slots)
    tags = [_opening_tag(p) for p in slots]
    for n, p in enumerate(slots):
        _replace_with_text(p, f"{_OPEN}slot:{n}{_CLOSE}")
    text = etree.tostring(root.getroottree(), method="html", encoding="unicode")
    pieces = _pieces(text)
    keys = frozenset(k for _, k in pieces if k and not k.startswith("slot:"))
    visible = norm(" ".join(body.xpath(_VISIBLE_TEXT)))
    long_lines = [x for x in src.lines if len(x) >= MIN_PARAGRAPH_CHARS]
    shown = ArticleText([visible])
    left = sum(1 for x in long_lines if shown.share(x) >= LEFTOVER_SHARE)
    stats = {
        "slots": len(slots),
        "dropped_elements": dropped,
        "cleared_elements": cleared,
        "gt_lines_left": left,
        "gt_lines": len(long_lines),
        "html_chars": len(text),
        "has_title": any(k.startswith("title") for k in keys),
        "has_url": any(k.startswith("url") for k in keys),
        "has_date": any(k.startswith("date") for k in keys),
    }
    return Template(src.sid, pieces, tuple(tags), keys, src.title, stats)


# ------------------------------------------------------------------------------------ posts


@dataclass(frozen=True, slots=True)
class Banner:
    index: int  # into BANNERS
    after: int  # article paragraphs before it


@dataclass(frozen=True, slots=True)
class PostSpec:
    """All a post's bytes depend on: rendering is a pure function of this."""

    site: int
    template: Template
    title: str
    url: str
    day: date
    paragraphs: tuple[int, ...]  # pool indices, in the post's order
    banner: Banner | None = None
    texts: tuple[str, ...] | None = None  # edited paragraph texts (rewrites), else the pool's


def description(first: str) -> str:
    """An auto-excerpt like a CMS writes: the first paragraph cut at a word boundary."""
    if len(first) <= DESCRIPTION_CHARS:
        return first
    return first[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def field_value(key: str, spec: PostSpec, first: str) -> str:
    """The text of a ``<field>[.<form>]:<encoding>:<context>`` placeholder for ``spec``."""
    name, encoding, context = key.split(":")
    name, _, form = name.partition(".")
    if name == "title":
        value = spec.title
    elif name == "url":
        value = spec.url
    elif name == "date":
        value = format_date(spec.day, form)
    else:
        value = description(first)
    return encode(value, encoding, context)


def _slot_fill(template: Template, paragraphs: Sequence[str]) -> list[str]:
    """HTML for each slot: one paragraph per slot; surplus paragraphs after the last slot
    (same markup), surplus slots empty."""
    tags, fills = template.slot_tags, [""] * len(template.slot_tags)
    last = len(tags) - 1
    for n, text in enumerate(paragraphs):
        slot = min(n, last)
        sep = "\n" if fills[slot] else ""
        fills[slot] += f"{sep}{tags[slot]}{text}</p>"
    return fills


def render(spec: PostSpec, pool: Pool) -> bytes:
    texts = spec.texts if spec.texts is not None else [pool.texts[i] for i in spec.paragraphs]
    paragraphs = [html.escape(t, quote=False) for t in texts]
    if spec.banner is not None:
        pasted = f"<strong>{html.escape(BANNERS[spec.banner.index], quote=False)}</strong>"
        paragraphs.insert(spec.banner.after, pasted)
    template = spec.template
    values = {k: field_value(k, spec, texts[0]).encode("utf-8") for k in template.fields}
    for n, fill in enumerate(_slot_fill(template, paragraphs)):
        values[f"slot:{n}"] = fill.encode("utf-8")
    values[""] = b""
    out = []
    for literal, key in template.pieces:
        out.append(literal)
        out.append(values[key])
    return b"".join(out)


def rewrite(texts: Sequence[str], rng: random.Random) -> tuple[list[str], dict[str, Any]]:
    """An edited version: paragraphs reordered, or 10-30 % of sentences one word off."""
    if len(texts) > 2 and rng.random() < REORDER_SHARE:
        order = list(range(len(texts)))
        while order == sorted(order):
            rng.shuffle(order)
        return [texts[i] for i in order], {"type": "reorder", "order": order}
    paras = [_SENTENCE.split(t) for t in texts]
    flat = [(p, s) for p, sentences in enumerate(paras) for s in range(len(sentences))]
    share = rng.uniform(0.10, 0.30)
    chosen = rng.sample(flat, max(1, round(share * len(flat))))
    for p, s in chosen:
        words = paras[p][s].split(" ")
        j, op = rng.randrange(len(words)), rng.random()
        if op < 0.5:
            words[j] = rng.choice(EDIT_WORDS)
        elif op < 0.75 or len(words) < 2:
            words.insert(j, rng.choice(EDIT_WORDS))
        else:
            del words[j]
        paras[p][s] = " ".join(words)
    info = {"type": "sentences", "share": round(share, 3), "edited": len(chosen),
            "sentences": len(flat)}  # fmt: skip
    return [" ".join(s) for s in paras], info


def slugify(title: str) -> str:
    slug = _SLUG.sub("-", title.lower()).strip("-")
    if len(slug) > 70:
        slug = slug[:70].rsplit("-", 1)[0]
    return slug or "post"


# ------------------------------------------------------------------------------------ sites


@dataclass(slots=True)
class Site:
    """One site: its templates, title walk, listing state and archive."""

    index: int
    name: str
    display: str
    templates: list[Template]
    title_offset: int
    walk: PoolWalk
    planned: int  # posts it will get (from the counting pass)
    posts: int = 0
    month: tuple[int, int] = (0, 0)
    slugs: Counter[str] = field(default_factory=Counter)  # this month's slugs (bounded)
    entries: list[tuple[str, str, str, date]] = field(default_factory=list)  # one listing page
    listings: int = 0

    @property
    def host(self) -> str:
        return f"{self.name}.example"

    @property
    def origin(self) -> str:
        return f"http://{self.host}"

    @property
    def pages(self) -> int:
        return -(-self.planned // PER_LISTING)

    def url_for(self, title: str, day: date) -> str:
        """``/<yyyy>/<mm>/<slug>/``, with ``-2``, ``-3`` … when the month already has it."""
        if (day.year, day.month) != self.month:
            self.month, self.slugs = (day.year, day.month), Counter()
        slug = slugify(title)
        self.slugs[slug] += 1
        if (n := self.slugs[slug]) > 1:
            slug = f"{slug}-{n}"
        return f"{self.origin}/{day.year}/{day.month:02d}/{slug}/"


class PoolWalk:
    """A site's walk through the paragraph pool, no paragraph twice until all were used.

    Unrelated posts of one site sharing a paragraph would look like a pasted banner or a
    partial copy (the audit reports a paragraph on 3 posts of a site); drawing at random, a
    1,000-post site would have hundreds. A stored shuffled list per site would cost memory
    per site; the walk ``(a * n + b) mod p`` over a prime ``p >= pool size`` visits every
    index once in ``p`` steps with O(1) state, and each round takes new ``a`` and ``b``."""

    def __init__(self, size: int, key: str) -> None:
        self.size, self.key = size, key
        self.prime = _next_prime(size)
        self.step = self.prime  # forces a new round on the first call
        self.round = -1
        self.a = self.b = 0

    def next(self) -> int:
        while True:
            if self.step == self.prime:
                self.round += 1
                rng = random.Random(f"{self.key}/{self.round}")
                self.a, self.b, self.step = (
                    rng.randrange(1, self.prime),
                    rng.randrange(self.prime),
                    0,
                )
            value = (self.a * self.step + self.b) % self.prime
            self.step += 1
            if value < self.size:
                return value


def _next_prime(n: int) -> int:
    candidate = max(2, n)
    while any(candidate % d == 0 for d in range(2, int(candidate**0.5) + 1)):
        candidate += 1
    return candidate


def site_names(count: int, rng: random.Random) -> list[str]:
    first, second = SITE_WORDS
    combos = [f"{a}-{b}" for a in first for b in second]
    rng.shuffle(combos)
    return [
        combos[i % len(combos)] + (f"-{i // len(combos) + 1}" if i >= len(combos) else "")
        for i in range(count)
    ]


def assign_templates(
    count: int, sources: list[Source], rng: random.Random
) -> tuple[list[list[Template]], int]:
    """1-3 templates per site, distinct across sites while the eligible pages last; how many
    pages were tried (only the pages used are parsed)."""
    order = list(sources)
    rng.shuffle(order)
    ready: list[Template] = []
    tried = 0

    def take() -> Template:
        nonlocal tried
        while tried < len(order):
            src = order[tried]
            tried += 1
            if (t := prepare_template(src)) is not None:
                ready.append(t)
                return t
        if not ready:
            raise SystemExit("no usable template page in the data directory")
        return ready[rng.randrange(len(ready))]  # more sites than pages: themes are shared

    return [[take() for _ in range(rng.choice(TEMPLATES_PER_SITE))] for _ in range(count)], tried


# ------------------------------------------------------------------------------------ WARCs


class SeededWARCWriter(WARCWriter):
    """warcio's writer with reproducible record ids and dates, and a faster gzip level."""

    def __init__(self, fh: BinaryIO, namespace: str) -> None:
        # gzip=False: write_record below wraps each record in its own gzip member instead.
        super().__init__(fh, gzip=False, warc_version="1.1")
        self._namespace = namespace
        self._count = 0
        self.when = CRAWL_START

    def _make_warc_id(self) -> str:  # an instance method: ids count per file
        self._count += 1
        return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self._namespace}/{self._count}')}>"

    def curr_warc_date(self) -> str:
        return self.when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def write_record(self, record: ArcWarcRecord, params: Any = None) -> None:
        self._write_warc_record(GzipMember(self.out), record)  # its final flush ends the member


class GzipMember:
    """One record's gzip member, like warcio's ``GzippingWrapper`` but at ``GZIP_LEVEL``
    (warcio's is fixed at 9: four times the CPU for files ~17 % smaller)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


def _digest(*parts: bytes) -> str:
    """A WARC digest in warcio's form: ``sha1:`` and the base32 SHA-1."""
    sha = hashlib.sha1()
    for part in parts:
        sha.update(part)
    return "sha1:" + base64.b32encode(sha.digest()).decode("ascii")


class SiteArchive:
    """``<site>.warc.gz``: a warcinfo record, then a response (and its request) per page."""

    def __init__(self, path: Path, site: Site, seed: int) -> None:
        self.path = path
        self.host = site.host
        self._fh = path.open("wb")
        self.writer = SeededWARCWriter(self._fh, f"{seed}/{site.name}")
        info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
                "description": f"scale corpus v{VERSION}, seed {seed}"}  # fmt: skip
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))

    def write(self, url: str, body: bytes, when: datetime) -> None:
        self.writer.when = when
        stamp = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
        headers = [("Content-Type", "text/html; charset=utf-8"),
                   ("Content-Length", str(len(body))), ("Date", stamp)]  # fmt: skip
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        http.compute_headers_buffer()
        # Digests computed here in one call each: warcio would stream the body through both
        # in 16 KB chunks, which costs more than the hashing.
        digests = {"WARC-Payload-Digest": _digest(body),
                   "WARC-Block-Digest": _digest(http.headers_buff, body)}  # fmt: skip
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=http, warc_headers_dict=digests,
        )  # fmt: skip
        request = self.writer.create_warc_record(
            url, "request",
            http_headers=StatusAndHeaders(
                f"GET {urlsplit(url).path} HTTP/1.1",
                [("Host", self.host), ("User-Agent", USER_AGENT)], is_http_request=True,
            ),
        )  # fmt: skip
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        self.writer.write_record(response)
        self.writer.write_record(request)

    def close(self) -> None:
        self._fh.close()


# ---------------------------------------------------------------------------- non-post pages


def _page(site: Site, title: str, path: str, main: str) -> bytes:
    name = html.escape(site.display)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} – {name}</title>"
        f'<link rel="canonical" href="{site.origin}{path}"></head>'
        f'<body><header class="site-header"><a class="brand" href="/">{name}</a>'
        f'<nav class="menu"><a href="/">Home</a> <a href="/page/1/">Archive</a> '
        f'<a href="/about/">About</a></nav></header>\n<main>{main}</main>\n'
        f'<footer class="site-footer">© {name}. All rights reserved.</footer></body></html>\n'
    ).encode()


def home_page(site: Site) -> bytes:
    links = " ".join(f'<a href="/page/{n}/">{n}</a>' for n in range(1, site.pages + 1))
    main = (
        f"<h1>{html.escape(site.display)}</h1><p>Articles on health, food, fitness and the news"
        f' of the day.</p><nav class="pagination">Archive pages: {links}</nav>'
    )
    return _page(site, "Home", "/", main)


def about_page(site: Site) -> bytes:
    main = (
        f"<h1>About {html.escape(site.display)}</h1><p>We are a small team of writers. "
        'Questions? <a href="mailto:hello@example.com">Write to us</a>.</p>'
    )
    return _page(site, "About", "/about/", main)


def listing_page(site: Site, n: int) -> bytes:
    cards = "".join(
        f'<article class="post-card"><h2 class="entry-title"><a href="{html.escape(url)}">'
        f'{html.escape(title)}</a></h2><time datetime="{day.isoformat()}">'
        f'{format_date(day, "mdy")}</time><p class="excerpt">{html.escape(excerpt)}</p>'
        "</article>\n"
        for url, title, excerpt, day in site.entries
    )
    nav = [f'<a rel="prev" href="/page/{n - 1}/">Older</a>'] if n > 1 else []
    nav += [f'<a rel="next" href="/page/{n + 1}/">Newer</a>'] if n < site.pages else []
    main = (
        f'<h1>Archive – page {n} of {site.pages}</h1><div class="post-list">\n{cards}</div>'
        f'<nav class="pagination">{" ".join(nav)}</nav>'
    )
    return _page(site, f"Archive page {n}", f"/page/{n}/", main)


# -------------------------------------------------------------------------------- generator


@dataclass(frozen=True, slots=True)
class Post:
    kind: str  # original | exact_copy | rewrite | syndicated
    spec: PostSpec  # as shown: the post's own site, URL and date
    body: bytes
    copy_of: str | None = None  # the original's URL
    edit: dict[str, Any] | None = None  # what a rewrite changed


@dataclass(frozen=True, slots=True)
class Options:
    posts: int
    out: Path
    seed: int
    sites: int
    data: Path
    changed: float = 0.0  # share of posts edited (a later month of the same corpus)


class Generator:
    """The whole run: sites, archives, the post stream and its truth."""

    def __init__(self, opts: Options, sources: list[Source], pool: Pool, started: float) -> None:
        self.opts, self.pool, self.started = opts, pool, started
        self.rng = random.Random(f"{opts.seed}/posts")
        setup = random.Random(f"{opts.seed}/setup")
        names = site_names(opts.sites, setup)
        templates, self.tried = assign_templates(opts.sites, sources, setup)
        self.site_weights = [setup.lognormvariate(0.0, 0.6) for _ in names]
        planned = Counter(self._site_stream())
        # Distinct titles (a few pages of the two sets share one), sorted before the shuffle.
        self.titles = sorted({s.title for s in sources if len(s.title) >= 12})
        setup.shuffle(self.titles)
        self.sites = [
            Site(i, name, name.replace("-", " ").title(), templates[i],
                 setup.randrange(len(self.titles)),
                 PoolWalk(len(pool.texts), f"{opts.seed}/{name}"), planned[i])
            for i, name in enumerate(names)
        ]  # fmt: skip
        # Bounded memory for copies: recent originals, all sites and per site.
        self.reservoir: deque[PostSpec] = deque(maxlen=RESERVOIR)
        self.recent = [deque[PostSpec](maxlen=SITE_RESERVOIR) for _ in names]
        self.kinds: Counter[str] = Counter()
        # Its own stream: the same seed with and without --changed gives the same corpus but
        # for the edited posts (and the listing pages that quote them).
        self.changed_rng = random.Random(f"{opts.seed}/changed")
        self.changed = 0
        self.banners = 0
        self.html_bytes = 0
        self.non_posts = 0
        self.archives: dict[int, SiteArchive] = {}

    def _site_stream(self) -> Iterator[int]:
        """The site of each post, in order: the same stream for the counting pass and the run."""
        rng = random.Random(f"{self.opts.seed}/sites")
        indices = range(len(self.site_weights))
        for _ in range(self.opts.posts):
            yield rng.choices(indices, self.site_weights)[0]

    def _day(self, i: int) -> date:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + timedelta(days=span * i // max(1, self.opts.posts))

    def _when(self, i: int) -> datetime:
        return CRAWL_START + timedelta(seconds=i)

    def _title(self, site: Site, template: Template) -> str:
        """The site's next title; the template page's own title takes the next variant (it
        can then meet the same title of the next round: 6 repeats among 88,000 originals)."""
        n = site.posts
        title = self.titles[(site.title_offset + n) % len(self.titles)]
        variant = (n // len(self.titles) + (title == template.own_title)) % len(TITLE_VARIANTS)
        return title + TITLE_VARIANTS[variant]

    def _banner(self, n_paragraphs: int) -> Banner | None:
        if self.rng.random() >= BANNER_SHARE:
            return None
        lo, hi = max(1, n_paragraphs // 4), max(1, (3 * n_paragraphs) // 4)
        return Banner(self.rng.randrange(len(BANNERS)), self.rng.randint(lo, hi))

    def _template(self, site: Site) -> Template:
        weights = TEMPLATE_WEIGHTS[: len(site.templates)]
        return self.rng.choices(site.templates, weights)[0]

    def _pick_original(self, site: Site, kind: str) -> PostSpec | None:
        """A recent original on the same site or, by ``SAME_SITE``, on another one; None when
        there is none yet (the post is then an original)."""
        if self.rng.random() < SAME_SITE[kind]:
            own = self.recent[site.index]
            return own[self.rng.randrange(len(own))] if own else None
        for _ in range(PICK_TRIES):  # the global reservoir is mostly other sites' posts
            if not self.reservoir:
                return None
            spec = self.reservoir[self.rng.randrange(len(self.reservoir))]
            if spec.site != site.index:
                return spec
        return None

    def _kind(self) -> str:
        x = self.rng.random()
        if x < EXACT_SHARE:
            return "exact_copy"
        if x < EXACT_SHARE + REWRITE_SHARE:
            return "rewrite"
        return "syndicated" if x < EXACT_SHARE + REWRITE_SHARE + SYNDICATED_SHARE else "original"

    def _paragraphs(self, site: Site) -> tuple[int, ...]:
        """4-20 pool paragraphs, more (up to 20) while the post is very short: real articles
        are rarely under ``MIN_POST_WORDS`` words."""
        lo, hi, mode = PARAGRAPHS
        count = round(self.rng.triangular(lo, hi, mode))
        chosen = [site.walk.next() for _ in range(count)]
        words = sum(self.pool.words[p] for p in chosen)
        while len(chosen) < hi and words < MIN_POST_WORDS:
            chosen.append(site.walk.next())
            words += self.pool.words[chosen[-1]]
        return tuple(chosen)

    def _original(self, site: Site, day: date) -> Post:
        template = self._template(site)
        title = self._title(site, template)
        paragraphs = self._paragraphs(site)
        count = len(paragraphs)
        spec = PostSpec(site.index, template, title, site.url_for(title, day), day,
                        paragraphs, self._banner(count))  # fmt: skip
        self.reservoir.append(spec)
        self.recent[site.index].append(spec)
        return Post("original", spec, render(spec, self.pool))

    def _copy(self, kind: str, orig: PostSpec, site: Site, day: date) -> Post:
        """An exact copy, rewrite or syndication of ``orig`` on ``site``."""
        url = site.url_for(orig.title, day)
        if kind == "exact_copy":
            # Same bytes: the original's spec rendered again; only the record's URL differs.
            shown = PostSpec(site.index, orig.template, orig.title, url, day, orig.paragraphs,
                             orig.banner)  # fmt: skip
            return Post(kind, shown, render(orig, self.pool), orig.url)
        # A rewrite on its own site keeps the page's layout; elsewhere it takes the site's.
        template = orig.template if orig.site == site.index else self._template(site)
        paragraphs, texts, edit = orig.paragraphs, None, None
        if kind == "rewrite":
            edited, edit = rewrite([self.pool.texts[p] for p in paragraphs], self.rng)
            texts = tuple(edited)
            if edit["type"] == "reorder":
                paragraphs = tuple(paragraphs[k] for k in edit["order"])
        spec = PostSpec(site.index, template, orig.title, url, day, paragraphs,
                        self._banner(len(paragraphs)), texts)  # fmt: skip
        return Post(kind, spec, render(spec, self.pool), orig.url, edit)

    def _post(self, i: int, site: Site) -> Post:
        kind, day = self._kind(), self._day(i)
        orig = self._pick_original(site, kind) if kind != "original" else None
        return self._original(site, day) if orig is None else self._copy(kind, orig, site, day)

    def _edited(self, post: Post) -> Post:
        """The post with 10-30 % of its sentences edited or its paragraphs reordered, as an
        author updating it would (``rewrite``), at the same URL."""
        spec = post.spec
        texts = spec.texts or tuple(self.pool.texts[p] for p in spec.paragraphs)
        edited, edit = rewrite(list(texts), self.changed_rng)
        paragraphs = spec.paragraphs
        if edit["type"] == "reorder":
            paragraphs = tuple(paragraphs[k] for k in edit["order"])
        shown = replace(spec, paragraphs=paragraphs, texts=tuple(edited))
        self.changed += 1
        return Post(post.kind, shown, render(shown, self.pool), post.copy_of,
                    {**(post.edit or {}), "changed": edit["type"]})  # fmt: skip

    def _truth(self, i: int, post: Post) -> str:
        spec = post.spec
        banner = None
        if spec.banner is not None:
            banner = {"id": spec.banner.index, "text": BANNERS[spec.banner.index],
                      "after_paragraph": spec.banner.after}  # fmt: skip
        row = {
            "n": i, "site": self.sites[spec.site].name, "url": spec.url, "kind": post.kind,
            "template": spec.template.sid, "title": spec.title, "date": spec.day.isoformat(),
            "paragraphs": [self.pool.ids[p] for p in spec.paragraphs], "banner": banner,
            "copy_of": post.copy_of, "edit": post.edit,
        }  # fmt: skip
        return json.dumps(row, ensure_ascii=False) + "\n"

    def _open_sites(self, warc_dir: Path) -> None:
        """Each WARC starts with its site's home page: the import scopes a site's links to the
        directory of the first URL it sees."""
        for site in self.sites:
            archive = SiteArchive(warc_dir / f"{site.name}.warc.gz", site, self.opts.seed)
            self.archives[site.index] = archive
            self._write_extra(site, "/", home_page(site))
            self._write_extra(site, "/about/", about_page(site))

    def _write_extra(self, site: Site, path: str, body: bytes) -> None:
        self.archives[site.index].write(site.origin + path, body, CRAWL_START)
        self.non_posts += 1
        self.html_bytes += len(body)

    def _listed(self, site: Site, spec: PostSpec, body_text: str) -> None:
        """Add the post to its site's current listing page; write the page when it is full."""
        site.entries.append((spec.url, spec.title, description(body_text), spec.day))
        if len(site.entries) == PER_LISTING or site.posts == site.planned:
            site.listings += 1
            self._write_extra(site, f"/page/{site.listings}/", listing_page(site, site.listings))
            site.entries.clear()

    def run(self) -> dict[str, Any]:
        out = self.opts.out
        warc_dir = out / "warc"
        warc_dir.mkdir(parents=True, exist_ok=True)
        if any(warc_dir.glob("*.warc.gz")):
            raise SystemExit(f"{warc_dir} already holds WARC files: use an empty --out")
        self._open_sites(warc_dir)
        with (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
            for i, s in enumerate(self._site_stream()):
                site = self.sites[s]
                post = self._post(i, site)
                if self.changed_rng.random() < self.opts.changed:
                    post = self._edited(post)
                spec = post.spec
                self.archives[s].write(spec.url, post.body, self._when(i))
                site.posts += 1
                self.kinds[post.kind] += 1
                self.banners += spec.banner is not None
                self.html_bytes += len(post.body)
                truth.write(self._truth(i, post))
                first = spec.texts[0] if spec.texts else self.pool.texts[spec.paragraphs[0]]
                self._listed(site, spec, first)
        for archive in self.archives.values():
            archive.close()
        return self._summary(time.perf_counter() - self.started, warc_dir)

    def _summary(self, seconds: float, warc_dir: Path) -> dict[str, Any]:
        """Counts and costs; times are of the whole process (loading and templates included),
        CPU time beside wall time because the benchmark machine is shared."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime
        used = {t.sid: t for s in self.sites for t in s.templates}
        sizes = [s.posts for s in self.sites]
        return {
            "version": VERSION, "seed": self.opts.seed, "posts": self.opts.posts,
            "sites": len(self.sites), "posts_per_site": {"min": min(sizes), "max": max(sizes)},
            "kinds": dict(sorted(self.kinds.items())), "banners": self.banners,
            "changed": self.changed,
            "non_post_pages": self.non_posts, "html_bytes": self.html_bytes,
            "warc_bytes": sum(p.stat().st_size for p in warc_dir.glob("*.warc.gz")),
            "seconds": round(seconds, 2), "posts_per_s": round(self.opts.posts / seconds, 1),
            "cpu_seconds": round(cpu, 2), "posts_per_cpu_s": round(self.opts.posts / cpu, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "paragraph_pool": len(self.pool.texts), "template_pages_tried": self.tried,
            "templates": {sid: t.stats for sid, t in sorted(used.items())},
            "site_templates": {s.name: [t.sid for t in s.templates] for s in self.sites},
        }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sites", type=int, default=None, help="default: max(8, posts // 1000)")
    # The shared data sets sit beside the repository (README "The data" of benchmarks/realweb).
    default_data = Path(__file__).resolve().parents[3] / "shared" / "data"
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument(
        "--changed", type=float, default=0.0,
        help="share of posts edited (0-1): the same corpus a month later, for incremental runs",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    sites = args.sites or max(8, args.posts // 1000)
    if not 0.0 <= args.changed <= 1.0:
        parser.error("--changed must be between 0 and 1")
    opts = Options(args.posts, args.out, args.seed, sites, args.data, args.changed)
    started = time.perf_counter()
    sources, pool = load_sources(opts.data)
    summary = Generator(opts, sources, pool, started).run()
    (opts.out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", "utf-8")
    kinds = " ".join(f"{k}={v}" for k, v in summary["kinds"].items())
    print(
        f"{summary['posts']} posts on {summary['sites']} sites ({kinds}, "
        f"banners={summary['banners']}), {summary['warc_bytes'] / 1e6:.1f} MB of WARC in "
        f"{summary['seconds']} s ({summary['cpu_seconds']} s CPU): "
        f"{summary['posts_per_s']} posts/s, "
        f"peak RSS {summary['peak_rss_mb']} MB -> {opts.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
