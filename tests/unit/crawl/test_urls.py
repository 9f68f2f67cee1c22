from __future__ import annotations

import pytest

from pipeline.crawl.urls import canonicalize_url, in_scope, is_private_host, resolve_link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/Path", "http://example.com/Path"),  # path case is significant
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#section", "http://example.com/a"),
        ("http://example.com/a/", "http://example.com/a/"),  # trailing slash kept
        ("http://example.com/a", "http://example.com/a"),
        ("http://x.org/p?utm_source=n&b=2&utm_MEDIUM=m&a=1", "http://x.org/p?a=1&b=2"),
        ("http://x.org/p?fbclid=1&gclid=2&mc_cid=3&mc_eid=4", "http://x.org/p"),
        ("http://x.org/p?b=%2F&a", "http://x.org/p?a&b=%2F"),  # kept exactly as spelled
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_canonicalize_is_idempotent() -> None:
    url = "HTTP://Example.com:80/a/b/?z=1&utm_term=x&y=2#top"
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once == "http://example.com/a/b/?y=2&z=1"


@pytest.mark.parametrize(
    "bad", ["mailto:a@b.c", "javascript:void(0)", "/relative", "http://x:99999/"]
)
def test_canonicalize_rejects_non_http(bad: str) -> None:
    with pytest.raises(ValueError):
        canonicalize_url(bad)


def test_resolve_link_skips_unfetchable() -> None:
    assert resolve_link("../b?utm_source=x#f", "http://x.org/a/c") == "http://x.org/b"
    assert resolve_link("mailto:me@x.org", "http://x.org/") is None
    assert resolve_link("tel:123", "http://x.org/") is None


@pytest.mark.parametrize(
    ("url", "site", "expected"),
    [
        ("http://x.org/blog/post", "http://x.org/blog/", True),
        ("http://x.org/about", "http://x.org/blog/", False),  # outside the site path
        ("http://x.org/blogger", "http://x.org/blog/", False),
        ("https://x.org/blog/post", "http://x.org/blog/", False),  # other scheme
        ("http://x.org:8080/blog/post", "http://x.org/blog/", False),  # other port
        ("http://www.x.org/blog/post", "http://x.org/blog/", False),  # other host
        ("http://X.ORG:80/blog/p#f", "http://x.org/blog/", True),
        ("http://x.org/anything", "http://x.org/index.html", True),
        ("not a url", "http://x.org/", False),
    ],
)
def test_in_scope(url: str, site: str, expected: bool) -> None:
    assert in_scope(url, site) is expected


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("10.0.0.1", True),
        ("192.168.1.1", True),
        ("127.0.0.1", True),
        ("169.254.169.254", True),  # cloud metadata endpoint
        ("224.0.0.1", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("[::ffff:10.0.0.1]", True),
        ("fe80::1", True),
        ("localhost", True),
        ("api.localhost", True),
        ("93.184.215.14", False),
        ("example.com", False),  # names are not resolved here
    ],
)
def test_is_private_host(host: str, private: bool) -> None:
    assert is_private_host(host) is private
