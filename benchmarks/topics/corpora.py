"""Labeled corpora for the topic model, real text first, each marked ``tuning`` or ``aside``.

The split was fixed before any method was tried on the web articles (issue 19): methods are
chosen and tuned on the ``tuning`` corpora only, and the ``aside`` corpora are run once per change
to report (each run is a look, counted in the README).

* ``written`` (tuning): the 423 posts of ``corpus.py`` (400 written here in 8 wellness topics, 23
  real health pages), and 60-post draws of it.
* ``web-dev`` (tuning): the 224 article pages of ``../shared/data/extraction-dev``, as their gold
  title and ``articleBody``, labeled into 11 broad topics and 42 subtopics by the written guide
  ``web_articles/GUIDE.md`` (labels in ``web_articles/labels.jsonl``); draws of its four and five
  largest topics (15 and 25 articles each), and its technology articles by subtopic.
* ``web-more`` (aside): the 511 article pages of ``../shared/data/extraction-more``, same labels;
  also ``web-more-top5`` (its five largest broad topics, 50 articles each, seeded draw) and
  ``web-more-60`` (60 articles of four broad topics, 15 each), and ``web-more-technology`` (its
  technology articles labeled by subtopic: the second level).

Labels were made by three annotators (helper agents) over disjoint thirds; a fourth labeled 160
articles (a seeded 22 % draw) without seeing the others: broad agreement 98.1 % (Cohen's kappa
0.979), subtopic agreement 97.5 % (kappa 0.974). The ``other`` article (1) is left out.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import corpus as written_corpus

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared" / "data"
LABELS = HERE / "web_articles" / "labels.jsonl"
SECOND_PASS = HERE / "web_articles" / "labels_second_pass.jsonl"
SETS = {"dev": "extraction-dev", "more": "extraction-more"}


@dataclass(frozen=True)
class Corpus:
    name: str
    role: str  # "tuning" or "aside"
    texts: list[str]
    labels: list[str]
    leaves: list[str] | None = None  # "broad/sub" where the corpus has a second level

    @property
    def k(self) -> int:
        return len(set(self.labels))


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    broad: str
    sub: str


def web_articles(shared: Path = SHARED) -> list[Article]:
    """The labeled article pages, title and gold main text, in id order."""
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    truth = {
        short: json.loads((shared / name / "ground-truth.json").read_text(encoding="utf-8"))
        for short, name in SETS.items()
    }
    out = []
    for row in labels:
        if row["broad"] == "other":
            continue
        short, page = row["id"].split("/")
        page_truth = truth[short][page]
        text = f"{page_truth['title']}\n\n{page_truth['articleBody']}"
        out.append(Article(row["id"], text, row["broad"], row["sub"]))
    return out


def _draw(articles: list[Article], classes: list[str], per_class: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    by: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by[a.broad].append(a)
    picked = [a for c in classes for a in rng.sample(by[c], min(per_class, len(by[c])))]
    return sorted(picked, key=lambda a: a.id)


def _largest(articles: list[Article], n: int) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        counts[a.broad] += 1
    return sorted(counts, key=lambda c: (-counts[c], c))[:n]


def _of(name: str, role: str, articles: list[Article], level: str = "broad") -> Corpus:
    labels = [a.broad if level == "broad" else a.sub for a in articles]
    leaves = [f"{a.broad}/{a.sub}" for a in articles] if level == "broad" else None
    return Corpus(name, role, [a.text for a in articles], labels, leaves)


def load_corpora(shared: Path = SHARED, draws: int = 3) -> list[Corpus]:
    """Every corpus, tuning ones first. Draws of subsets use seeds 0 .. ``draws - 1``."""
    posts = written_corpus.load()
    out = [Corpus("written", "tuning", [p.document for p in posts], [p.topic for p in posts])]
    for seed in range(draws):
        picked = random.Random(seed).sample(posts, 60)
        texts, labels = [p.document for p in picked], [p.topic for p in picked]
        out.append(Corpus(f"written-60/{seed}", "tuning", texts, labels))
    articles = web_articles(shared)
    # (name, number of largest topics drawn, articles per topic) per part of the web articles.
    parts = {
        "dev": ("tuning", [("top4", 4, 15), ("top5", 5, 25)]),
        "more": ("aside", [("top5", 5, 50), ("60", 4, 15)]),
    }
    for short, (role, subsets) in parts.items():
        part = [a for a in articles if a.id.startswith(f"{short}/")]
        out.append(_of(f"web-{short}", role, part))
        for seed in range(draws):
            for name, classes, per_class in subsets:
                drawn = _draw(part, _largest(part, classes), per_class, seed)
                out.append(_of(f"web-{short}-{name}/{seed}", role, drawn))
        tech = [a for a in part if a.broad == "technology"]
        out.append(_of(f"web-{short}-technology", role, tech, level="sub"))
    return out
