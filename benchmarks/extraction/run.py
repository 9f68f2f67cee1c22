"""Main-content extraction benchmark: content-audit beside open extractors, same pages, same run.

Quality: the metric of ``pipeline.extract.evaluate`` (mean per-page F1 of word 4-gram shingles,
``with`` snippets found, ``without`` snippets leaked), overall and by ``page_type``.
content-audit's quality comes from 5-fold cross-validation grouped by site
(``pipeline.extract.crossval``), since its shipped model was trained on these very pages; the
baselines' from their default extraction. Speed and peak RSS: each extractor in its own process
(``worker.py``), content-audit with its shipped model through ``main_text``; with ``--repeat N``
the median pages/s of N runs. The speed ratio to trafilatura by page type comes from a paired
run (``paired.py``: both in one process, page by page, ``--paired-rounds`` rounds), which the
machine's drift between separate runs does not bias. Metadata: title, author and date accuracy
(``metadata_scores``).

Pages: both annotated sets (``pipeline.extract.devsets``: 1,416 pages) unless ``--dev-dir`` is
given (repeatable). Quality is reported on the tuning part (content-audit by grouped CV), and,
with ``--untouched``, on the untouched slice on its own line (content-audit from a model of the
whole tuning part; each such run is a "look", counted in the README). Speed is measured on every
page and reported overall and by page type.

Run: ``.venv/bin/python benchmarks/extraction/run.py [--dev-dir DIR ...] [--limit N]
[--repeat N] [--no-cache] [--untouched] [--out benchmarks/extraction/results.json]``
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

from pipeline.extract.crossval import (
    N_SPLITS,
    crossval_folds,
    fold_texts,
    site_evidence_report,
    untouched_predictions,
)
from pipeline.extract.devsets import DEFAULT_DIRS, PageSet
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
PACKAGES = (
    "trafilatura",
    "resiliparse",
    "readability-lxml",
    "justext",
    "beautifulsoup4",
    "lxml",
    "scikit-learn",
)


def _worker(name: str, pages_file: Path, out: Path) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(HERE / "worker.py"),
        name,
        "--pages",
        str(pages_file),
        "--out",
        str(out),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **SINGLE_THREAD})
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def run_workers(
    names: list[str], pageset: PageSet, ids: list[str], repeat: int
) -> dict[str, dict[str, Any]]:
    """Texts (first run), median pages/s, per-page seconds (median over runs) and peak RSS of
    each extractor over ``repeat`` runs."""
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="extraction-bench-") as tmp:
        pages_file = Path(tmp) / "pages.json"
        rows = [[i, str(pageset.html_path(i)), pageset.url(i)] for i in ids]
        pages_file.write_text(json.dumps(rows), encoding="utf-8")
        # Rounds outer, extractors inner: a burst of load from other jobs hits every extractor
        # in one round instead of all runs of one extractor.
        runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for round_ in range(repeat):
            for name in names:
                log.info("round %d/%d: %s", round_ + 1, repeat, name)
                runs[name].append(_worker(name, pages_file, Path(tmp) / f"{name}.json"))
        for name, reports in runs.items():
            results[name] = {
                "texts": reports[0]["texts"],
                "errors": reports[0]["errors"],
                "pages_per_s": statistics.median(r["pages_per_s"] for r in reports),
                "pages_per_s_runs": [r["pages_per_s"] for r in reports],
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in reports),
                "rss_after_import_mb": statistics.median(r["rss_after_import_mb"] for r in reports),
                "page_seconds": {
                    i: statistics.median(r["page_seconds"][i] for r in reports)
                    for i in reports[0]["page_seconds"]
                },
            }
    return results


def paired_speed(
    pageset: PageSet, ids: list[str], rounds: int, peer: str = "trafilatura"
) -> dict[str, Any]:
    """content-audit and ``peer`` timed page by page in one process (``paired.py``): pages/s by
    page type of each, and their ratio, robust to the machine's drift between separate runs."""
    with tempfile.TemporaryDirectory(prefix="extraction-paired-") as tmp:
        pages_file, out = Path(tmp) / "pages.json", Path(tmp) / "paired.json"
        rows = [[i, str(pageset.html_path(i)), pageset.url(i)] for i in ids]
        pages_file.write_text(json.dumps(rows), encoding="utf-8")
        log.info("paired speed: content-audit and %s, %d rounds", peer, rounds)
        cmd = [sys.executable, str(HERE / "paired.py"), "content-audit", peer,
               "--pages", str(pages_file), "--rounds", str(rounds), "--out", str(out)]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **SINGLE_THREAD})
        seconds = json.loads(out.read_text(encoding="utf-8"))["seconds"]
    ours = speed_by_type(seconds["content-audit"], pageset.truth)
    theirs = speed_by_type(seconds[peer], pageset.truth)
    total = {n: len(ids) / sum(s.values()) for n, s in seconds.items()}
    by_type = {
        t: {"content-audit": ours[t], peer: theirs[t], "ratio": round(ours[t] / theirs[t], 2)}
        for t in ours
    }
    by_type["all"] = {
        "content-audit": round(total["content-audit"], 2),
        peer: round(total[peer], 2),
        "ratio": round(total["content-audit"] / total[peer], 2),
    }
    return {"peer": peer, "rounds": rounds, "by_type": by_type}


def speed_by_type(seconds: dict[str, float], truth: dict[str, Any]) -> dict[str, float]:
    """pages/s of each page type: its pages over their summed extraction time."""
    by: dict[str, list[float]] = defaultdict(list)
    for i, sec in seconds.items():
        by[str(truth[i].get("page_type"))].append(sec)
    return {
        t: round(len(v) / total, 2) if (total := sum(v)) else 0.0 for t, v in sorted(by.items())
    }


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


def quality_rows(
    names: list[str],
    content_audit: dict[str, str],
    workers: dict[str, dict[str, Any]],
    truth: dict[str, Any],
    ids: list[str],
    source: str,
) -> dict[str, dict[str, Any]]:
    """Quality of every extractor on ``ids``: content-audit's texts from ``source``, the
    baselines' from their default extraction; speed and memory over all benchmark pages."""
    part = {i: truth[i] for i in ids}
    rows: dict[str, dict[str, Any]] = {}
    for name in names:
        ours = name == "content-audit"
        texts = content_audit if ours else workers[name]["texts"]
        rows[name] = score_predictions({i: texts[i] for i in ids}, part)
        rows[name]["quality_from"] = source if ours else "default extract"
        rows[name].update(
            {k: v for k, v in workers[name].items() if k not in ("texts", "page_seconds")}
        )
        rows[name]["errors"] = len(workers[name]["errors"])
        rows[name]["pages_per_s_by_type"] = speed_by_type(workers[name]["page_seconds"], truth)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dev-dir",
        type=Path,
        action="append",
        dest="dev_dirs",
        help="an annotated page set (repeat; default: both shared sets)",
    )
    parser.add_argument("--limit", type=int, help="only the first N pages (by id)")
    parser.add_argument("--repeat", type=int, default=1, help="speed runs per extractor (median)")
    parser.add_argument("--extractors", nargs="+", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument(
        "--paired-rounds", type=int, default=3, help="rounds of the paired speed run (0: none)"
    )
    parser.add_argument("--folds", type=int, default=N_SPLITS)
    parser.add_argument("--no-cache", action="store_true", help="recompute the CV predictions")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--no-metadata", action="store_true")
    parser.add_argument(
        "--untouched", action="store_true", help="also score the untouched slice (a counted look)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    env = environment()
    dirs = [d.resolve() for d in (args.dev_dirs or [ROOT / d for d in DEFAULT_DIRS])]
    pageset = PageSet.load(dirs)
    truth = pageset.truth
    tuning = pageset.tuning_ids()[: args.limit]
    untouched = pageset.untouched_ids() if args.untouched else []
    names = args.extractors or list(EXTRACTORS)
    cache_dir = None if args.no_cache else args.cache_dir

    log.info("cross-validating content-audit (%d folds) on %d pages", args.folds, len(tuning))
    folds = crossval_folds(pageset, tuning, args.folds, cache_dir=cache_dir)
    cv_texts, with_site = fold_texts(folds), fold_texts(folds, "with_site")
    held_texts = untouched_predictions(pageset, cache_dir=cache_dir) if untouched else {}
    timed = sorted({*tuning, *untouched}) if args.limit else sorted(truth)
    workers = run_workers(names, pageset, timed, args.repeat)
    rows = quality_rows(names, cv_texts, workers, truth, tuning, "grouped 5-fold CV")
    if "content-audit" in names:  # the shipped model on its own training pages: overfit gauge
        shipped = {i: workers["content-audit"]["texts"][i] for i in tuning}
        rows["content-audit"]["shipped_model_in_sample"] = score_predictions(
            shipped, {i: truth[i] for i in tuning}
        )["overall"]
    baselines = [n for n in names if n != "content-audit"]
    oracle = {"baselines": best_per_page(rows, baselines)} if baselines else {}
    if baselines and "content-audit" in names:
        oracle["all"] = best_per_page(rows, names)
    result: dict[str, Any] = {
        "environment": env,
        "sets": [d.name for d in dirs],
        "pages": len(tuning),
        "timed_pages": len(timed),
        "folds": [len(f["test_ids"]) for f in folds],
        "site_evidence": site_evidence_report(cv_texts, with_site, truth),
        "extractors": rows,
        "best_per_page_f1": oracle,
        "metadata": None if args.no_metadata else metadata_accuracy(pageset, tuning),
    }
    if args.paired_rounds and {"content-audit", "trafilatura"} <= set(names):
        result["speed_paired"] = paired_speed(pageset, timed, args.paired_rounds)
    if untouched:
        result["untouched"] = {
            "pages": len(untouched),
            "extractors": quality_rows(
                names, held_texts, workers, truth, untouched, "model of the whole tuning part"
            ),
        }
    print_tables(result)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
