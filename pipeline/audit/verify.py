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
from numbers import Number
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.audit.modelcache import trusted_load
from pipeline.audit.promo_model import CALIBRATED_LINEAR_TYPES, PACKAGE_DIR, PromoModelError

if TYPE_CHECKING:  # scikit-learn is imported where models are built (see ``promo_model``)
    from sklearn.pipeline import Pipeline

MODELS = PACKAGE_DIR / "models"
THRESHOLDS = MODELS / "verifiers.json"
KINDS = ("promo", "statistic")
RANDOM_STATE = 0
FeatureRow = Mapping[str, float]

TRUSTED_TYPES: list[str] = [
    *CALIBRATED_LINEAR_TYPES,
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
]


def build(c: float = 0.5) -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

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


class CompiledVerifier:
    """A pipeline of ``build``'s shape (DictVectorizer, then sigmoid-calibrated logistic
    regressions averaged over the folds) as plain arrays: the same probabilities (to rounding:
    the sums run in another order) without scikit-learn's checks on every call, which were
    most of a verifier's cost (14 % of the audit's CPU at 100,000 posts, where the verifiers
    are called once per post on ~30 rows). ``of`` returns None for any other shape."""

    def __init__(self, model: Pipeline) -> None:
        vectorizer, calibrated = model.named_steps["features"], model.named_steps["classifier"]
        folds = calibrated.calibrated_classifiers_
        self.vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self.separator: str = vectorizer.separator
        self.coef = np.vstack([f.estimator.coef_[0] for f in folds])  # (folds, features)
        self.intercept = np.array([f.estimator.intercept_[0] for f in folds])
        self.a = np.array([f.calibrators[0].a_ for f in folds])
        self.b = np.array([f.calibrators[0].b_ for f in folds])
        from scipy.special import expit  # here, not at import: the stage's process never scores

        self.expit = expit

    @classmethod
    def of(cls, model: Any) -> CompiledVerifier | None:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        try:
            vectorizer, calibrated = model.named_steps["features"], model.named_steps["classifier"]
            folds = calibrated.calibrated_classifiers_
        except (AttributeError, KeyError):
            return None
        if not (
            len(model.steps) == 2
            and isinstance(vectorizer, DictVectorizer)
            and isinstance(calibrated, CalibratedClassifierCV)
            and calibrated.method == "sigmoid"
            and len(calibrated.classes_) == 2
            and all(
                isinstance(f.estimator, LogisticRegression)
                and len(f.calibrators) == 1
                and list(f.estimator.classes_) == list(calibrated.classes_)
                for f in folds
            )
        ):
            return None
        return cls(model)

    def probabilities(self, rows: Sequence[FeatureRow]) -> list[float] | None:
        """The positive class's probability per row; None for a value type the fast path does
        not take (the caller then asks scikit-learn)."""
        row_of: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for r, row in enumerate(rows):
            for name, value in row.items():
                if isinstance(value, str):  # one-hot, as DictVectorizer does
                    name, value = f"{name}{self.separator}{value}", 1.0
                elif not isinstance(value, Number):
                    return None
                j = self.vocabulary.get(name)
                if j is not None:
                    row_of.append(r)
                    columns.append(j)
                    values.append(float(value))
        n = len(rows)
        weights = self.coef[:, columns] * np.asarray(values, dtype=float)  # (folds, nnz)
        scores = np.vstack(
            [np.bincount(row_of, weights=w, minlength=n) for w in weights], dtype=float
        )  # (folds, rows); float even when no row has a known feature
        scores += self.intercept[:, None]
        proba = self.expit(-(self.a[:, None] * scores + self.b[:, None])).mean(axis=0)
        return [float(p) for p in proba]


@dataclass(frozen=True, slots=True)
class Verifier:
    """A fitted verifier and its thresholds: ``threshold`` for candidates without a rule hit,
    ``rule_threshold`` for candidates a rule matched (feature ``rule``): the two are chosen
    separately for the same precision, since a rule hit is evidence of another kind."""

    model: Pipeline
    threshold: float
    rule_threshold: float | None = None
    rules_alone: frozenset[str] = frozenset()
    compiled: CompiledVerifier | None = None  # the fast path for ``model`` (``shipped``)

    def flags(self, row: FeatureRow, proba: float) -> bool:
        if any(row.get(f"rule={name}") for name in self.rules_alone):
            return True
        if self.rule_threshold is not None and row.get("rule"):
            return proba >= self.rule_threshold
        return proba >= self.threshold

    def probabilities(self, rows: Sequence[FeatureRow]) -> list[float]:
        if not rows:
            return []
        if self.compiled is not None:
            fast = self.compiled.probabilities(rows)
            if fast is not None:
                return fast
        return [float(p) for p in self.model.predict_proba([dict(r) for r in rows])[:, 1]]


@dataclass(frozen=True, slots=True)
class Verifiers:
    promo: Verifier | None = None
    statistic: Verifier | None = None


# A rule flags on its own, whatever the verifier says, when it was right on at least this share
# of its hits, and on at least RULE_ALONE_HITS of them, over every labeled sentence it matched
# (``rule_precision``): a call to book a session is promo wherever it stands.
RULE_ALONE_PRECISION = 0.8
RULE_ALONE_HITS = 3


def rule_precision(rows: Sequence[FeatureRow], labels: Sequence[bool]) -> dict[str, list[int]]:
    """Per rule name: [right, wrong] over the candidates it matched."""
    out: dict[str, list[int]] = {}
    for row, y in zip(rows, labels, strict=True):
        for key in row:
            if key.startswith("rule="):
                out.setdefault(key[5:], [0, 0])[0 if y else 1] += 1
    return out


def rules_alone(counts: Mapping[str, Sequence[int]]) -> frozenset[str]:
    return frozenset(
        name
        for name, (right, wrong) in counts.items()
        if right >= RULE_ALONE_HITS and right / (right + wrong) >= RULE_ALONE_PRECISION
    )


def fit(
    rows: Sequence[FeatureRow],
    labels: Sequence[bool],
    threshold: float,
    rule_threshold: float | None = None,
    alone: frozenset[str] = frozenset(),
) -> Verifier:
    model = build().fit([dict(r) for r in rows], [int(y) for y in labels])
    return Verifier(model, threshold, rule_threshold, alone)


def save(verifiers: Mapping[str, Verifier], meta: Mapping[str, Mapping[str, object]]) -> None:
    from skops.io import dump

    MODELS.mkdir(parents=True, exist_ok=True)
    for kind, v in verifiers.items():
        path = MODELS / f"{kind}_verifier.skops"
        tmp = path.with_suffix(".tmp")
        dump(v.model, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        tmp.replace(path)
    table = {
        k: {
            "threshold": v.threshold,
            "rule_threshold": v.rule_threshold,
            "rules_alone": sorted(v.rules_alone),
            **meta.get(k, {}),
        }
        for k, v in verifiers.items()
    }
    THRESHOLDS.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=2)
def shipped(models: Path = MODELS, cache: Path | None = None) -> Verifiers:
    """The packaged verifiers; a missing file raises ``PromoModelError`` naming the command that
    rebuilds them. ``cache``: where loaded models are kept (``modelcache``)."""
    try:
        table = json.loads((models / "verifiers.json").read_text(encoding="utf-8"))
        fitted = {
            kind: trusted_load(models / f"{kind}_verifier.skops", TRUSTED_TYPES, cache)
            for kind in KINDS
        }
        loaded = {
            kind: Verifier(
                fitted[kind],
                float(table[kind]["threshold"]),
                table[kind].get("rule_threshold"),
                frozenset(table[kind].get("rules_alone", ())),
                CompiledVerifier.of(fitted[kind]),
            )
            for kind in KINDS
        }
    except (FileNotFoundError, KeyError) as exc:
        raise PromoModelError(
            f"verifier models not found in {models}; run 'content-audit train-verifiers'"
        ) from exc
    return Verifiers(**loaded)
