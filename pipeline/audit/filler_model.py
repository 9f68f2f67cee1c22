"""The seo_filler sentence classifier: labeled data, training, cross-fitting, persistence.

Same model family as the promo classifier (``promo_model.build_model``: TF-IDF word 1-2-grams +
character 2-5-grams → balanced LogisticRegression), trained on

* ``data/filler_sentences.csv``: sentences written for this project, filler and not (no text of
  the seeds, the demo posts or the evaluation pages in it), and
* the hand-labeled detector set (``benchmarks/detectors/labeled/sentences.csv``) when the
  repository is there: its ``filler`` sentences against all others.

``python -m pipeline.audit.train_filler`` fits and writes ``models/filler_model.skops``. The
benchmark never scores a labeled sentence with a model that saw it: ``cross_fitted_scorers``
trains one model per group of documents, without that group.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from sklearn.pipeline import Pipeline

from pipeline.audit.promo import Scorer
from pipeline.audit.promo_model import (
    PACKAGE_DIR,
    build_model,
    load_labeled,
    load_model,
    positive_probabilities,
)

DATA_PATH = PACKAGE_DIR / "data" / "filler_sentences.csv"
MODEL_PATH = PACKAGE_DIR / "models" / "filler_model.skops"
LABELED_PATH = PACKAGE_DIR.parents[1] / "benchmarks" / "detectors" / "labeled" / "sentences.csv"
LABELS = {"filler": 1, "not_filler": 0}


def load_written(path: Path = DATA_PATH) -> tuple[list[str], list[int]]:
    """The written filler / not_filler sentences (1 = filler)."""
    return load_labeled(path, LABELS)


def structural(text: str, is_filler: bool) -> bool:
    """A heading-like line labeled filler: filler by its place (a table-of-contents entry), not
    by its words, so a sentence classifier must not learn from it ("Understanding Emotional
    Intimacy" is a fine heading below the TOC that lists it). The TOC rule handles those."""
    words = text.split()
    return is_filler and len(words) <= 14 and not text.rstrip().endswith((".", "!", "?"))


def load_labeled_set(
    label: str = "filler", path: Path = LABELED_PATH
) -> tuple[list[str], list[int]]:
    """The labeled detector set's sentences, 1 = carries ``label``; empty when not present (an
    installed package without the repository)."""
    if not path.exists():
        return [], []
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            positive = label in row["labels"].split(";")
            if label == "filler" and structural(row["text"], positive):
                continue
            texts.append(row["text"])
            labels.append(int(positive))
    return texts, labels


def fit(
    texts: Sequence[str], labels: Sequence[int], build: Callable[[], Pipeline] = build_model
) -> Pipeline:
    return build().fit(list(texts), list(labels))


def scorer_of(model: Pipeline) -> Scorer:
    return partial(positive_probabilities, model)


def cross_fitted_scorers(
    sentences: Mapping[str, Sequence[str]],
    is_positive: Mapping[str, Sequence[bool]],
    groups: Mapping[str, int],
    written: tuple[list[str], list[int]] | None = None,
    build: Callable[[], Pipeline] = build_model,
) -> dict[str, Scorer]:
    """A scorer per document, from a model (``build``; default the filler family) fit on the
    written sentences (default: the filler ones) plus the labeled sentences of every other
    group."""
    base_x, base_y = written if written is not None else load_written()
    out: dict[str, Scorer] = {}
    for g in sorted(set(groups.values())):
        x, y = list(base_x), list(base_y)
        for doc, doc_group in groups.items():
            if doc_group != g:
                x.extend(sentences[doc])
                y.extend(int(v) for v in is_positive[doc])
        score = scorer_of(fit(x, y, build))
        out.update({doc: score for doc, doc_group in groups.items() if doc_group == g})
    return out


def filler_probabilities(texts: Sequence[str]) -> list[float]:
    """P(filler) per sentence from the packaged model (loaded once per process)."""
    return positive_probabilities(load_model(MODEL_PATH, "train-filler"), texts) if texts else []
