"""Decompression with a hard cap on output, so a small gzip bomb cannot fill memory.

httpx decompresses each network chunk in one call with no output limit (a 64 KiB gzip chunk can
inflate to ~64 MiB), so the fetcher reads raw bytes and inflates them here, ``limit`` bytes at
most, counting the *decoded* size against ``crawl.max_body_bytes``.
"""

from __future__ import annotations

import zlib

import brotli

# Content-Encodings we decode ourselves; the fetcher only advertises these in Accept-Encoding.
SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "br", "identity")


class BodyTooLarge(Exception):
    """The decoded body exceeded the byte limit."""


class DecodeFailed(Exception):
    """The body could not be decoded (corrupt or unsupported Content-Encoding)."""


class CappedDecoder:
    """Incrementally decode a Content-Encoding, raising BodyTooLarge past ``limit`` bytes."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        enc = (encoding or "identity").strip().lower()
        if enc not in SUPPORTED_ENCODINGS:
            raise DecodeFailed(f"unsupported content-encoding {encoding!r}")
        self.limit = limit
        self.size = 0
        # wbits 47 = 32 + 15: accept a zlib or gzip header; -15 = raw deflate (some servers).
        self._zlib = zlib.decompressobj(47) if enc not in ("identity", "br") else None
        self._raw_deflate = enc == "deflate"
        self._brotli = brotli.Decompressor() if enc == "br" else None

    def feed(self, chunk: bytes) -> bytes:
        if self._brotli is not None:
            return self._feed_brotli(chunk)
        if self._zlib is None:
            return self._count(chunk)
        try:
            # Ask for one byte more than the room left: getting it proves the body is too large
            # without ever inflating more than that.
            out = self._zlib.decompress(chunk, self.limit - self.size + 1)
        except zlib.error as exc:
            if self._raw_deflate and self.size == 0:
                self._zlib, self._raw_deflate = zlib.decompressobj(-15), False
                return self.feed(chunk)
            raise DecodeFailed(f"corrupt compressed body: {exc}") from None
        if self._zlib.unconsumed_tail:
            # Output was cut at the cap while input remains: more than ``limit`` bytes.
            raise BodyTooLarge(f"decoded body exceeds {self.limit} bytes")
        return self._count(out)

    def _feed_brotli(self, chunk: bytes) -> bytes:
        assert self._brotli is not None
        # As with zlib: never let the output buffer grow past one byte more than the room left.
        parts = []
        data = chunk
        try:
            while True:
                out = self._brotli.process(data, output_buffer_limit=self.limit - self.size + 1)
                parts.append(self._count(out))
                data = b""
                if self._brotli.can_accept_more_data():
                    return b"".join(parts)
        except brotli.error as exc:
            raise DecodeFailed(f"corrupt brotli body: {exc}") from None

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._count(self._zlib.flush())
        except zlib.error as exc:
            raise DecodeFailed(f"corrupt compressed body: {exc}") from None

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge(f"body exceeds {self.limit} bytes")
        return data


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Inflate a whole gzip document (e.g. ``sitemap.xml.gz``) to at most ``limit`` bytes."""
    decoder = CappedDecoder("gzip", limit)
    return decoder.feed(data) + decoder.flush()
