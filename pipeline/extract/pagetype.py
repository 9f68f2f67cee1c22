"""Page type: is this page a post (an article, a blog post), a listing, or something else?

Pure core, no I/O except reading the shipped coefficients. ``page_facts`` turns what extraction
knows about a page (metadata, ``<article>`` count, blocks and which are main, URL, title) into
named features; ``PageTypeModel`` holds two logistic regressions over them (post or not; if
not, which kind), trained by ``pagetype_train`` on the tuning part of the shared extraction
sets and shipped as JSON. ``decide``: a page with fewer than ``MIN_POST_WORDS`` main words is
never a post; a page is a post when the model says so or when it is a lone ``<article>`` that
declares itself one (``declared_post``); any other page gets the most specific reason that both
the model and a visible sign support (``has_evidence``: ``listing_page``, ``product_page``,
``forum_thread``, ``documentation_page``, ``service_page``), else ``not_article``. Figures and
method: ``benchmarks/pagetype/README.md``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np

from pipeline.extract.blocks import Block
from pipeline.extract.metadata import PageMetadata
from pipeline.extract.metadata_sources import ARTICLE_TYPES

MODEL_PATH = Path(__file__).parent / "models" / "pagetype_model.json"
# A post needs at least this much main text; shorter pages are stubs, galleries or errors.
MIN_POST_WORDS = 50
LISTING_JSONLD_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})

# Non-post kinds, as ground-truth page types map to them, and the reason each one gives.
KIND_REASONS = {
    "listing": "listing_page",
    "product": "product_page",
    "forum": "forum_thread",
    "documentation": "documentation_page",
    "service": "service_page",
}

_WORD = re.compile(r"[a-z0-9]+")
_LETTERS = re.compile(r"[a-z]{2,}")
_DATED_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|$)|/(19|20)\d\d-\d\d(-\d\d)?")
_PAGINATION = re.compile(r"/page/\d+|[?&](page|paged|p|start|offset)=\d+")
_PRICE = re.compile(r"(?:[$€£¥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|usd|eur|gbp))", re.I)
_CART = re.compile(r"\b(add to (cart|bag|basket)|buy now|in stock|out of stock|checkout)\b", re.I)
_REPLY = re.compile(r"\b(repl(y|ies)|posts?: \d|joined|quote|upvote|answers?)\b", re.I)

# URL path words that hint at each kind of page (a segment equal to one of them).
URL_WORDS = {
    "post": ("blog", "blogs", "news", "article", "articles", "post", "posts", "stories",
             "story", "insights", "resources", "health", "magazine", "journal", "library"),
    "listing": ("tag", "tags", "category", "categories", "topics", "archive", "archives",
                "author", "authors", "page", "search", "collections", "collection"),
    "product": ("product", "products", "shop", "store", "item", "p", "dp", "buy"),
    "forum": ("forum", "forums", "thread", "threads", "t", "topic", "community",
              "discussion", "discussions", "questions", "question", "r", "comments"),
    "documentation": ("docs", "doc", "documentation", "reference", "api", "manual",
                      "guide", "guides", "developer", "developers", "kb", "help", "support"),
    "service": ("services", "service", "solutions", "treatments", "pricing", "quote",
                "locations", "care", "programs", "specialties"),
}  # fmt: skip
# Class/id tokens of the page's blocks that hint at each kind.
CLASS_WORDS = {
    "comment": ("comment", "comments", "respond", "disqus"),
    "product": ("product", "price", "cart", "sku", "variant", "quantity", "woocommerce"),
    "forum": ("thread", "reply", "replies", "forum", "topic", "vote", "votes", "answer",
              "username", "signature", "postbody", "message"),
    "documentation": ("docs", "toc", "sidebar", "highlight", "api", "sphinx", "reference"),
    "byline": ("byline", "author", "meta", "date", "posted", "published", "entry"),
    "teaser": ("card", "teaser", "excerpt", "grid", "tile", "listing", "summary", "related"),
}  # fmt: skip
JSONLD_GROUPS = {
    "ld_article": ARTICLE_TYPES,
    "ld_webpage": frozenset({"webpage", "medicalwebpage"}),
    "ld_listing": LISTING_JSONLD_TYPES,
    "ld_product": frozenset({"product", "offer", "aggregateoffer", "productgroup"}),
    "ld_forum": frozenset({"discussionforumposting", "qapage", "question", "answer"}),
    "ld_service": frozenset({"service", "medicalclinic", "localbusiness", "hospital",
                             "physician", "medicalorganization", "professionalservice"}),
    "ld_faq": frozenset({"faqpage", "howto"}),
}  # fmt: skip


def _log(x: float) -> float:
    return math.log1p(max(x, 0.0))


def _path_words(url: str | None) -> tuple[list[str], str]:
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return [], ""
    path = unquote(parts.path).lower()
    segments = [s for s in path.split("/") if s]
    return segments, path + ("?" + parts.query.lower() if parts.query else "")


def url_facts(url: str | None) -> dict[str, float]:
    """URL shape: depth, dated path, pagination, the last segment's words, kind words."""
    segments, path = _path_words(url)
    last = re.sub(r"\.(html?|php|aspx?)$", "", segments[-1]) if segments else ""
    slug_words = [w for w in _WORD.findall(last) if not w.isdigit()]
    facts = {
        "url_depth": float(min(len(segments), 6)),
        "url_root": float(not segments),
        "url_dated": float(bool(_DATED_PATH.search(path))),
        "url_paginated": float(bool(_PAGINATION.search(path))),
        "url_slug_words": float(min(len(slug_words), 12)),
        "url_long_slug": float(len(slug_words) >= 4),
        "url_numeric_id": float(bool(re.search(r"\d{4,}", last))),
    }
    words = set(segments)
    for kind, names in URL_WORDS.items():
        facts[f"url_{kind}"] = float(bool(words & set(names)))
    return facts


def _class_share(blocks: Sequence[Block], names: tuple[str, ...]) -> float:
    wanted = frozenset(names)
    # isdisjoint on the tuples: no concatenation and no set per block (a hot line in profiles)
    hits = sum(
        1
        for b in blocks
        if not wanted.isdisjoint(b.own_tokens) or not wanted.isdisjoint(b.ancestor_tokens)
    )
    return hits / len(blocks) if blocks else 0.0


def meta_facts(meta: PageMetadata, n_articles: int) -> dict[str, float]:
    types = set(meta.jsonld_types)
    og = (meta.og_type or "").lower()
    facts = {
        "article_markup": float(meta.is_article_markup),
        "og_article": float(og == "article"),
        "og_website": float(og == "website"),
        "og_product": float(og.startswith("product") or og == "og:product"),
        "og_other": float(bool(og) and og not in ("article", "website")),
        "og_none": float(not og),
        "has_author": float(bool(meta.authors)),
        "has_published": float(meta.published_at is not None),
        "published_from_markup": float(meta.published_source in ("jsonld", "og", "meta")),
        "published_from_page": float(meta.published_source in ("time", "byline", "text")),
        "published_from_url": float(meta.published_source == "url"),
        "has_updated": float(meta.updated_at is not None),
        "jsonld_none": float(not types),
        "articles_0": float(n_articles == 0),
        "articles_1": float(n_articles == 1),
        "articles_many": float(n_articles >= 3),
    }
    for name, group in JSONLD_GROUPS.items():
        facts[name] = float(bool(types & group))
    return facts


def block_facts(blocks: Sequence[Block], main: Sequence[bool]) -> dict[str, float]:
    """Size, shape and link density of the main text against the whole page."""
    kept = [b for b, m in zip(blocks, main, strict=True) if m]
    main_words = sum(b.word_count for b in kept)
    page_words = sum(b.word_count for b in blocks)
    main_chars = sum(len(b.text) for b in kept)
    page_chars = sum(len(b.text) for b in blocks)
    paragraphs = [b for b in kept if b.tag == "p" and b.word_count >= 20]
    long_blocks = [b for b in kept if b.word_count >= 40]
    text = " ".join(b.text for b in blocks)
    facts = {
        "main_words_log": _log(main_words),
        "page_words_log": _log(page_words),
        "main_share": main_words / page_words if page_words else 0.0,
        "main_link_density": sum(b.link_chars for b in kept) / main_chars if main_chars else 0.0,
        "page_link_share": sum(b.link_chars for b in blocks) / page_chars if page_chars else 0.0,
        "main_paragraphs_log": _log(len(paragraphs)),
        "main_long_blocks_log": _log(len(long_blocks)),
        "main_headings_log": _log(sum(1 for b in kept if b.heading_level)),
        "main_list_items_share": sum(1 for b in kept if b.tag == "li") / len(kept) if kept else 0.0,
        "main_pre_log": _log(sum(1 for b in kept if b.tag in ("pre", "code"))),
        "main_mean_block_words_log": _log(main_words / len(kept)) if kept else 0.0,
        "page_blocks_log": _log(len(blocks)),
        "prices_log": _log(len(_PRICE.findall(text))),
        "cart_words": float(bool(_CART.search(text))),
        "reply_words_log": _log(len(_REPLY.findall(text))),
        "in_article_share": sum(1 for b in kept if "article" in b.regions) / len(kept)
        if kept
        else 0.0,
    }
    for kind, names in CLASS_WORDS.items():
        facts[f"class_{kind}"] = _class_share(blocks, names)
    return facts


def term_facts(url: str | None, title: str | None) -> dict[str, float]:
    """Words of the URL path and of the title as indicators ("url=blog", "title=how").

    Only words that occur on enough training hosts are in the model (``pagetype_train``); the
    rest are ignored at scoring time.
    """
    segments, _ = _path_words(url)
    words = {f"url={w}" for s in segments for w in _LETTERS.findall(s)}
    words |= {f"title={w}" for w in _LETTERS.findall((title or "").lower())}
    return dict.fromkeys(sorted(words), 1.0)


def page_facts(
    meta: PageMetadata,
    n_articles: int,
    blocks: Sequence[Block],
    main: Sequence[bool],
    url: str | None,
) -> dict[str, float]:
    """Every feature of one page, by name (the model's input)."""
    return {
        **meta_facts(meta, n_articles),
        **block_facts(blocks, main),
        **url_facts(url),
        **term_facts(url, meta.title),
    }


@dataclass(frozen=True, slots=True)
class LinearHead:
    """A fitted logistic regression over standardized facts (absent facts count as 0).

    Two classes: ``coef`` has one row, the probability of ``classes[1]``. More: one row each.
    """

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (1 or n_classes, n_features)
    intercept: np.ndarray
    classes: tuple[str, ...]

    def probabilities(self, facts: Mapping[str, float]) -> dict[str, float]:
        x = np.asarray([facts.get(n, 0.0) for n in self.feature_names], dtype=float)
        logits = self.coef @ ((x - self.mean) / self.scale) + self.intercept
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + math.exp(-float(logits[0])))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        exp = np.exp(logits - logits.max())
        return dict(zip(self.classes, (exp / exp.sum()).tolist(), strict=True))

    def to_json(self) -> dict[str, object]:
        return {
            "feature_names": list(self.feature_names),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "classes": list(self.classes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearHead:
        return cls(
            feature_names=tuple(str(n) for n in data["feature_names"]),
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float).reshape(len(data["coef"]), -1),
            intercept=np.asarray(data["intercept"], dtype=float),
            classes=tuple(str(c) for c in data["classes"]),
        )


@dataclass(frozen=True, slots=True)
class PageTypeModel:
    """``post``: is it a post (probability >= ``threshold``); ``kind``: if not, what instead.

    The threshold sits below 0.5 on purpose (a dropped article is the worse error); a kind is
    named only when its probability reaches ``kind_floor``, else the reason is ``not_article``.
    """

    post: LinearHead
    kind: LinearHead
    threshold: float
    kind_floor: float

    def to_json(self) -> dict[str, object]:
        return {
            "format": "pagetype-linear-1",
            "threshold": self.threshold,
            "kind_floor": self.kind_floor,
            "post": self.post.to_json(),
            "kind": self.kind.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageTypeModel:
        if data.get("format") != "pagetype-linear-1":
            raise ValueError(f"{MODEL_PATH.name}: unknown format; retrain with pagetype_train")
        return cls(
            LinearHead.from_json(data["post"]),
            LinearHead.from_json(data["kind"]),
            float(data["threshold"]),
            float(data["kind_floor"]),
        )


@lru_cache(maxsize=1)
def shipped_model() -> PageTypeModel:
    return PageTypeModel.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def is_listing(facts: Mapping[str, float]) -> bool:
    """Hard listing evidence: teasers in many <article>s, a page of links, or listing JSON-LD."""
    return bool(facts["articles_many"] or facts["page_link_share"] >= 0.5 or facts["ld_listing"])


def has_evidence(kind: str, facts: Mapping[str, float]) -> bool:
    """Whether a page shows a visible sign of ``kind``: the model's vote alone names no kind.

    A content team reads the reason; "product_page" on a page with no price, cart, product
    markup or product URL would be a guess (the unit tests' garbage page got "service_page").
    """
    f = facts
    signs = {
        "listing": is_listing(f) or bool(f["url_listing"] or f["url_paginated"]),
        "product": bool(f["ld_product"] or f["og_product"] or f["cart_words"] or f["url_product"])
        or f["class_product"] > 0,
        "forum": bool(f["ld_forum"] or f["url_forum"]) or f["class_forum"] >= 0.05,
        "documentation": bool(f["url_documentation"] or f["main_pre_log"])
        or f["class_documentation"] > 0,
        "service": bool(f["ld_service"] or f["url_service"]),
    }
    return signs[kind]


def declared_post(facts: Mapping[str, float]) -> bool:
    """A lone <article> on a page that declares itself an article (or declares no og:type).

    The rule before the model, kept because it describes hand-made and small-CMS pages the
    training sets lack (the unit tests' synthetic posts); pages with listing, product, forum
    or documentation signs are excluded, which keeps its cost on the tuning part's grouped CV
    to 0.4 points of precision for 0.2 of recall.
    """
    f = facts
    if not f["articles_1"] or not (f["article_markup"] or f["og_none"]):
        return False
    return not is_listing(f) and not any(
        has_evidence(k, f) for k in ("product", "forum", "documentation")
    )


def decide(facts: Mapping[str, float], model: PageTypeModel) -> tuple[str, str | None]:
    """(page_type, reason) of one page from its features."""
    if facts["main_words_log"] < math.log1p(MIN_POST_WORDS):
        return ("listing", "listing_page") if is_listing(facts) else ("other", "no_main_text")
    if declared_post(facts) or model.post.probabilities(facts)["post"] >= model.threshold:
        return "post", None
    kinds = model.kind.probabilities(facts)
    kind = max(kinds, key=kinds.__getitem__)
    if kinds[kind] < model.kind_floor or not has_evidence(kind, facts):
        return ("listing", "listing_page") if is_listing(facts) else ("other", "not_article")
    return ("listing" if kind == "listing" else "other"), KIND_REASONS[kind]
