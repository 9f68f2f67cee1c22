"""What the demo sites contain, checked over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as ET
import pytest
from bs4 import BeautifulSoup
from protego import Protego

from pipeline.demo import DEMO_USER_AGENT

from .conftest import Demo

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _hrefs(demo: Demo, site: str, path: str) -> set[str]:
    """Paths of the same-site links on a page, resolved against its URL."""
    base = demo.served[site].url.rstrip("/") + path
    page = _soup(demo.get(site, path).text)
    out = set()
    for a in page.find_all("a", href=True):
        url = urlsplit(urljoin(base, a["href"]))
        if url.netloc == urlsplit(base).netloc:
            out.add(url.path)
    return out


def _canonical(html: str) -> str:
    return _soup(html).find("link", rel="canonical")["href"]


def test_post_mix_covers_every_kind(demo: Demo) -> None:
    kinds = [p.kind for p in demo.posts()]
    assert len(demo.sites) >= 3
    assert kinds.count("syndicated") >= 2
    assert kinds.count("near_duplicate") >= 2
    assert kinds.count("original") >= 6
    assert kinds.count("thin") >= 2
    assert kinds.count("listing_only") == 1
    assert sorted(p.seed for p in demo.posts() if p.kind == "seed") == [
        "000", "001", "002", "003", "004"
    ]  # fmt: skip
    for p in demo.posts():
        if p.kind in {"syndicated", "near_duplicate"}:
            src_site, src_path = p.source.split(":", 1)
            assert src_site != p.site, "copies live on another site than their original"
            original = next(o for o in demo.sites[src_site].posts if o.path == src_path)
            assert original.kind == "seed" and original.seed == p.seed


@pytest.mark.parametrize("site", ["calm-minds", "heart-space", "well-together"])
def test_robots_has_sitemap_and_a_disallowed_page_that_is_linked(demo: Demo, site: str) -> None:
    served = demo.served[site]
    resp = demo.get(site, "/robots.txt")
    assert resp.headers["content-type"].startswith("text/plain")
    robots = Protego.parse(resp.text)
    assert list(robots.sitemaps) == [served.url + "sitemap.xml"]
    assert demo.sites[site].disallowed
    linked = _hrefs(demo, site, "/")
    for prefix in demo.sites[site].disallowed:
        assert f"Disallow: {prefix}" in resp.text
        hidden = sorted(p for p in linked if p.startswith(prefix))
        assert hidden, f"nothing under {prefix} is linked from the home page"
        assert not robots.can_fetch(served.url.rstrip("/") + hidden[0], DEMO_USER_AGENT)
        assert demo.get(site, hidden[0]).status_code == 200, "an impolite crawler would get it"


@pytest.mark.parametrize("site", ["calm-minds", "heart-space", "well-together"])
def test_sitemap_lists_posts_with_served_urls_but_not_listing_only(demo: Demo, site: str) -> None:
    resp = demo.get(site, "/sitemap.xml")
    assert resp.headers["content-type"] == "application/xml"
    locs = [e.text for e in ET.fromstring(resp.content).iter(f"{SM}loc")]
    base = demo.served[site].url
    assert all(loc.startswith(base) for loc in locs), "placeholder origin not replaced"
    posts = demo.sites[site].posts
    expected = {base.rstrip("/") + p.path for p in posts if p.kind != "listing_only"}
    assert expected <= set(locs)
    assert not any(base.rstrip("/") + p.path in locs for p in posts if p.kind == "listing_only")
    assert not any(urlsplit(loc).path.startswith(demo.sites[site].disallowed) for loc in locs)


@pytest.mark.parametrize("site", ["calm-minds", "heart-space", "well-together"])
def test_feed_is_rss_with_public_posts(demo: Demo, site: str) -> None:
    resp = demo.get(site, "/feed.xml")
    assert resp.headers["content-type"] == "application/rss+xml"
    channel = ET.fromstring(resp.content).find("channel")
    links = [item.findtext("link") for item in channel.iter("item")]
    base = demo.served[site].url.rstrip("/")
    public = [base + p.path for p in demo.sites[site].posts if p.kind != "listing_only"]
    assert links == public  # newest first, listing-only post left out
    assert all(item.findtext("pubDate") for item in channel.iter("item"))


def test_every_post_is_an_html_article_page(demo: Demo) -> None:
    for post in demo.posts():
        resp = demo.get(post.site, post.path)
        assert resp.status_code == 200, post.path
        assert resp.headers["content-type"] == "text/html; charset=utf-8"
        page = _soup(resp.text)
        assert page.find("h1").get_text(" ", strip=True) == post.title
        assert page.find("meta", property="og:type")["content"] == "article"
        assert page.find("meta", attrs={"name": "description"})["content"]
        assert page.title.get_text().startswith(post.title)


@pytest.mark.parametrize("site", ["calm-minds", "heart-space", "well-together"])
def test_listing_pages_are_not_posts(demo: Demo, site: str) -> None:
    home = _soup(demo.get(site, "/").text)
    assert home.find("meta", property="og:type")["content"] == "website"
    assert "/page/2/" in _hrefs(demo, site, "/")
    assert demo.get(site, "/page/2/").status_code == 200
    post_paths = {p.path for p in demo.sites[site].posts}
    assert len(post_paths & _hrefs(demo, site, "/")) >= 2


def test_listing_only_post_is_linked_from_a_listing_page_only(demo: Demo) -> None:
    (post,) = [p for p in demo.posts() if p.kind == "listing_only"]
    site = demo.sites[post.site]
    listings = ["/"] + [f"/page/{n}/" for n in range(2, 10)]
    listings = [p for p in listings if demo.get(post.site, p).status_code == 200]
    assert any(post.path in _hrefs(demo, post.site, p) for p in listings)
    others = [p.path for p in site.posts if p != post] + ["/about/"]
    for path in others:
        assert post.path not in _hrefs(demo, post.site, path), f"linked from {path}"


def test_syndicated_copies_point_canonical_at_the_original(demo: Demo) -> None:
    for post in demo.posts():
        html = demo.get(post.site, post.path).text
        if post.kind == "syndicated":
            src_site, src_path = post.source.split(":", 1)
            assert _canonical(html) == demo.served[src_site].url.rstrip("/") + src_path
        else:
            assert _canonical(html) == demo.served[post.site].url.rstrip("/") + post.path


def test_metadata_sources_differ_between_sites(demo: Demo) -> None:
    by_site = {p.site: p for p in demo.posts() if p.kind == "original"}
    calm = _soup(demo.get("calm-minds", by_site["calm-minds"].path).text)
    assert calm.find("meta", property="article:published_time")
    assert calm.find("article").find("time", datetime=True)
    heart = _soup(demo.get("heart-space", by_site["heart-space"].path).text)
    ld = json.loads(heart.find("script", type="application/ld+json").string)
    assert ld["@type"] == "BlogPosting" and ld["datePublished"] and ld["author"]["name"]
    well = _soup(demo.get("well-together", by_site["well-together"].path).text)
    assert not well.find("script", type="application/ld+json")
    assert not well.find("meta", property="article:published_time")
    assert re.search(r"\b20\d\d\b", well.find(attrs={"data-hook": "post-metadata"}).get_text())


def _seed_post(demo: Demo, seed: str) -> tuple[str, BeautifulSoup]:
    post = next(p for p in demo.posts() if p.kind == "seed" and p.seed == seed)
    return post.site, _soup(demo.get(post.site, post.path).text)


def test_seed_004_promo_banner_appears_twice_inside_the_article(demo: Demo) -> None:
    _, page = _seed_post(demo, "004")
    article = page.find("article")
    heading = "It's Normal For Marriages To Have Their Challenges And Difficulties"
    banners = [b for b in article.select(".promo-banner") if heading in b.get_text()]
    assert len(banners) == 2
    assert all("Guidance From A Licensed Professional" in b.get_text() for b in banners)
    assert all(b.find("a", string=re.compile("Get Started")) for b in banners)
    assert "Speak with a Licensed Counselor Today" in article.select_one(".cta-box").get_text()
    assert "Previous Article" in article.select_one(".post-navigation").get_text()
    assert "not intended to be a substitution" in article.select_one(".legal").get_text()


@pytest.mark.parametrize(
    ("seed", "text"),
    [
        ("000", "Book a free 15-minute consultation"),
        ("000", "Or download the ManoShala App"),
        ("001", "Struggling with intimacy concerns?"),
        ("001", "Ready to improve your relationship and mental health?"),
    ],
)
def test_calls_to_action_are_cta_elements_not_paragraphs(demo: Demo, seed: str, text: str) -> None:
    _, page = _seed_post(demo, seed)
    (node,) = [n for n in page.find_all(string=re.compile(re.escape(text)))]
    cta = node.find_parent(class_=lambda c: c in {"cta", "cta-box", "cta-inline", "cta-banner"})
    assert cta is not None, f"{text!r} is not inside a CTA element"
    assert cta.find("a", href=True), "a CTA carries a button link"


def _normalize(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_text_is_kept_line_for_line(demo: Demo, shared_dir, seed: str) -> None:
    (path,) = (shared_dir / "seeds").glob(f"{seed}_*.txt")
    _, page = _seed_post(demo, seed)
    text = _normalize(page.get_text(" "))
    for line in path.read_text(encoding="utf-8").splitlines():
        line = _normalize(line.strip().removeprefix("•").removeprefix("- "))
        if line and line != ".png)":
            assert line in text, f"seed {seed} line missing from the page: {line[:60]!r}"
    assert ".png)" not in text


def test_realweb_paths_keep_the_real_path_and_never_collide() -> None:
    # Regression: a real page under /page/... looped forever looking for a free path.
    from pathlib import Path

    from pipeline.demo.realweb import SourcePage, local_paths

    def page(n: int, url: str) -> SourcePage:
        return SourcePage(f"set/{n}", url, "article", "", "", Path("x.html.gz"), True)

    urls = ["https://a.example/page/2/", "https://b.example/page/2/", "https://c.example/",
            "https://d.example/Products/Blue Shoe", "https://e.example/private/"]  # fmt: skip
    paths = local_paths([page(i, u) for i, u in enumerate(urls)])
    assert list(paths.values()) == [
        "/site/page/2/",
        "/site/page/2-2/",
        "/home/",
        "/products/blue-shoe/",
        "/site/private/",
    ]
