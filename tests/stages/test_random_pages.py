"""Random pages made of real sentences, through extract → dedup → topics → audit → load (issue 16).

Hypothesis builds small sites whose pages mix real sentences (the labeled set's: seeds and real
health articles) with repeated banners, copied pages, headings, link lists, broken markup, odd
Unicode and invalid UTF-8; they go in as a WARC (``extract --from-warc``, no network) and every
later stage runs on them. Whatever the pages, the load must pass its checks: every response is a
``pages`` row, every HTML page a post or a reason, every finding id unique.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.paths import RunPaths
from pipeline.runner import extract_from_warc, resolve_config, run_stage

pytestmark = pytest.mark.slow

LABELED = Path(__file__).resolve().parents[2] / "benchmarks/detectors/labeled/sentences.csv"
with LABELED.open(encoding="utf-8") as _fh:
    SENTENCES = [r["text"] for r in csv.DictReader(_fh) if len(r["text"].split()) >= 3]

sentence = st.sampled_from(SENTENCES)
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=40
)


@st.composite
def page(draw: st.DrawFn) -> bytes:
    title = draw(sentence)[:70]
    paragraphs = draw(st.lists(sentence, min_size=0, max_size=25))
    banner = draw(st.one_of(st.none(), sentence))
    parts = [f"<h1>{title}</h1>"]
    for i, text in enumerate(paragraphs):
        if banner and i % 4 == 3:
            parts.append(f"<p class='promo'>{banner}</p>")
        tag = "h2" if draw(st.integers(0, 9)) == 0 else "p"
        parts.append(f"<{tag}>{text}</{tag}>")
    nav = "".join(f"<li><a href='/p{i}'>{draw(sentence)[:30]}</a></li>" for i in range(3))
    html = (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><article>{''.join(parts)}</article>"
        f"<footer>{draw(odd_text)}</footer></body></html>"
    ).encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and draw(st.integers(0, 4)) == 0:
        html = html[: draw(st.integers(0, len(html)))]  # cut mid-tag, mid-character
    if draw(st.integers(0, 9)) == 0:
        html += b"\xff\xfe broken \xc3("  # invalid UTF-8
    return html


@st.composite
def site(draw: st.DrawFn) -> list[bytes]:
    pages = draw(st.lists(page(), min_size=1, max_size=6))
    if draw(st.booleans()):
        pages.append(pages[0])  # an exact copy at another URL
    return pages


def _warc(path: Path, pages: list[bytes]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, body in enumerate(pages):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"http://127.0.0.1:8/posts/{i}/", "response", payload=io.BytesIO(body),
                http_headers=http,
            )  # fmt: skip
            writer.write_record(record)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(pages=site())
def test_any_site_of_real_sentences_loads(pages: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "blog.warc.gz"
        _warc(source, pages)
        paths = RunPaths(Path(tmp) / "data", "prop", Path(tmp) / "reports")
        summaries = extract_from_warc(paths, source, site="blog")
        assert summaries["crawl"].counts["urls_attempted"] == len(pages)
        config = resolve_config(paths, None)
        for stage in ("dedup", "topics", "audit", "load"):
            run_stage(stage, paths, config)  # the load runs every check, or raises

        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            n_pages, unclassified = con.execute(
                "select count(*), count(*) filter (where page_type is null) from pages"
            ).fetchone()
            ids = con.execute(
                "select count(*), count(distinct finding_id) from findings"
            ).fetchone()
        assert n_pages == len(pages)
        assert unclassified == 0
        assert ids[0] == ids[1]
