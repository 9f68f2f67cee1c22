"""Dedup benchmark: content-audit's near-duplicate search beside datasketch, same corpus, same run.

Issue 6, "Measured targets": a corpus with known answers generated from real article texts
(``corpus.py``: exact copies, syndication with another site's header and footer, paragraph
reorder, 5-20 % sentence edits, synonym-spun copies, truncation to 60 %, mixes of two
articles), ground truth the exact all-pairs word 5-shingle Jaccard (``truth.py``, prefix
filtering, no sampling); for each corpus size and each threshold, every tool runs in a fresh
process (``worker.py``) on the same JSON-lines file, read as a stream.

Per run: docs/s = documents / wall time of text in -> pairs out (corpus reading included,
interpreter start and imports not); peak RSS = the worker's ``ru_maxrss``; precision and
recall of its pairs against the ground truth at that threshold. Medians over ``--rounds``.

Run: ``make bench-dedup`` or ``.venv/bin/python benchmarks/dedup/run.py [--sizes 10000 100000]
[--thresholds 0.8 0.5] [--rounds 3] [--rounds-large 1] [--tools content-audit datasketch
tokenize split] [--million] [--out benchmarks/dedup/results.json]``. Corpora and truths are
cached in ``benchmarks/dedup/.cache/`` (git-ignored; ~0.8 GB for 100,000 documents).
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
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = HERE / ".cache"
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (sibling module)

log = logging.getLogger("benchmarks.dedup")
TOOLS = ("content-audit", "datasketch", "tokenize", "split")
LOWEST_THRESHOLD = 0.5  # the truth is computed once at the lowest threshold and filtered


def corpus_file(n: int) -> Path:
    path = CACHE / f"corpus-v{corpus.VERSION}-{n}.jsonl"
    if not path.exists():
        log.info("generating the %d-document corpus (cached in %s)", n, path)
        corpus.write(n, path)
    return path


def truth(n: int, corpus_path: Path, threshold: float) -> set[tuple[str, str]]:
    if threshold < LOWEST_THRESHOLD:
        raise SystemExit(f"thresholds below {LOWEST_THRESHOLD} are not supported")
    path = CACHE / f"truth-v{corpus.VERSION}-{n}-{LOWEST_THRESHOLD}.npz"
    if not path.exists():
        log.info("computing the exact all-pairs truth for %d documents (cached)", n)
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        cmd = [sys.executable, str(HERE / "truth.py"), str(corpus_path), str(LOWEST_THRESHOLD),
               str(path)]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    data = np.load(path)
    ids, keep = data["ids"], data["s"] >= threshold
    return {
        (min(a, b), max(a, b))
        for a, b in zip(ids[data["i"][keep]].tolist(), ids[data["j"][keep]].tolist(), strict=True)
    }


def run_worker(tool: str, corpus_path: Path, threshold: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, str(HERE / "worker.py"), "--tool", tool, "--corpus",
               str(corpus_path), "--threshold", str(threshold), "--out", str(out)]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT)
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def score(pairs: list[list[str]], expected: set[tuple[str, str]]) -> dict[str, Any]:
    got = {(a, b) for a, b in pairs}
    tp = len(got & expected)
    return {
        "pairs": len(got),
        "duplicates_reported": len(pairs) - len(got),
        "true_pairs": len(expected),
        "precision": tp / len(got) if got else 1.0,
        "recall": tp / len(expected) if expected else 1.0,
    }


def environment() -> dict[str, Any]:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dedup_package_modified": bool(git("status", "--porcelain", "pipeline/dedup")),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "versions": {p: version(p) for p in ("datasketch", "numpy")},
        "corpus_version": corpus.VERSION,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.5])
    parser.add_argument("--rounds", type=int, default=3, help="rounds below 100,000 documents")
    parser.add_argument("--rounds-large", type=int, default=1, help="rounds at >= 100,000")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--million", action="store_true", help="also 1,000,000 docs, ours, once")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    result: dict[str, Any] = {"environment": environment(), "runs": [], "summary": []}
    for n in args.sizes:
        path = corpus_file(n)
        rounds = args.rounds if n < 100_000 else args.rounds_large
        for threshold in args.thresholds:
            expected = truth(n, path, threshold)
            for tool in args.tools:
                runs = []
                for r in range(rounds):
                    report = run_worker(tool, path, threshold)
                    pairs = report.pop("pairs")
                    report.update(tool=tool, docs=n, threshold=threshold, round=r + 1,
                                  docs_per_s=n / report["wall_s"],
                                  peak_rss_mb=report.pop("peak_rss_kb") / 1024)  # fmt: skip
                    if tool in ("content-audit", "datasketch"):
                        report.update(score(pairs, expected))
                    log.info("%s n=%d t=%.1f round %d: %.0f docs/s, %.0f MB%s", tool, n,
                             threshold, r + 1, report["docs_per_s"], report["peak_rss_mb"],
                             f", P {report['precision']:.4f} R {report['recall']:.4f}"
                             if "recall" in report else "")  # fmt: skip
                    runs.append(report)
                    result["runs"].append(report)
                result["summary"].append(summarize(runs))
    if args.million:
        path = corpus_file(1_000_000)
        report = run_worker("content-audit", path, 0.8)
        n_pairs = len(report.pop("pairs"))
        report.update(tool="content-audit", docs=1_000_000, threshold=0.8, pairs=n_pairs,
                      docs_per_s=1_000_000 / report["wall_s"],
                      peak_rss_mb=report.pop("peak_rss_kb") / 1024)  # fmt: skip
        log.info("1M: %.0f s, %.0f docs/s, %.0f MB", report["wall_s"], report["docs_per_s"],
                 report["peak_rss_mb"])  # fmt: skip
        result["million"] = report
    result["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    return 0


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    first = runs[0]
    out: dict[str, Any] = {
        "tool": first["tool"],
        "docs": first["docs"],
        "threshold": first["threshold"],
        "rounds": len(runs),
        "docs_per_s": med("docs_per_s"),
        "docs_per_s_runs": [round(r["docs_per_s"]) for r in runs],
        "wall_s": med("wall_s"),
        "peak_rss_mb": med("peak_rss_mb"),
    }
    if "recall" in first:
        out.update(precision=med("precision"), recall=med("recall"), pairs=first["pairs"],
                   true_pairs=first["true_pairs"])  # fmt: skip
    return out


def print_table(result: dict[str, Any]) -> None:
    print(f"{'docs':>8} {'t':>4} {'tool':<14}{'docs/s':>9}{'wall s':>9}{'RSS MB':>8}"
          f"{'P':>8}{'R':>8}")  # fmt: skip
    by_key = {(s["docs"], s["threshold"], s["tool"]): s for s in result["summary"]}
    for s in result["summary"]:
        p = f"{s['precision']:.4f}" if "precision" in s else "-"
        r = f"{s['recall']:.4f}" if "recall" in s else "-"
        print(f"{s['docs']:>8} {s['threshold']:>4} {s['tool']:<14}{s['docs_per_s']:>9.0f}"
              f"{s['wall_s']:>9.1f}{s['peak_rss_mb']:>8.0f}{p:>8}{r:>8}")  # fmt: skip
    for (n, t, tool), s in by_key.items():
        other = by_key.get((n, t, "datasketch"))
        if tool == "content-audit" and other:
            print(f"n={n} t={t}: content-audit / datasketch docs/s "
                  f"{s['docs_per_s'] / other['docs_per_s']:.2f}x (target >= 3)")  # fmt: skip
    sizes = sorted({s["docs"] for s in result["summary"]})
    if 10_000 in sizes and 100_000 in sizes:
        for t in sorted({s["threshold"] for s in result["summary"]}, reverse=True):
            a = by_key.get((10_000, t, "content-audit"))
            b = by_key.get((100_000, t, "content-audit"))
            if a and b:
                print(f"t={t}: time growth 10k -> 100k {b['wall_s'] / a['wall_s']:.1f}x "
                      "(target <= 12)")  # fmt: skip
    if "million" in result:
        m = result["million"]
        print(f"1,000,000 docs at 0.8: {m['wall_s']:.0f} s, {m['docs_per_s']:.0f} docs/s, "
              f"peak RSS {m['peak_rss_mb']:.0f} MB, {m['pairs']} pairs")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
