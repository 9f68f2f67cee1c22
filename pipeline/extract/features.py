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
from functools import cache

from pipeline.extract.blocks import REGIONS, Block
from pipeline.extract.categories import text_category, token_categories
from pipeline.extract.layout import PageContext, layout_features

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
_PUNCT = re.compile(r"[.,;:!?]")
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)(?:\s|$)")
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    ("a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "by",
     "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that",
     "these", "those", "you", "your", "we", "our", "they", "their", "he", "she", "his", "her",
     "not", "no", "can", "will", "would", "if", "so", "than", "then", "there", "which", "who",
     "what", "when", "how")
)  # fmt: skip
_NEIGHBOUR_KEYS = ("log_words", "link_density", "ends_sentence", "is_p", "stopword_ratio")
_CONTEXT_OFFSETS = (-2, -1, 1, 2)


@cache
def lexicon_hits(token: str) -> tuple[str, ...]:
    return tuple(w for w in LEXICON if w in token)


def _text_features(text: str, words: int) -> dict[str, float]:
    chars = max(len(text), 1)
    tokens = _WORD.findall(text.lower())
    n_tok = max(len(tokens), 1)
    capitalised = sum(1 for w in text.split() if w[:1].isupper())
    return {
        "log_words": math.log1p(words),
        "log_chars": math.log1p(len(text)),
        "punct_ratio": len(_PUNCT.findall(text)) / chars,
        "sentences": float(len(_SENTENCE_END.findall(text))),
        "ends_sentence": float(text.rstrip()[-1:] in ".!?…:\"”'’)"),
        "stopword_ratio": sum(t in _STOPWORDS for t in tokens) / n_tok,
        "digit_ratio": sum(c.isdigit() for c in text) / chars,
        "capital_ratio": capitalised / max(words, 1),
        "avg_word_len": sum(len(t) for t in tokens) / n_tok,
        "has_pipe": float("|" in text or "»" in text or "›" in text),
    }


def _own_features(block: Block, title_tokens: frozenset[str]) -> dict[str, float]:
    f = _text_features(block.text, block.word_count)
    f["link_density"] = block.link_density
    f["position"] = block.position
    f["depth"] = float(block.depth)
    f["heading_level"] = float(block.heading_level)
    f["is_p"] = float(block.tag == "p")
    f[f"tag={block.tag if block.tag in TAGS else 'other'}"] = 1.0
    for region in REGIONS:
        f[f"in_{region}"] = float(region in block.regions)
    for prefix, tokens in (("own", block.own_tokens), ("anc", block.ancestor_tokens)):
        for token in tokens:
            for w in lexicon_hits(token):
                f[f"{prefix}={w}"] = 1.0
            for c in token_categories(token):
                f[f"{prefix}_cat={c}"] = 1.0
    category = text_category(block.text, block.word_count)
    if category:
        f[f"text_rule={category}"] = 1.0
    block_tokens = set(_WORD.findall(block.text.lower()))
    if title_tokens and block_tokens:
        f["title_overlap"] = len(block_tokens & title_tokens) / len(block_tokens | title_tokens)
    return f


def page_features(
    blocks: list[Block], context: PageContext | None = None
) -> list[dict[str, float]]:
    """One feature dict per block of a page, context included."""
    context = context or PageContext()
    title_tokens = frozenset(_WORD.findall(context.title.lower()))
    own = [_own_features(b, title_tokens) for b in blocks]
    layout = layout_features(blocks, context)
    n = len(blocks)
    total_words = sum(b.word_count for b in blocks)
    out = []
    for i, f in enumerate(own):
        row = f | layout[i]
        row["page_log_words"] = math.log1p(total_words)
        row["page_log_blocks"] = math.log1p(n)
        for off in _CONTEXT_OFFSETS:
            j = i + off
            if 0 <= j < n:
                for key in _NEIGHBOUR_KEYS:
                    row[f"n{off:+d}_{key}"] = own[j][key]
            else:
                row[f"n{off:+d}_missing"] = 1.0
        out.append(row)
    return out
