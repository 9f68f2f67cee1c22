"""Plot time and memory against posts from ``results.json`` (``run.py``'s output).

    .venv/bin/python benchmarks/scale/plot.py [--results benchmarks/scale/results.json ...]
        [--out benchmarks/scale/scale.png]

Left: wall time per stage and of the whole chain, log-log, solid for 2 workers and dotted for 1,
with the issue's target (100,000 posts in 15 minutes) and, dashed, where linear growth from the
largest size measured would end (not a measurement). Right: peak RSS of the largest single
process and summed over a stage's processes, with the 4 GB target.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAGES = ("extract", "dedup", "topics", "audit", "load", "report")
TARGET_POSTS = 100_000


def plot(results: list[dict[str, Any]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file
    import matplotlib.pyplot as plt

    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(12, 5))
    colors = {stage: f"C{i}" for i, stage in enumerate(STAGES)}  # the default color cycle
    by_workers: dict[int, list[dict[str, Any]]] = {}
    for r in results:
        if r.get("ok", True):
            by_workers.setdefault(int(r.get("workers") or 0), []).append(r)
    for workers, rows in sorted(by_workers.items(), reverse=True):
        rows.sort(key=lambda r: r["posts"])
        posts = [r["posts"] for r in rows]
        style = "-" if workers > 1 else ":"
        label = f"{workers} worker{'s' if workers != 1 else ''}"
        total = [r["total"]["wall_s"] for r in rows]
        ax_time.plot(posts, total, "o" + style, color="black", lw=2.5,
                     label=f"whole chain, {label}")  # fmt: skip
        for stage in STAGES:
            ax_time.plot(
                posts, [r["stages"][stage]["wall_s"] for r in rows], "." + style, lw=1.2,
                color=colors[stage], label=f"{stage}, {label}",
            )  # fmt: skip
        ax_mem.plot(posts, [r["total"]["peak_rss_mb"] for r in rows], "o" + style,
                    color="tab:blue", label=f"largest process, {label}")  # fmt: skip
        if all("peak_tree_rss_mb" in r["total"] for r in rows):
            ax_mem.plot(posts, [r["total"]["peak_tree_rss_mb"] for r in rows], "s" + style,
                        color="tab:orange", label=f"a stage's processes, {label}")  # fmt: skip
        if workers > 1 and posts[-1] < TARGET_POSTS:
            # Not a measurement: where linear growth from the largest size measured would end.
            end = total[-1] * TARGET_POSTS / posts[-1]
            ax_time.plot([posts[-1], TARGET_POSTS], [total[-1], end], "--", color="grey",
                         label=f"linear from {posts[-1]:,} (not measured)")  # fmt: skip
    ax_time.plot([TARGET_POSTS], [900], "r*", ms=14, label="target: 100,000 posts in 15 min")
    ax_mem.axhline(4096, color="red", lw=1, label="target: 4 GB")
    ax_time.set(xscale="log", yscale="log", xlabel="posts", ylabel="wall time (s)",
                title="Time, WARC to report (2 cores)")  # fmt: skip
    highest = max(
        max(r["total"]["peak_rss_mb"], r["total"].get("peak_tree_rss_mb", 0)) for r in results
    )
    top = max(4500, 1.1 * highest)
    ax_mem.set(xscale="log", xlabel="posts", ylabel="peak RSS (MB)", title="Memory", ylim=(0, top))
    for ax in (ax_time, ax_mem):
        ax.set_xlim(700, 1.5 * TARGET_POSTS)
    ax_time.legend(fontsize=6, ncol=2, loc="upper left")
    ax_mem.legend(fontsize=7, loc="center left")
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
