"""Topics on several labeled corpora of real text (issue 19): automatic k, the two levels, cost.

    .venv/bin/python benchmarks/topics/corpora_run.py [--role tuning|aside|all]
        [--alternatives] [--out benchmarks/topics/corpora_results.json]

Per corpus (``corpora.py``; ``--role`` picks the part, ``aside`` runs are looks, counted in the
README), in one process, random state 0:

* ``baseline``: TF-IDF + LSA(100) + KMeans given the true k (``pipeline.topics.evaluate``);
* ``auto``: ``TopicModel()`` (k chosen, subtopics on): topics found, NMI of the broad level, and
  whether k is within 20 % of the true number of classes;
* ``given``: ``TopicModel(k=true k, subtopics=False)``; the cost ratio ``auto / given`` compares
  ``TopicModel(subtopics=False)`` to it (the broad level's automatic k against one fit told k);
* ``leaves``: on corpora labeled at two levels, NMI of the model's (topic, subtopic) pairs
  against the (broad, sub) labels, beside the baseline given the true number of leaves;
* with ``--alternatives``, the k each rule of ``k_criteria.py`` chooses and the NMI of the
  model's KMeans at that k.

NMI counts outliers (-1) as one more class, as everywhere in ``benchmarks/topics``. Timings move
with the machine's load; compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from corpora import Corpus, load_corpora  # noqa: E402
from k_criteria import RULES  # noqa: E402

from pipeline.topics.cluster import kmeans  # noqa: E402
from pipeline.topics.evaluate import baseline  # noqa: E402
from pipeline.topics.model import TopicModel  # noqa: E402
from pipeline.topics.vectorize import LsaEmbedding, tfidf_vectorizer  # noqa: E402

K_TOLERANCE = 0.2


def _nmi(truth: list[str], labels: Any) -> float:
    return round(float(normalized_mutual_info_score(truth, list(labels))), 4)


def _timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run_corpus(corpus: Corpus, alternatives: bool) -> dict[str, Any]:
    texts, truth, k_true = corpus.texts, corpus.labels, corpus.k
    base, base_s = _timed(lambda: baseline(texts, k_true))
    auto, auto_s = _timed(lambda: TopicModel().fit(texts))
    _, broad_s = _timed(lambda: TopicModel(subtopics=False).fit(texts))
    given, given_s = _timed(lambda: TopicModel(k=k_true, subtopics=False).fit(texts))
    row: dict[str, Any] = {
        "role": corpus.role,
        "texts": len(texts),
        "true_k": k_true,
        "baseline_nmi": _nmi(truth, base),
        "given_nmi": _nmi(truth, given.labels_),
        "auto_k": int(auto.k_),
        "auto_topics": len(set(auto.labels_.tolist()) - {-1}),
        "auto_nmi": _nmi(truth, auto.labels_),
        "auto_outlier_share": round(float(np.mean(auto.labels_ < 0)), 4),
        "k_within_20pct": abs(auto.k_ - k_true) <= K_TOLERANCE * k_true,
        "subtopics": int(sum(len(c) for c in auto.subcentroids_)),
        "split_topics": int(sum(len(c) > 0 for c in auto.subcentroids_)),
        "seconds": {"baseline": base_s, "auto": auto_s, "auto_broad": broad_s, "given": given_s},
        "auto_over_given": round(broad_s / given_s, 2),
    }
    row["auto_over_baseline_nmi"] = round(row["auto_nmi"] / max(row["baseline_nmi"], 1e-9), 3)
    row["given_over_baseline_nmi"] = round(row["given_nmi"] / max(row["baseline_nmi"], 1e-9), 3)
    if corpus.leaves:
        leaves = [f"{t}/{s}" for t, s in zip(auto.labels_, auto.sublabels_, strict=True)]
        n_leaves = len(set(corpus.leaves))
        row["leaves"] = {
            "true": n_leaves,
            "found": len(set(leaves)),
            "nmi": _nmi(corpus.leaves, leaves),
            "baseline_nmi": _nmi(corpus.leaves, baseline(texts, n_leaves)),
        }
    if alternatives:
        tfidf = tfidf_vectorizer(len(texts)).fit_transform(texts)
        x = LsaEmbedding(0).fit_transform(tfidf)
        row["alternatives"] = {}
        for name, rule in RULES.items():
            k, seconds = _timed(lambda rule=rule: rule(x))
            labels = kmeans(x, k, 0, tfidf)[0] if k > 1 else np.zeros(len(texts), int)
            row["alternatives"][name] = {"k": int(k), "nmi": _nmi(truth, labels), "s": seconds}
    return row


def print_table(results: dict[str, dict[str, Any]]) -> None:
    head = ("| corpus | part | texts | true k | baseline | given k | auto k | auto NMI | "
            "±20 % | NMI / baseline | auto / given time | subtopics |")  # fmt: skip
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name, r in results.items():
        print(
            f"| {name} | {r['role']} | {r['texts']} | {r['true_k']} | {r['baseline_nmi']:.3f} | "
            f"{r['given_nmi']:.3f} | {r['auto_k']} | {r['auto_nmi']:.3f} | "
            f"{'yes' if r['k_within_20pct'] else 'no'} | {r['auto_over_baseline_nmi']:.2f} | "
            f"{r['auto_over_given']:.1f}x | {r['subtopics']} in {r['split_topics']} |"
        )
    alt = [r for r in results.values() if "alternatives" in r]
    if alt:
        names = list(alt[0]["alternatives"])
        print("\n| corpus | true k | shipped | " + " | ".join(names) + " |")
        print("|" + "---|" * (len(names) + 3))
        for name, r in results.items():
            cells = [f"{a['k']} ({a['nmi']:.2f})" for a in r["alternatives"].values()]
            print(f"| {name} | {r['true_k']} | {r['auto_k']} ({r['auto_nmi']:.2f}) | "
                  + " | ".join(cells) + " |")  # fmt: skip
    leaves = {n: r["leaves"] for n, r in results.items() if "leaves" in r}
    if leaves:
        print("\n| corpus | leaves (true) | leaves found | leaf NMI | baseline, true leaves |")
        print("|---|---|---|---|---|")
        for name, lf in leaves.items():
            print(f"| {name} | {lf['true']} | {lf['found']} | {lf['nmi']:.3f} | "
                  f"{lf['baseline_nmi']:.3f} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--role", choices=["tuning", "aside", "all"], default="tuning")
    ap.add_argument("--alternatives", action="store_true")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    results = {}
    for corpus in load_corpora():
        if args.role in ("all", corpus.role):
            results[corpus.name] = run_corpus(corpus, args.alternatives)
            r = results[corpus.name]
            print(f"{corpus.name}: k {r['auto_k']} of {r['true_k']}, NMI {r['auto_nmi']:.3f} "
                  f"(baseline {r['baseline_nmi']:.3f})", flush=True)  # fmt: skip
    print_table(results)
    out = args.out or HERE / f"corpora_results_{args.role}.json"
    out.write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
