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
from pipeline.audit.filler_model import cross_fitted_scorers
from pipeline.audit.promo_model import build_promo_model, promo_base
from pipeline.audit.verifier_data import (
    POST_TYPES,
    REAL,
    TARGET_PRECISION,
    candidate_tables,
    extra_examples,
    fold_fit,
    promo_examples,
    thresholds,
    verifier_examples,
)


def train(write: bool) -> dict[str, dict[str, Any]]:
    docs, rows = load(REAL)
    labels = {d["doc_id"]: labels_of(rows[d["doc_id"]]) for d in docs}
    examples = promo_examples(rows, labels)
    fold = {d["doc_id"]: i % FOLDS for i, d in enumerate(docs)}
    # the sentence model's probabilities in the features: each fold's from the other folds
    scorers = cross_fitted_scorers(
        {k: [t for t, _ in v] for k, v in examples.items()},
        {k: [y for _, y in v] for k, v in examples.items()},
        fold,
        written=promo_base(),
        build=build_promo_model,
    )
    tables = candidate_tables(docs, rows, labels, scorers)
    posts = {d["doc_id"] for d in docs if d.get("page_type") in POST_TYPES}
    extra = extra_examples(docs, examples, None)
    fitted: dict[str, verify.Verifier] = {}
    meta: dict[str, dict[str, Any]] = {}
    for kind in verify.KINDS:
        fits = fold_fit(tables, fold, posts, kind, extra[kind])
        meta[kind] = thresholds(fits.held_out, TARGET_PRECISION[kind], kind == "promo")
        meta[kind]["extra_examples"] = len(extra[kind][1])
        x, y = verifier_examples(tables, list(fold), kind, extra[kind])
        counts = verify.rule_precision(x, y)
        meta[kind]["rule_hits"] = counts
        alone = verify.rules_alone(counts) if kind == "promo" else frozenset()
        t, t_rule = meta[kind]["threshold"], meta[kind]["rule_threshold"]
        fitted[kind] = verify.fit(x, y, t, t_rule, alone)
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
