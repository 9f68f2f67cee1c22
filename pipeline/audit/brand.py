"""The publisher's own brand, for promo detection: "With Scratch, you'll find meal prep …",
"Everfit is the first to offer challenge leaderboards" sell the site's product in the third
person, with no call-to-action wording a rule or the classifier would catch.

Brand keys come from the page's host (``blog.everfit.io`` → ``everfit``, ``scratchculinary.com``
→ ``scratchculinary``) and the site name (``og:site_name``). A word of the text is the brand when
it is capitalized somewhere in the post outside a sentence start (a name, not the common word
"prevention") and is the key, or a prefix of it of ``MIN_PREFIX`` letters or more ("Scratch" of
``scratchculinary``, "Kneib" of ``kneibdentistry``). A sentence is a brand pitch when it names the
brand and speaks to the reader or sells (``PITCH_WORDS``: "you", "our", "join", "try", "free" …),
and the brand is not the venue of a quote ("tells TODAY.com", "according to Strava").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

MIN_KEY = 4
MIN_PREFIX = 5
# Host labels that name no one: hosting, sections, generic words.
_GENERIC_LABELS = frozenset(
    {"www", "blog", "blogs", "news", "health", "learn", "shop", "store", "app", "web", "home",
     "info", "online", "site", "com", "org", "net", "gov", "edu", "co", "uk", "io", "us"}
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z]")
# Addressing the reader or selling: a brand merely described ("Denver Health provides inpatient
# programs") is information about the publisher, not a pitch.
PITCH_WORDS = re.compile(
    r"\b(?:you|your|you[’']ll|you[’']re|yours|our|we|us|join|book|order|try|get|available"
    r"|pricing|free|discover|first to|sign up|subscribe|download)\b",
    re.I,
)
VENUE = re.compile(r"\b(?:tells?|told|said to|speaking to|according to|via|reports?)\s+$", re.I)


def brand_keys(url: str | None = None, site_name: str | None = None) -> tuple[str, ...]:
    """Lowercase keys naming the publisher, from its host and site name."""
    keys: set[str] = set()
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [x for x in host.lower().split(".") if x]
    if len(labels) >= 2:
        # the registrable name: the label before the public suffix ("co.uk" counts as one)
        name = labels[-3] if len(labels) >= 3 and labels[-2] in {"co", "com", "org"} else labels[-2]
        if len(name) >= MIN_KEY and name not in _GENERIC_LABELS:
            keys.add(name.replace("-", ""))
    if site_name:
        words = [w.lower() for w in _WORD.findall(site_name)]
        joined = "".join(words)
        if len(joined) >= MIN_KEY and joined not in _GENERIC_LABELS:
            keys.add(joined)
    return tuple(sorted(keys))


def _matches(word: str, keys: Iterable[str]) -> bool:
    w = word.lower().rstrip("'’s").replace("-", "")
    if len(w) < MIN_KEY:
        return False
    return any(w == k or (len(w) >= MIN_PREFIX and k.startswith(w)) for k in keys)


def brand_words(text: str, keys: Sequence[str]) -> frozenset[str]:
    """The words of ``text`` that are the brand (capitalized outside a sentence start at least
    once in the text)."""
    if not keys:
        return frozenset()
    names: set[str] = set()
    for m in _WORD.finditer(text):
        word = m.group()
        if not word[0].isupper() or not _matches(word, keys):
            continue
        before = text[max(0, m.start() - 3) : m.start()]
        initial = m.start() == 0 or bool(re.search(r"(?:[.!?]\s*|\n\s*|^\s*)$", before))
        if not initial:
            names.add(word.lower())
    return frozenset(names)


def brand_pitch(sentence: str, names: frozenset[str]) -> bool:
    """The sentence names the brand (not as a quote's venue) and pitches."""
    if not names:
        return False
    for m in _WORD.finditer(sentence):
        if m.group().lower() in names and not VENUE.search(sentence[: m.start()]):
            return bool(PITCH_WORDS.search(sentence))
    return False
