"""Merge the labelers' files into the real-text set and report their agreement (issue 17).

    python benchmarks/detectors/real/merge.py

First pass (``labels/pass1_chunk*.{sentences,posts}.csv``, every document once) becomes the
set's labels: the ``labels`` column of ``sentences.csv`` and ``posts.csv`` (doc_id, stuffed,
phrase). The second, independent pass (``labels/pass2.*``, a fifth of the documents, read in
another order by another labeler) gives Cohen's kappa per label, sentence by sentence over the
doubly labeled documents, and for the post-level stuffing judgment (``agreement.json``).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

HERE = Path(__file__).resolve().parent
LABELS = ("promo", "banner", "filler", "unsourced_stat", "absolute_claim", "unsourced_quote",
          "chrome", "stuffing")  # fmt: skip


def _sentence_labels(paths: list[Path]) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                labels = {x.strip() for x in (r.get("labels") or "").split(";") if x.strip()}
                unknown = labels - set(LABELS)
                if unknown:
                    raise ValueError(f"{path}: unknown labels {sorted(unknown)} on {r}")
                out[(r["doc_id"].strip(), int(r["n"]))] |= labels
    return out


def _posts(paths: list[Path]) -> dict[str, tuple[bool, str]]:
    out = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                out[r["doc_id"].strip()] = (
                    r["stuffed"].strip().lower() == "yes",
                    (r.get("phrase") or "").strip(),
                )
    return out


def kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa (scikit-learn's); None when both passes gave one same answer throughout
    (kappa is undefined then)."""
    if len({v for pair in pairs for v in pair}) < 2:
        return None
    first, second = zip(*pairs, strict=True)
    return round(float(cohen_kappa_score(first, second)), 3)


def main() -> int:
    lab = HERE / "labels"
    first = _sentence_labels(sorted(lab.glob("pass1_chunk*.sentences.csv")))
    posts = _posts(sorted(lab.glob("pass1_chunk*.posts.csv")))
    docs = [json.loads(line) for line in (HERE / "docs.jsonl").open(encoding="utf-8")]
    missing = [d["doc_id"] for d in docs if d["doc_id"] not in posts]
    if missing:
        raise SystemExit(f"no first-pass post row for {len(missing)} documents, e.g. {missing[:5]}")
    path = HERE / "sentences.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    known = {(r["doc_id"], int(r["n"])) for r in rows}
    stray = sorted(set(first) - known)
    if stray:
        raise SystemExit(f"labels for sentences that do not exist: {stray[:5]}")
    for r in rows:
        r["labels"] = ";".join(sorted(first.get((r["doc_id"], int(r["n"])), set())))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with (HERE / "posts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["doc_id", "stuffed", "phrase"])
        for d in docs:
            stuffed, phrase = posts[d["doc_id"]]
            w.writerow([d["doc_id"], "yes" if stuffed else "no", phrase])

    second = _sentence_labels([lab / "pass2.sentences.csv"])
    second_posts = _posts([lab / "pass2.posts.csv"])
    double = set(second_posts)
    agreement: dict[str, object] = {"documents": len(double)}
    sentences = [(r["doc_id"], int(r["n"])) for r in rows if r["doc_id"] in double]
    agreement["sentences"] = len(sentences)
    for label in LABELS:
        pairs = [(label in first.get(k, set()), label in second.get(k, set())) for k in sentences]
        agreement[label] = {
            "kappa": kappa(pairs),
            "first": sum(a for a, _ in pairs),
            "second": sum(b for _, b in pairs),
            "both": sum(a and b for a, b in pairs),
        }
    pairs = [(posts[k][0], second_posts[k][0]) for k in sorted(double)]
    agreement["stuffed (post)"] = {
        "kappa": kappa(pairs),
        "first": sum(a for a, _ in pairs),
        "second": sum(b for _, b in pairs),
        "both": sum(a and b for a, b in pairs),
    }
    (HERE / "agreement.json").write_text(json.dumps(agreement, indent=2) + "\n")
    counts = {x: sum(x in v for v in first.values()) for x in LABELS}
    print(f"{len(docs)} documents, labels {counts}, stuffed posts "
          f"{sum(s for s, _ in posts.values())}")  # fmt: skip
    print(json.dumps(agreement, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
