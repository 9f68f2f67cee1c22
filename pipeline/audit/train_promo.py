"""Train the promo sentence classifier and save it with skops.

    python -m pipeline.audit.train_promo            # evaluate on the held-out split, then fit all
    python -m pipeline.audit.train_promo --check    # evaluate only, write nothing

Prints held-out precision / recall / F1 (the split is stratified, seed ``RANDOM_STATE``), then
fits on every labeled sentence and writes ``models/promo_model.skops``. Deterministic: the same
CSV gives the same model.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support

from pipeline.audit.promo_model import (
    DATA_PATH,
    MODEL_PATH,
    build_model,
    load_labeled,
    split_labeled,
)


def held_out_scores(data_path: Path = DATA_PATH) -> dict[str, float]:
    """Fit on the training split, score the held-out split: precision, recall, f1, accuracy."""
    texts, labels = load_labeled(data_path)
    train_x, test_x, train_y, test_y = split_labeled(texts, labels)
    predicted = build_model().fit(train_x, train_y).predict(test_x)
    p, r, f1, _ = precision_recall_fscore_support(
        test_y, predicted, average="binary", zero_division=0
    )
    accuracy = sum(int(a == b) for a, b in zip(test_y, predicted, strict=True)) / len(test_y)
    return {
        "precision": float(p),
        "recall": float(r),
        "f1": float(f1),
        "accuracy": accuracy,
        "n_train": float(len(train_y)),
        "n_held_out": float(len(test_y)),
    }


def train_and_save(data_path: Path = DATA_PATH, model_path: Path = MODEL_PATH) -> Path:
    from skops.io import dump

    texts, labels = load_labeled(data_path)
    model = build_model().fit(texts, labels)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_path.with_suffix(".tmp")
    # The vocabularies are stored as JSON by skops; deflate takes the file from ~9 MB to <1 MB.
    dump(model, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(model_path)
    return model_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="evaluate only; do not write")
    args = parser.parse_args(argv)
    scores = held_out_scores()
    print(
        f"held-out ({int(scores['n_held_out'])} sentences, trained on {int(scores['n_train'])}): "
        f"precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
        f"f1 {scores['f1']:.3f}  accuracy {scores['accuracy']:.3f}"
    )
    if not args.check:
        print(f"wrote {train_and_save()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
