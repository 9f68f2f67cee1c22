"""content-audit's crawl stage over the benchmark sites, in a fresh process; a JSON report out.

Run by ``run.py``. Calls the stage exactly as the CLI does, ``pipeline.crawl.run(paths, config)``:
per page it fetches (httpx), decodes, parses the links (lxml), writes the request and response
records to the site's gzipped WARC, and keeps the ``pages`` row; at the end it writes
``pages.parquet``. The clock covers ``run()`` only (not the interpreter start or the imports);
``run.py`` also times the whole process. ``--profile PATH`` runs the stage under cProfile and
dumps the stats to PATH.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import time
from pathlib import Path

from pipeline.config import Config, CrawlConfig, SiteConfig
from pipeline.crawl import run
from pipeline.paths import RunPaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=Path, required=True, help='JSON {"name": "url", ...}')
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--per-host", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    sites: dict[str, str] = json.loads(args.sites.read_text(encoding="utf-8"))
    config = Config(
        sites=[
            SiteConfig(name=name, url=url, max_pages=1000, max_depth=50)
            for name, url in sites.items()
        ],
        crawl=CrawlConfig(
            delay_s=0, concurrency_per_host=args.per_host, concurrency=args.concurrency
        ),
    )
    paths = RunPaths(args.data_dir, "bench")
    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    summary = run(paths, config)
    if profiler is not None:
        profiler.disable()
    wall = time.perf_counter() - t0
    # The crawl's peak, read before the checks below (they load pyarrow to read the rows back
    # and added 37 MB of their own to the process's peak).
    crawl_peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if profiler is not None and args.profile is not None:
        profiler.dump_stats(str(args.profile))
    # After the clock and after the crawl: the crawl itself loads pyarrow only to write its rows,
    # so importing it at the top would add ~80 MB to the peak the crawl does not have.
    import pyarrow.parquet as pq

    table = pq.read_table(paths.crawl_pages, columns=["url", "ok", "content_type", "status"])
    rows = table.to_pylist()
    html_ok = {
        r["url"] for r in rows if r["ok"] and (r["content_type"] or "").startswith("text/html")
    }
    warc_bytes = sum(paths.warc(name).stat().st_size for name in sites)
    report = {
        "tool": "content-audit",
        "wall_s": wall,
        "crawl_peak_rss_kb": crawl_peak_kb,
        "pages_ok": len(html_ok),
        "urls": sorted(html_ok),
        "requests_ok": sum(1 for r in rows if r["ok"]),
        "rows": len(rows),
        "not_ok": sum(1 for r in rows if not r["ok"]),
        "output_bytes": warc_bytes + paths.crawl_pages.stat().st_size,
        "output": "gzipped WARC per site (request+response records) + pages.parquet",
        "summary_counts": summary.counts,
        "dropped": summary.dropped,
    }
    args.out.write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
