"""Train the calibrated verifiers (``verify``) and write them with their thresholds.

    python -m pipeline.audit.train_verifiers            # fit and write models/*_verifier.skops
    python -m pipeline.audit.train_verifiers --check    # cross-validate only, write nothing

Training data: every document of the real labeled set (``benchmarks/detectors/real``) and, for
statistics, the targeted statistic labels (``benchmarks/detectors/stats``). The promo verifier's
features include the sentence model's probabilities, which must not come from a model that saw
the sentence: they are cross-fitted over ``FOLDS`` folds of documents (each fold's sentences
scored by a sentence model trained on the written sentences, the older labeled set and the
other folds). Thresholds are chosen on the same cross-validation, on the posts, for the target
precision of each kind (``evaluate_real.TARGET_PRECISION``). Deterministic.

The figures on pages these models never saw are ``benchmarks/detectors/real_eval.py``'s, which
trains the same way on the tuning part only and scores the test part.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from pipeline.audit import verify
from pipeline.audit.evaluate import FOLDS, labels_of, load
from pipeline.audit.promo import Scorer
from pipeline.audit.promo_model import build_promo_model, positive_probabilities, promo_base
from pipeline.audit.verifier_data import (
    POST_TYPES,
    REAL,
    TARGET_PRECISION,
    _joined,
    candidate_table,
    fit_verifier,
    fold_fit,
    inserted_snippet_examples,
    old_set_examples,
    sentence_scorer,
    stats_examples,
    thresholds,
)


def _cross_fitted_promo(
    docs: list[dict[str, str]], examples: dict[str, list[tuple[str, bool]]]
) -> dict[str, Scorer]:
    base = promo_base()
    fold = {d["doc_id"]: i % FOLDS for i, d in enumerate(docs)}
    out: dict[str, Scorer] = {}
    for g in range(FOLDS):
        x, y = list(base[0]), list(base[1])
        for k, f in fold.items():
            if f != g:
                x.extend(t for t, _ in examples[k])
                y.extend(int(v) for _, v in examples[k])
        model = build_promo_model().fit(x, y)

        def score(texts: object, model: object = model) -> list[float]:
            return positive_probabilities(model, texts)  # type: ignore[arg-type]

        out.update({k: score for k, f in fold.items() if f == g})
    return out


def train(write: bool) -> dict[str, dict[str, float]]:
    docs, rows = load(REAL)
    labels = {d["doc_id"]: labels_of(rows[d["doc_id"]]) for d in docs}
    examples = {
        k: [(r["text"], "promo" in ls) for r, ls in zip(rows[k], v, strict=True)]
        for k, v in labels.items()
    }
    scorers = _cross_fitted_promo(docs, examples)
    tables = {
        d["doc_id"]: candidate_table(
            d, rows[d["doc_id"]], labels[d["doc_id"]], scorers[d["doc_id"]]
        )
        for d in docs
    }
    posts = {d["doc_id"] for d in docs if d.get("page_type") in POST_TYPES}
    fold = {d["doc_id"]: i % FOLDS for i, d in enumerate(docs)}
    outside = sentence_scorer(examples, list(fold))
    extra = {
        "promo": _joined(old_set_examples(outside), inserted_snippet_examples(docs, outside)),
        "statistic": stats_examples(),
    }
    fitted: dict[str, verify.Verifier] = {}
    meta: dict[str, dict[str, Any]] = {}
    for kind in verify.KINDS:
        fits = fold_fit(tables, fold, posts, kind, extra[kind])
        meta[kind] = thresholds(fits.held_out, TARGET_PRECISION[kind], kind == "promo")
        meta[kind]["extra_examples"] = len(extra[kind][1])
        fitted[kind] = fit_verifier(
            tables, list(fold), kind, extra[kind], meta[kind]["threshold"],
            meta[kind]["rule_threshold"],
        )  # fmt: skip
        x = [r for k in fold for r in tables[k][kind][0]] + list(extra[kind][0])
        y = [t for k in fold for t in tables[k][kind][1]] + list(extra[kind][1])
        meta[kind]["rule_hits"] = verify.rule_precision(x, y)
    if write:
        verify.save(fitted, meta)
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="cross-validate only")
    args = parser.parse_args(argv)
    print(json.dumps(train(write=not args.check), indent=2))
    if not args.check:
        print(f"wrote {verify.MODELS}/*_verifier.skops and {verify.THRESHOLDS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
