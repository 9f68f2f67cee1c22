"""Text normalization shared by the stages that compare texts.

Two copies of a text that differ only in typography (curly vs straight quotes, en vs em dashes,
full-width characters, case, line wrapping) must compare equal: extract's block-repeat evidence
and ``posts.text_hash``, dedup's exact duplicates and shared paragraphs all use these functions,
so a hash means the same thing in every table.
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
        # Never reached: NFKC turns U+00B4 (acute accent) into a space and a combining accent
        # first, so "don´t" is two words. Kept so the map says what was meant.
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',  # never reached: NFKC makes a double prime two primes, so ''.
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
# str.translate looks every character up in a Python dict (~0.7 ms for a 10 KB post, most of the
# normalization's time); testing for each of the few mapped characters and replacing only those
# present is ~20 times faster, with the same result (the replacements map to ASCII or nothing,
# so no replacement creates a character another one would map).
_QUOTE_MAP = [
    (chr(code), "" if to is None else to if isinstance(to, str) else chr(to))
    for code, to in _QUOTES.items()
]


def fold(text: str) -> str:
    """NFKC, casefold, unified quotes and dashes; whitespace left as it is."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if not text.isascii() or "`" in text:
        for char, to in _QUOTE_MAP:
            if char in text:
                text = text.replace(char, to)
    return text


def normalize_text(text: str) -> str:
    """NFKC, casefold, unified quotes and dashes, whitespace collapsed to single spaces."""
    return _SPACE.sub(" ", fold(text)).strip()


def text_digest(text: str) -> str:
    """sha1 of the normalized text: equal digests mean the same text up to typography."""
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()
