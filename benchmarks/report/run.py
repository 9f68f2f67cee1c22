"""The report of a large run: page size, render time, CSV sizes, and load time in Chromium.

Two runs of ``--posts`` posts of real article text (``tests/sql/large_run.py``) are loaded into a
fresh warehouse; the second run's report is rendered ``--rounds`` times (median quoted) and
opened as many times in headless Chromium (Debian's, through Playwright) at 1440 px, timing the
navigation to ``domInteractive`` and to the end of the ``load`` event (the page's script has then
built its tables' controls). One command: ``make bench-report``.

No peer library renders a content-audit report, so there is no ratio to quote: the issue's
targets (under 10 MB, interactive in under 3 s at 10,000 posts) are the yardstick.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.paths import RunPaths  # noqa: E402
from pipeline.report import run as render  # noqa: E402
from pipeline.warehouse import run as load  # noqa: E402
from tests.sql.large_run import real_texts, write_large_run  # noqa: E402


def browser_times(path: Path, rounds: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    interactive, loaded = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(rounds):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(path.resolve().as_uri(), wait_until="load")
            timing = page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " return [n.domInteractive, n.loadEventEnd]; })()"
            )
            interactive.append(timing[0] / 1000)
            loaded.append(timing[1] / 1000)
            page.close()
        browser.close()
    return {
        "dom_interactive_s": round(statistics.median(interactive), 2),
        "load_done_s": round(statistics.median(loaded), 2),
    }


def bench(posts: int, rounds: int) -> dict[str, Any]:
    texts = real_texts()
    with tempfile.TemporaryDirectory() as tmp:
        first, second = (RunPaths(Path(tmp) / "data", r, Path(tmp) / "reports") for r in ("a", "b"))
        load(first, write_large_run(first, posts, texts))
        config = write_large_run(second, posts, texts, second=True)
        load(second, config)
        seconds = []
        for _ in range(rounds):
            start = time.perf_counter()
            summary = render(second, config)
            seconds.append(time.perf_counter() - start)
        csv_bytes = {p.name: p.stat().st_size for p in sorted(second.report_exports.glob("*.csv"))}
        return {
            "posts": posts,
            "findings": summary.counts["csv_findings"],
            "html_mb": round(second.report_for_run.stat().st_size / 1e6, 2),
            "render_s": round(statistics.median(seconds), 2),
            "csv_mb": round(sum(csv_bytes.values()) / 1e6, 2),
            **browser_times(second.report_for_run, rounds),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    results = [bench(n, args.rounds) for n in args.posts]
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| posts | findings | HTML MB | render s | CSV MB | DOM interactive s | load done s |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['posts']:,} | {r['findings']:,} | {r['html_mb']} | {r['render_s']} | "
              f"{r['csv_mb']} | {r['dom_interactive_s']} | {r['load_done_s']} |")  # fmt: skip


if __name__ == "__main__":
    main()
