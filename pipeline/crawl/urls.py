"""URL canonicalization, crawl scope and address safety: pure functions, no network.

Canonical URLs are the crawl's de-duplication keys, so two spellings of one page must map to one
string, while two different pages must never collide: only changes that cannot alter what a
server returns (case of scheme/host, default ports, fragments, parameter order) or that only
carry tracking state are normalized.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid"})
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS


def canonicalize_url(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL.

    Lowercases scheme and host, drops default ports, fragments and tracking parameters
    (``utm_*``, fbclid, gclid, mc_cid, mc_eid) and sorts the remaining query parameters. The path
    (including a trailing slash) is kept as given. Raises ValueError for a URL that is not
    absolute http(s) or has an invalid port.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname  # already lowercased by urlsplit
    if ":" in host:  # IPv6 literal: brackets are part of the netloc syntax
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a port out of range
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _clean_query(query: str) -> str:
    """Drop tracking parameters and sort the rest, keeping each ``k=v`` exactly as spelled
    (re-encoding could turn ``?a`` into ``?a=`` or change escapes the server distinguishes)."""
    kept = []
    for segment in query.split("&"):
        if not segment:
            continue
        key = unquote_plus(segment.partition("=")[0])
        if not _is_tracking(key):
            kept.append((key, segment))
    return "&".join(segment for _, segment in sorted(kept))


def resolve_link(href: str, base_url: str) -> str | None:
    """The canonical absolute URL ``href`` points to from ``base_url``; None if not http(s)."""
    try:
        return canonicalize_url(urljoin(base_url, href.strip()))
    except ValueError:
        return None


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a canonical URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_origin(url: str, site_url: str) -> bool:
    return origin(canonicalize_url(url)) == origin(canonicalize_url(site_url))


def in_scope(url: str, site_url: str) -> bool:
    """True if ``url`` has the site's scheme, host and port and a path under the site's path.

    The site path is taken up to its last '/', so ``https://x.org/blog/`` scopes ``/blog/...``
    and ``https://x.org/index.html`` scopes the whole host.
    """
    try:
        target, site = canonicalize_url(url), canonicalize_url(site_url)
    except ValueError:
        return False
    if origin(target) != origin(site):
        return False
    site_path = urlsplit(site).path
    prefix = site_path[: site_path.rfind("/") + 1]
    return urlsplit(target).path.startswith(prefix)


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def is_private_host(host: str) -> bool:
    """True if ``host`` names a non-public address: a private, loopback, link-local, multicast,
    reserved or unspecified IP literal, or a ``localhost`` name.

    Host names are not resolved here (that needs the network); callers only ever fetch the
    configured site's own host, so other names are never connected to.
    """
    host = host.strip("[]").lower().rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )
