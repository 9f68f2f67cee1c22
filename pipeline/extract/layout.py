"""Page-level and layout features of blocks: what kind of page this is, and where a block sits.

A block's own text says little on pages without prose (a product page, a category grid, a
forum thread): whether "Add to cart" or a one-line reply is main content depends on the page.
These features give the classifier that context, all from facts any page has:

* **page signals**, the same for every block of a page: the share of its words in prose
  blocks, its link share, the longest block, the ``<article>`` count, the schema.org / og:type
  family it declares (article, product, list, forum, FAQ, how-to, organization) and the family
  its URL path suggests (``/products/``, ``/collections/``, ``/forum/``, ``/docs/``, ``/blog/``,
  a ``/2025/09/`` date);
* **containers**: for the block's parent and its ancestors up to ``ANCESTOR_LEVELS`` levels
  up (tag-path prefixes, so repeated siblings such as product cards pool), the share of the
  page's words and of its prose they hold, their link density and how many blocks they hold;
  whether the block is inside the deepest container holding ``PROSE_CONTAINER_SHARE`` of the
  prose; how many blocks share its exact tag path (a grid of items, a thread of replies);
* **anchor**: where the block is relative to the page's headline (the first ``<h1>``, else the
  heading closest to the title): after it or not, how far, and how much tag path they share.

Measured by grouped cross-validation on the dev set (5 folds by site, expected-F1 decoding),
adding these to the block features took mean F1 from 0.769 to 0.776, product pages from 0.48
to 0.51 and collection pages from 0.42 to 0.45.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.extract.blocks import VALUE_CACHE, Block

# A prose block: a real paragraph, not a menu, a caption or a teaser title.
PROSE_MIN_WORDS = 25
PROSE_MAX_LINK_DENSITY = 0.3
PROSE_CONTAINER_SHARE = 0.6
ANCESTOR_LEVELS = (1, 2, 3, 4)
# schema.org @type / og:type values by the kind of page they declare (lowercased).
TYPE_FAMILIES: dict[str, frozenset[str]] = {
    "article": frozenset(
        {"article", "newsarticle", "blogposting", "reportagenewsarticle", "scholarlyarticle",
         "medicalwebpage", "analysisnewsarticle", "opinionnewsarticle", "liveblogposting",
         "socialmediaposting"}
    ),
    "product": frozenset(
        {"product", "productgroup", "offer", "aggregateoffer", "individualproduct", "car",
         "book", "softwareapplication", "mobileapplication"}
    ),
    "list": frozenset({"itemlist", "collectionpage", "searchresultspage", "offercatalog"}),
    "forum": frozenset({"discussionforumposting", "qapage", "question", "answer", "comment"}),
    "faq": frozenset({"faqpage"}),
    "howto": frozenset({"howto", "techarticle", "recipe", "course"}),
    "org": frozenset(
        {"organization", "localbusiness", "service", "corporation", "professionalservice",
         "medicalorganization", "medicalclinic"}
    ),
}  # fmt: skip
# URL path words by the kind of page they usually name (common CMS and shop conventions).
URL_FAMILIES: dict[str, frozenset[str]] = {
    "product": frozenset({"product", "products", "p", "dp", "itm", "pdp", "item", "shop", "buy"}),
    "list": frozenset({"collections", "collection", "c", "category", "categories", "tag", "tags",
                       "browse", "search", "genre", "list"}),
    "forum": frozenset({"forum", "forums", "thread", "threads", "t", "topic", "topics",
                        "discussion", "discussions", "questions", "comments", "r", "community",
                        "answers"}),
    "docs": frozenset({"docs", "doc", "documentation", "guide", "guides", "reference", "api",
                       "manual", "wiki", "help", "support", "kb"}),
    "blog": frozenset({"blog", "blogs", "news", "article", "articles", "post", "posts",
                       "stories", "story", "insights", "magazine"}),
}  # fmt: skip
_URL_DATE = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/")
_URL_WORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"\w+")
_STEP = re.compile(">")


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the classifier knows of a page besides its blocks."""

    title: str = ""  # og:title or <title>
    url: str | None = None
    types: frozenset[str] = field(default_factory=frozenset)  # JSON-LD @types and og:type
    article_elements: int = 0


def _is_prose(block: Block) -> bool:
    return block.word_count >= PROSE_MIN_WORDS and block.link_density < PROSE_MAX_LINK_DENSITY


@lru_cache(maxsize=VALUE_CACHE)
def path_prefixes(tag_path: str) -> tuple[str, ...]:
    """The proper tag-path prefixes of a path, shortest first ("a>b>c" -> "a", "a>b").

    Slices at each ">", equal to ``">".join(steps[:k])``. Cached because a page repeats its tag
    paths (120 dev pages: 34,451 blocks on 5,672 distinct paths, one page at a time) and the
    containers, the ancestor levels and the main container all need them.
    """
    return tuple(tag_path[: m.start()] for m in _STEP.finditer(tag_path))


def page_signals(blocks: list[Block], context: PageContext) -> dict[str, float]:
    """Features shared by every block of the page."""
    words = [b.word_count for b in blocks]
    total = max(sum(words), 1)
    chars = max(sum(len(b.text) for b in blocks), 1)
    f = {
        "pg_prose_share": sum(b.word_count for b in blocks if _is_prose(b)) / total,
        "pg_link_share": sum(b.link_chars for b in blocks) / chars,
        "pg_max_words": math.log1p(max(words, default=0)),
        "pg_n_art": math.log1p(context.article_elements),
        "pg_long_blocks": math.log1p(sum(1 for b in blocks if b.word_count >= PROSE_MIN_WORDS)),
    }
    for family, types in TYPE_FAMILIES.items():
        if context.types & types:
            f[f"pg_type={family}"] = 1.0
    try:
        path = urlsplit(context.url or "").path.lower()
    except ValueError:  # "http://[bad": no path to read
        path = ""
    path_words = set(_URL_WORD.findall(path))
    for family, names in URL_FAMILIES.items():
        if path_words & names:
            f[f"pg_url={family}"] = 1.0
    if _URL_DATE.search(path):
        f["pg_url_date"] = 1.0
    stripped = path.strip("/")
    f["pg_url_depth"] = float(stripped.count("/") + 1 if stripped else 0)
    return f


@dataclass(slots=True)
class _Container:
    words: int = 0
    prose: int = 0
    chars: int = 0
    link_chars: int = 0
    blocks: int = 0


def _by_path(blocks: list[Block]) -> dict[str, _Container]:
    """Totals of the blocks of each exact tag path, paths in order of first block."""
    out: dict[str, _Container] = {}
    for b in blocks:
        c = out.get(b.tag_path)
        if c is None:
            c = out[b.tag_path] = _Container()
        c.words += b.word_count
        c.prose += b.word_count if _is_prose(b) else 0
        c.chars += len(b.text)
        c.link_chars += b.link_chars
        c.blocks += 1
    return out


def _containers(paths: dict[str, _Container]) -> dict[str, _Container]:
    """Totals under every tag-path prefix of the page, prefixes in order of first block."""
    out: dict[str, _Container] = {}
    for path, own in paths.items():
        for prefix in path_prefixes(path):
            c = out.get(prefix)
            if c is None:
                c = out[prefix] = _Container()
            c.words += own.words
            c.prose += own.prose
            c.chars += own.chars
            c.link_chars += own.link_chars
            c.blocks += own.blocks
    return out


def _anchor(blocks: list[Block], title: str) -> Block | None:
    """The page's headline block: the first <h1>, else the heading most like the title."""
    for b in blocks:
        if b.heading_level == 1:
            return b
    want = set(_WORD.findall(title.lower()))
    best, found = 0.0, None
    if want:
        for b in blocks:
            if b.heading_level:
                have = set(_WORD.findall(b.text.lower()))
                overlap = len(have & want) / len(have | want)
                if overlap > best:
                    best, found = overlap, b
    return found


def layout_features(blocks: list[Block], context: PageContext) -> list[dict[str, float]]:
    """Page signals, container, and anchor features of each block, in block order."""
    rows: list[dict[str, float]] = [{} for _ in blocks]
    add_layout_features(rows, blocks, context)
    return rows


def add_layout_features(
    rows: list[dict[str, float]], blocks: list[Block], context: PageContext
) -> None:
    """``layout_features`` added to each block's row in place (no per-block dict to merge).

    Everything but the headline distance and the relative size depends on the tag path alone,
    so it is computed once per distinct path (a page has 6 blocks per path on average) and
    merged into each of its blocks.
    """
    page = page_signals(blocks, context)
    paths = _by_path(blocks)
    containers = _containers(paths)
    total = max(sum(c.words for c in paths.values()), 1)
    prose_total = max(sum(c.prose for c in paths.values()), 1)
    held = [p for p, c in containers.items() if c.prose >= PROSE_CONTAINER_SHARE * prose_total]
    prose_container = max(held, key=lambda p: p.count(">"), default="")
    inside_prefix = prose_container + ">"
    longest = max((b.word_count for b in blocks), default=0) or 1
    # Where the prose region starts and ends: comments, related posts and footers follow it,
    # headers and menus precede it, whatever their class names.
    inside_idx = [i for i, b in enumerate(blocks)
                  if prose_container and b.tag_path.startswith(inside_prefix)]  # fmt: skip
    first, last = (inside_idx[0], inside_idx[-1]) if inside_idx else (-1, -1)
    anchor = _anchor(blocks, context.title)
    anchor_steps = anchor.tag_path.split(">") if anchor is not None else []
    shared: dict[str, tuple[dict[str, float], dict[str, float], dict[str, float]]] = {}
    for path, own in paths.items():
        prefixes = path_prefixes(path)
        levels: dict[str, float] = {}
        for level in ANCESTOR_LEVELS:
            if len(prefixes) >= level:  # the path has more than ``level`` steps
                c = containers[prefixes[-level]]
                levels[f"a{level}_share"] = c.words / total
                levels[f"a{level}_prose"] = c.prose / prose_total
                levels[f"a{level}_ld"] = c.link_chars / max(c.chars, 1)
                levels[f"a{level}_n"] = math.log1p(c.blocks)
        same = {
            "in_prose_c": float(bool(prose_container) and path.startswith(inside_prefix)),
            "same_path_n": math.log1p(own.blocks),
            "same_path_share": own.words / total,
        }
        toward = _toward_anchor(path.split(">"), anchor_steps) if anchor is not None else {}
        shared[path] = (levels, same, toward)
    n = len(blocks)
    for f, b in zip(rows, blocks, strict=True):
        levels, same, toward = shared[b.tag_path]
        f.update(page)
        f.update(levels)
        f["rel_words"] = b.word_count / longest
        f.update(same)
        if first >= 0:
            f["prose_before"] = max(first - b.index, 0) / n
            f["prose_after"] = max(b.index - last, 0) / n
        if anchor is None:
            f["h1_none"] = 1.0
        else:
            f["h1_after"] = float(b.index >= anchor.index)
            f["h1_dist"] = (b.index - anchor.index) / n
            f.update(toward)


def _toward_anchor(steps: list[str], anchor_steps: list[str]) -> dict[str, float]:
    """How much tag path a block shares with the headline, and how far up it must climb."""
    common = 0
    for mine, theirs in zip(steps, anchor_steps, strict=False):
        if mine != theirs:
            break
        common += 1
    return {"h1_common": common / len(steps), "h1_up": float(len(steps) - common)}
