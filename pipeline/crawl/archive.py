"""WARC archives: writing one per site per run, and reading responses back (ours or Common Crawl's).

What is archived is what the crawler *used*: bodies are stored decoded, with the original
``Content-Encoding``/``Transfer-Encoding`` moved to ``X-Crawler-*`` headers (the Common Crawl
convention), so readers never re-inflate a body the crawler capped.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline import __version__

# Headers describing the wire form of the body, which the archive no longer has.
_WIRE_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as the fetcher saw them."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    http_version: str  # e.g. "HTTP/1.1"
    status: int
    reason: str
    headers: list[tuple[str, str]]  # response headers as received
    body: bytes  # decoded body ("" for redirects and refused content)
    started_at: datetime  # tz-aware UTC


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response record read back from a WARC file."""

    url: str
    status: int
    headers: dict[str, str]  # lowercased names; repeated headers joined with ", "
    body: bytes  # decoded (no transfer or content encoding)
    fetched_at: datetime  # tz-aware UTC, from WARC-Date


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of a body, in warcio's form ("sha1:" + base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _warc_date(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def archived_headers(ex: Exchange) -> list[tuple[str, str]]:
    """Response headers for the archived (decoded) body."""
    out = []
    for name, value in ex.headers:
        if name.lower() in _WIRE_HEADERS:
            out.append((f"X-Crawler-{name}", value))
        else:
            out.append((name, value))
    out.append(("Content-Length", str(len(ex.body))))
    return out


def response_records(ex: Exchange) -> bytes:
    """The gzipped response and request records of ``ex``, as ``WarcArchive.write`` writes
    them, for ``WarcArchive.append``: compressing is most of archiving, and can run anywhere."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    _write_pair(writer, ex, _response_record(writer, ex))
    return out.getvalue()


def _response_record(writer: WARCWriter, ex: Exchange) -> ArcWarcRecord:
    return writer.create_warc_record(
        ex.url,
        "response",
        payload=io.BytesIO(ex.body),
        length=len(ex.body),
        http_headers=_response_http(ex),
        warc_headers_dict={"WARC-Date": _warc_date(ex.started_at)},
    )


def _write_pair(writer: WARCWriter, ex: Exchange, response: ArcWarcRecord) -> None:
    """The response-side record, then its request (linked by WARC-Concurrent-To)."""
    req_http = StatusAndHeaders(
        f"{ex.method} {_request_target(ex.url)} {ex.http_version}",
        ex.request_headers,
        is_http_request=True,
    )
    request = writer.create_warc_record(
        ex.url,
        "request",
        http_headers=req_http,
        warc_headers_dict={"WARC-Date": _warc_date(ex.started_at)},
    )
    request.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(response)
    writer.write_record(request)


class WarcArchive:
    """A gzipped WARC/1.1 file written under a temporary name and moved into place on commit,
    so an interrupted crawl never leaves a partial archive under the final name."""

    def __init__(self, path: Path, *, software: str = f"content-audit/{__version__}") -> None:
        self.path = path
        self.tmp_path = path.with_name(f".{path.name}.tmp")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = self.tmp_path.open("wb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            path.name, {"software": software, "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def write(self, ex: Exchange) -> int:
        """Write the request and response records; return the response record's offset."""
        return self._write_pair(ex, _response_record(self._writer, ex))

    def append(self, records: bytes) -> int:
        """Write records serialized by ``response_records`` (in another process, say); return
        the offset they start at."""
        offset = self._fh.tell()
        self._fh.write(records)
        return offset

    def write_revisit(self, ex: Exchange, original: ArchivedResponse) -> int:
        """Archive a 304 Not Modified as a ``revisit`` record (WARC 1.1, profile
        server-not-modified) referring to ``original``, with its request; return its offset."""
        revisit = self._writer.create_revisit_record(
            ex.url,
            digest=payload_digest(original.body),
            refers_to_uri=original.url,
            refers_to_date=_warc_date(original.fetched_at),
            http_headers=_response_http(ex),
            warc_headers_dict={"WARC-Date": _warc_date(ex.started_at)},
        )
        revisit.rec_headers.replace_header(
            "WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        )
        return self._write_pair(ex, revisit)

    def _write_pair(self, ex: Exchange, response: ArcWarcRecord) -> int:
        offset = self._fh.tell()
        _write_pair(self._writer, ex, response)
        return offset

    def commit(self) -> None:
        self._fh.close()
        os.replace(self.tmp_path, self.path)

    def abort(self) -> None:
        self._fh.close()
        self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _response_http(ex: Exchange) -> StatusAndHeaders:
    return StatusAndHeaders(
        f"{ex.status} {ex.reason}".strip(), archived_headers(ex), protocol=ex.http_version
    )


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def parse_warc_date(value: str | None) -> datetime:
    """A WARC-Date as tz-aware UTC; the epoch when missing or unreadable (foreign archives)."""
    try:
        ts = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _archived(record: ArcWarcRecord) -> ArchivedResponse | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    if not status or not status.isdigit():
        return None
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=int(status),
        headers=headers,
        body=record.content_stream().read(),
        fetched_at=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
    )


def read_response_at(warc_path: Path, offset: int) -> ArchivedResponse:
    """The HTTP response record starting at ``offset`` (a ``pages.warc_offset``)."""
    with warc_path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)), None)
        found = _archived(record) if record is not None else None
    if found is None:
        raise ValueError(f"no HTTP response record at offset {offset} of {warc_path}")
    return found


def iter_responses(warc_path: Path) -> Iterator[ArchivedResponse]:
    """HTTP response records of a WARC file (gzipped or not), in file order.

    Request, warcinfo, metadata, revisit and non-HTTP (e.g. ``dns:``) records are skipped, so
    Common Crawl WARCs read the same way as ours.
    """
    with warc_path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            found = _archived(record)
            if found is not None:
                yield found
