"""Plain-text segmentation with exact character offsets: lines, sentences, words, headings.

Every detector quotes its evidence as ``text[start:end]``, so segmentation never rewrites the
text: spans are trimmed (whitespace, list markers) but always point back into the original string.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Bullets ("- ", "• "), numbered items ("1. ", "2) "): stripped from the front of a span so the
# evidence is the sentence, not its list marker.
_LIST_MARKER = re.compile(r"[-–—•*·▪]\s+|\d{1,2}[.)]\s+")
_NUMBERED = re.compile(r"\d{1,2}[.)]\s+")
_BULLET = re.compile(r"[-–—•*·▪]\s+")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and an upper-case
# letter, digit or opening quote.
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "vs", "prof", "no", "fig", "e.g", "i.e"})
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

# A heading in scraped plain text: a short line without sentence punctuation at the end.
HEADING_MAX_WORDS = 14


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` of the text it was cut from."""

    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int, *, markers: bool = True) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if markers:
        m = _LIST_MARKER.match(text, start, end)
        if m is not None and m.end() < end:
            start = m.end()
    if start >= end:
        return None
    return Span(start, end, text[start:end])


def lines(text: str) -> list[Span]:
    """Non-empty lines, trimmed of whitespace and list markers."""
    out: list[Span] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        span = _trimmed(text, pos, pos + len(raw))
        if span is not None:
            out.append(span)
        pos += len(raw)
    return out


def _ends_with_abbreviation(text: str, end: int) -> bool:
    dot = text.rfind(".", 0, end)
    # a bounded look-back: the longest abbreviation is a few letters (searching the whole prefix
    # made segmentation quadratic in the text length)
    m = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 16) : dot]) if dot > 0 else None
    return m is not None and m.group(1).lower() in _ABBREVIATIONS


def sentences(text: str) -> list[Span]:
    """Sentences within lines (a line break always ends a sentence in scraped text)."""
    out: list[Span] = []
    for line in lines(text):
        start = line.start
        for m in _BOUNDARY.finditer(text, line.start, line.end):
            if _ends_with_abbreviation(text, m.end()):
                continue
            span = _trimmed(text, start, m.end(), markers=False)
            if span is not None:
                out.append(span)
            start = m.end()
        span = _trimmed(text, start, line.end, markers=False)
        if span is not None:
            out.append(span)
    return out


def words(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def normalize_word(word: str) -> str:
    return word.lower().replace("’", "'")


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def raw_line_prefix(text: str, span: Span) -> str:
    """What precedes ``span`` on its line (the list marker, if any)."""
    line_start = text.rfind("\n", 0, span.start) + 1
    return text[line_start : span.start].strip()


def is_heading(text: str, line: Span) -> bool:
    """A short line without closing sentence punctuation, not a bullet item."""
    if _BULLET.match(raw_line_prefix(text, line) + " "):
        return False
    n = word_count(line.text)
    if not 1 <= n <= HEADING_MAX_WORDS:
        return False
    return line.text[-1] not in ".,;" and any(c.isalpha() for c in line.text)


def heading_lines(text: str) -> list[Span]:
    return [line for line in lines(text) if is_heading(text, line)]


def is_numbered(text: str, line: Span) -> bool:
    return _NUMBERED.fullmatch(raw_line_prefix(text, line) + " ") is not None


def by_line(all_lines: list[Span], spans: list[Span]) -> list[list[Span]]:
    """``spans`` grouped by the line they start in (one list per line, in order): linear, for
    detectors that walk lines and their sentences together."""
    starts = [line.start for line in all_lines]
    out: list[list[Span]] = [[] for _ in all_lines]
    for span in spans:
        i = bisect.bisect_right(starts, span.start) - 1
        if i >= 0 and span.start < all_lines[i].end:
            out[i].append(span)
    return out


def sentence_at(spans: list[Span], offset: int) -> Span | None:
    """The span containing character ``offset``."""
    for span in spans:
        if span.start <= offset < span.end:
            return span
    return None
