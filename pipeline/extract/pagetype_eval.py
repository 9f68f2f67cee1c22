"""Evaluate the page-type decision on the shared extraction sets: is "post" said of articles?

Per split and data set: precision, recall and F1 of "this page is a post" against ground-truth
``page_type`` article or blog; the confusion (ground-truth type -> decision or reason); the
reasons given to the articles that were dropped. Splits (``pagetype_train.is_held_out``):

``tune_cv``   tuning part, decisions of host-grouped cross-validation models (never trained on
              the page they decide), with the shipped threshold;
``test``      held-out part, decisions of the shipped model (trained on the tuning part only).

Each is also given for ``baseline``, the rule before the model (``baseline_decision``).

Run: ``python -m pipeline.extract.pagetype_eval [--data-dir DIR ...] [--cache-dir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sklearn.model_selection import GroupKFold

from pipeline.extract import pagetype
from pipeline.extract.pagetype_train import (
    DATA_DIRS,
    N_FOLDS,
    LabeledPage,
    fit,
    host_key,
    is_held_out,
    load_set,
)

Decision = tuple[str, str | None]


def baseline_decision(facts: Mapping[str, float]) -> Decision:
    """The rule before the model: article markup, or a lone <article> without a contrary og."""
    listing = pagetype.is_listing(facts)
    if facts["main_words_log"] < math.log1p(pagetype.MIN_POST_WORDS):
        return ("listing", "listing_page") if listing else ("other", "no_main_text")
    if facts["article_markup"]:
        return "post", None
    declared_other = not facts["og_none"] and not facts["og_article"]
    if facts["articles_1"] and not listing and not declared_other:
        return "post", None
    return ("listing", "listing_page") if listing else ("other", "not_article")


def cv_decisions(pages: Sequence[LabeledPage], threshold: float) -> list[Decision]:
    """Out-of-fold decisions on the tuning part, folds grouped by host."""
    out: list[Decision] = [("other", None)] * len(pages)
    groups = [host_key(p.url) for p in pages]
    for train, test in GroupKFold(n_splits=N_FOLDS).split(pages, groups=groups):
        model = fit([pages[i] for i in train], threshold=threshold)
        for i in test:
            out[i] = pagetype.decide(pages[i].facts, model)
    return out


def scores(pages: Sequence[LabeledPage], decisions: Sequence[Decision]) -> dict[str, Any]:
    pairs = list(zip(pages, decisions, strict=True))
    tp = sum(p.is_article and d[0] == "post" for p, d in pairs)
    said = sum(d[0] == "post" for _, d in pairs)
    true = sum(p.is_article for p in pages)
    precision = tp / said if said else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    confusion: dict[str, Counter[str]] = {}
    for p, (kind, reason) in pairs:
        confusion.setdefault(p.truth, Counter())[reason or kind] += 1
    dropped = Counter(str(d[1]) for p, d in pairs if p.is_article and d[0] != "post")
    return {
        "pages": len(pages),
        "articles": true,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "confusion": {k: dict(sorted(v.items())) for k, v in sorted(confusion.items())},
        "dropped_article_reasons": dict(dropped.most_common()),
        "dropped_articles": sorted(p.url for p, d in pairs if p.is_article and d[0] != "post"),
    }


def _by_set(
    pages: Sequence[LabeledPage], decisions: Sequence[Decision]
) -> dict[str, dict[str, Any]]:
    out = {"all": scores(pages, decisions)}
    for name in sorted({p.dataset for p in pages}):
        idx = [i for i, p in enumerate(pages) if p.dataset == name]
        out[name] = scores([pages[i] for i in idx], [decisions[i] for i in idx])
    return out


def evaluate(
    dev_dirs: Sequence[Path],
    cache_dir: Path | None = None,
    model: pagetype.PageTypeModel | None = None,
) -> dict[str, Any]:
    """Scores of the baseline rule and of the model, per split and data set."""
    model = model or pagetype.shipped_model()
    pages = [p for d in dev_dirs for p in load_set(Path(d), cache_dir)]
    tune = [p for p in pages if not is_held_out(p.url)]
    test = [p for p in pages if is_held_out(p.url)]
    return {
        "threshold": model.threshold,
        "baseline": {
            "tune_cv": _by_set(tune, [baseline_decision(p.facts) for p in tune]),
            "test": _by_set(test, [baseline_decision(p.facts) for p in test]),
        },
        "model": {
            "tune_cv": _by_set(tune, cv_decisions(tune, model.threshold)),
            "test": _by_set(test, [pagetype.decide(p.facts, model) for p in test]),
        },
    }


def _table(report: dict[str, Any]) -> str:
    lines = [f"{'rule':9} {'split':8} {'data set':16} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for rule in ("baseline", "model"):
        for split in ("tune_cv", "test"):
            for name, s in report[rule][split].items():
                lines.append(
                    f"{rule:9} {split:8} {name:16} {s['pages']:5d} "
                    f"{s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, action="append", dest="data_dirs")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    report = evaluate(args.data_dirs or list(DATA_DIRS), args.cache_dir)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(_table(report))
    for rule in ("baseline", "model"):
        for split in ("tune_cv", "test"):
            s = report[rule][split]["all"]
            print(f"\n{rule} {split}: dropped articles by reason {s['dropped_article_reasons']}")
            for truth, row in s["confusion"].items():
                print(f"  {truth:14} {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
