"""Bad input has a documented outcome (pipeline.extract.guard) and never stops a run."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.config import Config
from pipeline.extract import guarded_page, main_text, run
from pipeline.extract.guard import (
    EMPTY_DOCUMENT,
    MAX_HTML_CHARS,
    MAX_TAGS,
    NOT_HTML,
    PARSER_MAX_DEPTH,
    guard_input,
)
from pipeline.extract.markup import parse_html
from pipeline.extract.metadata import extract_metadata
from pipeline.io import write_table
from pipeline.paths import RunPaths
from pipeline.records import PAGES

ARTICLE = (
    "<h1>Sleep and stress</h1><p>Sleep shapes how we handle stress, and a steady evening routine "
    "helps most people fall asleep sooner and wake up rested. Keep the room dark, cool and "
    "quiet, and put the phone away an hour before bed.</p><p>When worries keep you awake, write "
    "them down with one small next step for each; the list will still be there tomorrow, and "
    "your mind can let go of it for the night. Light exercise during the day helps too.</p>"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def _page(body: str, lang: str = "en") -> str:
    head = "<head><title>T</title></head>"
    return f"<html lang='{lang}'>{head}<body><article>{body}</article></body></html>"


def test_empty_and_whitespace_documents_are_empty_with_a_reason() -> None:
    for markup in ("", "   \n\t", b"", None):
        page, truncated = guarded_page(markup)
        assert (page.reason, page.main_text, truncated) == (EMPTY_DOCUMENT, "", False)
    assert main_text("") == ""


def test_binary_content_is_not_html_as_bytes_or_as_text() -> None:
    assert guarded_page(PNG)[0].reason == NOT_HTML
    assert guarded_page(PNG.decode("latin-1"))[0].reason == NOT_HTML
    assert main_text(PNG.decode("latin-1")) == ""
    # Plain text without any tag is not binary: it is extracted best-effort.
    assert guard_input("Just a line of text.\nAnother one.").reason is None


def test_a_20_mb_page_is_truncated_before_parsing_and_still_extracted() -> None:
    markup = "<html><body><article>" + ARTICLE * 130_000 + "</article></body></html>"
    assert len(markup) > 20_000_000
    guarded = guard_input(markup)
    assert guarded.truncated and guarded.reason is None
    assert len(guarded.html) <= MAX_HTML_CHARS
    page, truncated = guarded_page(markup)
    assert truncated and "steady evening routine" in page.main_text


def test_tag_floods_are_cut_at_the_tag_cap() -> None:
    markup = "<html><body>" + "<div>x</div>" * (MAX_TAGS) + "</body></html>"
    guarded = guard_input(markup)
    assert guarded.truncated and guarded.html.count("<") == MAX_TAGS


def test_ten_thousand_deep_nesting_neither_crashes_nor_recurses_past_the_parser_cap() -> None:
    for tag in ("div", "span", "b"):
        markup = _page(ARTICLE + f"<{tag}>" * 10_000 + "deep" + f"</{tag}>" * 10_000)
        root = parse_html(markup)
        assert root is not None
        depth = max(sum(1 for _ in el.iterancestors()) for el in root.iter())
        assert depth <= PARSER_MAX_DEPTH, tag  # libxml2 flattens beyond its limit
        page, _ = guarded_page(markup)
        assert "steady evening routine" in page.main_text, tag
        extract_metadata(root)  # the metadata scan is iterative: no RecursionError
    unclosed = "<html><body>" + "<div><p>x " * 10_000
    # Best effort: whether the model keeps some of the "x" text (not_article: text but no
    # article markup) or none of it (no_main_text), the page is never taken for a post.
    page = guarded_page(unclosed)[0]
    assert page.page_type == "other" and page.reason in ("no_main_text", "not_article")


def test_broken_encodings_are_replaced_not_raised() -> None:
    latin1_as_utf8 = _page(ARTICLE.replace("rested", "repos\xe9")).encode("latin-1")
    page, _ = guarded_page(latin1_as_utf8)
    assert "steady evening routine" in page.main_text
    lone_surrogate = _page(ARTICLE.replace("rested", "rest\udce9d"))
    assert "steady evening routine" in main_text(lone_surrogate)


def test_all_boilerplate_page_has_no_main_text() -> None:
    markup = (
        "<html><body><nav><a href='/'>Home</a> <a href='/blog'>Blog</a></nav>"
        "<div class='cookie-banner'>We use cookies. Accept all cookies</div>"
        "<footer>© 2025 Calm Minds. All rights reserved. Privacy policy</footer></body></html>"
    )
    page, _ = guarded_page(markup, "https://calm.example/")
    assert (page.main_text, page.reason, page.page_type) == ("", "no_main_text", "other")


def test_non_english_pages_are_extracted_best_effort() -> None:
    german = (
        "<p>Schlaf beeinflusst, wie wir mit Stress umgehen. Eine ruhige Abendroutine hilft den "
        "meisten Menschen, schneller einzuschlafen und erholt aufzuwachen. Halten Sie das "
        "Zimmer dunkel, kühl und ruhig, und legen Sie das Telefon früh zur Seite.</p>"
    )
    page, _ = guarded_page(_page(german * 2, "de"))
    assert "ruhige Abendroutine" in page.main_text and page.metadata.lang == "de"


def test_japanese_pages_are_extracted_best_effort() -> None:
    japanese = (
        "<p>睡眠はストレスへの対処に影響します。落ち着いた夜の習慣は、多くの人がより早く眠りにつき、"
        "すっきりと目覚めるのに役立ちます。部屋を暗く涼しく静かに保ちましょう。</p>"
    )
    assert "夜の習慣" in main_text(_page(japanese * 4, "ja"))


def _record(writer: WARCWriter, url: str, ctype: str, body: bytes) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2025-01-02T03:04:05Z"},
        )
    )  # fmt: skip


def test_stage_records_refused_pages_with_their_reason(tmp_path: Path) -> None:
    paths = RunPaths(data_dir=tmp_path, run_id="bad")
    base = "http://127.0.0.1:8765/bad/"
    bodies = {
        "empty/": b"",
        "binary/": PNG,
        "deep/": _page(ARTICLE * 3 + "<div>" * 10_000).encode(),
        "huge/": ("<html><body><article>" + ARTICLE * 40_000 + "</article></body></html>").encode(),
    }
    paths.warc("bad").parent.mkdir(parents=True, exist_ok=True)
    with paths.warc("bad").open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for rel, body in bodies.items():
            _record(writer, base + rel, "text/html; charset=utf-8", body)
    at = datetime(2025, 1, 2, tzinfo=UTC)
    rows = [{"run_id": "bad", "site": "bad", "url": base + r, "final_url": base + r,
             "status": 200, "ok": True, "fetched_at": at} for r in bodies]  # fmt: skip
    write_table(paths.crawl_pages, rows, PAGES)
    summary = run(paths, Config(sites=[{"name": "bad", "url": base}]))
    docs = {
        d["url"].removeprefix(base): d for d in pq.read_table(paths.extract_documents).to_pylist()
    }
    assert docs["empty/"]["reason"] == EMPTY_DOCUMENT and docs["binary/"]["reason"] == NOT_HTML
    assert summary.dropped[EMPTY_DOCUMENT] == 1 and summary.dropped[NOT_HTML] == 1
    assert set(docs) == set(bodies)  # every page has its row, refused or not
    assert summary.counts["truncated"] == 1 and summary.counts["documents"] == len(bodies)
