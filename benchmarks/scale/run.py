"""End-to-end scale benchmark: WARC files in, warehouse and report out, measured stage by stage.

    .venv/bin/python benchmarks/scale/run.py --posts 1000 [--posts 10000 ...] [--seed 0]
        [--workers 2 [--workers 1 ...]] [--work benchmarks/scale/.cache]
        [--results benchmarks/scale/results.json]

For each size it builds the corpus (``generate.py``: real page templates refilled with real
paragraphs, with known copies, rewrites, syndication and pasted banners) unless it is already in
the work directory, then runs ``content-audit extract --from-warc`` and every later stage as the
CLI runs them, each in its own process, and records per stage: wall time, CPU time (user + system
of the stage's process and its children) and peak RSS (the largest of the process and its
children, from ``wait4``) and the peak of the RSS summed over the stage's process tree (a process
pool's workers together, sampled every 0.2 s with psutil). It prints a table per size and writes
every figure to the results file. ``--workers`` (repeatable) runs each size with that many pool
workers (``CONTENT_AUDIT_WORKERS``); the default is the stages' own (the CPU count).

Each stage runs in a fresh process, as the CLI and Airflow tasks run it, so the peak RSS of a
stage is its own and not the high-water mark of everything before it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLI = [sys.executable, "-m", "pipeline.cli"]
STAGES = ("extract", "dedup", "topics", "audit", "load", "report")
RUN_ID = "scale"


def measure(
    command: list[str], log: Path, env: dict[str, str] | None = None, profile: Path | None = None
) -> dict[str, float]:
    """Run ``command``; its wall time, CPU time and peak RSS (MB), and its exit status. With
    ``profile``, py-spy samples the process and its workers into that file (collapsed stacks)."""
    started = time.perf_counter()
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        tree = TreeRss(process.pid)
        spy = _profiler(process.pid, profile, out) if profile else None
        _, status, usage = os.wait4(process.pid, 0)
        tree.stop()
        if spy is not None:
            spy.wait(timeout=120)  # it writes its file once the process it samples has ended
    wall = time.perf_counter() - started
    # Children the stage itself started (e.g. a process pool) are counted in its own wait4
    # usage once it has waited for them: ru_maxrss is then the largest of them.
    return {
        "wall_s": round(wall, 2),
        # wait4 misses a pool's workers (children of multiprocessing's forkserver, which is
        # not waited for): their CPU comes from the sampler, as last seen per process.
        "cpu_s": round(max(usage.ru_utime + usage.ru_stime, tree.cpu), 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(max(tree.peak, usage.ru_maxrss * 1024) / 2**20, 1),
        "exit_status": os.waitstatus_to_exitcode(status),
    }


PROFILE_RATE = 10  # samples a second: py-spy then takes ~1 % of a core (its own process)


def _profiler(pid: int, to: Path, log: Any) -> subprocess.Popen[bytes]:
    """py-spy attached to ``pid`` and its children (the pool's workers), sampling from outside:
    the stage runs unmodified, and the profiler's CPU is not counted as the stage's."""
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "--pid", str(pid), "--subprocesses"]
    command += ["--rate", str(PROFILE_RATE), "--format", "raw", "--output", str(to)]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


class TreeRss(threading.Thread):
    """The largest sum of RSS over a process and its descendants, and their CPU time (user +
    system, the last value seen per process), sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._stop_event = pid, 0, threading.Event()
        self._cpu: dict[int, float] = {}
        self.start()

    @property
    def cpu(self) -> float:
        return sum(self._cpu.values())

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.wait(0.2):
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                continue  # a worker ended between the listing and the reading
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def corpus(posts: int, seed: int, work: Path, log: Path, changed: float = 0.0) -> Path:
    name = f"corpus-{posts}-seed{seed}" + (f"-changed{changed:g}" if changed else "")
    out = work / name
    if not (out / "summary.json").exists():
        command = [sys.executable, str(HERE / "generate.py"), "--posts", str(posts)]
        command += ["--out", str(out), "--seed", str(seed), "--changed", str(changed)]
        figures = measure(command, log)
        if figures["exit_status"] != 0:
            raise SystemExit(f"generating {posts} posts failed: see {log}")
    return out


def run_size(
    posts: int,
    seed: int,
    work: Path,
    workers: int | None = None,
    rerun: float = 0.0,
    assign_only: bool = False,
    profile: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The first run of a corpus in a fresh data directory; with ``rerun``, then a second run
    over the same corpus with that share of its posts edited (a month later), incremental."""
    log = work / f"log-{posts}.txt"
    source = corpus(posts, seed, work, log)
    env = dict(os.environ)
    if workers is not None:
        env["CONTENT_AUDIT_WORKERS"] = str(workers)
    data = work / f"data-{posts}"
    if data.exists():  # a fresh warehouse: the first run, not an incremental one
        import shutil

        shutil.rmtree(data)
    reports = work / f"reports-{posts}"
    first = _chain(source, data, reports, RUN_ID, env, log, posts, profile=profile)
    result = {
        "posts": posts,
        "seed": seed,
        "workers": workers or os.cpu_count(),
        "corpus": json.loads((source / "summary.json").read_text()),
        **first,
    }
    if rerun and first["ok"]:
        later = corpus(posts, seed, work, log, rerun)
        topics = ["--assign-only"] if assign_only else []
        second = _chain(
            later, data, work / f"reports-{posts}", f"{RUN_ID}-2", env, log, posts, topics,
            profile=profile,
        )  # fmt: skip
        second["topics_assign_only"] = assign_only
        second["changed"] = json.loads((later / "summary.json").read_text())["changed"]
        second["of_first"] = round(second["total"]["wall_s"] / first["total"]["wall_s"], 3)
        result["rerun"] = second
    return result


def _chain(
    source: Path, data: Path, reports: Path, run_id: str, env: dict[str, str], log: Path,
    posts: int, topics_options: list[str] | None = None, profile: tuple[str, ...] = (),
) -> dict[str, Any]:  # fmt: skip
    """Every stage of one run, WARC to report, each in its own process, measured."""
    where = ["--data-dir", str(data), "--run-id", run_id]
    stages: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        if stage == "extract":  # the run's crawl is imported from the WARCs, no network
            command = [*CLI, "extract", "--from-warc", str(source / "warc"), *where]
        else:
            command = [*CLI, stage, *where, "--reports-dir", str(reports)]
            if stage == "topics":
                command += topics_options or []
        spy = log.with_name(f"profile-{posts}-{run_id}-{stage}.txt") if stage in profile else None
        stages[stage] = measure(command, log, env, spy)
        _progress(posts, run_id, stages)
        print(f"  {posts:>7} posts  {run_id:<8} {stage:<8} {_row(stages[stage])}", flush=True)
        if stages[stage]["exit_status"] != 0:
            break
    total = {
        "wall_s": round(sum(s["wall_s"] for s in stages.values()), 2),
        "cpu_s": round(sum(s["cpu_s"] for s in stages.values()), 2),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
        "peak_tree_rss_mb": max(s["peak_tree_rss_mb"] for s in stages.values()),
    }
    return {
        "stages": stages,
        "total": total,
        "posts_per_s": round(posts / total["wall_s"], 2),
        "ok": all(s["exit_status"] == 0 for s in stages.values()) and len(stages) == len(STAGES),
    }


def _progress(posts: int, run_id: str, stages: dict[str, dict[str, float]]) -> None:
    """Each stage's figures as soon as it ends (a long run that is stopped keeps them)."""
    if PROGRESS is not None:
        runs = json.loads(PROGRESS.read_text()) if PROGRESS.exists() else {}
        runs[f"{posts}/{run_id}"] = stages
        PROGRESS.write_text(json.dumps(runs, indent=2) + "\n")


PROGRESS: Path | None = None


def _row(figures: dict[str, float]) -> str:
    return (
        f"wall {figures['wall_s']:>8.1f} s  cpu {figures['cpu_s']:>8.1f} s  "
        f"peak {figures['peak_rss_mb']:>7.0f} MB "
        f"(all processes {figures['peak_tree_rss_mb']:.0f} MB)"
    )


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| posts | workers | "
        + " | ".join(STAGES)
        + " | whole chain | posts/s | peak RSS (one process) | peak RSS (all processes) |"
    )
    lines = [head, "|" + "---|" * (len(STAGES) + 6)]
    rows = []
    for r in results:
        rows.append((f"{r['posts']:,}", r["workers"], r))
        if "rerun" in r:
            label = f"{r['posts']:,}, rerun with {r['rerun']['changed']:,} edited"
            if r["rerun"].get("topics_assign_only"):
                label += " (topics --assign-only)"
            rows.append((label, r["workers"], r["rerun"]))
    for label, workers, r in rows:
        cells = [f"{r['stages'][s]['wall_s']:.1f} s" if s in r["stages"] else "—" for s in STAGES]
        lines.append(
            f"| {label} | {workers} | "
            + " | ".join(cells)
            + f" | {r['total']['wall_s']:.0f} s | {r['posts_per_s']:.1f} | "
            f"{r['total']['peak_rss_mb']:.0f} MB | {r['total']['peak_tree_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workers", type=int, action="append", help="pool workers (repeatable; default: CPUs)"
    )
    parser.add_argument(
        "--rerun-changed", type=float, default=0.0,
        help="then rerun each size incrementally with this share of posts edited (e.g. 0.05)",
    )  # fmt: skip
    parser.add_argument(
        "--rerun-assign-only", action="store_true",
        help="the rerun's topics assign posts to the first run's topics (topics --assign-only)",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, default=HERE / ".cache")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--profile", action="append", choices=STAGES, default=[],
        help=f"sample this stage with py-spy at {PROFILE_RATE} Hz into the work directory",
    )  # fmt: skip
    args = parser.parse_args(argv)
    global PROGRESS
    PROGRESS = args.work / "progress.json"
    sizes = args.posts or [1000]
    args.work.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    limits = resource.getrlimit(resource.RLIMIT_AS)
    profile = tuple(args.profile)
    results = [
        run_size(n, args.seed, args.work, w, args.rerun_changed, args.rerun_assign_only, profile)
        for n in sizes
        for w in (args.workers or [None])
    ]
    print(table(results))
    args.results.write_text(
        json.dumps({"machine": machine, "rlimit_as": limits, "results": results}, indent=2) + "\n"
    )
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
