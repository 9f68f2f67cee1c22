"""Limits on what extraction accepts, so no page can stop a run or stall it.

Outcomes, by input (each is a snake_case reason, a DOCUMENTS.reason value where a row exists):

===========================  ==============================================================
empty or whitespace          ``empty_document``: empty text, not parsed
binary / non-HTML content    ``not_html``: empty text (NULs or control characters in the
                             first ``SNIFF_CHARS``; plain text without tags is *not* this:
                             it is extracted best-effort as paragraphs)
bytes instead of str         decoded like a crawled body (``crawl.encoding.decode_html``)
broken encodings             best-effort: undecodable bytes / lone surrogates become U+FFFD
huge page (> MAX_HTML_CHARS  truncated before parsing to ``MAX_HTML_CHARS`` characters and
or > MAX_TAGS tags)          ``MAX_TAGS`` tags, then extracted best-effort (the stage counts
                             ``truncated``)
deep nesting (10,000 levels) best-effort: libxml2 (lxml without ``huge_tree``) stops nesting at
                             ``PARSER_MAX_DEPTH`` levels and the segmenter flattens below
                             ``blocks.MAX_DEPTH``, so no Python recursion goes deeper than that
all boilerplate              ``no_main_text`` (from the page-type rules): empty main text
non-English                  best-effort: nothing in extraction is English-only but the
                             category text patterns (class/id tokens still apply)
===========================  ==============================================================

Time per page is bounded by *work*, not by a clock: the character cap bounds the parse, the tag
cap bounds the number of elements and blocks (the segmenter and the model are linear in them,
about 0.2 ms per block here), and the parser caps the depth. Measured here, a page at the caps
costs at most ``MAX_PAGE_SECONDS`` (6 MB of dense paragraphs, or 30,000 one-word ``<div>``);
real pages of the dev set take under half a second. A wall-clock
deadline would make a rerun's output depend on machine load (conventions: time is recorded, never
used for logic), so the stage records each page's extraction time and counts pages over
``SLOW_PAGE_SECONDS`` as ``slow_pages`` rather than skipping them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pipeline.extract.extractor import ExtractedPage, extract_page, page_text
from pipeline.extract.inference import BlockScorer
from pipeline.extract.metadata import PageMetadata

# Above the largest page of the extraction dev set (5.3 MB, mostly inline scripts and JSON), so
# real pages are never cut; a 20 MB page is cut to this before parsing.
MAX_HTML_CHARS = 6_000_000
# "<" characters, an upper bound on tags: the dev set's largest page has 28,406.
MAX_TAGS = 60_000
# libxml2's default nesting limit for documents parsed without XML_PARSE_HUGE.
PARSER_MAX_DEPTH = 256
# Worst case measured for a page at MAX_HTML_CHARS of dense paragraphs (see test_bad_input).
MAX_PAGE_SECONDS = 10.0
SLOW_PAGE_SECONDS = 2.0
SNIFF_CHARS = 4096
# Text has tabs and newlines; binary data decoded as text is full of other control characters.
MAX_CONTROL_SHARE = 0.02
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Reasons of inputs that are not extracted at all.
EMPTY_DOCUMENT = "empty_document"
NOT_HTML = "not_html"
EXTRACT_ERROR = "extract_error"
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class GuardedInput:
    html: str  # what may be parsed ("" when reason is set)
    reason: str | None = None  # why nothing is extracted; None when html is usable
    truncated: bool = False  # html was cut to MAX_HTML_CHARS


def looks_binary(text: str) -> bool:
    """NULs or a share of control characters no HTML or plain text has."""
    head = text[:SNIFF_CHARS]
    if "\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > MAX_CONTROL_SHARE * max(len(head), 1)


def guard_input(markup: object) -> GuardedInput:
    """The part of ``markup`` extraction may parse, or the reason it parses nothing."""
    if isinstance(markup, bytes | bytearray):
        # Imported here: pipeline.crawl loads the HTTP client and config stack (httpx, pydantic),
        # which text input, the only kind the stage passes, never needs.
        from pipeline.crawl.encoding import decode_html

        markup = decode_html(bytes(markup), "")
    if not isinstance(markup, str) or not markup.strip():
        return GuardedInput("", EMPTY_DOCUMENT)
    if looks_binary(markup):
        return GuardedInput("", NOT_HTML)
    cut = min(len(markup), MAX_HTML_CHARS, _tag_limit(markup))
    return GuardedInput(markup[:cut], truncated=cut < len(markup))


def _tag_limit(markup: str) -> int:
    """Offset of the ``MAX_TAGS``-th "<" (the end of the text when there are fewer)."""
    if markup.count("<", 0, MAX_HTML_CHARS) <= MAX_TAGS:
        return len(markup)
    at = -1
    for _ in range(MAX_TAGS + 1):
        at = markup.find("<", at + 1)
    return at


def skipped_page(url: str | None, reason: str) -> ExtractedPage:
    """The record of a page that was not extracted: no blocks, no text, page type ``other``."""
    return ExtractedPage(url, PageMetadata(), (), "", (), 0, 0, 0, reason=reason)


def guarded_page(
    markup: object, url: str | None = None, model: BlockScorer | None = None
) -> tuple[ExtractedPage, bool]:
    """``extract_page`` behind the input guard: (page, truncated). A page the guard refuses,
    or one whose extraction fails, comes back with a reason instead of an exception."""
    guarded = guard_input(markup)
    if guarded.reason:
        return skipped_page(url, guarded.reason), False
    page = _unless_failing(extract_page, guarded.html, url, model)
    if page is None:
        return skipped_page(url, EXTRACT_ERROR), False
    return page, guarded.truncated


def guarded_text(markup: object, url: str | None = None, model: BlockScorer | None = None) -> str:
    """``guarded_page(markup, url, model)[0].main_text`` through ``page_text``: the same text,
    without the work only the page record needs."""
    guarded = guard_input(markup)
    if guarded.reason:
        return ""
    return _unless_failing(page_text, guarded.html, url, model) or ""


def _unless_failing(
    extract: Callable[[str, str | None, BlockScorer | None], _T],
    html: str,
    url: str | None,
    model: BlockScorer | None,
) -> _T | None:
    try:
        return extract(html, url, model)
    except (RecursionError, ValueError, UnicodeError):
        # Nothing known raises here (size and depth are capped); a new failure mode costs the
        # page, not the run, and is counted under its own reason.
        return None
