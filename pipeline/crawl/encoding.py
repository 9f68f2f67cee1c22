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
    best = charset_normalizer.from_bytes(body).best()
    return (_codec(best.encoding) if best is not None else None) or "utf-8"


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML (or XML) body; undecodable bytes become U+FFFD. Never raises."""
    return body.decode(detect_charset(body, content_type), errors="replace")
