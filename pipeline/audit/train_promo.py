"""Train the promo sentence classifier and save it with skops.

    python -m pipeline.audit.train_promo            # evaluate on the held-out split, then fit all
    python -m pipeline.audit.train_promo --check    # evaluate only, write nothing

Prints held-out precision / recall / F1 at 0.5 and at the classifier-only threshold
``promo.MODEL_THRESHOLD`` (the split is stratified, seed ``RANDOM_STATE``), then
fits on every written sentence plus the hand-labeled detector sets' sentences
(``benchmarks/detectors/labeled`` and ``real``: their ``promo`` sentences against all others)
and the tuning sites' labeled boilerplate snippets (``promo_model.load_snippets``), and writes
``models/promo_model.skops``. The figures on real posts are ``benchmarks/detectors/real_eval.py``'s,
cross-fitted by document. Deterministic: the same CSVs give the same model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support

from pipeline.audit.filler_model import load_labeled_set
from pipeline.audit.promo import MODEL_THRESHOLD
from pipeline.audit.promo_model import (
    DATA_PATH,
    MODEL_PATH,
    REAL_SENTENCES,
    build_model,
    build_promo_model,
    load_labeled,
    promo_base,
    save_model,
    split_labeled,
)


def held_out_scores(data_path: Path = DATA_PATH) -> dict[str, float]:
    """Fit on the training split, score the held-out split: precision, recall, f1, accuracy at
    0.5, precision and recall at the classifier-only threshold ``MODEL_THRESHOLD`` (``*_flag``),
    and the highest probability of a held-out not-promo sentence (``max_negative``)."""
    texts, labels = load_labeled(data_path)
    train_x, test_x, train_y, test_y = split_labeled(texts, labels)
    proba = build_model().fit(train_x, train_y).predict_proba(test_x)[:, 1]
    p, r, f1, _ = precision_recall_fscore_support(
        test_y, [int(x >= 0.5) for x in proba], average="binary", zero_division=0
    )
    flag_p, flag_r, _, _ = precision_recall_fscore_support(
        test_y, [int(x >= MODEL_THRESHOLD) for x in proba], average="binary", zero_division=0
    )
    hits = [int(x >= 0.5) == y for x, y in zip(proba, test_y, strict=True)]
    return {
        "precision": float(p),
        "recall": float(r),
        "f1": float(f1),
        "accuracy": sum(hits) / len(hits),
        "precision_flag": float(flag_p),
        "recall_flag": float(flag_r),
        "max_negative": max(
            (float(x) for x, y in zip(proba, test_y, strict=True) if not y), default=0.0
        ),
        "n_train": float(len(train_y)),
        "n_held_out": float(len(test_y)),
    }


def train_and_save(data_path: Path = DATA_PATH, model_path: Path = MODEL_PATH) -> Path:
    """The shipped sentence model (``build_promo_model``): written sentences, the older
    hand-labeled set and every sentence of the real labeled set (``benchmarks/detectors/real``,
    its ``promo`` sentences against all others) when the repository is there."""
    texts, labels = promo_base() if data_path == DATA_PATH else load_labeled(data_path)
    rx, ry = load_labeled_set("promo", REAL_SENTENCES)
    model = build_promo_model().fit(texts + rx, labels + ry)
    return save_model(model, model_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="evaluate only; do not write")
    args = parser.parse_args(argv)
    scores = held_out_scores()
    print(
        f"held-out ({int(scores['n_held_out'])} sentences, trained on {int(scores['n_train'])}): "
        f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
        f"f1 {scores['f1']:.3f}  accuracy {scores['accuracy']:.3f}\n"
        f"classifier-only flag at {MODEL_THRESHOLD}: precision {scores['precision_flag']:.3f}  "
        f"recall {scores['recall_flag']:.3f}  (highest not-promo {scores['max_negative']:.2f})"
    )
    if not args.check:
        print(f"wrote {train_and_save()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
