"""Main-content extraction benchmark: content-audit beside open extractors, same pages, same run.

Quality: the metric of ``pipeline.extract.evaluate`` (mean per-page F1 of word 4-gram shingles,
``with`` snippets found, ``without`` snippets leaked), overall and by ``page_type``.
content-audit's quality comes from 5-fold cross-validation grouped by site
(``pipeline.extract.crossval``), since its shipped model was trained on these very pages; the
baselines' from their default extraction. Speed and peak RSS: each extractor in its own process
(``worker.py``), content-audit with its shipped model through ``main_text``; with ``--repeat N``
the median pages/s of N runs. Metadata: title, author and date accuracy (``metadata_scores``).

Run: ``.venv/bin/python benchmarks/extraction/run.py [--dev-dir ../shared/data/extraction-dev]
[--limit N] [--repeat N] [--no-cache] [--out benchmarks/extraction/results.json]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pipeline.extract.crossval import N_SPLITS, crossval_folds, fold_texts, site_evidence_report
from pipeline.extract.evaluate import score_predictions

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from extractors import EXTRACTORS  # noqa: E402  (sibling modules of this script)
from metadata_scores import metadata_accuracy  # noqa: E402
from report import print_tables  # noqa: E402

log = logging.getLogger("benchmarks.extraction")
# Single process, single thread for every extractor (see worker.py).
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
PACKAGES = ("trafilatura", "resiliparse", "readability-lxml", "justext", "beautifulsoup4", "lxml",
            "scikit-learn")  # fmt: skip


def _worker(name: str, dev_dir: Path, ids_file: Path, out: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(HERE / "worker.py"), name, "--dev-dir", str(dev_dir),
           "--ids", str(ids_file), "--out", str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **SINGLE_THREAD})
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def run_workers(
    names: list[str], dev_dir: Path, ids: list[str], repeat: int
) -> dict[str, dict[str, Any]]:
    """Texts (first run), median pages/s and peak RSS of each extractor over ``repeat`` runs."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="extraction-bench-") as tmp:
        ids_file = Path(tmp) / "ids.json"
        ids_file.write_text(json.dumps(ids), encoding="utf-8")
        # Rounds outer, extractors inner: a burst of load from other jobs hits every extractor
        # in one round instead of all runs of one extractor.
        runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for round_ in range(repeat):
            for name in names:
                log.info("round %d/%d: %s", round_ + 1, repeat, name)
                runs[name].append(_worker(name, dev_dir, ids_file, Path(tmp) / f"{name}.json"))
        for name, reports in runs.items():
            results[name] = {
                "texts": reports[0]["texts"],
                "errors": reports[0]["errors"],
                "pages_per_s": statistics.median(r["pages_per_s"] for r in reports),
                "pages_per_s_runs": [r["pages_per_s"] for r in reports],
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in reports),
                "rss_after_import_mb": statistics.median(r["rss_after_import_mb"] for r in reports),
            }
    return results


def best_per_page(rows: dict[str, dict[str, Any]], names: list[str]) -> float:
    """Mean over pages of the best F1 any of ``names`` got on the page (an oracle's ceiling)."""
    ids = rows[names[0]]["page_f1"]
    return statistics.fmean(max(rows[n]["page_f1"][i] for n in names) for i in ids)


def environment() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "extract_package_modified": bool(git("status", "--porcelain", "pipeline/extract")),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "versions": {p: version(p) for p in PACKAGES},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-dir", type=Path, default=ROOT.parent / "shared/data/extraction-dev")
    parser.add_argument("--limit", type=int, help="only the first N pages (by id)")
    parser.add_argument("--repeat", type=int, default=1, help="speed runs per extractor (median)")
    parser.add_argument("--extractors", nargs="+", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument("--folds", type=int, default=N_SPLITS)
    parser.add_argument("--no-cache", action="store_true", help="recompute the CV predictions")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--no-metadata", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    env = environment()
    dev_dir = args.dev_dir.resolve()
    truth: dict[str, Any] = json.loads((dev_dir / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)[: args.limit]
    names = args.extractors or list(EXTRACTORS)

    log.info("cross-validating content-audit (%d folds) on %d pages", args.folds, len(ids))
    folds = crossval_folds(
        dev_dir, ids, args.folds, cache_dir=None if args.no_cache else args.cache_dir
    )
    cv_texts, with_site = fold_texts(folds), fold_texts(folds, "with_site")
    workers = run_workers(names, dev_dir, ids, args.repeat)
    rows: dict[str, dict[str, Any]] = {}
    for name in names:
        cross_validated = name == "content-audit"
        rows[name] = score_predictions(
            cv_texts if cross_validated else workers[name]["texts"], truth
        )
        rows[name]["quality_from"] = "grouped 5-fold CV" if cross_validated else "default extract"
        rows[name].update({k: v for k, v in workers[name].items() if k != "texts"})
        rows[name]["errors"] = len(workers[name]["errors"])
    if "content-audit" in names:  # the shipped model on its own training pages: overfit gauge
        shipped = score_predictions(workers["content-audit"]["texts"], truth)["overall"]
        rows["content-audit"]["shipped_model_in_sample"] = shipped
    baselines = [n for n in names if n != "content-audit"]
    oracle = {"baselines": best_per_page(rows, baselines)} if baselines else {}
    if baselines and "content-audit" in names:
        oracle["all"] = best_per_page(rows, names)
    metadata = None if args.no_metadata else metadata_accuracy(dev_dir, truth, ids)
    result = {
        "environment": env,
        "pages": len(ids),
        "folds": [len(f["test_ids"]) for f in folds],
        "site_evidence": site_evidence_report(cv_texts, with_site, truth),
        "extractors": rows,
        "best_per_page_f1": oracle,
        "metadata": metadata,
    }
    print_tables(result)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
