"""Boilerplate categories of non-main blocks, from rule tables (data, not if-chains).

Each category has class/id token stems (specific ones, and weak ones that only say "page
chrome"), ancestor regions, text patterns and link-target patterns. A block's category is, in
this order:

1. the first category of ``CATEGORY_ORDER`` with a text-pattern hit;
2. the category of the nearest specific token: the block's own tokens, then its ancestors'
   (nearest first);
3. the category of the nearest weak token, own then ancestors;
4. the first category whose link pattern matches every link of a mostly-link block;
5. a region rule (``nav``/``header``/``footer``/``aside`` ancestors, ``form``), else ``other``.

Text patterns come first because they are the strongest evidence: a "Book a free consultation"
paragraph inside ``div.entry-content`` is promo whatever its container says. Specific tokens
outrank weak ones at any distance because a weak token names the *shape* of an element, not
its purpose: the "Accept" ``button`` of a cookie banner is ``cookie``, the "Join" button and the
``widget-title`` of a newsletter box in a sidebar are ``promo``, the ``meta`` date line of a
related-post card is ``related``, a share ``button`` is ``share``. Link targets come after
tokens: a class-less table of contents (``<li><a href="#intro">``) is navigation, but an
in-page link inside a CTA box stays promo.

Decisions on the kinds people argue about:

* A newsletter signup box (heading, pitch, email field, "Subscribe", "unsubscribe at any
  time") is ``promo``: it is a call to action for the publisher, like a consultation banner.
* A site footer is split by content: its link lists are ``navigation`` (footer menus,
  "Powered by" links), its copyright line and disclaimers are ``legal`` (the ``©`` text pattern
  outranks the ``footer`` token, which is weak).

``token_categories`` and ``text_category`` are also model features (``features.py``): a change
to the stems or text patterns of this table changes the features, so retrain the shipped model
(``content-audit train-extractor``) with it. Stop tokens and the weak/specific split only
affect ``categorize``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.blocks import VALUE_CACHE, Block
from pipeline.extract.literals import cue_text, required_literals


@dataclass(frozen=True, slots=True)
class CategoryRule:
    category: str
    token_stems: tuple[str, ...]  # substrings of class/id tokens naming the purpose
    text: re.Pattern[str] | None  # a hit anywhere in the block text
    weak_stems: tuple[str, ...] = ()  # substrings naming only a shape ("button", "footer")
    regions: tuple[str, ...] = ()  # ancestor regions implying the category
    max_words: int = 60  # text patterns only count on blocks up to this long
    hrefs: re.Pattern[str] | None = None  # matches every link target of a mostly-link block


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)


RULES: tuple[CategoryRule, ...] = (
    CategoryRule(
        "cookie",
        ("cookie", "consent", "gdpr", "ccpa", "cmp"),
        _rx(
            r"\b(we|this (web)?site) uses? cookies\b",
            r"\baccept (all )?cookies\b",
            r"\bcookie (policy|settings|preferences)\b",
            r"\bmanage (your )?consent\b",
        ),
    ),
    CategoryRule(
        "promo",
        (
            "promo",
            "cta",
            "banner",
            "subscribe",
            "newsletter",
            "signup",
            "optin",
            "advert",
            "sponsor",
            "upsell",
            "popup",
            "modal",
        ),
        _rx(
            r"\bbook an? (free )?(\d+[- ]minute )?(consultation|session|call|appointment)\b",
            r"\b(talk|speak|chat) (to|with) (our|a|an) (licensed |certified )?"
            r"(specialist|counsel+or|therapist|expert|coach|team)s?\b",
            r"\bdownload (the|our) .{0,40}\bapp\b",
            r"\bget started\b",
            r"\b(sign|sign-)up (for|to) (our|the) newsletter\b",
            r"\bsubscribe (to|now)\b",
            r"\b(free|start your) (trial|consultation)\b",
            r"\b(shop|order|buy) now\b",
            r"\bschedule (a|your) (free )?(call|session|consultation|appointment)\b",
            r"\buse (code|coupon)\b",
            r"\b\d+% off\b",
            # Newsletter signup boxes (promo by decision, see the module docstring).
            r"\bunsubscribe (at )?any ?time\b",
            r"\b(join|subscribe to|sign up for) (our|the) (newsletter|mailing list)\b",
            r"^\s*enter your email( address)?\s*$",
        ),
        weak_stems=("btn", "button"),
    ),
    CategoryRule(
        "legal",
        ("disclaimer", "copyright", "legal", "terms", "privacy", "license"),
        _rx(
            r"©|\(c\) ?\d{4}|\bcopyright\b",
            r"\ball rights reserved\b",
            r"\bnot (intended|meant) (to be )?(as )?a? ?substitut",
            r"\bterms (of (use|service)|"
            r"and conditions)\b",
            r"\bprivacy policy\b",
            r"\bmedical advice\b",
            r"\bfor informational purposes only\b",
            r"\baffiliate (links?|commission)\b",
        ),
    ),
    CategoryRule(
        "share",
        ("share", "social", "sharing", "addtoany", "sharethis", "a2a"),
        _rx(
            r"^\s*share( (this|on|via))?\b",
            r"\bshare (this|on (facebook|twitter|x))\b",
            r"^\s*(facebook|twitter|pinterest|linkedin|whatsapp|email)\s*$",
        ),
        max_words=12,
    ),
    CategoryRule(
        "related",
        (
            "related",
            "recommend",
            "prev",
            "next",
            "also",
            "popular",
            "trending",
            "recent",
            "pagination",
            "pager",
        ),
        _rx(
            r"^\s*(related|recommended|similar|popular|recent) (posts?|articles?|stories|reads)\b",
            r"^\s*(previous|next) (post|article|story)\b",
            r"^\s*(you may|you might) also like\b",
            r"^\s*(read|see) (more|also|next)\b",
        ),
        max_words=15,
    ),
    CategoryRule(
        "comments_forms",
        ("comment", "reply", "respond", "disqus", "search", "login"),
        _rx(
            r"\b(leave|post|add) a (comment|reply)\b",
            r"\b\d+ (comments?|replies)\b",
            r"\byour email address will not be published\b",
            r"\brequired fields\b",
        ),
        weak_stems=("form", "input"),
        regions=("form",),
    ),
    CategoryRule(
        "author_meta",
        (
            "author",
            "byline",
            "bio",
            "posted",
            "published",
            "avatar",
            "vcard",
            "tags",
            "category",
            "categories",
            "readtime",
        ),
        _rx(
            r"^\s*(written |posted |published )?by [A-Z]",
            r"^\s*(published|updated|posted)"
            r"( on)?:? ",
            r"^\s*\d+ min(ute)? read\s*$",
            r"^\s*about the author\b",
        ),
        weak_stems=("meta", "date"),
        max_words=25,
    ),
    CategoryRule(
        "navigation",
        (
            "nav",
            "menu",
            "breadcrumb",
            "skip",
            "toc",
            "sitemap",
        ),
        _rx(r"^\s*skip to (main )?content\b", r"^\s*(home|menu)\s*$"),
        weak_stems=("header", "footer", "sidebar", "widget", "topbar", "masthead"),
        regions=("nav", "header", "footer", "aside"),
        max_words=12,
        # In-page anchors ("#understanding-intimacy", "#top"): a table of contents or a jump
        # link. Not "#" alone (a script-driven button) nor "#/portal/signup" (an app route).
        hrefs=re.compile(r"^#[^/\s]+$"),
    ),
)
# Every category is one of records.BLOCK_CATEGORIES (checked by test_categories, not imported:
# pipeline.records loads pyarrow, which extraction itself never needs).
CATEGORY_ORDER = tuple(r.category for r in RULES)
_CUES = tuple(required_literals(r.text) if r.text is not None else None for r in RULES)
_MAX_TEXT_WORDS = max(r.max_words for r in RULES if r.text is not None)
_REGION_RULES = tuple((frozenset(r.regions), r.category) for r in RULES if r.regions)
# Distinct ancestor class/id tokens (nearest first) that still say something about the block;
# further ones belong to the page's wrappers ("site-content", "page") and would tag everything.
# Distinct, because BEM markup repeats its block name on every element (post-card,
# post-card-content, post-card-title) and would otherwise use up the reach on one card.
ANCESTOR_REACH = 12
# A link-target rule needs the links to carry the block ("1. Intro" is all link text), so a
# paragraph that merely contains a footnote link keeps its other evidence.
MIN_LINK_DENSITY = 0.5
# Tokens that contain a stem by accident ("format" holds "form", "update" holds "date",
# "research" holds "search"): they say nothing about the block's purpose.
FALSE_FRIENDS = (
    "format", "platform", "inform", "perform", "transform", "uniform", "update", "research",
    "preview", "prevent", "context", "stock",
)  # fmt: skip


# Stems per category, for the token caches below (any(map(token.__contains__, ...)) runs in C).
_ALL_STEMS = tuple((r.category, r.token_stems + r.weak_stems) for r in RULES)
_SPECIFIC_STEMS = tuple((r.category, r.token_stems) for r in RULES)
_WEAK_STEMS = tuple((r.category, r.weak_stems) for r in RULES)


@lru_cache(maxsize=VALUE_CACHE)
def token_categories(token: str) -> tuple[str, ...]:
    """Categories whose stems (specific or weak) occur in one class/id token: a model feature."""
    return tuple(c for c, stems in _ALL_STEMS if any(map(token.__contains__, stems)))


@lru_cache(maxsize=VALUE_CACHE)
def _token_hits(token: str, weak: bool) -> tuple[str, ...]:
    if any(map(token.__contains__, FALSE_FRIENDS)):
        return ()
    rules = _WEAK_STEMS if weak else _SPECIFIC_STEMS
    return tuple(c for c, stems in rules if any(map(token.__contains__, stems)))


def text_category(text: str, word_count: int) -> str | None:
    if word_count > _MAX_TEXT_WORDS:
        return None
    return _short_text_category(text, word_count)


# The features and then ``categorize`` ask for the same blocks (120 dev pages: 59,667 calls on
# 34,451 blocks), and menus repeat their items; the texts held are at most 60 words.
@lru_cache(maxsize=VALUE_CACHE)
def _short_text_category(text: str, word_count: int) -> str | None:
    low = cue_text(text)
    for rule, cues in zip(RULES, _CUES, strict=True):
        if rule.text is None or word_count > rule.max_words:
            continue
        if cues is not None and low is not None and not any(map(low.__contains__, cues)):
            continue  # the pattern cannot match (see pipeline.extract.literals)
        if rule.text.search(text):
            return rule.category
    return None


# Blocks of one container share their token tuples: 120 dev pages have 29,902 blocks but 5,198
# distinct ancestor tuples and 4,208 distinct own ones.
@lru_cache(maxsize=VALUE_CACHE)
def _token_category(tokens: tuple[str, ...], weak: bool) -> str | None:
    hits = {c for t in tokens for c in _token_hits(t, weak)}
    return next((c for c in CATEGORY_ORDER if c in hits), None)


def link_category(block: Block) -> str | None:
    """First category whose link pattern matches every link of a mostly-link block."""
    if not block.hrefs or block.link_density < MIN_LINK_DENSITY:
        return None
    for rule in RULES:
        if rule.hrefs is not None and all(rule.hrefs.search(h) for h in block.hrefs):
            return rule.category
    return None


def _near_ancestors(block: Block) -> tuple[str, ...]:
    return _distinct_nearest(block.ancestor_tokens)


@lru_cache(maxsize=VALUE_CACHE)
def _distinct_nearest(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokens))[:ANCESTOR_REACH]


def evidence_category(block: Block) -> str | None:
    """The category named by specific evidence only (a text pattern, a purpose token on the
    block or a near ancestor), else None. Shapes and regions (``button``, ``footer``, ``<nav>``)
    do not count: a caller may use this to veto turning a doubtful block into main text."""
    return (
        text_category(block.text, block.word_count)
        or _token_category(block.own_tokens, weak=False)
        or _token_category(_near_ancestors(block), weak=False)
    )


def categorize(block: Block) -> str:
    """Boilerplate category of a block already judged not main."""
    ancestors = _near_ancestors(block)
    found = (
        evidence_category(block)
        or _token_category(block.own_tokens, weak=True)
        or _token_category(ancestors, weak=True)
        or link_category(block)
    )
    if found:
        return found
    return next((c for regions, c in _REGION_RULES if regions & block.regions), "other")
