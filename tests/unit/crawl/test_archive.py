from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.crawl.archive import Exchange, WarcArchive, iter_responses

WHEN = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def _exchange(url: str, status: int = 200, body: bytes = b"<p>hi</p>") -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "ua")],
        http_version="HTTP/1.1",
        status=status,
        reason="OK",
        headers=[
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", "9"),
        ],
        body=body,
        started_at=WHEN,
    )


def test_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "raw" / "site.warc.gz"
    with WarcArchive(target) as archive:
        first = archive.write(_exchange("http://x.org/a"))
        second = archive.write(_exchange("http://x.org/b", body=b"b" * 1000))
    assert 0 < first < second
    got = list(iter_responses(target))
    assert [r.url for r in got] == ["http://x.org/a", "http://x.org/b"]
    assert got[0].body == b"<p>hi</p>" and got[0].status == 200
    assert got[0].fetched_at == WHEN
    # The body is stored decoded, so the wire encoding moves aside and the length is the real one.
    assert "content-encoding" not in got[0].headers
    assert got[0].headers["x-crawler-content-encoding"] == "gzip"
    assert got[1].headers["content-length"] == "1000"


def test_interrupted_write_leaves_no_archive(tmp_path: Path) -> None:
    target = tmp_path / "site.warc.gz"
    with pytest.raises(RuntimeError), WarcArchive(target) as archive:
        archive.write(_exchange("http://x.org/a"))
        raise RuntimeError("killed mid-crawl")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_reads_common_crawl_style_warcs(tmp_path: Path) -> None:
    """Foreign WARCs: uncompressed file, dns/metadata/revisit records, a gzip-encoded body."""
    path = tmp_path / "cc.warc"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record("cc.warc", {"software": "other"}))
        writer.write_record(
            writer.create_warc_record(
                "dns:x.org",
                "response",
                payload=io.BytesIO(b"x.org 300 IN A 1.2.3.4"),
                warc_content_type="text/dns",
            )
        )
        body = gzip.compress(b"<html>cc</html>")
        http = StatusAndHeaders(
            "200 OK",
            [
                ("Content-Type", "text/html"),
                ("Content-Encoding", "gzip"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                "https://x.org/p",
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"},
            )
        )
        writer.write_record(
            writer.create_warc_record("https://x.org/p", "metadata", payload=io.BytesIO(b"k: v"))
        )
    [only] = list(iter_responses(path))
    assert only.url == "https://x.org/p" and only.status == 200
    assert only.body == b"<html>cc</html>"
    assert only.headers["set-cookie"] == "a=1, b=2"
    assert only.fetched_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
