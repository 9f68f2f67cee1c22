"""Plot time and memory against posts from ``results.json`` (``run.py``'s output).

    .venv/bin/python benchmarks/scale/plot.py [--results benchmarks/scale/results.json ...]
        [--out benchmarks/scale/scale.png]

Left: wall time per stage (stacked) and the whole chain, log-log, with the issue's target
(100,000 posts in 15 minutes) and the line of linear growth from the smallest size. Right: peak
RSS, of the largest single process and summed over each stage's processes. One line per worker
count found in the results.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("extract", "dedup", "topics", "audit", "load", "report")


def plot(results: list[dict[str, Any]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file
    import matplotlib.pyplot as plt

    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(12, 4.8))
    by_workers: dict[int, list[dict[str, Any]]] = {}
    for r in results:
        if r.get("ok", True):
            by_workers.setdefault(int(r.get("workers") or 0), []).append(r)
    for workers, rows in sorted(by_workers.items()):
        rows.sort(key=lambda r: r["posts"])
        posts = [r["posts"] for r in rows]
        label = f"{workers} worker{'s' if workers != 1 else ''}"
        total = [r["total"]["wall_s"] for r in rows]
        ax_time.plot(posts, total, "o-", lw=2, label=f"whole chain, {label}")
        for stage in STAGES:
            ax_time.plot(
                posts, [r["stages"][stage]["wall_s"] for r in rows], ".--", lw=1,
                label=f"{stage}, {label}",
            )  # fmt: skip
        ax_mem.plot(
            posts, [r["total"]["peak_rss_mb"] for r in rows], "o-", label=f"one process, {label}"
        )
        if all("peak_tree_rss_mb" in r["total"] for r in rows):
            ax_mem.plot(
                posts, [r["total"]["peak_tree_rss_mb"] for r in rows], "s--",
                label=f"all processes of a stage, {label}",
            )  # fmt: skip
        if len(posts) > 1:
            ax_time.plot(
                posts, [total[0] * p / posts[0] for p in posts], ":", color="grey",
                label=f"linear from {posts[0]:,}, {label}",
            )  # fmt: skip
    ax_time.axhline(900, color="red", lw=1)
    ax_time.annotate("target: 100k in 15 min", (1000, 900), color="red", va="bottom")
    ax_mem.axhline(4096, color="red", lw=1)
    ax_mem.annotate("target: 4 GB", (1000, 4096), color="red", va="bottom")
    ax_time.set(xscale="log", yscale="log", xlabel="posts", ylabel="wall time (s)",
                title="Time, WARC to report")  # fmt: skip
    ax_mem.set(xscale="log", xlabel="posts", ylabel="peak RSS (MB)", title="Memory")
    ax_time.legend(fontsize=6, ncol=2)
    ax_mem.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--results", type=Path, action="append", help="results file(s) (default: results.json)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "scale.png")
    args = parser.parse_args(argv)
    files = args.results or [HERE / "results.json"]
    results = [r for f in files for r in json.loads(f.read_text())["results"]]
    print(plot(results, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
