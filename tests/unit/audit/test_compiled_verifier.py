"""The verifiers' fast path (``verify.CompiledVerifier``) gives scikit-learn's probabilities."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.audit import verify
from pipeline.audit.promo import promo_candidates
from pipeline.audit.promo_model import promo_probabilities
from pipeline.audit.ymyl import statistic_rows

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def _sklearn(v: verify.Verifier, rows: list[dict[str, float]]) -> list[float]:
    return [float(p) for p in v.model.predict_proba([dict(r) for r in rows])[:, 1]]


def _real_rows() -> dict[str, list[dict[str, float]]]:
    """Candidate rows of both verifiers from the five real seed posts (and their words)."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*"))]
    texts = [t for t in texts if t.strip()]
    assert texts, f"no seed posts in {SEEDS}"
    promo = [row for t in texts for row in promo_candidates(t, promo_probabilities)[2]]
    statistic = [row for t in texts for _, _, row in statistic_rows(t)]
    return {"promo": promo, "statistic": statistic}


def test_shipped_verifiers_are_compiled_and_agree_on_real_rows() -> None:
    shipped = verify.shipped()
    for kind, rows in _real_rows().items():
        v = getattr(shipped, kind)
        assert v.compiled is not None and rows, kind
        assert v.compiled.probabilities(rows) == pytest.approx(_sklearn(v, rows), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_rows_of_known_and_unknown_features_agree(data: st.DataObject) -> None:
    v = verify.shipped().statistic
    assert v.compiled is not None
    names = sorted(v.compiled.vocabulary)
    feature = st.sampled_from(names) | st.sampled_from(["unknown", "w=zzz"])
    value = st.floats(-5, 5, allow_nan=False) | st.just(1.0) | st.just("x")
    rows = data.draw(st.lists(st.dictionaries(feature, value, max_size=12), min_size=1, max_size=8))
    assert v.compiled.probabilities(rows) == pytest.approx(_sklearn(v, rows), abs=1e-12)


def test_another_model_shape_keeps_scikit_learn() -> None:
    rows = [{"p": x / 10, "rule": float(x > 7)} for x in range(10)] * 3
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    plain = Pipeline([("features", DictVectorizer()), ("classifier", LogisticRegression())])
    plain.fit(rows, [x > 5 for x in range(10)] * 3)
    assert verify.CompiledVerifier.of(plain) is None
    assert verify.CompiledVerifier.of(object()) is None
    # A value type the fast path does not take: scikit-learn answers.
    v = verify.shipped().statistic
    assert v.compiled is not None and v.compiled.probabilities([{"w": [1.0]}]) is None  # type: ignore[list-item]
