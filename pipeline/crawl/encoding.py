"""Bytes to text for fetched HTML: the charset a browser would use, never an exception."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# Browsers decode these labels as windows-1252 (WHATWG Encoding, "legacy single-byte"): pages
# labelled latin-1 routinely contain cp1252 curly quotes in 0x80-0x9F, which latin-1 maps to
# invisible control characters.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# Tie-break for detection (codec names as charset-normalizer gives them): UTF-8, then
# windows-1252, the WHATWG fallback for most locales and the most common legacy web encoding.
_WEB_PREVALENCE = ("utf_8", "cp1252")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The HTML spec looks for a <meta> charset declaration in the first 1024 bytes; pages in the wild
# put it later behind long <head> preambles, so look a little further.
_META_WINDOW = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None if the label is unknown."""
    if not label:
        return None
    name = _WHATWG_ALIASES.get(label.strip().lower(), label.strip())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_WINDOW])
    if match is None:
        return None
    name = _codec(match.group(1).decode("ascii", "replace"))
    # A <meta> that could be read as ASCII cannot be UTF-16 (HTML spec: treat it as UTF-8).
    return "utf-8" if name is not None and name.startswith("utf-16") else name


def detect_charset(body: bytes, content_type: str | None) -> str:
    """BOM, then the Content-Type header, then ``<meta>``, then statistical detection."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = charset_from_content_type(content_type) or charset_from_meta(body)
    if declared is not None:
        return declared
    return _codec(_detected(body)) or "utf-8"


def _detected(body: bytes) -> str | None:
    """charset-normalizer's best guess; among guesses it scores exactly as well, the encoding
    most used on the web. Single-byte Latin text (café, crème) reads as cleanly in cp1250 or
    cp1257 as in cp1252, and the detector ranks them in an arbitrary order: undeclared
    latin-1 came out as cp1250 ("crème" as "crčme")."""
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return None
    best = matches[0]
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    return next((enc for enc in _WEB_PREVALENCE if enc in tied), best.encoding)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML (or XML) body; undecodable bytes become U+FFFD. Never raises."""
    return body.decode(detect_charset(body, content_type), errors="replace")
