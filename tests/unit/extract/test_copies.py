"""Copies of one page are decided alike, wherever they are served (issue 16)."""

from __future__ import annotations

import gzip
import io
from dataclasses import replace
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.extract.copies import align_copies
from pipeline.extract.extractor import extract_page
from pipeline.io import read_rows
from pipeline.paths import RunPaths
from pipeline.runner import extract_from_warc

ARTICLE = (
    "<html><head><title>Box breathing for busy days</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/about'>About</a></nav><article><h1>Box breathing</h1>"
    + "".join(
        f"<p>Paragraph {i}: breathe in for four counts, hold for four, breathe out for four "
        f"and hold again; repeat the square until the shoulders drop and the mind slows.</p>"
        for i in range(6)
    )
    + "</article><footer>© Calm minds</footer></body></html>"
)


def test_a_copy_decided_otherwise_takes_the_posts_decisions() -> None:
    original = extract_page(ARTICLE, "http://127.0.0.1:1/posts/box-breathing/")
    assert original.page_type == "post"
    copy = extract_page(ARTICLE, "http://127.0.0.1:2/syndicated/box-breathing/")
    # What URL evidence can do to a copy: not a post, one paragraph lost.
    lost = [replace(b, is_main=False) if i == 3 else b for i, b in enumerate(copy.blocks)]
    copy = replace(copy, blocks=tuple(lost), page_type="other", reason="not_article")

    (first, second), changed = align_copies([original, copy])

    assert changed == 1
    assert first == original
    assert (second.page_type, second.reason) == ("post", None)
    assert second.main_text == original.main_text
    assert second.url == copy.url  # still itself


def test_different_pages_and_non_posts_are_left_alone() -> None:
    original = extract_page(ARTICLE, "http://127.0.0.1:1/a/")
    other = extract_page(ARTICLE.replace("four", "five"), "http://127.0.0.1:1/b/")
    stub = extract_page("<html><body><p>Not found</p></body></html>", "http://127.0.0.1:1/c/")
    pages = [replace(original, page_type="other", reason="not_article"), other, stub, stub]
    assert align_copies(pages) == (pages, 0)


def _warc(path: Path, html: bytes, urls: list[str]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url in urls:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(html),
                                          http_headers=http)
            )  # fmt: skip


def test_a_real_article_copied_to_another_url_is_a_post_twice(
    shared_dir: Path, tmp_path: Path
) -> None:
    # Regression: this real article (extraction-more 5595), served byte for byte at
    # /syndicated/... on a second blog, was 'not_article' there, so dedup had nothing to find.
    html = gzip.decompress((shared_dir / "data/extraction-more/html/5595.html.gz").read_bytes())
    source = tmp_path / "copies.warc.gz"
    urls = [
        "http://127.0.0.1:1/posts/fitness-story/",
        "http://127.0.0.1:2/syndicated/fitness-story/",
    ]
    _warc(source, html, urls)
    paths = RunPaths(tmp_path / "data", "copies")

    extract_from_warc(paths, source, site="blog")

    docs = {d["url"]: d for d in read_rows(paths.extract_documents)}
    assert [docs[u]["page_type"] for u in urls] == ["post", "post"], docs
    posts = read_rows(paths.extract_posts)
    assert len({p["text_hash"] for p in posts}) == 1  # one text: dedup pairs them exactly
