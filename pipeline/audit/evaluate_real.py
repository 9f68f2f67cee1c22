"""Evaluate the text detectors on the real-text labeled set (issue 17).

The set (``benchmarks/detectors/real/``, built by its ``build.py``, labeled from its
``GUIDE.md``, merged by ``merge.py``): 308 whole articles of real pages from both shared
extraction sets, sentence labels and a post-level stuffing judgment (``posts.csv``), split by
site into ``dev`` (tuning) and ``test`` (kept aside) before any detector ran on them.

No figure is on a classifier's training data:

* a ``dev`` document is scored by models fit on the written sentences, the older hand-labeled
  set (``benchmarks/detectors/labeled``) and the ``dev`` documents of the other folds;
* a ``test`` document by models fit on the written sentences, the older set and every ``dev``
  document. The shipped models add the ``test`` documents; this module never scores those.

Besides precision and recall per kind (``evaluate.score_documents``), it reports the false-alarm
figures the issue asks for, per kind, on the documents of a split: findings per 1,000 words,
share of posts with a finding, and share of posts with a promo or stuffing finding that the labels
do not support; and the precision of **critical** findings.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.pipeline import Pipeline

from pipeline.audit import verify
from pipeline.audit.evaluate import (
    FOLDS,
    SPLITS,
    Evaluation,
    _overlaps,
    fold_groups,
    labels_of,
    load,
    score_documents,
)
from pipeline.audit.filler_model import (
    cross_fitted_scorers,
    fit,
    load_labeled_set,
    load_written,
    scorer_of,
    structural,
)
from pipeline.audit.promo import Scorer
from pipeline.audit.promo_model import build_model, build_promo_model, promo_base
from pipeline.audit.text import word_count
from pipeline.audit.verifier_data import (
    POST_TYPES,
    REAL,
    TARGET_PRECISION,
    Examples,
    _joined,
    candidate_tables,
    extra_examples,
    fit_verifier,
    fold_fit,
    promo_examples,
    thresholds,
)
from pipeline.audit.verify import Verifier, Verifiers
from pipeline.records import Finding

Docs = list[dict[str, str]]


Rows = dict[str, list[dict[str, str]]]


# finding kind (and detector) -> the sentence label that makes it right
RIGHT_IF: dict[str, str] = {
    "promo_in_body": "promo",
    "repeated_banner": "banner",
    "seo_filler": "filler",
    "ymyl.unsupported_statistic": "unsourced_stat",
    "ymyl.absolute_claim": "absolute_claim",
    "ymyl.unsourced_quote": "unsourced_quote",
}


def read_posts(directory: Path = REAL) -> dict[str, bool]:
    """doc_id -> the post-level "keyword-stuffed" judgment."""
    with (directory / "posts.csv").open(encoding="utf-8", newline="") as fh:
        return {r["doc_id"]: r["stuffed"] == "yes" for r in csv.DictReader(fh)}


def split_scorers(
    docs: Docs,
    examples: dict[str, list[tuple[str, bool]]],
    base: tuple[list[str], list[int]],
    build: Callable[[], Pipeline],
) -> dict[str, Scorer]:
    """A scorer per document: dev documents cross-fitted over ``FOLDS`` folds of dev documents,
    test documents from a model of every dev document; ``base`` sentences always in training."""
    dev = [d for d in docs if d["split"] == "dev"]
    groups = fold_groups(dev, {d["doc_id"]: [{"text": t} for t, _ in examples[d["doc_id"]]]
                               for d in dev})  # fmt: skip

    out = cross_fitted_scorers(
        {k: [t for t, _ in examples[k]] for k in groups},
        {k: [v for _, v in examples[k]] for k in groups},
        groups,
        written=base,
        build=build,
    )
    x, y = list(base[0]), list(base[1])
    for k in groups:
        x.extend(t for t, _ in examples[k])
        y.extend(int(v) for _, v in examples[k])
    test_score = scorer_of(fit(x, y, build))
    out.update({d["doc_id"]: test_score for d in docs if d["split"] == "test"})
    return out


@dataclass(slots=True)
class RealEvaluation:
    evaluation: Evaluation
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    critical: list[dict[str, Any]] = field(default_factory=list)
    thresholds: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.evaluation.as_json(),
            "false_alarms": self.false_alarms,
            "critical": self.critical,
            "verifier_thresholds": self.thresholds,
        }

    def table(self) -> str:
        out = [self.evaluation.table(), "", "false alarms (per split: posts, words)"]
        out += [
            f"{r['kind']:30} {r['split']:5} per 1k words {r['per_1k_words']:6.2f}  "
            f"posts flagged {r['posts_flagged']:6.1%}  wrongly {r['posts_wrongly_flagged']}"
            for r in self.false_alarms
        ]
        out += ["", "verifiers (tuning-part cross-validation, sentence level over candidates)"]
        out += [f"{k:10} {v}" for k, v in self.thresholds.items()]
        out += ["", "critical findings"]
        out += [
            f"{r['kind']:30} {r['split']:5} {r['right']}/{r['judged']} right "
            f"(unjudged {r['unjudged']})"
            for r in self.critical
        ]
        return "\n".join(out)


def _right(
    f: Finding, rows: list[dict[str, str]], labels: list[set[str]], stuffed: bool
) -> bool | None:
    """Whether the labels support a finding; None when no label speaks to its kind."""
    if f.kind == "keyword_stuffing":
        return stuffed
    label = RIGHT_IF.get(f.detector or "") or RIGHT_IF.get(f.kind)
    if label is None:
        return None
    want = {label, "promo"} if label == "banner" else {label}
    return any(
        want & ls and _overlaps(f, int(r["start"]), int(r["end"]))
        for r, ls in zip(rows, labels, strict=True)
    )


def false_alarm_rows(
    docs: Docs, rows: Rows, findings: dict[str, list[Finding]], stuffed: dict[str, bool]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per kind and split: findings per 1,000 words, share of posts with one, and posts with a
    promo or stuffing finding the labels do not support; critical findings judged right."""
    words: dict[str, int] = defaultdict(int)
    posts: dict[str, int] = defaultdict(int)
    n_findings: dict[tuple[str, str], int] = defaultdict(int)
    flagged: dict[tuple[str, str], set[str]] = defaultdict(set)
    wrong: dict[tuple[str, str], set[str]] = defaultdict(set)
    critical: dict[tuple[str, str], list[bool | None]] = defaultdict(list)
    for d in docs:
        k = d["doc_id"]
        labels = labels_of(rows[k])
        for split in (d["split"], "all"):
            words[split] += word_count(d["text"])
            posts[split] += 1
        for f in findings[k]:
            right = _right(f, rows[k], labels, stuffed[k])
            for split in (d["split"], "all"):
                n_findings[(f.kind, split)] += 1
                flagged[(f.kind, split)].add(k)
                if right is False and f.kind in ("promo_in_body", "keyword_stuffing"):
                    wrong[("promo or stuffing", split)].add(k)
                    wrong[(f.kind, split)].add(k)
                if f.severity == "critical":
                    critical[(f.kind, split)].append(right)
    alarms = []
    kinds = sorted({kind for kind, _ in n_findings} | {"promo or stuffing"})
    for kind in kinds:
        for split in SPLITS:
            if not posts[split]:
                continue
            alarms.append(
                {
                    "kind": kind,
                    "split": split,
                    "per_1k_words": 1000 * n_findings[(kind, split)] / max(1, words[split]),
                    "posts_flagged": len(flagged[(kind, split)]) / posts[split],
                    "posts_wrongly_flagged": f"{len(wrong[(kind, split)])}/{posts[split]} "
                    f"({len(wrong[(kind, split)]) / posts[split]:.1%})",
                }
            )
    crit = [
        {
            "kind": kind,
            "split": split,
            "right": sum(v is True for v in vs),
            "judged": sum(v is not None for v in vs),
            "unjudged": sum(v is None for v in vs),
        }
        for (kind, split), vs in sorted(critical.items())
    ]
    return alarms, crit


def cross_fitted_verifiers(
    docs: Docs, rows: Rows, labels: dict[str, list[set[str]]], scorers: dict[str, Scorer],
    extra: dict[str, Examples],
) -> tuple[dict[str, Verifiers], dict[str, dict[str, Any]]]:  # fmt: skip
    """Verifiers per document: a dev document's from the other dev folds, a test document's
    from every dev document; thresholds chosen on the dev posts' cross-fitted probabilities.
    ``extra``: examples from outside the set, in every training fold."""
    tables = candidate_tables(docs, rows, labels, scorers)
    dev = [d["doc_id"] for d in docs if d["split"] == "dev"]
    posts = {d["doc_id"] for d in docs if d.get("page_type") in POST_TYPES}
    fold = {k: i % FOLDS for i, k in enumerate(dev)}
    per_doc: dict[str, dict[str, Verifier]] = defaultdict(dict)
    chosen: dict[str, dict[str, Any]] = {}
    for kind in verify.KINDS:
        fits = fold_fit(tables, fold, posts, kind, extra[kind])
        chosen[kind] = thresholds(fits.held_out, TARGET_PRECISION[kind], kind == "promo")
        t, t_rule = chosen[kind]["threshold"], chosen[kind]["rule_threshold"]
        for k in dev:
            m = fits.models[fold[k]]
            per_doc[k][kind] = Verifier(m.model, t, t_rule, m.rules_alone)
        test_model = fit_verifier(tables, dev, kind, extra[kind], t, t_rule)
        for d in docs:
            if d["split"] == "test":
                per_doc[d["doc_id"]][kind] = test_model
    out = {
        k: Verifiers(promo=v.get("promo"), statistic=v.get("statistic")) for k, v in per_doc.items()
    }
    return out, chosen


def evaluate_real(
    directory: Path = REAL,
    *,
    errors: str = "none",
    promo_builder: Callable[[], Pipeline] = build_promo_model,
) -> dict[str, RealEvaluation]:
    """Scores on the posts (pages the sets call article or blog: what the pipeline audits) and
    on all pages of the set (service, product and listing pages the pipeline drops with a
    reason, where detectors must still not go wild)."""
    docs, rows = load(directory)
    stuffed = read_posts(directory)
    labels = {d["doc_id"]: labels_of(rows[d["doc_id"]]) for d in docs}
    examples = promo_examples(rows, labels)
    filler_examples = {
        k: [
            (r["text"], "filler" in ls)
            for r, ls in zip(rows[k], v, strict=True)
            if not structural(r["text"], "filler" in ls)
        ]
        for k, v in labels.items()
    }
    base = promo_base()
    filler_base = _joined(load_written(), load_labeled_set("filler"))

    promo_scorers = split_scorers(docs, examples, base, promo_builder)
    filler_scorers = split_scorers(docs, filler_examples, filler_base, build_model)
    extra = extra_examples([d for d in docs if d["split"] == "dev"], examples, "dev")
    verifiers, chosen = cross_fitted_verifiers(docs, rows, labels, promo_scorers, extra)
    out: dict[str, RealEvaluation] = {}
    for subset, chosen_docs in (
        ("posts", [d for d in docs if d.get("page_type") in POST_TYPES]),
        ("all pages", docs),
    ):
        findings: dict[str, list[Finding]] = {}
        result = score_documents(
            chosen_docs, rows, promo_scorers, filler_scorers, stuffed=stuffed, errors=errors,
            findings_out=findings, verifiers=verifiers,
        )  # fmt: skip
        alarms, crit = false_alarm_rows(chosen_docs, rows, findings, stuffed)
        out[subset] = RealEvaluation(result, alarms, crit, chosen)
        errors = "none"  # list the errors once, for the posts
    return out
