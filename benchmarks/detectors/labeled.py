"""Detectors on the hand-labeled sentence set (issue 7, "Measured targets", set 1).

    .venv/bin/python benchmarks/detectors/labeled.py [--out labeled-results.json] [--errors dev]

The set (``labeled/``, built by ``labeled/build.py``, labeled by ``labeled/GUIDE.md``): every
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

The seo_filler classifier is cross-fitted: the documents are split into ``FOLDS`` groups and the
model used on a document is trained without that document's group (plus the written training
sentences), so no figure here is on the classifier's training data. Figures are printed for the
``dev`` split (seeds, demo posts and half the extraction-dev pages: detector revisions looked at
these errors), the ``test`` split (the other extraction-dev pages, never inspected) and ``all``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pipeline.audit.core import text_findings  # noqa: E402
from pipeline.audit.filler_model import cross_fitted_scorers  # noqa: E402
from pipeline.audit.promo_model import promo_probabilities  # noqa: E402
from pipeline.config import DetectorsConfig  # noqa: E402
from pipeline.records import Finding  # noqa: E402

LABELED = HERE / "labeled"
FOLDS = 5
# label -> how a finding is selected for it
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


def load() -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    docs = [json.loads(line) for line in (LABELED / "docs.jsonl").open(encoding="utf-8")]
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (LABELED / "sentences.csv").open(encoding="utf-8", newline="") as fh:
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "labeled-results.json")
    ap.add_argument(
        "--errors",
        choices=("none", "dev", "all"),
        default="none",
        help="print false positives / negatives of this split (never 'test' alone)",
    )
    args = ap.parse_args()
    docs, rows = load()
    groups = fold_groups(docs, rows)
    scorers = cross_fitted_scorers(
        {d["doc_id"]: [r["text"] for r in rows[d["doc_id"]]] for d in docs},
        {d["doc_id"]: ["filler" in ls for ls in labels_of(rows[d["doc_id"]])] for d in docs},
        groups,
    )
    config = DetectorsConfig()
    counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    no_evidence = 0
    errors: list[str] = []
    t0 = time.perf_counter()
    for d in docs:
        text, drows = d["text"], rows[d["doc_id"]]
        found = text_findings(
            text,
            title=d["title"] or None,
            config=config,
            scorer=promo_probabilities,
            filler_scorer=scorers[d["doc_id"]],
        )
        no_evidence += sum(
            1
            for f in found
            if not f.evidence.strip() or (f.start >= 0 and text[f.start : f.end] != f.evidence)
        )
        labels = labels_of(drows)
        show = args.errors == "all" or (args.errors == "dev" and d["split"] == "dev")
        for label, (kind, detector) in SENTENCE_KINDS.items():
            chosen = [f for f in found if f.kind == kind and detector in (None, f.detector)]
            for r, ls in zip(drows, labels, strict=True):
                s, e = int(r["start"]), int(r["end"])
                truth, pred = label in ls, any(_overlaps(f, s, e) for f in chosen)
                for split in (d["split"], "all"):
                    counts[(label, split)].add(truth, pred)
                if show and truth != pred:
                    errors.append(
                        f"{'FP' if pred else 'FN'} {label:15} {d['doc_id']}#{r['n']}: "
                        f"{r['text'][:110]!r}"
                    )
        stuffed = sum("stuffing" in ls for ls in labels) >= STUFFED_MIN_SENTENCES
        flagged = any(f.kind == "keyword_stuffing" for f in found)
        for split in (d["split"], "all"):
            counts[("stuffing (post)", split)].add(stuffed, flagged)
        if show and stuffed != flagged:
            phrases = [f.extra.get("phrase") for f in found if f.kind == "keyword_stuffing"]
            errors.append(f"{'FP' if flagged else 'FN'} stuffing (post)  {d['doc_id']} {phrases}")
    elapsed = time.perf_counter() - t0
    n_sent = {
        s: sum(len(rows[d["doc_id"]]) for d in docs if s in (d["split"], "all")) for s in SPLITS
    }
    print(
        f"{len(docs)} documents, {n_sent['all']} sentences (dev {n_sent['dev']}, "
        f"test {n_sent['test']}); audited in {elapsed:.1f} s; "
        f"findings without evidence: {no_evidence}\n"
    )
    header = f"{'label':16} {'split':5} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}"
    print(header)
    table = []
    for label in (*SENTENCE_KINDS, "stuffing (post)"):
        for split in SPLITS:
            row = counts[(label, split)].row()
            table.append({"label": label, "split": split, **row})

            def fmt(x: object) -> str:
                return f"{x:6.3f}" if isinstance(x, float) else f"{'-':>6}"

            print(
                f"{label:16} {split:5} {row['tp']:4} {row['fp']:4} {row['fn']:4} "
                f"{fmt(row['precision'])} {fmt(row['recall'])} {fmt(row['f1'])}"
            )
    for line in errors:
        print(line)
    args.out.write_text(
        json.dumps(
            {
                "documents": len(docs),
                "sentences": n_sent,
                "findings_without_evidence": no_evidence,
                "folds": FOLDS,
                "results": table,
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
