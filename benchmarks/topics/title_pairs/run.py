"""Cannibalization on real article pairs (issue 19): the pair scorer against labeled pairs.

    .venv/bin/python benchmarks/topics/title_pairs/run.py [--part tuning|test] [--fit]

Pairs: ``pairs.jsonl`` (``"dev/0012|more/4511"`` ids of the labeled web articles of
``benchmarks/topics/web_articles``) with ``label`` yes/no from the guide ``GUIDE.md``; candidates
were the union of each article's two nearest neighbours (TF-IDF of title and opening), pairs
sharing two or more title key terms, and 150 random pairs of one subtopic, so that no single
signal chose them. Parts are fixed by a hash of the pair id (``part``): ``tuning`` chose the
features, fitted the weights (``--fit`` prints them for ``cannibalization.py``) and the
threshold; ``test`` is reported (looked at twice: at the precision-0.9 threshold, then at the
best-F1 one that ships).

The text features come from a ``TopicModel`` fitted on all the labeled articles, as the stage
fits one on a run's posts. Site and topic are not used here: the labels say whether two pages
answer one query; the stage only compares pages of one site and one topic.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parents[2]))

from corpora import web_articles  # noqa: E402

from pipeline.topics.cannibalization import (  # noqa: E402
    FEATURES,
    PairScorer,
    pair_features,
    pair_inputs,
)
from pipeline.topics.model import TopicModel  # noqa: E402

TARGET_PRECISION = 0.9
# The threshold of precision 0.9 on the tuning part's out-of-fold scores (``--fit``).
STRICT = 0.6928
# The rule shipped before (issue 8): both overlaps at 0.3.
MIN_TEXT_SIMILARITY = MIN_TITLE_OVERLAP = 0.3


def part(pair: str) -> str:
    return (
        "test" if int(hashlib.sha1(f"pairs:{pair}".encode()).hexdigest()[:8], 16) % 2 else "tuning"
    )


def load_pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in (HERE / "pairs.jsonl").read_text().splitlines()]


def features() -> tuple[list[dict[str, str]], np.ndarray]:
    articles = {a.id: a for a in web_articles()}
    ids = sorted(articles)
    index = {a: i for i, a in enumerate(ids)}
    texts = [articles[a].text for a in ids]
    titles = [articles[a].text.partition("\n\n")[0] for a in ids]
    model = TopicModel(subtopics=False).fit(texts)
    inputs = pair_inputs(model, titles, texts)
    pairs = load_pairs()
    rows = []
    for p in pairs:
        a, b = p["pair"].split("|")
        f = pair_features(inputs, index[a], index[b])
        rows.append([f[name] for name in FEATURES])
    return pairs, np.array(rows)


def prf(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    tp = int((pred & truth).sum())
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(truth.sum()), 1)
    return {"tp": tp, "fp": int((pred & ~truth).sum()), "fn": int((~pred & truth).sum()),
            "precision": round(p, 3), "recall": round(r, 3)}  # fmt: skip


def f1_at(scores: np.ndarray, truth: np.ndarray, threshold: float) -> float:
    pred = scores >= threshold
    tp = (pred & truth).sum()
    return round(float(2 * tp / max(pred.sum() + truth.sum(), 1)), 3)


def threshold_for(scores: np.ndarray, truth: np.ndarray, precision: float) -> float:
    """The lowest threshold whose pairs above it reach ``precision`` (most recall at it)."""
    best = 1.0
    for t in sorted(set(np.round(scores, 4)), reverse=True):
        pred = scores >= t
        if pred.sum() and (pred & truth).sum() / pred.sum() >= precision:
            best = float(t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["tuning", "test"], default="tuning")
    ap.add_argument("--fit", action="store_true", help="fit the weights on the tuning part")
    args = ap.parse_args()
    pairs, x = features()
    truth = np.array([p["label"] == "yes" for p in pairs])
    parts = np.array([part(p["pair"]) for p in pairs])
    tune = parts == "tuning"
    print(f"{len(pairs)} pairs, {truth.sum()} yes; tuning {tune.sum()} ({truth[tune].sum()} yes), "
          f"test {(~tune).sum()} ({truth[~tune].sum()} yes)")  # fmt: skip
    if args.fit:
        # Out-of-fold scores on the tuning part choose the threshold (the in-sample ones would
        # be optimistic), then the weights are fitted on the whole tuning part.
        oof = np.zeros(tune.sum())
        xt, yt = x[tune], truth[tune]
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(xt, yt):
            oof[test] = (
                LogisticRegression(C=1.0).fit(xt[train], yt[train]).predict_proba(xt[test])[:, 1]
            )
        fitted = LogisticRegression(C=1.0).fit(xt, yt)
        weights = dict(zip(FEATURES, np.round(fitted.coef_[0], 4), strict=True))
        threshold = threshold_for(oof, yt, TARGET_PRECISION)
        print("weights:", weights, "intercept:", round(float(fitted.intercept_[0]), 4))
        print("threshold (out-of-fold, P >= 0.9):", threshold)
        f1 = {t: f1_at(oof, yt, t) for t in np.round(np.arange(0.2, 0.81, 0.05), 2)}
        print("threshold (out-of-fold, best F1):", max(f1, key=lambda t: f1[t]), f1)
        return
    sel = parts == args.part
    scorer = PairScorer()
    shipped = np.array([scorer.score(dict(zip(FEATURES, row, strict=True))) for row in x])
    old = (x[:, FEATURES.index("text_similarity")] >= MIN_TEXT_SIMILARITY) & (
        x[:, FEATURES.index("title_overlap")] >= MIN_TITLE_OVERLAP
    )
    out = {
        "part": args.part,
        "pairs": int(sel.sum()),
        "yes": int(truth[sel].sum()),
        "previous rule (text >= 0.3 and title overlap >= 0.3)": prf(old[sel], truth[sel]),
        f"shipped scorer (threshold {scorer.threshold})": prf(
            shipped[sel] >= scorer.threshold, truth[sel]
        ),
        f"shipped scorer at {STRICT} (precision 0.9 on the tuning part)": prf(
            shipped[sel] >= STRICT, truth[sel]
        ),
    }
    print(json.dumps(out, indent=1))
    (HERE / f"results_{args.part}.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
