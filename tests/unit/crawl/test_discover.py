from __future__ import annotations

import gzip

import brotli
import pytest

from pipeline.crawl.compression import BodyTooLarge, CappedDecoder, DecodeFailed, gunzip_capped
from pipeline.crawl.discover import NotParseable, page_links, parse_feed, parse_sitemap

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def test_sitemap_index_and_urlset() -> None:
    index = parse_sitemap(
        f"<sitemapindex {NS}><sitemap><loc> /s1.xml.gz </loc></sitemap></sitemapindex>".encode(),
        "http://x.org/sitemap.xml",
    )
    assert index.kind == "index" and index.locs == ("http://x.org/s1.xml.gz",)
    urlset = parse_sitemap(
        f"<urlset {NS}><url><loc>http://x.org/a?utm_source=s</loc></url>"
        f"<url><loc>http://x.org/a</loc></url><url><loc>http://x.org/b</loc></url></urlset>".encode(),
        "http://x.org/",
    )
    assert urlset.kind == "urlset" and urlset.locs == ("http://x.org/a", "http://x.org/b")


def test_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<urlset><url><loc>&b;</loc></url></urlset>"
    )
    with pytest.raises(NotParseable):
        parse_sitemap(bomb, "http://x.org/")


@pytest.mark.parametrize("body", [b"<html><body>hi</body></html>", b"not xml at all", b""])
def test_non_sitemaps_are_not_parseable(body: bytes) -> None:
    with pytest.raises(NotParseable):
        parse_sitemap(body, "http://x.org/")


def test_rss_and_atom_feeds() -> None:
    rss = b"<rss><channel><item><link>http://x.org/p1</link></item><item><link>/p2</link></item></channel></rss>"
    assert parse_feed(rss, "http://x.org/feed.xml") == ("http://x.org/p1", "http://x.org/p2")
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b'<link rel="edit" href="/edit/1"/><link href="/p1"/></entry>'
        b'<entry><link rel="alternate" href="http://x.org/p2"/></entry></feed>'
    )
    assert parse_feed(atom, "http://x.org/") == ("http://x.org/p1", "http://x.org/p2")


def test_page_links_and_feeds() -> None:
    html = """<html><head><base href="/blog/">
      <link rel="alternate" type="application/rss+xml" href="feed.xml">
      <link rel="stylesheet" href="s.css"></head><body>
      <a href="post-1#c">1</a><a href="post-1">again</a><a href="mailto:a@b.c">m</a>
      <a href="/feed.xml">feed</a><a>no href</a><a href="http://other.org/">o</a></body></html>"""
    found = page_links(html, "http://x.org/index.html")
    assert found.links == ("http://x.org/blog/post-1", "http://other.org/")
    assert found.feeds == ("http://x.org/blog/feed.xml", "http://x.org/feed.xml")
    # Each target's first link text: "1", not "again".
    assert found.anchors == (("http://x.org/blog/post-1", "1"), ("http://other.org/", "o"))


def test_anchor_text_is_the_words_shown_or_the_image_alt() -> None:
    html = (
        """<a href="/a">  Read\n   <b>more</b> </a><a href="/b"><img alt="Sleep guide"></a>
      <a href="/c">"""
        + "word " * 100
        + "</a>"
    )
    anchors = dict(page_links(html, "http://x.org/").anchors)
    assert anchors["http://x.org/a"] == "Read more"
    assert anchors["http://x.org/b"] == "Sleep guide"
    assert len(anchors["http://x.org/c"]) == 200


@pytest.mark.parametrize(
    "html", ["", "   ", "<?xml version='1.0' encoding='utf-8'?><a href='/x'>x</a>"]
)
def test_page_links_never_raise(html: str) -> None:
    page_links(html, "http://x.org/")


def test_gzip_bomb_is_capped_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * 10_000_000)
    assert len(bomb) < 20_000
    with pytest.raises(BodyTooLarge):
        gunzip_capped(bomb, 100_000)
    assert gunzip_capped(gzip.compress(b"x" * 1000), 1000) == b"x" * 1000


def test_capped_decoder_streams_and_rejects_garbage() -> None:
    payload = gzip.compress(b"hello " * 100)
    decoder = CappedDecoder("gzip", 10_000)
    out = b"".join(decoder.feed(payload[i : i + 7]) for i in range(0, len(payload), 7))
    assert out + decoder.flush() == b"hello " * 100
    with pytest.raises(DecodeFailed):
        CappedDecoder("gzip", 100).feed(b"definitely not gzip")
    with pytest.raises(DecodeFailed):
        CappedDecoder("compress", 100)  # LZW: nobody sends it, we do not decode it


def test_brotli_bomb_is_capped_while_inflating() -> None:
    bomb = brotli.compress(b"\0" * 20_000_000)
    assert len(bomb) < 1_000
    decoder = CappedDecoder("br", 100_000)
    with pytest.raises(BodyTooLarge):
        decoder.feed(bomb)
    # Fed in small network-sized chunks, exactly at the limit, is fine.
    payload = brotli.compress(b"abc" * 10_000)
    decoder = CappedDecoder("br", 30_000)
    out = b"".join(decoder.feed(payload[i : i + 7]) for i in range(0, len(payload), 7))
    assert out + decoder.flush() == b"abc" * 10_000
    with pytest.raises(DecodeFailed):
        CappedDecoder("br", 1000).feed(b"definitely not brotli")


def test_rel_canonical_is_found_and_resolved() -> None:
    html = (
        '<html><head><link rel="Canonical" href="/posts/a?utm_source=x#top">'
        '<link rel="canonical" href="/second"></head><body><a href="/b">b</a></body></html>'
    )
    found = page_links(html, "http://x.org/posts/a?ref=1")
    assert found.canonical == "http://x.org/posts/a"
    assert page_links("<p>no head</p>", "http://x.org/").canonical is None
