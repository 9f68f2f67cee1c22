"""Agreement of an independent relabeling with the shared sets' page types, and the shipped
page-type model scored against each (issue 16).

    python benchmarks/pagetype/relabel/agreement.py [--json]

Two labelers (helper agents, ``labels_a.csv``, ``labels_b.csv``) labeled every held-out page
"post" or "not" from ``GUIDE.md``, seeing the page's URL, title and text but not the sets'
``page_type`` nor any model output. This script reports Cohen's kappa between them, how each
agrees with the sets' labels (precision and recall of their "post" against article/blog), and
the shipped model's precision and recall against the sets' labels, against each labeler and
against the pages where both labelers agree. The model is not changed by any of it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.extract import pagetype  # noqa: E402
from pipeline.extract.pagetype_train import is_held_out, load_set  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def read_labels(path: Path) -> dict[str, bool]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["key"]: r["label"].strip() == "post" for r in csv.DictReader(fh)}


def pr(truth: dict[str, bool], pred: dict[str, bool]) -> dict[str, float | int]:
    keys = sorted(set(truth) & set(pred))
    tp = sum(truth[k] and pred[k] for k in keys)
    fp = sum(pred[k] and not truth[k] for k in keys)
    fn = sum(truth[k] and not pred[k] for k in keys)
    return {
        "pages": len(keys),
        "posts": tp + fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else float("nan"),
        "recall": round(tp / (tp + fn), 3) if tp + fn else float("nan"),
    }


def kappa(a: dict[str, bool], b: dict[str, bool]) -> float:
    """Cohen's kappa (scikit-learn's) over the pages both label."""
    keys = sorted(set(a) & set(b))
    return round(float(cohen_kappa_score([a[k] for k in keys], [b[k] for k in keys])), 3)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache-dir", type=Path, default=ROOT / "benchmarks/pagetype/.cache")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    a, b = read_labels(HERE / "labels_a.csv"), read_labels(HERE / "labels_b.csv")
    sets: dict[str, bool] = {}
    model: dict[str, bool] = {}
    shipped = pagetype.shipped_model()
    for name in ("extraction-dev", "extraction-more"):
        for p in load_set(SHARED / name, args.cache_dir):
            if not is_held_out(p.url):
                continue
            key = f"{name}/{p.page_id}"
            sets[key] = p.is_article
            model[key] = pagetype.decide(p.facts, shipped)[0] == "post"
    both = {k: a[k] for k in a if k in b and a[k] == b[k]}
    report = {
        "kappa_a_b": kappa(a, b),
        "agree_a_b": round(sum(a[k] == b[k] for k in a) / len(a), 3),
        "kappa_a_sets": kappa(sets, a),
        "kappa_b_sets": kappa(sets, b),
        "labeler_a_vs_sets": pr(sets, a),
        "labeler_b_vs_sets": pr(sets, b),
        "model_vs_sets": pr(sets, model),
        "model_vs_a": pr(a, model),
        "model_vs_b": pr(b, model),
        "model_vs_agreed": pr(both, model),
        "sets_vs_agreed": pr(both, sets),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k:20} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
