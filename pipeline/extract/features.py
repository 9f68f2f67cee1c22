"""Engineered features of blocks, as dicts for ``DictVectorizer``.

Three groups: the block's own text and layout (words, link density, punctuation, sentences,
regions, heading level), its class/id tokens reduced to a fixed lexicon of layout words (a raw
token vocabulary would learn the 400 training sites' CSS, not the web's), and its context: the
same facts for the two blocks before and after, and the page and layout features of
``layout`` (what kind of page it is, the containers the block sits in, its place relative to
the headline).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from operator import itemgetter

from pipeline.extract.blocks import REGIONS, VALUE_CACHE, Block
from pipeline.extract.categories import text_category, token_categories
from pipeline.extract.layout import PageContext, add_layout_features

# Layout words whose presence in class/id tokens (as substrings) carries signal. The
# boilerplate stems of the category rules enter as one feature per category instead.
LEXICON: tuple[str, ...] = (
    "content", "article", "entry", "post", "body", "text", "story", "main", "prose", "single",
    "title", "heading", "caption", "card", "teaser", "excerpt", "summary", "list", "item",
    "grid", "hero", "intro", "faq", "desc", "ad", "tag", "link", "elementor", "wp", "block",
)  # fmt: skip
# Tags seen as their own feature; rarer ones share "tag=other".
TAGS = frozenset(
    {"p", "li", "td", "th", "dt", "dd", "div", "span", "a", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "figcaption", "section", "article", "header", "footer", "nav", "aside",
     "form", "label", "button", "ul", "ol", "table", "tr", "strong", "em", "b", "main", "body"}
)  # fmt: skip
_PUNCT = ".,;:!?"  # counted with str.count, one C pass per mark
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)(?:\s|$)")
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    ("a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
     "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that",
     "these", "those", "you", "your", "we", "our", "they", "their", "he", "she", "his", "her",
     "not", "no", "can", "will", "would", "if", "so", "than", "then", "there", "which", "who",
     "what", "when", "how")
)  # fmt: skip
_TAG_KEYS = {t: f"tag={t}" for t in TAGS}
_NEIGHBOUR_KEYS = ("log_words", "link_density", "ends_sentence", "is_p", "stopword_ratio")
_neighbour_values = itemgetter(*_NEIGHBOUR_KEYS)
# (offset, its feature names in _NEIGHBOUR_KEYS order, the name saying there is no such block)
_CONTEXT = tuple(
    (off, tuple(f"n{off:+d}_{key}" for key in _NEIGHBOUR_KEYS), f"n{off:+d}_missing")
    for off in (-2, -1, 1, 2)
)
_first_char = itemgetter(0)


@lru_cache(maxsize=VALUE_CACHE)
def lexicon_hits(token: str) -> tuple[str, ...]:
    return tuple(filter(token.__contains__, LEXICON))


# The dicts of the two caches below are shared: callers merge them (``dict.update``), never
# change them. Blocks of one container share their token tuples: 120 dev pages have 34,451
# blocks but 6,428 distinct ancestor tuples and 4,741 distinct own ones.
@lru_cache(maxsize=VALUE_CACHE)
def _token_features(prefix: str, tokens: tuple[str, ...]) -> dict[str, float]:
    f = {}
    for token in tokens:
        for w in lexicon_hits(token):
            f[f"{prefix}={w}"] = 1.0
        for c in token_categories(token):
            f[f"{prefix}_cat={c}"] = 1.0
    return f


@lru_cache(maxsize=1 << len(REGIONS))  # every subset of REGIONS fits
def _region_features(regions: frozenset[str]) -> dict[str, float]:
    return {f"in_{region}": float(region in regions) for region in REGIONS}


def _text_features(text: str, words: int, tokens: list[str]) -> dict[str, float]:
    # Counts by map() over str methods and str.count run in C: with generator expressions over
    # the characters and tokens this was 1.5 s of page_features' 5.2 s under cProfile on 120
    # dev pages, now 0.5 s.
    chars = max(len(text), 1)
    n_tok = max(len(tokens), 1)
    capitalised = sum(map(str.isupper, map(_first_char, text.split())))
    return {
        "log_words": math.log1p(words),
        "log_chars": math.log1p(len(text)),
        "punct_ratio": sum(map(text.count, _PUNCT)) / chars,
        "sentences": float(len(_SENTENCE_END.findall(text))),
        "ends_sentence": float(text.rstrip()[-1:] in ".!?…:\"”'’)"),
        "stopword_ratio": sum(map(_STOPWORDS.__contains__, tokens)) / n_tok,
        "digit_ratio": sum(map(str.isdigit, text)) / chars,
        "capital_ratio": capitalised / max(words, 1),
        "avg_word_len": sum(map(len, tokens)) / n_tok,
        "has_pipe": float("|" in text or "»" in text or "›" in text),
    }


def _own_features(block: Block, title_tokens: frozenset[str]) -> dict[str, float]:
    tokens = _WORD.findall(block.text.lower())
    f = _text_features(block.text, block.word_count, tokens)
    f["link_density"] = block.link_density
    f["position"] = block.position
    f["depth"] = float(block.depth)
    f["heading_level"] = float(block.heading_level)
    f["is_p"] = float(block.tag == "p")
    f[_TAG_KEYS.get(block.tag, "tag=other")] = 1.0
    f.update(_region_features(block.regions))
    f.update(_token_features("own", block.own_tokens))
    f.update(_token_features("anc", block.ancestor_tokens))
    category = text_category(block.text, block.word_count)
    if category:
        f[f"text_rule={category}"] = 1.0
    if title_tokens and tokens:
        block_tokens = set(tokens)
        f["title_overlap"] = len(block_tokens & title_tokens) / len(block_tokens | title_tokens)
    return f


def page_features(
    blocks: list[Block], context: PageContext | None = None
) -> list[dict[str, float]]:
    """One feature dict per block of a page, context included."""
    context = context or PageContext()
    title_tokens = frozenset(_WORD.findall(context.title.lower()))
    rows = [_own_features(b, title_tokens) for b in blocks]
    # Read before the rows grow; the layout and context keys never overwrite these.
    neighbours = [_neighbour_values(f) for f in rows]
    add_layout_features(rows, blocks, context)
    n = len(blocks)
    page = {
        "page_log_words": math.log1p(sum(b.word_count for b in blocks)),
        "page_log_blocks": math.log1p(n),
    }
    for i, row in enumerate(rows):
        row.update(page)
        # Paragraph continuity: a block in the same parent, or on the same tag path, as its
        # neighbour continues the same run of text (or the same list of links).
        block = blocks[i]
        if i:
            row["prev_same_parent"] = float(blocks[i - 1].parent_key == block.parent_key)
            row["prev_same_path"] = float(blocks[i - 1].tag_path == block.tag_path)
        if i + 1 < n:
            row["next_same_parent"] = float(blocks[i + 1].parent_key == block.parent_key)
            row["next_same_path"] = float(blocks[i + 1].tag_path == block.tag_path)
        for off, names, missing in _CONTEXT:
            j = i + off
            if 0 <= j < n:
                row.update(zip(names, neighbours[j], strict=True))
            else:
                row[missing] = 1.0
    return rows
