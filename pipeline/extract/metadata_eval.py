"""Match rules for scoring extracted metadata against a ground truth (title, author, date).

Small pure functions shared by the metadata measurement script and the extraction benchmark,
so every number reported for a field is computed the same way, for us and for the baselines:

* **title**: equal after normalization (NFKC, lowercase, punctuation and spacing collapsed), or
  one contains the other (a gold "Sleep and stress" matches "Sleep and stress: a guide" and the
  other way round: annotators and pages disagree on subtitles and site suffixes).
* **author**: the normalized name tokens overlap on at least half of the shorter side
  ("Holly Wilgus, E-RYT 200" matches "Holly Wilgus"; "Jane Smith" does not match "John Smith").
  Honorifics and credentials (Dr, PhD, RD …) and joiners ("and", "by") are not name tokens.
* **date**: the same calendar day. A prediction may be a ``date``, a ``datetime`` or an ISO
  string; only its first ten characters / its date part count.

A missing prediction never matches a present gold value. ``field_accuracy`` scores a list of
(gold, prediction) pairs two ways: over pages that have a gold value, and over all pages where
"no gold, no prediction" also counts as correct.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

_NON_WORD = re.compile(r"[\W_]+")
# Honorifics, credentials and joiners that say nothing about who the person is.
NAME_STOPWORDS = frozenset(
    {"by", "and", "with", "dr", "mr", "mrs", "ms", "prof", "phd", "md", "rd", "rdn", "ma", "msc",
     "bsc", "mph", "lcsw", "lmft", "np", "rn", "cpt", "written", "reviewed", "medically",
     "staff", "editor", "editors", "team", "the", "of", "jr", "sr"}
)  # fmt: skip
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def normalize_text(value: str | None) -> str:
    """NFKC, lowercase, every run of non-word characters replaced by one space."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def title_matches(gold: str | None, predicted: str | None) -> bool:
    g, p = normalize_text(gold), normalize_text(predicted)
    if not g or not p:
        return False
    return g == p or f" {g} " in f" {p} " or f" {p} " in f" {g} "


def name_tokens(value: str | None) -> frozenset[str]:
    return frozenset(
        t for t in normalize_text(value).split() if t not in NAME_STOPWORDS and len(t) > 1
    )


def author_matches(gold: str | None, predicted: str | None) -> bool:
    g, p = name_tokens(gold), name_tokens(predicted)
    if not g or not p:
        return False
    return 2 * len(g & p) >= min(len(g), len(p))


def as_day(value: str | date | datetime | None) -> date | None:
    """The calendar day of a date, datetime or ISO-8601-prefixed string; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _ISO_DAY.match(value or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def date_matches(
    gold: str | date | datetime | None, predicted: str | date | datetime | None
) -> bool:
    g, p = as_day(gold), as_day(predicted)
    return g is not None and g == p


Matcher = Callable[[Any, Any], bool]


def _present(value: object) -> bool:
    return value is not None and value != ""


def field_accuracy(pairs: Iterable[tuple[object, object]], matches: Matcher) -> dict[str, float]:
    """``with_gold``: accuracy over pairs whose gold is present; ``all``: over every pair, where
    an absent gold is matched by an absent prediction; ``n_gold`` / ``n``: the denominators."""
    n = n_gold = hits_gold = hits_all = 0
    for gold, predicted in pairs:
        n += 1
        if _present(gold):
            n_gold += 1
            hit = matches(gold, predicted)
            hits_gold += hit
            hits_all += hit
        else:
            hits_all += not _present(predicted)
    return {
        "with_gold": hits_gold / n_gold if n_gold else 0.0,
        "all": hits_all / n if n else 0.0,
        "n_gold": float(n_gold),
        "n": float(n),
    }
