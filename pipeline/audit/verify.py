"""Calibrated verification of detector candidates: P(a person would flag this) per candidate.

The rules and the sentence classifier find *candidates* (a sentence that may sell, a number that
may be an unsourced statistic); on real pages most rule hits are wrong (issue 17: promo precision
0.28 on untouched articles, statistics 0.17 on the real labeled set). A verifier is a logistic
regression over what the detector knows about a candidate (rule names, the sentence model's
probability and its neighbours', cues, context, words), calibrated with a sigmoid on held-out
folds (``CalibratedClassifierCV``), trained on the real labeled set. A finding is reported when
its calibrated probability reaches the verifier's threshold, chosen on the tuning part's
cross-validation for the kind's precision target; the probability is the finding's ``score`` and
decides its severity.

Models are ``models/<kind>_verifier.skops`` (trusted types only) with their threshold in
``models/verifiers.json``; ``python -m pipeline.audit.train_verifiers`` rebuilds them.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sklearn.pipeline import Pipeline

from pipeline.audit.promo_model import PACKAGE_DIR, PromoModelError

MODELS = PACKAGE_DIR / "models"
THRESHOLDS = MODELS / "verifiers.json"
KINDS = ("promo", "statistic")
RANDOM_STATE = 0
FeatureRow = Mapping[str, float]

TRUSTED_TYPES: list[str] = [
    "builtins.getattr",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.pipeline.Pipeline",
]


def build(c: float = 0.5) -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    return Pipeline(
        [
            ("features", DictVectorizer(sparse=True)),
            (
                "classifier",
                CalibratedClassifierCV(
                    LogisticRegression(C=c, max_iter=3000, random_state=RANDOM_STATE),
                    method="sigmoid",
                    cv=5,
                ),
            ),
        ]
    )


@dataclass(frozen=True, slots=True)
class Verifier:
    model: Pipeline
    threshold: float

    def probabilities(self, rows: Sequence[FeatureRow]) -> list[float]:
        if not rows:
            return []
        return [float(p) for p in self.model.predict_proba([dict(r) for r in rows])[:, 1]]


@dataclass(frozen=True, slots=True)
class Verifiers:
    promo: Verifier | None = None
    statistic: Verifier | None = None


def fit(rows: Sequence[FeatureRow], labels: Sequence[bool], threshold: float) -> Verifier:
    return Verifier(build().fit([dict(r) for r in rows], [int(y) for y in labels]), threshold)


def save(verifiers: Mapping[str, Verifier], meta: Mapping[str, Mapping[str, object]]) -> None:
    from skops.io import dump

    MODELS.mkdir(parents=True, exist_ok=True)
    for kind, v in verifiers.items():
        path = MODELS / f"{kind}_verifier.skops"
        tmp = path.with_suffix(".tmp")
        dump(v.model, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        tmp.replace(path)
    table = {k: {"threshold": v.threshold, **meta.get(k, {})} for k, v in verifiers.items()}
    THRESHOLDS.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def shipped(models: Path = MODELS) -> Verifiers:
    """The packaged verifiers; a missing file raises ``PromoModelError`` naming the command that
    rebuilds them."""
    from skops.io import load

    try:
        table = json.loads((models / "verifiers.json").read_text(encoding="utf-8"))
        loaded = {
            kind: Verifier(
                load(models / f"{kind}_verifier.skops", trusted=TRUSTED_TYPES),
                float(table[kind]["threshold"]),
            )
            for kind in KINDS
        }
    except (FileNotFoundError, KeyError) as exc:
        raise PromoModelError(
            f"verifier models not found in {models}; run 'content-audit train-verifiers'"
        ) from exc
    return Verifiers(**loaded)
