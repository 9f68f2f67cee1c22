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
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sklearn.pipeline import Pipeline

from pipeline.audit import verify
from pipeline.audit.brand import brand_keys, brand_words
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
from pipeline.audit.evaluate import LABELED as OLD_SET
from pipeline.audit.filler_model import load_labeled_set, load_written, structural
from pipeline.audit.promo import Scorer, promo_candidates
from pipeline.audit.promo_model import (
    build_promo_model,
    load_labeled,
    load_snippets,
    positive_probabilities,
    promo_base,
)
from pipeline.audit.text import Span, word_count
from pipeline.audit.verify import Verifier, Verifiers
from pipeline.audit.ymyl import statistic_rows
from pipeline.records import Finding

T = TypeVar("T")
U = TypeVar("U")
REAL = Path(__file__).resolve().parents[2] / "benchmarks" / "detectors" / "real"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
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


def _article_bodies(doc_ids: set[str]) -> dict[str, str]:
    out = {}
    for name, prefix in (("extraction-dev", "dev"), ("extraction-more", "more")):
        path = SHARED / name / "ground-truth.json"
        truth = json.loads(path.read_text(encoding="utf-8"))
        for page_id, rec in truth.items():
            if f"{prefix}/{page_id}" in doc_ids:
                out[f"{prefix}/{page_id}"] = rec.get("articleBody") or ""
    return out


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
    return _fit_scorer(build_promo_model, x, y)


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


def read_posts(directory: Path = REAL) -> dict[str, bool]:
    """doc_id -> the post-level "keyword-stuffed" judgment."""
    with (directory / "posts.csv").open(encoding="utf-8", newline="") as fh:
        return {r["doc_id"]: r["stuffed"] == "yes" for r in csv.DictReader(fh)}


def _fit_scorer(
    build: Callable[[], Pipeline], x: list[str], y: list[int]
) -> Callable[[Sequence[str]], list[float]]:
    model = build().fit(x, y)

    def score(texts: Sequence[str]) -> list[float]:
        return positive_probabilities(model, texts)

    return score


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

    def train(doc_ids: list[str]) -> Callable[[Sequence[str]], list[float]]:
        x, y = list(base[0]), list(base[1])
        for k in doc_ids:
            x.extend(t for t, _ in examples[k])
            y.extend(int(v) for _, v in examples[k])
        return _fit_scorer(build, x, y)

    out: dict[str, Scorer] = {}
    for g in range(FOLDS):
        score = train([k for k, v in groups.items() if v != g])
        out.update({k: score for k, v in groups.items() if v == g})
    test_score = train([d["doc_id"] for d in dev])
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


def fit_verifier(
    tables: Table, keys: Sequence[str], kind: str, extra: Examples,
    threshold: float = 1.0, rule_threshold: float | None = None,
) -> Verifier:  # fmt: skip
    """A verifier of the given documents' candidates plus ``extra``; the rules that flag alone
    are measured on the same examples."""
    x = [r for k in keys for r in tables[k][kind][0]] + list(extra[0])
    y = [t for k in keys for t in tables[k][kind][1]] + list(extra[1])
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


def cross_fitted_verifiers(
    docs: Docs, rows: Rows, labels: dict[str, list[set[str]]], scorers: dict[str, Scorer],
    extra: dict[str, Examples] | None = None,
) -> tuple[dict[str, Verifiers], dict[str, dict[str, Any]]]:  # fmt: skip
    """Verifiers per document: a dev document's from the other dev folds, a test document's
    from every dev document; thresholds chosen on the dev posts' cross-fitted probabilities.
    ``extra``: examples from outside the set, in every training fold."""
    tables = {d["doc_id"]: candidate_table(d, rows[d["doc_id"]], labels[d["doc_id"]],
                                           scorers[d["doc_id"]]) for d in docs}  # fmt: skip
    dev = [d["doc_id"] for d in docs if d["split"] == "dev"]
    posts = {d["doc_id"] for d in docs if d.get("page_type") in POST_TYPES}
    fold = {k: i % FOLDS for i, k in enumerate(dev)}
    extra = extra or {"promo": ([], []), "statistic": stats_examples("dev")}
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
    promo_examples = {
        k: [(r["text"], "promo" in ls) for r, ls in zip(rows[k], v, strict=True)]
        for k, v in labels.items()
    }
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
    from pipeline.audit.promo_model import build_model

    promo_scorers = split_scorers(docs, promo_examples, base, promo_builder)
    filler_scorers = split_scorers(docs, filler_examples, filler_base, build_model)
    dev = [d["doc_id"] for d in docs if d["split"] == "dev"]
    outside = sentence_scorer(promo_examples, dev)
    dev_docs = [d for d in docs if d["split"] == "dev"]
    extra = {
        "promo": _joined(old_set_examples(outside), inserted_snippet_examples(dev_docs, outside)),
        "statistic": stats_examples("dev"),
    }
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


def _joined(*parts: tuple[list[T], list[U]]) -> tuple[list[T], list[U]]:
    x: list[T] = []
    y: list[U] = []
    for px, py in parts:
        x.extend(px)
        y.extend(py)
    return x, y
