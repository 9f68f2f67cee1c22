"""What the verifiers learn from and how their thresholds are chosen (issue 17).

Shared by the evaluation on the real labeled set (``evaluate_real``) and the training command
(``train_verifiers``), so the shipped models are built exactly as the evaluated ones:

* the sets: the real labeled set (``benchmarks/detectors/real``, split by site with
  ``split_of``), the targeted statistic labels (``stats``), the older hand-labeled set, and the
  tuning sites' real snippets inserted into real posts;
* ``candidate_table``: a document's promo and statistic candidates with their truth;
* ``fold_fit`` / ``thresholds`` / ``choose_threshold``: verifiers fit fold by fold, and the
  thresholds at which the held-out posts reach the target precision (separately for rule hits).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pipeline.audit import verify
from pipeline.audit.brand import brand_keys, brand_words
from pipeline.audit.evaluate import LABELED as OLD_SET
from pipeline.audit.evaluate import labels_of, load
from pipeline.audit.filler_model import fit, scorer_of
from pipeline.audit.promo import Scorer, promo_candidates
from pipeline.audit.promo_model import (
    build_promo_model,
    load_labeled,
    load_snippets,
)
from pipeline.audit.text import Span
from pipeline.audit.verify import Verifier
from pipeline.audit.ymyl import statistic_rows

Docs = list[dict[str, str]]


T = TypeVar("T")


U = TypeVar("U")


REAL = Path(__file__).resolve().parents[2] / "benchmarks" / "detectors" / "real"


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def split_of(url: str) -> str:
    """The real set's fixed split by site: ``test`` when ``sha1(host)`` falls in two of five
    buckets, else ``dev`` (tuning). Every page of the shared sets is from its own site."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return "test" if int(hashlib.sha1(host.encode()).hexdigest()[:8], 16) % 5 in (0, 1) else "dev"


STATS = REAL.parent / "stats"


def stats_examples(split: str | None = None) -> tuple[list[dict[str, float]], list[bool]]:
    """The targeted statistic labels (``benchmarks/detectors/stats``: candidates of real
    articles outside this set, first labeling pass) as verifier examples, of one split or all;
    empty when the labels are not there."""
    labels: dict[str, bool] = {}
    for path in sorted((STATS / "labels").glob("pass1_chunk*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            labels.update({r["cid"]: r["label"].strip() == "yes" for r in csv.DictReader(fh)})
    if not labels:
        return [], []
    by_doc: dict[str, dict[int, bool]] = defaultdict(dict)
    with (STATS / "candidates.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            if c["cid"] in labels and split in (None, c["split"]):
                by_doc[c["doc_id"]][int(c["start"])] = labels[c["cid"]]
    texts = _article_bodies(set(by_doc))
    x: list[dict[str, float]] = []
    y: list[bool] = []
    for doc_id, wanted in sorted(by_doc.items()):
        for span, _, row in statistic_rows(texts[doc_id]):
            if span.start in wanted:
                x.append(row)
                y.append(wanted[span.start])
    return x, y


SHARED_SETS = (("extraction-dev", "dev"), ("extraction-more", "more"))


def shared_pages(shared: Path = SHARED) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(doc_id, set name, annotation) of every page of both shared extraction sets, in id
    order; doc ids are ``dev/<id>`` and ``more/<id>``, as in every labeled set here."""
    for name, prefix in SHARED_SETS:
        truth = json.loads((shared / name / "ground-truth.json").read_text(encoding="utf-8"))
        for page_id, rec in sorted(truth.items()):
            yield f"{prefix}/{page_id}", name, rec


def _article_bodies(doc_ids: set[str]) -> dict[str, str]:
    return {k: rec.get("articleBody") or "" for k, _, rec in shared_pages() if k in doc_ids}


def old_set_examples(scorer: Scorer) -> Examples:
    """The older hand-labeled set (seeds, demo posts, 24 health pages) as promo verifier
    examples; ``scorer`` must be a sentence model that never saw those documents."""
    docs, rows = load(OLD_SET)
    x: list[dict[str, float]] = []
    y: list[bool] = []
    for d in docs:
        labels = labels_of(rows[d["doc_id"]])
        px, py = candidate_table(d, rows[d["doc_id"]], labels, scorer)["promo"]
        x.extend(px)
        y.extend(py)
    return x, y


def sentence_scorer(examples: dict[str, list[tuple[str, bool]]], keys: Sequence[str]) -> Scorer:
    """A promo sentence model of the written sentences and the given documents' sentences
    only (neither the older set nor the snippets): to score those out of sample."""
    x, y = load_labeled()
    for k in keys:
        x.extend(t for t, _ in examples[k])
        y.extend(int(v) for _, v in examples[k])
    return scorer_of(fit(x, y, build_promo_model))


def inserted_snippet_examples(
    docs: Docs, scorer: Scorer, split: str = "dev", seed: int = 0
) -> Examples:
    """Verifier examples of real boilerplate lines standing in real articles: each snippet of
    the tuning sites (a call to action: promo; chrome: not) inserted as its own line into a
    post of the set, described as the verifier sees it there. The labeled posts hold few
    calls to action on a line of their own, the commonest pitch a content team removes;
    ``scorer`` must not have seen the snippets."""
    import random

    rng = random.Random(seed)
    snippets = list(zip(*load_snippets(split), strict=True))
    posts = [d for d in docs if d.get("page_type") in POST_TYPES and "\n" in d["text"]]
    x: list[dict[str, float]] = []
    y: list[bool] = []
    if not posts:
        return x, y
    for text, is_cta in snippets:
        base = rng.choice(posts)["text"].split("\n")
        at = rng.randrange(1, len(base))
        doc = "\n".join([*base[:at], text, *base[at:]])
        start = sum(len(line) + 1 for line in base[:at])
        spans, _, rows = promo_candidates(doc, scorer)
        for span, row in zip(spans, rows, strict=True):
            if start <= span.start < start + len(text):
                x.append(row)
                y.append(bool(is_cta))
    return x, y


POST_TYPES = frozenset({"article", "blog"})


# Precision each verifier's threshold is chosen for, on the tuning part's cross-validation
# (sentence level over its candidates): the targets for promo and statistics.
TARGET_PRECISION = {"promo": 0.90, "statistic": 0.85}


def candidate_table(
    doc: dict[str, str], rows: list[dict[str, str]], labels: list[set[str]], scorer: Scorer
) -> dict[str, tuple[list[dict[str, float]], list[bool]]]:
    """The verifiers' candidates of one document, with their truth from the labels."""
    by_start = {int(r["start"]): ls for r, ls in zip(rows, labels, strict=True)}
    text = doc["text"]
    spans, _, promo = promo_candidates(text, scorer, brand_words(text, brand_keys(doc.get("url"))))
    stats = statistic_rows(text)
    return {
        "promo": (promo, ["promo" in by_start.get(s.start, set()) for s in spans]),
        "statistic": (
            [r for _, _, r in stats],
            [
                any("unsourced_stat" in ls and _inside(int(r["start"]), span) for r, ls
                    in zip(rows, labels, strict=True))
                for span, _, _ in stats
            ],
        ),
    }  # fmt: skip


def _inside(start: int, span: Span) -> bool:
    return span.start <= start < span.end


def choose_threshold(probas: Sequence[float], truth: Sequence[bool], precision: float) -> float:
    """The lowest threshold of 0.5 or more at which the candidates scoring at or above it reach
    ``precision`` (a finding more likely wrong than right is never reported); 1.0 when none does.
    Thresholds are taken between distinct scores, so ties are kept or dropped together."""
    pairs = sorted(zip(probas, truth, strict=True), key=lambda x: -x[0])
    best, tp = 1.0, 0
    for n, (p, y) in enumerate(pairs, start=1):
        tp += y
        boundary = n == len(pairs) or pairs[n][0] < p
        if p >= 0.5 and boundary and tp / n >= precision:
            best = p
    return best


Table = dict[str, dict[str, tuple[list[dict[str, float]], list[bool]]]]


Examples = tuple[list[dict[str, float]], list[bool]]


@dataclass(slots=True)
class FoldFit:
    """Verifiers fit on all folds but one, and the held-out posts' (row, P, truth)."""

    models: dict[int, Verifier]
    held_out: list[tuple[dict[str, float], float, bool]]


def fold_fit(
    tables: Table, fold: dict[str, int], posts: set[str], kind: str, extra: Examples
) -> FoldFit:
    models: dict[int, Verifier] = {}
    held_out: list[tuple[dict[str, float], float, bool]] = []
    for g in sorted(set(fold.values())):
        models[g] = fit_verifier(tables, [k for k, f in fold.items() if f != g], kind, extra)
        for k, f in fold.items():
            # trained on every page, the thresholds are chosen on the posts: what is audited
            if f == g and k in posts:
                x, y = tables[k][kind]
                held_out.extend(zip(x, models[g].probabilities(x), y, strict=True))
    return FoldFit(models, held_out)


def promo_examples(
    rows: dict[str, list[dict[str, str]]], labels: dict[str, list[set[str]]]
) -> dict[str, list[tuple[str, bool]]]:
    """Each document's sentences with "is promo"."""
    return {
        k: [(r["text"], "promo" in ls) for r, ls in zip(rows[k], v, strict=True)]
        for k, v in labels.items()
    }


def candidate_tables(
    docs: Docs,
    rows: dict[str, list[dict[str, str]]],
    labels: dict[str, list[set[str]]],
    scorers: dict[str, Scorer],
) -> Table:
    return {
        k: candidate_table(d, rows[k], labels[k], scorers[k]) for d in docs for k in [d["doc_id"]]
    }


def extra_examples(
    train_docs: Docs, examples: dict[str, list[tuple[str, bool]]], stats_split: str | None
) -> dict[str, Examples]:
    """Examples from outside the set, in every training fold: for promo the older set and the
    tuning sites' snippets standing in ``train_docs`` (scored by a sentence model of
    ``train_docs`` only), for statistics the targeted labels of ``stats_split``."""
    outside = sentence_scorer(examples, [d["doc_id"] for d in train_docs])
    promo = _joined(old_set_examples(outside), inserted_snippet_examples(train_docs, outside))
    return {"promo": promo, "statistic": stats_examples(stats_split)}


def verifier_examples(tables: Table, keys: Sequence[str], kind: str, extra: Examples) -> Examples:
    x = [r for k in keys for r in tables[k][kind][0]] + list(extra[0])
    y = [t for k in keys for t in tables[k][kind][1]] + list(extra[1])
    return x, y


def fit_verifier(
    tables: Table, keys: Sequence[str], kind: str, extra: Examples,
    threshold: float = 1.0, rule_threshold: float | None = None,
) -> Verifier:  # fmt: skip
    """A verifier of the given documents' candidates plus ``extra``; the rules that flag alone
    are measured on the same examples."""
    x, y = verifier_examples(tables, keys, kind, extra)
    alone = verify.rules_alone(verify.rule_precision(x, y)) if kind == "promo" else frozenset()
    return verify.fit(x, y, threshold, rule_threshold, alone)


def thresholds(
    held_out: list[tuple[dict[str, float], float, bool]], precision: float, by_rule: bool
) -> dict[str, Any]:
    """Thresholds for ``precision`` on held-out candidates (separately for rule hits when
    ``by_rule``), with the precision and recall they give there."""
    ruled = [(p, y) for r, p, y in held_out if by_rule and r.get("rule")]
    plain = [(p, y) for r, p, y in held_out if not (by_rule and r.get("rule"))]
    t = choose_threshold([p for p, _ in plain], [y for _, y in plain], precision)
    t_rule = (
        choose_threshold([p for p, _ in ruled], [y for _, y in ruled], precision)
        if by_rule
        else None
    )
    kept = [y for p, y in plain if p >= t] + [
        y for p, y in ruled if t_rule is not None and p >= t_rule
    ]
    positives = sum(y for _, _, y in held_out)
    return {
        "threshold": t,
        "rule_threshold": t_rule,
        "cv_precision": round(sum(kept) / len(kept), 4) if kept else 0.0,
        "cv_recall": round(sum(kept) / max(1, positives), 4),
        "candidates": len(held_out),
        "positives": positives,
    }


def _joined(*parts: tuple[list[T], list[U]]) -> tuple[list[T], list[U]]:
    x: list[T] = []
    y: list[U] = []
    for px, py in parts:
        x.extend(px)
        y.extend(py)
    return x, y
