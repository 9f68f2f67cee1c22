"""Crawl benchmark: content-audit's crawler beside Scrapy on the same 20 loopback blogs, same run.

Issue 5, "Measured targets": 20 sites on 127.0.0.1 (separate ports), 500 HTML pages each (10,000),
politeness delay 0, the same concurrency for both tools; pages/s and peak RSS of each.

* Sites: ``sites.py`` (generated blogs: sitemap, robots.txt, listing pages, posts), served from
  memory by ``server.py`` in ``--server-procs`` processes (raw asyncio HTTP/1.1, keep-alive,
  gzip). Nothing here talks to any address but 127.0.0.1.
* Tools: ``ca_worker.py`` (``pipeline.crawl.run``) and ``scrapy_worker.py``, each a fresh process
  per run; ``--rounds`` rounds, the order of the two alternating from round to round so a burst
  of load from other jobs on the machine hits both.
* Per run: pages/s = distinct HTML pages fetched with status 200 / the crawl's wall time (measured
  in the child around the crawl call); peak RSS = the child's ``ru_maxrss`` when the crawl call
  returned (read by the worker before its own checks; the whole process's, from ``os.wait4``, is
  reported beside it as ``process_peak_rss_mb``);
  CPU = the child's user+system time; the server processes' CPU time over the same run (psutil)
  and requests served (``/__stats``), to show whether the server limited the crawl. A run that
  did not fetch exactly the expected 10,000 pages is flagged in the table and in results.json.

Run: ``make bench-crawl`` or ``.venv/bin/python benchmarks/crawl/run.py [--rounds 3]
[--sites 20] [--concurrency 32] [--per-host 4] [--server-procs 2] [--profile]
[--out benchmarks/crawl/results.json]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from sites import PAGES_PER_SITE, page_paths, site_name  # noqa: E402  (sibling module)

log = logging.getLogger("benchmarks.crawl")
TOOLS = ("content-audit", "scrapy")
WORKERS = {"content-audit": HERE / "ca_worker.py", "scrapy": HERE / "scrapy_worker.py"}
PACKAGES = ("scrapy", "twisted", "httpx", "httpcore", "h11", "warcio", "lxml", "protego")


class Servers:
    """The server processes and the URL of every site."""

    def __init__(self, n_sites: int, n_procs: int) -> None:
        self.procs: list[subprocess.Popen[str]] = []
        self.ports: dict[int, int] = {}
        groups = [list(range(n_sites))[i::n_procs] for i in range(n_procs)]
        for group in (g for g in groups if g):
            cmd = [sys.executable, str(HERE / "server.py"), "--sites", *map(str, group)]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            self.procs.append(proc)
        for proc in self.procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("a benchmark server exited before it was ready")
            self.ports.update({int(k): v for k, v in json.loads(line)["ports"].items()})
        self.ps = [psutil.Process(p.pid) for p in self.procs]

    def site_urls(self) -> dict[str, str]:
        return {site_name(i): f"http://127.0.0.1:{port}/" for i, port in sorted(self.ports.items())}

    def expected_urls(self) -> set[str]:
        return {
            f"http://127.0.0.1:{port}{path}"
            for i, port in self.ports.items()
            for path in page_paths(i)
        }

    def cpu_s(self) -> float:
        return sum(t.user + t.system for t in (p.cpu_times() for p in self.ps))

    def requests(self) -> int:
        total = 0
        for proc_index in range(len(self.procs)):
            port = self.ports[proc_index]  # site i is served by process i % len(procs)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as r:
                total += json.load(r)["requests"]
        return total

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_tool(
    tool: str, servers: Servers, sites_file: Path, args: argparse.Namespace, profile: Path | None
) -> dict[str, Any]:
    out_dir = Path(tempfile.mkdtemp(prefix=f"crawl-bench-{tool}-"))
    report_file = out_dir / "report.json"
    cmd = [sys.executable, str(WORKERS[tool]), "--sites", str(sites_file),
           "--data-dir", str(out_dir / "data"), "--concurrency", str(args.concurrency),
           "--per-host", str(args.per_host), "--out", str(report_file)]  # fmt: skip
    if profile is not None:
        cmd += ["--profile", str(profile)]
    cpu0, req0 = servers.cpu_s(), servers.requests()
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    stderr = child.stderr.read()  # the child's log, read while it runs (a full pipe would block)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    process_wall = time.perf_counter() - t0
    server_cpu, served = servers.cpu_s() - cpu0, servers.requests() - req0
    try:
        if child.returncode != 0:
            raise RuntimeError(f"{tool} exited {child.returncode}:\n{stderr.decode()[-4000:]}")
        report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    urls = set(report.pop("urls"))
    expected = servers.expected_urls()
    wall = report["wall_s"]
    child_cpu = usage.ru_utime + usage.ru_stime
    report.update(
        pages_per_s=report["pages_ok"] / wall,
        complete=urls == expected,
        missing=len(expected - urls),
        unexpected=len(urls - expected),
        # ru_maxrss (KiB on Linux) when the crawl call returned, taken by the worker before its
        # own checks and report; the whole process's peak is kept beside it.
        peak_rss_mb=report.pop("crawl_peak_rss_kb") / 1024,
        process_peak_rss_mb=usage.ru_maxrss / 1024,
        process_wall_s=process_wall,
        cpu_s=child_cpu,
        cpu_ms_per_page=1000 * child_cpu / max(report["pages_ok"], 1),
        crawler_cores=child_cpu / process_wall,
        server_requests=served,
        server_cpu_s=server_cpu,
        server_cores=server_cpu / process_wall,
        server_us_per_request=1e6 * server_cpu / max(served, 1),
        log_tail=stderr.decode(errors="replace")[-1500:],
    )
    return report


def environment() -> dict[str, Any]:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "crawl_package_modified": bool(git("status", "--porcelain", "pipeline/crawl")),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "versions": {p: version(p) for p in PACKAGES},
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    return {
        "pages_per_s": med("pages_per_s"),
        "pages_per_s_runs": [round(r["pages_per_s"], 1) for r in runs],
        "peak_rss_mb": med("peak_rss_mb"),
        "process_peak_rss_mb": med("process_peak_rss_mb"),
        "peak_rss_mb_runs": [round(r["peak_rss_mb"], 1) for r in runs],
        "wall_s": med("wall_s"),
        "process_wall_s": med("process_wall_s"),
        "cpu_ms_per_page": med("cpu_ms_per_page"),
        "crawler_cores": med("crawler_cores"),
        "server_cores": med("server_cores"),
        "server_us_per_request": med("server_us_per_request"),
        "pages_ok": [r["pages_ok"] for r in runs],
        "all_complete": all(r["complete"] for r in runs),
        "requests_served": [r["server_requests"] for r in runs],
        "output_mb": med("output_bytes") / 1e6,
    }


def print_table(result: dict[str, Any]) -> None:
    s = result["summary"]
    head = (f"{'tool':<14}{'pages/s':>9}{'peak RSS MB':>13}{'wall s':>8}{'CPU ms/page':>13}"
            f"{'crawler cores':>15}{'server cores':>14}{'complete':>10}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for tool in TOOLS:
        if tool not in s:
            continue
        r = s[tool]
        print(
            f"{tool:<14}{r['pages_per_s']:>9.1f}{r['peak_rss_mb']:>13.1f}{r['wall_s']:>8.1f}"
            f"{r['cpu_ms_per_page']:>13.2f}{r['crawler_cores']:>15.2f}{r['server_cores']:>14.2f}"
            f"{'yes' if r['all_complete'] else 'NO':>10}"
        )
    if "ratio" in result:
        ratio = result["ratio"]
        print(
            f"content-audit / Scrapy: throughput {ratio['pages_per_s']:.2f}x "
            f"(target >= 1), peak RSS {ratio['peak_rss_mb']:.2f}x (target <= 1)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32, help="global cap, both tools")
    parser.add_argument("--per-host", type=int, default=4, help="per-site cap, both tools")
    parser.add_argument("--server-procs", type=int, default=2)
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument(
        "--profile", action="store_true", help="then one more content-audit run under cProfile"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    env = environment()
    log.info("starting %d sites in %d server processes", args.sites, args.server_procs)
    servers = Servers(args.sites, args.server_procs)
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in args.tools}
    profile_file = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites_file = Path(tmp) / "sites.json"
            sites_file.write_text(json.dumps(servers.site_urls()), encoding="utf-8")
            for round_ in range(args.rounds):
                order = args.tools if round_ % 2 == 0 else args.tools[::-1]
                for tool in order:
                    log.info("round %d/%d: %s", round_ + 1, args.rounds, tool)
                    r = run_tool(tool, servers, sites_file, args, None)
                    log.info(
                        "  %d pages in %.1f s: %.1f pages/s, peak RSS %.0f MB, server %.2f cores",
                        r["pages_ok"], r["wall_s"], r["pages_per_s"], r["peak_rss_mb"],
                        r["server_cores"],
                    )  # fmt: skip
                    runs[tool].append(r)
            if args.profile:
                profile_file = HERE / ".cache" / "content-audit.prof"
                profile_file.parent.mkdir(exist_ok=True)
                log.info("profiling content-audit (not counted) -> %s", profile_file)
                profiled = run_tool("content-audit", servers, sites_file, args, profile_file)
                log.info("  under cProfile: %.1f pages/s", profiled["pages_per_s"])
    finally:
        servers.stop()
    env["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    # ru_maxrss survives execve on Linux: a child's figure is only its own if it exceeds this.
    env["parent_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict[str, Any] = {
        "environment": env,
        "setup": {
            "sites": args.sites,
            "pages_per_site": PAGES_PER_SITE,
            "pages": args.sites * PAGES_PER_SITE,
            "concurrency": args.concurrency,
            "per_host": args.per_host,
            "delay_s": 0,
            "rounds": args.rounds,
            "server_procs": args.server_procs,
        },
        "summary": {tool: summarize(rs) for tool, rs in runs.items()},
        "runs": runs,
    }
    if set(TOOLS) <= set(runs):
        ca, sc = result["summary"]["content-audit"], result["summary"]["scrapy"]
        result["ratio"] = {
            "pages_per_s": ca["pages_per_s"] / sc["pages_per_s"],
            "peak_rss_mb": ca["peak_rss_mb"] / sc["peak_rss_mb"],
        }
        result["targets_met"] = {
            "throughput_ge_scrapy": result["ratio"]["pages_per_s"] >= 1,
            "peak_rss_le_scrapy": result["ratio"]["peak_rss_mb"] <= 1,
        }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    if profile_file is not None:
        print(f"cProfile stats of one content-audit run: {profile_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
