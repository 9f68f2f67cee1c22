"""Text normalization and tokenization shared by exact and near duplicate detection.

Two copies of a post that differ only in typography (curly vs straight quotes, en vs em dashes,
full-width characters, case, line wrapping) must hash the same, so everything is normalized
before hashing: Unicode NFKC, ``str.casefold``, quotes and dashes unified, whitespace collapsed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# NFKC leaves these typographic variants distinct; CMS editors and syndication feeds swap them
# freely ("smart quotes" on one site, plain on another), so they are mapped to one form.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / typographic apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent used as an apostrophe
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u00ad": None,  # soft hyphen: invisible, inserted by some CMS hyphenators
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,  # byte-order mark left inside text
    }
)
_SPACE = re.compile(r"\s+")
# A word: letters/digits, optionally joined by apostrophes ("don't", "women's") so contractions
# stay one token. Punctuation is not a token: re-punctuated copies keep the same shingles.
_WORD = re.compile(r"\w+(?:'\w+)*")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def normalize_text(text: str) -> str:
    """NFKC, casefold, unified quotes and dashes, whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """The words of ``text`` after :func:`normalize_text`."""
    return _WORD.findall(normalize_text(text))


def text_digest(text: str) -> str:
    """sha1 of the normalized text: equal digests mean exact duplicates."""
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of ``text``, stripped, empty ones dropped.

    A text with no blank line at all but several lines (some extractors join blocks with a
    single newline) is split on its lines instead, so it is not treated as one paragraph.
    """
    text = text.replace("\r\n", "\n")
    parts = _BLANK_LINE.split(text)
    if len(parts) == 1:
        parts = text.split("\n")
    return [p.strip() for p in parts if p.strip()]
