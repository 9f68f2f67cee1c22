"""Scoring of extracted text against annotated ground truth, and block labels for training.

The score is the one of the public article-extraction benchmarks: lowercase word tokens, 4-word
shingles (unigrams when a text has fewer than 4 words), precision/recall/F1 over the multisets
of shingles of one page; pages are averaged. ``with`` coverage is the share of must-have
sentences found in the extraction, ``without`` leak the share of boilerplate strings found in it
(both after lowercasing and collapsing whitespace).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
SHINGLE = 4
# Label rule: a block of >= 3 words is main when at least half of its word trigrams occur in
# articleBody; a shorter block (a heading, a list item) only when it equals a whole line of
# articleBody. Half, not all: the annotated text is sometimes lightly reworded or truncated.
LABEL_NGRAM = 3
LABEL_MIN_CONTAINMENT = 0.5


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    toks = words(text)
    if len(toks) < n:
        return Counter((t,) for t in toks)
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    precision: float
    recall: float
    f1: float
    with_found: int
    with_total: int
    without_leaked: int
    without_total: int


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.lower()).strip()


def score_page(
    extracted: str, truth: str, with_: Sequence[str] = (), without: Sequence[str] = ()
) -> PageScore:
    got, want = shingles(extracted), shingles(truth)
    overlap = sum((got & want).values())
    if not got and not want:
        p = r = f = 1.0
    else:
        p = overlap / sum(got.values()) if got else 0.0
        r = overlap / sum(want.values()) if want else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    norm = _norm(extracted)
    return PageScore(
        p,
        r,
        f,
        sum(_norm(s) in norm for s in with_),
        len(with_),
        sum(_norm(s) in norm for s in without if s.strip()),
        sum(1 for s in without if s.strip()),
    )


def summarize(scores: Iterable[PageScore]) -> dict[str, float]:
    """Averages over pages; coverage and leak are pooled over all strings."""
    s = list(scores)
    n = max(len(s), 1)
    return {
        "pages": float(len(s)),
        "precision": sum(x.precision for x in s) / n,
        "recall": sum(x.recall for x in s) / n,
        "f1": sum(x.f1 for x in s) / n,
        "with_coverage": sum(x.with_found for x in s) / max(sum(x.with_total for x in s), 1),
        "without_leak": sum(x.without_leaked for x in s) / max(sum(x.without_total for x in s), 1),
    }


class BodyIndex:
    """articleBody prepared for labelling blocks against it."""

    def __init__(self, body: str) -> None:
        toks = words(body)
        n = LABEL_NGRAM
        self.ngrams = {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}
        self.lines = {" ".join(words(line)) for line in body.splitlines() if line.strip()}

    def is_main(self, text: str) -> bool:
        toks = words(text)
        n = LABEL_NGRAM
        if len(toks) < n:
            return bool(toks) and " ".join(toks) in self.lines
        grams = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
        hits = sum(g in self.ngrams for g in grams)
        return hits / len(grams) >= LABEL_MIN_CONTAINMENT
