"""Topics benchmark: quality on the labeled corpus beside a baseline given the true k, topic-id
stability across runs, cannibalization pairs, and fit time / memory on 10,000 posts.

    .venv/bin/python benchmarks/topics/run.py [--seeds 0 1 2 3 4] [--sizes 10000]
        [--out benchmarks/topics/results.json]

Every number is a median over ``--seeds`` (random_state of both methods). NMI and ARI count
outliers (-1) as one more class: an outlier is a post the method refused to place, and it costs.
Timings run in a fresh process per (method, size) so peak RSS is that fit's alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import corpus as corpus_mod  # noqa: E402

from pipeline.topics import TopicModel, cluster_texts  # noqa: E402
from pipeline.topics.cannibalization import (  # noqa: E402
    PairScorer,
    competing_pairs,
    pair_inputs,
)
from pipeline.topics.evaluate import (  # noqa: E402
    baseline,
    evaluate,
    format_table,
    score,
)
from pipeline.topics.stable import assign_ids  # noqa: E402


def quality(posts: list[corpus_mod.Post], seeds: list[int]) -> dict[str, object]:
    """``content-audit eval-topics`` on the corpus: the three methods, medians over seeds."""
    texts = [p.document for p in posts]
    truth = [p.topic for p in posts]
    results = evaluate(texts, truth, seeds)
    print(format_table(len(set(truth)), results), flush=True)
    return {
        "posts": len(posts),
        "true_k": len(set(truth)),
        **{
            name: {**asdict(median), "per_seed": [asdict(r) for r in runs]}
            for name, (median, runs) in results.items()
        },
    }


def k_selection(
    posts: list[corpus_mod.Post], seeds: list[int], max_k: int = 12
) -> dict[str, object]:
    """The k each criterion picks over 2..max_k: the plain mean silhouette on raw TF-IDF (cosine)
    and on the LSA vectors, and ours (size-penalized silhouette on LSA, ``cluster.choose_k``)."""
    from sklearn.metrics import silhouette_score

    from pipeline.topics.cluster import choose_k, kmeans
    from pipeline.topics.vectorize import LsaEmbedding, tfidf_vectorizer

    texts = [p.document for p in posts]
    tfidf = tfidf_vectorizer(len(texts)).fit_transform(texts)
    out: dict[str, list[int]] = {"silhouette_raw_tfidf": [], "silhouette_lsa": [], "ours": []}
    for rs in seeds:
        x = LsaEmbedding(rs).fit_transform(tfidf)
        raw, lsa = {}, {}
        for k in range(2, max_k + 1):
            labels = kmeans(x, k, rs, tfidf)[0]
            lsa[k] = silhouette_score(x, labels)
            with threadpool_limits(limits=1, user_api="openmp"):
                raw_labels = KMeans(n_clusters=k, n_init=10, random_state=rs).fit_predict(tfidf)
            raw[k] = silhouette_score(tfidf, raw_labels, metric="cosine")
        out["silhouette_raw_tfidf"].append(max(raw, key=raw.__getitem__))
        out["silhouette_lsa"].append(max(lsa, key=lsa.__getitem__))
        out["ours"].append(choose_k(x, max_k, rs, tfidf)[0])
    print(
        "k chosen (true 8) per seed: " + ", ".join(f"{m} {v}" for m, v in out.items()), flush=True
    )
    return out


def stability(posts: list[corpus_mod.Post], seeds: list[int]) -> dict[str, float]:
    """Two runs on two different 80 % samples (seeded): of the posts in both, the share whose
    topic id is the same in both runs; and assign-only: the share of posts run 1 never saw
    that its model puts in the topic whose majority label is theirs."""
    kept, assigned = [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        n = len(posts)
        a = sorted(rng.choice(n, int(0.8 * n), replace=False).tolist())
        b = sorted(rng.choice(n, int(0.8 * n), replace=False).tolist())
        m1 = TopicModel(random_state=seed).fit([posts[i].document for i in a])
        ids1 = assign_ids(m1.term_centroids_, {}, 0)
        m2 = TopicModel(random_state=seed).fit([posts[i].document for i in b])
        previous = dict(zip(ids1.ids, m1.term_centroids_, strict=True))
        ids2 = assign_ids(m2.term_centroids_, previous, ids1.next_id)
        id1 = {i: (ids1.ids[t] if t >= 0 else -1) for i, t in zip(a, m1.labels_, strict=True)}
        id2 = {i: (ids2.ids[t] if t >= 0 else -1) for i, t in zip(b, m2.labels_, strict=True)}
        both = [i for i in a if i in id2 and id1[i] >= 0 and id2[i] >= 0]
        kept.append(sum(id1[i] == id2[i] for i in both) / max(len(both), 1))
        majority = {
            t: Counter(posts[i].topic for i in a if id1[i] == t).most_common(1)[0][0]
            for t in set(id1.values())
            if t >= 0
        }
        unseen = [i for i in range(n) if i not in id1]
        labels, _, _ = m1.predict([posts[i].document for i in unseen])
        hits = [
            labels[j] >= 0 and majority.get(ids1.ids[labels[j]]) == posts[i].topic
            for j, i in enumerate(unseen)
        ]
        assigned.append(sum(hits) / max(len(hits), 1))
    result = {
        "same_id_share": statistics.median(kept),
        "assign_only_accuracy": statistics.median(assigned),
    }
    print(
        f"stability: same id for {result['same_id_share']:.3f} of shared posts; assign-only "
        f"accuracy {result['assign_only_accuracy']:.3f}",
        flush=True,
    )
    return result


def _truth_pairs(posts: list[corpus_mod.Post]) -> set[tuple[int, int]]:
    by_intent: dict[str, list[int]] = {}
    for i, p in enumerate(posts):
        if p.intent:
            by_intent.setdefault(p.intent, []).append(i)
    return {(a, b) for members in by_intent.values() for a in members for b in members if a < b}


def cannibalization(posts: list[corpus_mod.Post], random_state: int = 0) -> dict[str, object]:
    """P/R of competing pairs against the written intent pairs, with the shipped scorer (fitted
    on real article pairs, ``title_pairs/``), by half of the topics (``tune``: 0, 2, 4, 6, where
    the rule of issue 8 was chosen; ``held_out``: 1, 3, 5, 7), and over scorer thresholds."""
    model = TopicModel(random_state=random_state).fit([p.document for p in posts])
    assert model.vectorizer_ is not None
    inputs = pair_inputs(model, [p.title for p in posts], [p.document for p in posts])
    groups = [(p.site, int(t)) for p, t in zip(posts, model.labels_, strict=True)]
    truth = _truth_pairs(posts)
    halves = {"tune": set(corpus_mod.TOPICS[0::2]), "held_out": set(corpus_mod.TOPICS[1::2])}

    def prf(found: set[tuple[int, int]], half: set[str]) -> dict[str, float]:
        f = {pr for pr in found if posts[pr[0]].topic in half}
        t = {pr for pr in truth if posts[pr[0]].topic in half}
        tp = len(f & t)
        p = tp / len(f) if f else 0.0
        r = tp / len(t) if t else 0.0
        return {
            "tp": tp,
            "fp": len(f - t),
            "fn": len(t - f),
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
        }

    shipped = {(pr.a, pr.b) for pr in competing_pairs(inputs, groups)}
    by_half = {h: prf(shipped, s) for h, s in halves.items()}
    for h, r in by_half.items():
        print(
            f"cannibalization {h:8s} P {r['precision']:.3f} R {r['recall']:.3f} "
            f"F1 {r['f1']:.3f} (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})",
            flush=True,
        )
    grid = []
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        scorer = PairScorer(threshold=threshold)
        found = {(pr.a, pr.b) for pr in competing_pairs(inputs, groups, scorer)}
        grid.append({"threshold": threshold, **{h: prf(found, s)["f1"] for h, s in halves.items()}})
    return {**by_half, "grid": grid}


def worker(method: str, n: int, seed: int) -> None:
    posts = corpus_mod.synthetic(corpus_mod.load(), n, seed)
    texts = [p.document for p in posts]
    truth = [p.topic for p in posts]
    t0 = time.perf_counter()
    if method == "baseline":
        labels = baseline(texts, len(set(truth)), seed)
    elif method == "given":  # content-audit told the true k: what automatic k is compared to
        labels = cluster_texts(texts, len(set(truth)), seed)
    else:
        labels = cluster_texts(texts, None, seed)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = asdict(score(truth, labels, elapsed))
    print(json.dumps({**result, "peak_rss_mb": peak_mb}))


def scale(sizes: list[int], seeds: list[int]) -> dict[str, object]:
    out: dict[str, object] = {}
    for n in sizes:
        for method in ("ours", "given", "baseline"):
            runs = []
            for seed in seeds:
                proc = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--worker",
                        method,
                        "--n",
                        str(n),
                        "--seed",
                        str(seed),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            out[f"{method}_{n}"] = {**m, "per_seed": runs}
            if method == "given":
                auto = out[f"ours_{n}"]
                out[f"auto_over_given_{n}"] = statistics.median(
                    a["fit_s"] / g["fit_s"] for a, g in zip(auto["per_seed"], runs, strict=True)
                )
            print(
                f"{method:8s} n={n}: fit {m['fit_s']:.1f}s, peak RSS {m['peak_rss_mb']:.0f} MB, "
                f"k={m['topics']}, NMI {m['nmi']:.3f}",
                flush=True,
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10000])
    ap.add_argument("--scale-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--worker", choices=["ours", "given", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=10000, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.seed)
        return
    posts = corpus_mod.load()
    print(
        f"corpus: {len(posts)} posts, {len({p.topic for p in posts})} topics, "
        f"{dict(Counter(p.source for p in posts))}",
        flush=True,
    )
    results = {
        "quality": quality(posts, args.seeds),
        "k_selection": k_selection(posts, args.seeds),
        "stability": stability(posts, args.seeds),
        "cannibalization": cannibalization(posts),
        "scale": scale(args.sizes, args.scale_seeds),
    }
    args.out.write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
