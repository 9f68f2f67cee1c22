"""Evaluate the text detectors on a hand-labeled sentence set (``content-audit eval-detectors``,
``benchmarks/detectors/labeled.py``).

The shipped set (``benchmarks/detectors/labeled/``, built by its ``build.py``, labeled by its
``GUIDE.md``): every
sentence of the five seeds and of the 21 demo posts, and of 14 whole health articles of
``../shared/data/extraction-dev``. Each document is run through the text detectors
(``pipeline.audit.core.text_findings``, what ``audit_text`` runs) and scored against the labels:

* sentence level, for the detectors whose evidence is a sentence or a block: a sentence is
  *predicted* for a kind when a finding of that kind overlaps it, and *true* when it carries the
  label (``promo`` for promo_in_body, ``filler`` for seo_filler, ``unsourced_stat`` for
  ymyl.unsupported_statistic, ``absolute_claim`` for ymyl.absolute_claim, ``unsourced_quote``
  for ymyl.unsourced_quote; ``banner`` for
  repeated_banner is derived: a ``promo`` sentence whose text occurs twice or more in its post);
* document level, for keyword_stuffing, a judgment about the whole post whose evidence is the
  most prominent place of the phrase: a post is *stuffed* when two or more of its sentences are
  labeled ``stuffing`` (one awkward heading is not a stuffed post), *predicted* when it has a
  keyword_stuffing finding.

Both classifiers (promo, seo_filler) are cross-fitted: the documents are split into ``FOLDS``
groups (a seed and its rewrites in one group) and the model used on a document is trained on the
written training sentences plus the labeled sentences of the other groups, never on its own, so
no figure here is on a classifier's training data (the shipped models are trained on all of it).
The classifiers are also scored alone, sentence by sentence, at 0.5 and at their detector
thresholds. Figures are printed for the ``dev`` split (seeds, demo posts and half the
extraction-dev pages: detector revisions looked at these errors), the ``test`` split (the other
extraction-dev pages, never inspected) and ``all``.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.audit.brand import brand_keys
from pipeline.audit.core import text_findings
from pipeline.audit.filler import MODEL_THRESHOLD as FILLER_THRESHOLD
from pipeline.audit.filler_model import LABELED_PATH, cross_fitted_scorers, structural
from pipeline.audit.promo import MODEL_THRESHOLD as PROMO_THRESHOLD
from pipeline.audit.promo import Scorer
from pipeline.audit.promo_model import load_labeled
from pipeline.audit.text import Span, sentences
from pipeline.audit.verify import Verifiers
from pipeline.config import DetectorsConfig
from pipeline.records import Finding

LABELED = LABELED_PATH.parent
FOLDS = 5
# label -> (finding kind, detector or None for any detector of the kind)
SENTENCE_KINDS: dict[str, tuple[str, str | None]] = {
    "promo": ("promo_in_body", None),
    "banner": ("repeated_banner", None),
    "filler": ("seo_filler", None),
    "unsourced_stat": ("ymyl_trust", "ymyl.unsupported_statistic"),
    "absolute_claim": ("ymyl_trust", "ymyl.absolute_claim"),
    "unsourced_quote": ("ymyl_trust", "ymyl.unsourced_quote"),
}
STUFFED_MIN_SENTENCES = 2
SPLITS = ("dev", "test", "all")
Row = dict[str, Any]


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        self.tp += truth and predicted
        self.fp += predicted and not truth
        self.fn += truth and not predicted

    def row(self) -> dict[str, float | int | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p and r else None
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": p, "recall": r, "f1": f1}


def load(
    labeled: Path = LABELED,
) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    """The documents and their sentence rows (in text order) of a labeled set directory."""
    docs = [json.loads(line) for line in (labeled / "docs.jsonl").open(encoding="utf-8")]
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (labeled / "sentences.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows[r["doc_id"]].append(r)
    return docs, rows


def labels_of(rows: list[dict[str, str]]) -> list[set[str]]:
    """Each sentence's labels, with the derived ``banner``."""
    key = [re.sub(r"\W+", " ", r["text"]).strip().lower() for r in rows]
    seen = Counter(key)
    out = []
    for r, k in zip(rows, key, strict=True):
        labels = {x for x in r["labels"].split(";") if x}
        if "promo" in labels and seen[k] >= 2 and len(k.split()) >= 3:
            labels.add("banner")
        out.append(labels)
    return out


FIELDS = ("doc_id", "n", "start", "end", "labels", "text")


def write_labeled_set(
    directory: Path, docs: list[dict[str, str]], labels: Callable[[str, Span], str]
) -> None:
    """``docs.jsonl`` and ``sentences.csv`` (one row per ``sentences`` span of each document,
    ``labels(doc_id, span)`` giving its labels) under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "docs.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    with (directory / "sentences.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        for d in docs:
            for n, span in enumerate(sentences(d["text"])):
                w.writerow(
                    {
                        "doc_id": d["doc_id"],
                        "n": n,
                        "start": span.start,
                        "end": span.end,
                        "labels": labels(d["doc_id"], span),
                        "text": span.text,
                    }
                )


def fmt(x: object) -> str:
    return f"{x:6.3f}" if isinstance(x, float) else f"{'-':>6}"


def fold_groups(
    docs: list[dict[str, str]], rows: dict[str, list[dict[str, str]]]
) -> dict[str, int]:
    """Documents -> cross-fitting fold. Posts that share a fifth of their sentences (a demo post
    rewritten from a seed, a syndicated copy) are one family and go to the same fold, so a
    classifier never scores a copy of a sentence it was trained on."""
    parent = {d["doc_id"]: d["doc_id"] for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    texts = {d["doc_id"]: {r["text"] for r in rows[d["doc_id"]]} for d in docs}
    ids = [d["doc_id"] for d in docs]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            shared = len(texts[a] & texts[b])
            if shared and shared >= 0.2 * min(len(texts[a]), len(texts[b])):
                parent[find(a)] = find(b)
    families = sorted({find(x) for x in ids}, key=ids.index)
    fold = {f: i % FOLDS for i, f in enumerate(families)}
    return {x: fold[find(x)] for x in ids}


def _overlaps(f: Finding, start: int, end: int) -> bool:
    return f.start >= 0 and f.start < end and start < f.end


@dataclass(slots=True)
class Evaluation:
    documents: int
    sentences: dict[str, int]
    findings_without_evidence: int
    seconds: float
    results: list[Row] = field(default_factory=list)
    classifiers: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "sentences": self.sentences,
            "findings_without_evidence": self.findings_without_evidence,
            "folds": FOLDS,
            "results": self.results,
            "classifiers": self.classifiers,
        }

    def table(self) -> str:
        out = [
            f"{self.documents} documents, {self.sentences['all']} sentences "
            f"(dev {self.sentences['dev']}, test {self.sentences['test']}); audited in "
            f"{self.seconds:.1f} s; findings without evidence: {self.findings_without_evidence}",
            "",
            f"{'label':16} {'split':5} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}",
        ]
        out += [
            f"{r['label']:16} {r['split']:5} {r['tp']:4} {r['fp']:4} {r['fn']:4} "
            f"{fmt(r['precision'])} {fmt(r['recall'])} {fmt(r['f1'])}"
            for r in self.results
        ]
        out += ["", "classifiers alone (cross-fitted P(class) per sentence, every sentence)"]
        out += [
            f"{r['classifier']:7} @{r['threshold']:<5} {r['split']:5} {r['tp']:4} {r['fp']:4} "
            f"{r['fn']:4} {fmt(r['precision'])} {fmt(r['recall'])} {fmt(r['f1'])}"
            for r in self.classifiers
        ]
        return "\n".join(out)


def _classifier_rows(
    name: str,
    label: str,
    scorers: dict[str, Scorer],
    threshold: float,
    docs: list[dict[str, str]],
    rows: dict[str, list[dict[str, str]]],
) -> list[Row]:
    probas: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for d in docs:
        ps = scorers[d["doc_id"]]([r["text"] for r in rows[d["doc_id"]]])
        ys = [label in ls for ls in labels_of(rows[d["doc_id"]])]
        for split in (d["split"], "all"):
            probas[split].extend(zip(ps, ys, strict=True))
    out = []
    for split in SPLITS:
        for t in (0.5, threshold):
            c = Counts()
            for p, y in probas[split]:
                c.add(y, p >= t)
            out.append({"classifier": name, "split": split, "threshold": t, **c.row()})
    return out


def evaluate(labeled: Path = LABELED, *, errors: str = "none") -> Evaluation:
    """Score the text detectors on the labeled set; ``errors`` ("none", "dev", "all") collects
    the false positives and negatives of that split for reading."""
    docs, rows = load(labeled)
    groups = fold_groups(docs, rows)
    texts = {d["doc_id"]: [r["text"] for r in rows[d["doc_id"]]] for d in docs}
    labels = {d["doc_id"]: labels_of(rows[d["doc_id"]]) for d in docs}
    # the filler classifier trains on sentences, not on TOC entries (filler_model.structural)
    filler_train = {
        k: [(t, "filler" in ls) for t, ls in zip(texts[k], v, strict=True)]
        for k, v in labels.items()
    }
    filler_train = {k: [x for x in v if not structural(*x)] for k, v in filler_train.items()}
    filler_scorers = cross_fitted_scorers(
        {k: [t for t, _ in v] for k, v in filler_train.items()},
        {k: [y for _, y in v] for k, v in filler_train.items()},
        groups,
    )
    promo_scorers = cross_fitted_scorers(
        texts,
        {k: ["promo" in ls for ls in v] for k, v in labels.items()},
        groups,
        written=load_labeled(),
    )
    result = score_documents(
        docs,
        rows,
        promo_scorers,
        filler_scorers,
        stuffed={
            k: sum("stuffing" in ls for ls in v) >= STUFFED_MIN_SENTENCES for k, v in labels.items()
        },
        errors=errors,
    )
    result.classifiers = _classifier_rows(
        "promo", "promo", promo_scorers, PROMO_THRESHOLD, docs, rows
    ) + _classifier_rows("filler", "filler", filler_scorers, FILLER_THRESHOLD, docs, rows)
    return result


def score_documents(
    docs: list[dict[str, str]],
    rows: dict[str, list[dict[str, str]]],
    promo_scorers: dict[str, Scorer],
    filler_scorers: dict[str, Scorer],
    *,
    stuffed: dict[str, bool],
    errors: str = "none",
    findings_out: dict[str, list[Finding]] | None = None,
    verifiers: dict[str, Verifiers] | None = None,
) -> Evaluation:
    """Run the text detectors on every document with its own (cross-fitted) scorers and count
    sentence-level hits per label and the post-level stuffing judgment (``stuffed``) per split.
    ``findings_out``, when given, receives each document's findings (for false-alarm rates)."""
    labels = {d["doc_id"]: labels_of(rows[d["doc_id"]]) for d in docs}
    config = DetectorsConfig()
    counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    no_evidence = 0
    shown: list[str] = []
    t0 = time.perf_counter()
    for d in docs:
        text, drows, dlabels = d["text"], rows[d["doc_id"]], labels[d["doc_id"]]
        found = text_findings(
            text,
            title=d["title"] or None,
            config=config,
            scorer=promo_scorers[d["doc_id"]],
            filler_scorer=filler_scorers[d["doc_id"]],
            brand=brand_keys(d.get("url")),
            verifiers=verifiers[d["doc_id"]] if verifiers else Verifiers(),
        )
        if findings_out is not None:
            findings_out[d["doc_id"]] = found
        no_evidence += sum(
            1
            for f in found
            if not f.evidence.strip() or (f.start >= 0 and text[f.start : f.end] != f.evidence)
        )
        show = errors == "all" or (errors == "dev" and d["split"] == "dev")
        for label, (kind, detector) in SENTENCE_KINDS.items():
            chosen = [f for f in found if f.kind == kind and detector in (None, f.detector)]
            for r, ls in zip(drows, dlabels, strict=True):
                s, e = int(r["start"]), int(r["end"])
                truth, pred = label in ls, any(_overlaps(f, s, e) for f in chosen)
                for split in (d["split"], "all"):
                    counts[(label, split)].add(truth, pred)
                if show and truth != pred:
                    shown.append(
                        f"{'FP' if pred else 'FN'} {label:15} {d['doc_id']}#{r['n']}: "
                        f"{r['text'][:110]!r}"
                    )
        is_stuffed = stuffed[d["doc_id"]]
        flagged = any(f.kind == "keyword_stuffing" for f in found)
        for split in (d["split"], "all"):
            counts[("stuffing (post)", split)].add(is_stuffed, flagged)
        if show and is_stuffed != flagged:
            phrases = [f.extra.get("phrase") for f in found if f.kind == "keyword_stuffing"]
            shown.append(f"{'FP' if flagged else 'FN'} stuffing (post)  {d['doc_id']} {phrases}")
    n_sent = {
        s: sum(len(rows[d["doc_id"]]) for d in docs if s in (d["split"], "all")) for s in SPLITS
    }
    result = Evaluation(len(docs), n_sent, no_evidence, time.perf_counter() - t0, errors=shown)
    for label in (*SENTENCE_KINDS, "stuffing (post)"):
        for split in SPLITS:
            result.results.append({"label": label, "split": split, **counts[(label, split)].row()})
    return result
