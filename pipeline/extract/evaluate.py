"""Scoring of extracted text and metadata against annotated ground truth; block labels.

Main text, the metric of the public article-extraction benchmarks (issue 4), per page:

1. lowercase both texts and take their ``\\w+`` tokens;
2. make word 4-gram shingles as a multiset, or unigrams when *either* side has fewer than 4
   tokens (so a 3-word gold text is not scored against 4-grams it cannot contain);
3. precision, recall and F1 of the predicted multiset against the gold one: both empty gives
   P = R = F1 = 1, exactly one empty gives 0.

Pages are averaged (a long page weighs as much as a short one). ``with`` coverage is the share of
must-have snippets found in the extraction, ``without`` leak the share of boilerplate snippets
found in it, both pooled over all snippets of all pages, by substring match after normalizing
snippet and extraction alike (:func:`normalize`: lowercase, ``\\w+`` tokens joined by single
spaces, so punctuation, markup remnants and line breaks cannot hide or fake a match).

Block labels for training (:class:`BodyIndex`) align block text with ``articleBody``. Metadata
match rules live in ``metadata_eval``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4
# Label rule: a block of >= 3 words is main when at least half of its word trigrams occur in
# articleBody; a shorter block (a heading, a list item) only when it equals a whole line of
# articleBody. Half, not all: the annotated text is sometimes lightly reworded or truncated.
LABEL_NGRAM = 3
LABEL_MIN_CONTAINMENT = 0.5


def words(text: str) -> list[str]:
    """Lowercased ``\\w+`` tokens."""
    return _WORD.findall(text.lower())


def normalize(text: str) -> str:
    """Lowercased ``\\w+`` tokens joined by single spaces: the form snippets are matched in."""
    return " ".join(words(text))


def shingles(tokens: Sequence[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of the word n-grams of ``tokens`` (n = 1 gives unigrams)."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_scores(predicted: str, gold: str, n: int = SHINGLE) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``predicted`` against ``gold`` over shingle multisets."""
    got_words, want_words = words(predicted), words(gold)
    if not got_words and not want_words:
        return 1.0, 1.0, 1.0
    if not got_words or not want_words:
        return 0.0, 0.0, 0.0
    size = n if min(len(got_words), len(want_words)) >= n else 1
    got, want = shingles(got_words, size), shingles(want_words, size)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


@dataclass(frozen=True, slots=True)
class PageScore:
    precision: float
    recall: float
    f1: float
    with_found: int
    with_total: int
    without_leaked: int
    without_total: int


def score_page(
    extracted: str, truth: str, with_: Sequence[str] = (), without: Sequence[str] = ()
) -> PageScore:
    """Score one page; snippets that normalize to nothing (e.g. "©") are not counted."""
    precision, recall, f1 = shingle_scores(extracted, truth)
    text = f" {normalize(extracted)} "
    # Padded with spaces so a snippet matches whole tokens only: "home" is not found in "homes".
    wanted = [f" {s} " for s in map(normalize, with_) if s]
    banned = [f" {s} " for s in map(normalize, without) if s]
    return PageScore(
        precision,
        recall,
        f1,
        sum(s in text for s in wanted),
        len(wanted),
        sum(s in text for s in banned),
        len(banned),
    )


def score_truth(extracted: str, truth: dict[str, object]) -> PageScore:
    """Score against one ground-truth record (``articleBody``, ``with``, ``without``)."""
    body = truth.get("articleBody")
    with_, without = truth.get("with"), truth.get("without")
    return score_page(
        extracted,
        body if isinstance(body, str) else "",
        [s for s in with_ if isinstance(s, str)] if isinstance(with_, list) else [],
        [s for s in without if isinstance(s, str)] if isinstance(without, list) else [],
    )


def summarize(scores: Iterable[PageScore]) -> dict[str, float]:
    """Means over pages of P, R, F1; ``with`` coverage and ``without`` leak pooled over snippets."""
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


def score_predictions(
    texts: Mapping[str, str], truth: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Summaries overall and by ground-truth ``page_type``, and each page's F1 (for oracles)."""
    scores = {page_id: score_truth(text, dict(truth[page_id])) for page_id, text in texts.items()}
    by_type: dict[str, list[PageScore]] = defaultdict(list)
    for page_id, score in scores.items():
        by_type[str(truth[page_id].get("page_type") or "unknown")].append(score)
    return {
        "overall": summarize(scores.values()),
        "by_page_type": {k: summarize(v) for k, v in sorted(by_type.items())},
        "page_f1": {page_id: round(s.f1, 4) for page_id, s in scores.items()},
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
