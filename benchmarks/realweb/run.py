"""Real-web end-to-end benchmark: every stage on blogs made of the shared extraction pages.

    .venv/bin/python benchmarks/realweb/run.py [--data ../shared/data] [--seed 0]
        [--blogs health-a health-b mixed-news misc] [--per-blog N]
        [--work benchmarks/realweb/.cache] [--results benchmarks/realweb/results.json]

Builds the corpus (``pipeline.demo.realweb``), serves it on 127.0.0.1, writes a sites YAML, runs
crawl → extract → dedup → topics → audit → load → report in this process with run id
``realweb``, then prints per stage its counts, dropped reasons and seconds, and the figures
scored against the corpus manifest (``figures.py``). A stage that raises ends the run; the
error is printed and recorded, and the figures are computed from the stages that finished.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.realweb.figures import format_report, load_manifest, score, stage_table  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.demo import serve_sites  # noqa: E402
from pipeline.demo.realweb import BLOGS, build_realweb, write_realweb_config  # noqa: E402
from pipeline.paths import RunPaths  # noqa: E402
from pipeline.runner import run_all  # noqa: E402
from pipeline.runstate import read_status  # noqa: E402

RUN_ID = "realweb"


def run_corpus(paths: RunPaths, config_path: Path) -> dict[str, str] | None:
    """Run every stage as ``content-audit run`` does (``run_all``: staged, with a status); on
    a failure return which stage failed and why (a first run keeps the stages it finished)."""
    try:
        run_all(paths, load_config(config_path))
    except Exception as exc:  # the benchmark's top level: a crash is a result to report
        traceback.print_exc()
        status = read_status(paths)
        failed = [
            s for s, v in (status.stages if status else {}).items() if v in ("failed", "empty")
        ]
        return {"stage": failed[0] if failed else "?", "error": f"{type(exc).__name__}: {exc}"}
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--blogs", nargs="+", default=list(BLOGS), choices=BLOGS)
    ap.add_argument("--per-blog", type=int, default=None, help="articles per blog (default all)")
    ap.add_argument("--work", type=Path, default=HERE / ".cache")
    ap.add_argument("--results", type=Path, default=HERE / "results.json")
    args = ap.parse_args(argv)
    if not (args.data / "extraction-dev" / "ground-truth.json").exists():
        ap.error(f"{args.data}: no extraction-dev/ here (see benchmarks/realweb/README.md)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request drowns the stages
    shutil.rmtree(args.work, ignore_errors=True)  # a clean run: no earlier run to compare with
    corpus = args.work / "sites"
    started = time.perf_counter()
    build_realweb(
        args.data, corpus, seed=args.seed, blogs=tuple(args.blogs), per_blog=args.per_blog
    )
    built_s = time.perf_counter() - started
    paths = RunPaths(args.work / "data", RUN_ID, args.work / "reports")
    with serve_sites(corpus) as served:
        config = write_realweb_config(args.work / "sites.yaml", served)
        crash = run_corpus(paths, config)
        origins = {s.name: s.url for s in served}
    stages = stage_table(paths)
    figures = score(paths, load_manifest(corpus, origins))
    print(
        f"\ncorpus built in {built_s:.1f} s; pipeline {sum(s['elapsed_s'] for s in stages):.1f} s"
    )
    print(format_report(stages, figures))
    if crash:
        print(f"\nCRASH in {crash['stage']}: {crash['error']}")
    results = {
        "seed": args.seed,
        "blogs": args.blogs,
        "per_blog": args.per_blog,
        "build_s": round(built_s, 1),
        "crash": crash,
        "stages": stages,
        "figures": figures,
    }
    args.results.write_text(json.dumps(results, indent=1) + "\n")
    return 1 if crash else 0


if __name__ == "__main__":
    sys.exit(main())
