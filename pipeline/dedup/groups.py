"""Duplicate groups from verified pairs, and the one canonical post of each group.

Groups are the connected components of the pair graph (union-find), so a group can hold posts
that are not directly similar (A ~ B ~ C): each member's similarity to the canonical is
therefore computed again rather than taken from a pair.

Canonical rule, first that applies (the rule used is recorded per member as ``canonical_rule``):

1. ``rel_canonical``: the member the *other* members' ``<link rel=canonical>`` points to (a
   member's ``canonical_url`` equals another member's ``url``); if several are pointed to, the
   one with most pointers, ties broken by rule 2 then 3. A self-referencing canonical is not a
   vote: most CMSs emit one on every page, syndicated copies included.
2. ``earliest_published``: the member with the earliest ``published_at`` (undated members are
   not candidates: an unknown date is not evidence of being first).
3. ``first_seen``: the earliest ``fetched_at``, then the smallest URL.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PostRef:
    """What dedup needs to know about one post."""

    post_id: str
    site: str
    url: str
    text: str  # the main text: exact duplicates and shared paragraphs
    canonical_url: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    # The main text without its boilerplate blocks (promos, disclaimers, share bars...): what
    # near-duplicate detection compares. None: compare ``text``.
    compare_text: str | None = None

    @property
    def shingle_text(self) -> str:
        return self.compare_text or self.text


def connected_groups(ids: Iterable[T], edges: Iterable[tuple[T, T]]) -> list[list[T]]:
    """Components with >= 2 members, each sorted, the list sorted by first member."""
    parent = {i: i for i in ids}

    def find(x: T) -> T:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving keeps the trees flat
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    components: dict[T, list[T]] = {}
    for i in parent:
        components.setdefault(find(i), []).append(i)
    return sorted(sorted(c) for c in components.values() if len(c) > 1)


def group_id(member_ids: Iterable[str]) -> str:
    """Stable id of a group: sha1 of its sorted member ids, 16 hex digits."""
    return hashlib.sha1("\n".join(sorted(member_ids)).encode()).hexdigest()[:16]


def url_key(url: str) -> str:
    """URL compared for rel=canonical: host without ``www.``, path without trailing slash, query.

    Scheme and fragment are ignored because canonical links are often written with ``http://``
    or without ``www.`` while the crawled URL has them.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path.rstrip('/')}{query}"


def _seen_key(post: PostRef) -> tuple[bool, datetime, str, str]:
    return (post.fetched_at is None, post.fetched_at or _FAR_FUTURE, post.url, post.post_id)


def _age_key(post: PostRef) -> tuple[bool, datetime, tuple[bool, datetime, str, str]]:
    return (post.published_at is None, post.published_at or _FAR_FUTURE, _seen_key(post))


def choose_canonical(members: Sequence[PostRef]) -> tuple[PostRef, str]:
    """The canonical member of a group and the rule that chose it (see the module docstring)."""
    by_url = {url_key(m.url): m for m in members}
    votes: Counter[str] = Counter()
    for m in members:
        target = by_url.get(url_key(m.canonical_url)) if m.canonical_url else None
        if target is not None and target.post_id != m.post_id:
            votes[target.post_id] += 1
    if votes:
        top = max(votes.values())
        pointed = [m for m in members if votes[m.post_id] == top]
        return min(pointed, key=_age_key), "rel_canonical"
    dated = [m for m in members if m.published_at is not None]
    if dated:
        return min(dated, key=_age_key), "earliest_published"
    return min(members, key=_seen_key), "first_seen"
