"""Text normalization and tokenization shared by exact and near duplicate detection.

The normalization itself (NFKC, casefold, quotes and dashes unified, whitespace collapsed) lives in
``pipeline.textnorm``, shared with the extract stage; it is re-exported here for dedup's modules.
"""

from __future__ import annotations

import re

from pipeline.textnorm import fold, normalize_text, text_digest

# A word: letters/digits, optionally joined by apostrophes ("don't", "women's") so contractions
# stay one token. Punctuation is not a token: re-punctuated copies keep the same shingles.
_WORD = re.compile(r"\w+(?:'\w+)*")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def tokens(text: str) -> list[str]:
    """The words of ``text`` after :func:`normalize_text` (the definition of a word).

    Whitespace is not collapsed first: it separates words either way. The shingle hashes of
    :mod:`pipeline.dedup.shingles` find the same words without building them as strings.
    """
    return _WORD.findall(fold(text))


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


__all__ = ["fold", "normalize_text", "paragraphs", "text_digest", "tokens"]
