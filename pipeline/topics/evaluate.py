"""Topic quality on a labeled corpus: NMI, ARI and topics found, beside a baseline given the true k.

``content-audit eval-topics CORPUS.jsonl`` (one ``{"text": ..., "label": ...}`` per line) prints,
as medians over random states:

* ``baseline (true k)``: TF-IDF (sublinear tf, English stop words, min_df 2, max_df 0.5), LSA to
  100 components, L2-normalized, KMeans(k = the number of labels, n_init 10): the scikit-learn
  "clustering text documents" recipe, a strong baseline when it is handed the answer's k;
* ``content-audit (auto k)``: :func:`cluster_texts` with ``k=None``;
* ``content-audit (true k)``: :func:`cluster_texts` given the true k.

NMI (arithmetic normalization) and ARI count outliers (-1) as one more class: a post the model
refused to place costs like a misplaced one. ``benchmarks/topics`` adds stability, cannibalization
and 10,000-post timings on top of this.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from pipeline.topics.model import cluster_texts

BASELINE_COMPONENTS = 100


def baseline(texts: Sequence[str], k: int, random_state: int = 0) -> list[int]:
    """TF-IDF + LSA(100) + KMeans given ``k`` (module docstring)."""
    tfidf = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=2, max_df=0.5
    ).fit_transform(texts)
    n_components = min(BASELINE_COMPONENTS, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    svd = TruncatedSVD(n_components, random_state=random_state)
    x = normalize(svd.fit_transform(tfidf))
    with threadpool_limits(limits=1, user_api="openmp"):
        labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(x)
    return [int(v) for v in labels]


@dataclass(frozen=True, slots=True)
class Score:
    nmi: float
    ari: float
    topics: int  # distinct labels other than -1
    outlier_share: float
    fit_s: float


def score(truth: Sequence[str], labels: Sequence[int], fit_s: float = 0.0) -> Score:
    return Score(
        nmi=float(normalized_mutual_info_score(truth, labels)),
        ari=float(adjusted_rand_score(truth, labels)),
        topics=len({v for v in labels if v >= 0}),
        outlier_share=sum(v < 0 for v in labels) / max(len(labels), 1),
        fit_s=fit_s,
    )


def median_score(scores: Sequence[Score]) -> Score:
    return Score(
        nmi=statistics.median(s.nmi for s in scores),
        ari=statistics.median(s.ari for s in scores),
        topics=int(statistics.median(s.topics for s in scores)),
        outlier_share=statistics.median(s.outlier_share for s in scores),
        fit_s=statistics.median(s.fit_s for s in scores),
    )


Method = Callable[[Sequence[str], int, int], list[int]]
METHODS: dict[str, Method] = {
    "baseline (true k)": baseline,
    "content-audit (auto k)": lambda texts, _k, rs: cluster_texts(list(texts), None, rs),
    "content-audit (true k)": lambda texts, k, rs: cluster_texts(list(texts), k, rs),
}


def evaluate(
    texts: Sequence[str], truth: Sequence[str], random_states: Sequence[int] = (0, 1, 2)
) -> dict[str, tuple[Score, list[Score]]]:
    """Per method: the median score over ``random_states`` and the per-state scores."""
    k = len(set(truth))
    out = {}
    for name, method in METHODS.items():
        runs = []
        for rs in random_states:
            started = time.perf_counter()
            labels = method(texts, k, rs)
            runs.append(score(truth, labels, time.perf_counter() - started))
        out[name] = (median_score(runs), runs)
    return out


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    """``text`` and ``label`` of every line of a JSON-lines corpus."""
    texts, labels = [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                texts.append(str(row["text"]))
                labels.append(str(row["label"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(
                    f'{path}:{number}: expected {{"text": ..., "label": ...}} ({exc})'
                ) from exc
    return texts, labels


def format_table(k: int, results: dict[str, tuple[Score, list[Score]]]) -> str:
    rows = [f"{'method':24s} {'NMI':>6s} {'ARI':>6s} {'topics':>6s} {'outl.':>6s} {'fit s':>6s}"]
    for name, (s, _) in results.items():
        rows.append(
            f"{name:24s} {s.nmi:6.3f} {s.ari:6.3f} {s.topics:6d} {s.outlier_share:6.3f} "
            f"{s.fit_s:6.1f}"
        )
    auto = results["content-audit (auto k)"][0]
    given = results["content-audit (true k)"][0]
    base = results["baseline (true k)"][0]
    rows.append(
        f"true k = {k}; auto k found {auto.topics} ({auto.topics / k - 1:+.0%}); "
        f"NMI auto / baseline = {auto.nmi / base.nmi:.3f}, true k / baseline = "
        f"{given.nmi / base.nmi:.3f}"
    )
    return "\n".join(rows)
