"""Does a linear-chain CRF over the block classifier's scores improve main-text F1?

Nested, domain-grouped CV on the tuning part (never the untouched slice):
  outer: pipeline.extract.crossval.site_folds, 5 folds (the project's CV split)
  inner: site_folds over the outer fold's training pages, n_splits=4 -> out-of-fold (OOF)
         classifier scores for every training page
  final: classifier fitted on all the outer fold's training pages scores its test pages
  CRF:   trained on the training pages' block sequences (labels = DevPage.labels) with features
         built from their OOF scores; c1/c2 chosen per variant among 3 a-priori settings by an
         inner 4-fold CRF CV on those same training pages (grouped by the same inner folds).
  test:  CRF marginal P(main) per block -> decide_main (variants: marginal, max(score, marg),
         mean(score, marg)); baseline = outer classifier scores -> decide_main.

Run (python-crfsuite is not a dependency of the project: install it aside first):
  .tools/bin/uv pip install --target /tmp/crf_exp/site python-crfsuite==0.9.12
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=/tmp/crf_exp/site:. \
      .venv/bin/python benchmarks/extraction/sequence_crf.py
Result of 2026-12-06 (75 min on one core): README.md of this directory, "A CRF over the scores".
Writes /tmp/crf_exp/results.json; classifier scores cached per outer fold in
/tmp/crf_exp/scores_fold{k}.pkl; parsed pages in /tmp/crf_exp/pages.pkl (cache_pages.py).
"""

from __future__ import annotations

import json
import math
import pickle
import sys
import time
from pathlib import Path

import pycrfsuite

from pipeline.extract.crossval import site_folds
from pipeline.extract.devsets import DEFAULT_DIRS, PageSet
from pipeline.extract.evaluate import score_predictions
from pipeline.extract.text import assemble_text, decide_main
from pipeline.extract.train import DevPage, fit_pages

OUT = Path("/tmp/crf_exp")
SETTINGS = [  # fixed a priori; chosen among per variant by the inner folds
    {"c1": 0.0, "c2": 1.0},  # crfsuite's default: L2 only
    {"c1": 0.1, "c2": 0.1},  # light elastic net
    {"c1": 1.0, "c2": 0.01},  # mostly L1 (sparse)
]
MAX_ITER = 150
VARIANTS = ("marginal", "max", "mean")
T0 = time.time()


def log(*a: object) -> None:
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True)


# ---------------------------------------------------------------- CRF features
def _bin(s: float) -> int:
    return min(int(s * 10), 9)


def crf_features(page: DevPage, scores: list[float]) -> list[dict[str, float]]:
    blocks = page.blocks
    n = len(blocks)
    out = []
    for i, b in enumerate(blocks):
        s = scores[i]
        f: dict[str, float] = {
            "bias": 1.0,
            "score": s,
            f"bin={_bin(s)}": 1.0,
            f"tag={b.tag}": 1.0,
            f"wbin={min(int(math.log2(b.word_count + 1)), 9)}": 1.0,
            f"ldbin={min(int(b.link_density * 5), 4)}": 1.0,
        }
        if b.heading_level > 0:
            f["heading"] = 1.0
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if not 0 <= j < n:
                f[f"{side}=edge"] = 1.0
                continue
            o = blocks[j]
            nb = _bin(scores[j])
            f[f"{side}_bin={nb}"] = 1.0
            sp = o.parent_key == b.parent_key
            st = o.tag_path == b.tag_path
            if sp:
                f[f"{side}_same_parent"] = 1.0
                # a neighbour's score says more about a sibling than about a stranger
                f[f"{side}_same_parent&bin={nb}"] = 1.0
            if st:
                f[f"{side}_same_path"] = 1.0
        out.append(f)
    return out


def train_crf(xs: list[list[dict]], ys: list[list[int]], setting: dict, path: Path) -> None:
    tr = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for x, y in zip(xs, ys, strict=False):
        if x:
            tr.append(x, [str(v) for v in y])
    tr.set_params({**setting, "max_iterations": MAX_ITER, "feature.possible_transitions": True})
    tr.train(str(path))


def crf_marginals(path: Path, xs: dict[str, list[dict]]) -> dict[str, list[float]]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    out = {}
    for pid, x in xs.items():
        if not x:
            out[pid] = []
            continue
        tagger.set(x)
        out[pid] = [tagger.marginal("1", i) for i in range(len(x))]
    tagger.close()
    return out


# ---------------------------------------------------------------- decisions
def page_text(page: DevPage, scores: list[float]) -> str:
    if not page.blocks:
        return ""
    keep = decide_main(page.blocks, scores)
    return assemble_text([b for b, k in zip(page.blocks, keep, strict=True) if k])


def combine(variant: str, s: list[float], m: list[float]) -> list[float]:
    if variant == "marginal":
        return list(m)
    if variant == "max":
        return [max(a, b) for a, b in zip(s, m, strict=False)]
    return [(a + b) / 2 for a, b in zip(s, m, strict=False)]


def summary(texts: dict[str, str], truth: dict) -> dict:
    r = score_predictions(texts, truth)
    o, a = r["overall"], r["by_page_type"].get("article", {})
    return {
        "f1": o["f1"],
        "precision": o["precision"],
        "recall": o["recall"],
        "with": o["with_coverage"],
        "without": o["without_leak"],
        "pages": int(o["pages"]),
        "article_f1": a.get("f1"),
        "article_without": a.get("without_leak"),
        "article_pages": int(a.get("pages", 0)),
        "page_f1": r["page_f1"],
    }


# ---------------------------------------------------------------- classifier scores
def fold_scores(k: int, pages: dict[str, DevPage], urls: dict, train_ids, test_ids) -> dict:
    cache = OUT / f"scores_fold{k}.pkl"
    if cache.exists():
        data = pickle.loads(cache.read_bytes())
        if data["train_ids"] == train_ids and data["test_ids"] == test_ids:
            log(f"fold {k}: classifier scores from cache")
            return data
    inner = site_folds({i: urls[i] for i in train_ids}, n_splits=4)
    oof: dict[str, list[float]] = {}
    for j, (itr, ite) in enumerate(inner):
        assert not set(itr) & set(ite) and not set(itr) & set(test_ids)
        m = fit_pages([pages[i] for i in itr], random_state=0)
        for i in ite:
            oof[i] = [float(s) for s in m.main_scores(pages[i].features)]
        log(f"fold {k}: inner {j + 1}/4 fitted ({len(itr)} train, {len(ite)} test)")
    assert set(oof) == set(train_ids)
    m = fit_pages([pages[i] for i in train_ids], random_state=0)
    test = {i: [float(s) for s in m.main_scores(pages[i].features)] for i in test_ids}
    log(f"fold {k}: outer classifier fitted")
    data = {"train_ids": train_ids, "test_ids": test_ids, "inner": inner, "oof": oof, "test": test}
    cache.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return data


def main() -> int:
    only = [int(a) for a in sys.argv[1:]]  # optional: subset of outer folds
    ps = PageSet.of(DEFAULT_DIRS)
    truth = ps.truth
    tuning = ps.tuning_ids()
    pages = {p.page_id: p for p in pickle.loads((OUT / "pages.pkl").read_bytes())}
    assert set(pages) == set(tuning)
    urls = {i: ps.url(i) for i in tuning}
    outer = site_folds(urls)
    res_path = OUT / "results.json"
    results = json.loads(res_path.read_text()) if res_path.exists() else {"folds": {}}
    for k, (train_ids, test_ids) in enumerate(outer):
        if only and k not in only:
            continue
        if str(k) in results["folds"]:
            log(f"fold {k}: done already")
            continue
        tf = time.time()
        assert not set(train_ids) & set(test_ids)
        d = fold_scores(k, pages, urls, train_ids, test_ids)
        oof, test, inner = d["oof"], d["test"], d["inner"]
        xs_train = {i: crf_features(pages[i], oof[i]) for i in train_ids}
        xs_test = {i: crf_features(pages[i], test[i]) for i in test_ids}

        # inner CRF CV: choose c1/c2 per variant on the training pages only
        inner_texts = {v: [dict() for _ in SETTINGS] for v in VARIANTS}
        inner_base = {i: page_text(pages[i], oof[i]) for i in train_ids}
        for j, (itr, ite) in enumerate(inner):
            for si, st in enumerate(SETTINGS):
                mp = OUT / f"crf_f{k}_i{j}_s{si}.crfsuite"
                train_crf([xs_train[i] for i in itr], [pages[i].labels for i in itr], st, mp)
                marg = crf_marginals(mp, {i: xs_train[i] for i in ite})
                mp.unlink()
                for v in VARIANTS:
                    for i in ite:
                        inner_texts[v][si][i] = page_text(pages[i], combine(v, oof[i], marg[i]))
            log(f"fold {k}: inner CRF {j + 1}/4 done")
        inner_summary = {
            "baseline": {x: y for x, y in summary(inner_base, truth).items() if x != "page_f1"}
        }
        chosen = {}
        for v in VARIANTS:
            f1s = []
            for si in range(len(SETTINGS)):
                s = summary(inner_texts[v][si], truth)
                s.pop("page_f1")
                inner_summary[f"{v}/s{si}"] = s
                f1s.append(s["f1"])
            chosen[v] = max(range(len(SETTINGS)), key=f1s.__getitem__)
        log(
            f"fold {k}: inner choice {chosen}; inner F1 base "
            f"{inner_summary['baseline']['f1']:.4f} "
            + " ".join(
                f"{key}={s['f1']:.4f}" for key, s in inner_summary.items() if key != "baseline"
            )
        )

        # outer: CRFs on all training pages (every setting, so the fixed-setting table exists)
        texts = {"baseline": {i: page_text(pages[i], test[i]) for i in test_ids}}
        for si, st in enumerate(SETTINGS):
            mp = OUT / f"crf_f{k}_s{si}.crfsuite"
            train_crf(
                [xs_train[i] for i in train_ids], [pages[i].labels for i in train_ids], st, mp
            )
            marg = crf_marginals(mp, xs_test)
            for v in VARIANTS:
                texts[f"{v}/s{si}"] = {
                    i: page_text(pages[i], combine(v, test[i], marg[i])) for i in test_ids
                }
        for v in VARIANTS:
            texts[f"{v}/inner-chosen"] = texts[f"{v}/s{chosen[v]}"]
        results["folds"][str(k)] = {
            "train_pages": len(train_ids),
            "test_pages": len(test_ids),
            "chosen": {v: SETTINGS[c] for v, c in chosen.items()},
            "inner": inner_summary,
            "texts": texts,
            "seconds": round(time.time() - tf, 1),
        }
        res_path.write_text(json.dumps(results))
        fold_sum = {key: summary(t, truth)["f1"] for key, t in texts.items()}
        log(
            f"fold {k} done in {time.time() - tf:.0f}s: "
            + " ".join(f"{key}={f:.4f}" for key, f in fold_sum.items())
        )

    # pooled over the finished folds (same pages for every variant)
    done = sorted(results["folds"])
    keys = list(results["folds"][done[0]]["texts"]) if done else []
    pooled = {}
    for key in keys:
        t = {i: x for k in done for i, x in results["folds"][k]["texts"][key].items()}
        s = summary(t, truth)
        s.pop("page_f1")
        pooled[key] = s
    results["pooled"] = {
        "folds_done": done,
        "settings": SETTINGS,
        "max_iterations": MAX_ITER,
        "variants": pooled,
    }
    res_path.write_text(json.dumps(results))
    print(f"{'variant':24s} {'F1':>7s} {'artF1':>7s} {'without':>8s} {'with':>6s} pages")
    for key, s in pooled.items():
        print(
            f"{key:24s} {s['f1']:.4f} {s['article_f1']:.4f} {s['without']:.4f}"
            f" {s['with']:.3f} {s['pages']} ({s['article_pages']} art)"
        )
    log("total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
