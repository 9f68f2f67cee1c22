"""What is natural for a key phrase: how dense real articles make the phrases of their own title.

A page about intermittent fasting says "intermittent fasting" often; a page that repeats "budget
home gym equipment for small spaces" three times in 1,600 words is pushing a search query. The
difference is the phrase's length: a two-word topic name reaches 6 % of the words on a real
article, a seven-word query almost never repeats. ``NaturalDensity`` holds, per phrase length
n = 2..7 words, the distribution of the densest title phrase (occurrences × n / words) over real
articles, and tells how a phrase's density compares (``level``: the percentile's density,
``ratio``: density / level).

The table ships as ``data/title_phrase_density.json``, built by ``build_table`` (``python -m
pipeline.audit.natural``) from the article pages of the shared extraction sets, without the
pages of the real labeled set's test part and without posts labeled stuffed, so the detector is
never measured against a table that holds the page it judges.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.audit.text import normalize_word, words

DATA = Path(__file__).resolve().parent / "data" / "title_phrase_density.json"
LENGTHS = range(2, 8)
PERCENTILES = (90, 95, 98, 99)
MIN_WORDS = 300  # densities of shorter texts are noise (the detector's own floor)
# Function words that may sit inside a phrase ("intimacy and mental health") but never start or
# end one.
_STOP_WORDS_TEXT = """
a about after all also am an and any are as at be because been before being both but by can
could did do does doing don't for from had has have having he her here hers him his how i if
in into is it it's its just me more most my no nor not of off on once only or other our ours
out over own same she should so some such than that that's the their theirs them then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you you're your yours
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def tokens(text: str) -> list[str]:
    return [normalize_word(w.text) for w in words(text)]


def phrases(words: Sequence[str], lengths: Iterable[int] = LENGTHS) -> list[str]:
    """Word n-grams of ``words`` (normalized) of the given lengths that neither start nor end
    with a function word, shortest first, without repeats."""
    out = []
    for n in lengths:
        for i in range(len(words) - n + 1):
            g = words[i : i + n]
            if g[0] not in STOP_WORDS and g[-1] not in STOP_WORDS:
                out.append(" ".join(g))
    return list(dict.fromkeys(out))


def title_phrases(title: str) -> list[str]:
    """The title's phrases of 2..7 words (``phrases``)."""
    return phrases(tokens(title))


def count(phrase: str, body: Sequence[str]) -> int:
    """Verbatim occurrences of ``phrase`` (normalized words) in ``body`` (normalized words)."""
    target = phrase.split()
    n = len(target)
    return sum(1 for i in range(len(body) - n + 1) if body[i : i + n] == target)


def densest_by_length(title: str, text: str) -> dict[int, float]:
    """Per phrase length, the highest density of a title phrase in ``text``."""
    body = tokens(text)
    total = max(1, len(body))
    out: dict[int, float] = {}
    for phrase in title_phrases(title):
        n = phrase.count(" ") + 1
        out[n] = max(out.get(n, 0.0), count(phrase, body) * n / total)
    return out


@dataclass(frozen=True, slots=True)
class NaturalDensity:
    levels: dict[int, dict[int, float]]  # n -> percentile -> density
    articles: int

    def level(self, n: int, percentile: int = 99) -> float:
        table = self.levels.get(min(max(n, min(LENGTHS)), max(LENGTHS)), {})
        return table.get(percentile, 0.0)

    def ratio(self, n: int, density: float, percentile: int = 99) -> float:
        level = self.level(n, percentile)
        return density / level if level > 0 else float("inf")


def build_table(pages: Iterable[tuple[str, str]]) -> NaturalDensity:
    """``pages``: (title, text) of real articles of at least ``MIN_WORDS`` words."""
    import numpy as np

    per_n: dict[int, list[float]] = {n: [] for n in LENGTHS}
    articles = 0
    for title, text in pages:
        if len(text.split()) < MIN_WORDS:
            continue
        articles += 1
        densest = densest_by_length(title, text)
        for n in LENGTHS:
            per_n[n].append(densest.get(n, 0.0))
    levels = {
        n: {p: round(float(np.percentile(v, p)), 5) if v else 0.0 for p in PERCENTILES}
        for n, v in per_n.items()
    }
    return NaturalDensity(levels, articles)


@lru_cache(maxsize=1)
def shipped(path: Path = DATA) -> NaturalDensity:
    raw = json.loads(path.read_text(encoding="utf-8"))
    levels = {int(n): {int(p): float(x) for p, x in t.items()} for n, t in raw["levels"].items()}
    return NaturalDensity(levels, int(raw["articles"]))


def main() -> int:
    import csv

    from pipeline.audit.verifier_data import REAL as real
    from pipeline.audit.verifier_data import shared_pages, split_of

    with (real / "posts.csv").open(encoding="utf-8", newline="") as fh:
        stuffed = {r["doc_id"] for r in csv.DictReader(fh) if r["stuffed"] == "yes"}
    pages = [
        (rec.get("title") or "", rec.get("articleBody") or "")
        for doc_id, _, rec in shared_pages()
        if rec.get("page_type") in ("article", "blog")
        and split_of(rec.get("url") or "") != "test"
        and doc_id not in stuffed
    ]
    table = build_table(pages)
    DATA.write_text(
        json.dumps({"articles": table.articles, "levels": table.levels}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"{table.articles} articles -> {DATA}")
    for n, t in table.levels.items():
        print(f"  {n} words: " + ", ".join(f"p{p} {x:.2%}" for p, x in t.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
