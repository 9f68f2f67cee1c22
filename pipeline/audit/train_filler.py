"""Train the seo_filler sentence classifier and save it with skops.

    python -m pipeline.audit.train_filler            # cross-validated scores, then fit all
    python -m pipeline.audit.train_filler --check    # scores only, write nothing

Prints precision / recall / F1 of 5-fold cross-validation on the written sentences
(``data/filler_sentences.csv``) at the detector's threshold ``filler.MODEL_THRESHOLD``, then fits
on the written and the labeled-set sentences and writes ``models/filler_model.skops``. The
figures on the labeled posts are ``benchmarks/detectors/labeled.py``'s (cross-fitted by
document). Deterministic: the same CSVs give the same model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.audit.filler import MODEL_THRESHOLD
from pipeline.audit.filler_model import (
    MODEL_PATH,
    fit,
    load_labeled_set,
    load_written,
)
from pipeline.audit.promo_model import RANDOM_STATE, build_model, save_model


def cross_validated(threshold: float = MODEL_THRESHOLD) -> dict[str, float]:
    texts, labels = load_written()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=RANDOM_STATE)
    proba = cross_val_predict(build_model(), texts, labels, cv=folds, method="predict_proba")
    p, r, f1, _ = precision_recall_fscore_support(
        labels, [int(x >= threshold) for x in proba[:, 1]], average="binary", zero_division=0
    )
    return {"precision": float(p), "recall": float(r), "f1": float(f1), "n": float(len(labels))}


def train_and_save(model_path: Path = MODEL_PATH) -> Path:
    x, y = load_written()
    lx, ly = load_labeled_set()
    return save_model(fit(x + lx, y + ly), model_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="evaluate only; do not write")
    args = parser.parse_args(argv)
    s = cross_validated()
    print(
        f"5-fold cross-validation on {int(s['n'])} written sentences at {MODEL_THRESHOLD}: "
        f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  f1 {s['f1']:.3f}"
    )
    if not args.check:
        print(f"wrote {train_and_save()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
