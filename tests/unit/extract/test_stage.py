"""run() end to end: demo pages archived in a WARC built here with warcio, Parquet out."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.config import Config
from pipeline.extract import run
from pipeline.io import write_table
from pipeline.paths import RunPaths
from pipeline.records import BLOCK_CATEGORIES, BLOCKS, DOCUMENTS, PAGES, POSTS

BASE = "http://127.0.0.1:8765"
FETCHED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PROMO = (
    "Book a free 15-minute consultation",
    "download the ManoShala App",
    "Talk to our specialists",
    "Book a consultation",
    "It's Normal For Marriages To Have Their Challenges And Difficulties",
)
TEMPLATE = ("We use cookies", "Subscribe", "Recent Posts", "Share this", "Proudly")


def _record(writer: WARCWriter, url: str, status: int, ctype: str, body: bytes) -> None:
    http = StatusAndHeaders(f"{status} X", [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2025-01-02T03:04:05Z"},
        )
    )  # fmt: skip


def _archive_site(paths: RunPaths, site_dir: Path) -> list[dict[str, object]]:
    """Every built HTML file as a 200 response, plus robots.txt, a 404 and a repeated URL."""
    site = site_dir.name
    rows = []
    warc = paths.warc(site)
    warc.parent.mkdir(parents=True, exist_ok=True)
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        files = sorted(site_dir.rglob("index.html"))
        for f in files:
            rel = f.parent.relative_to(site_dir).as_posix()
            url = f"{BASE}/{site}/" + (f"{rel}/" if rel != "." else "")
            _record(writer, url, 200, "text/html; charset=utf-8", f.read_bytes())
            rows.append({"run_id": paths.run_id, "site": site, "url": url, "final_url": url,
                         "status": 200, "ok": True, "fetched_at": FETCHED})  # fmt: skip
        _record(writer, f"{BASE}/{site}/robots.txt", 200, "text/plain", b"User-agent: *\n")
        _record(writer, f"{BASE}/{site}/gone/", 404, "text/html", b"<p>Not found</p>")
        first = files[0]
        _record(writer, rows[0]["url"], 200, "text/html", first.read_bytes())  # type: ignore[arg-type]
    return rows


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunPaths, object]:
    from pipeline.demo import build_sites

    root = tmp_path_factory.mktemp("extract-stage")
    build_sites(root / "sites")
    paths = RunPaths(data_dir=root / "data", run_id="t1")
    site_dirs = sorted(d for d in (root / "sites").iterdir() if (d / "index.html").exists())
    rows = [row for d in site_dirs for row in _archive_site(paths, d)]
    write_table(paths.crawl_pages, rows, PAGES)
    config = Config(sites=[{"name": d.name, "url": f"{BASE}/{d.name}/"} for d in site_dirs])
    return paths, run(paths, config)


def test_writes_three_tables_with_the_declared_schemas(extracted) -> None:  # type: ignore[no-untyped-def]
    paths, summary = extracted
    for path, schema in ((paths.extract_documents, DOCUMENTS), (paths.extract_posts, POSTS),
                         (paths.extract_blocks, BLOCKS)):  # fmt: skip
        assert pq.read_schema(path).remove_metadata() == schema
    assert summary.counts["posts"] >= 6
    n_sites = summary.counts["sites"]
    assert n_sites >= 2
    for reason in ("not_html", "http_status", "duplicate_response"):
        assert summary.dropped[reason] == n_sites, reason


def test_documents_have_a_type_and_non_posts_a_reason(extracted) -> None:  # type: ignore[no-untyped-def]
    paths, _ = extracted
    docs = pq.read_table(paths.extract_documents).to_pylist()
    assert {d["page_type"] for d in docs} <= {"post", "listing", "other"}
    for d in docs:
        assert (d["reason"] is None) == (d["page_type"] == "post") == (d["post_id"] is not None)
    home = [d for d in docs if d["url"].count("/") == 4]  # BASE/<site>/
    assert home and all(d["page_type"] != "post" for d in home)
    assert any(d["reason"] == "listing_page" for d in home)


def test_promos_and_template_text_are_not_main(extracted) -> None:  # type: ignore[no-untyped-def]
    paths, _ = extracted
    posts = pq.read_table(paths.extract_posts).to_pylist()
    blocks = pq.read_table(paths.extract_blocks).to_pylist()
    texts = "\n".join(p["main_text"] for p in posts)
    assert "Good sex (the kind that feels safe and mutual) floods the brain" in texts
    for needle in PROMO + TEMPLATE:
        assert needle.lower() not in texts.lower(), needle
    for needle in PROMO:
        hits = [b for b in blocks if needle.lower() in b["text"].lower()]
        assert hits and all(not b["is_main"] and b["category"] == "promo" for b in hits), needle
    assert {b["category"] for b in blocks} <= set(BLOCK_CATEGORIES)


def test_post_counts_and_site_repeat(extracted) -> None:  # type: ignore[no-untyped-def]
    paths, _ = extracted
    posts = pq.read_table(paths.extract_posts).to_pylist()
    blocks = pq.read_table(paths.extract_blocks).to_pylist()
    for p in posts:
        assert p["word_count"] == len(p["main_text"].split()) >= 50  # MIN_POST_WORDS
        assert p["boilerplate_words"] == p["page_words"] - p["word_count"] > 0
        assert p["title"] and p["fetched_at"] == FETCHED
    cookie = [b for b in blocks if b["text"].startswith("We use cookies")]
    assert cookie and all(b["site_repeat"] >= 3 and b["category"] == "cookie" for b in cookie)
