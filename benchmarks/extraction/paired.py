"""Speed of content-audit against one peer, paired page by page in one process.

The separate workers of ``worker.py`` measure each extractor in its own process, one after the
other. On this machine (a shared two-core VM) the speed of the whole machine drifts by a third
between minutes, so a ratio of two such runs is partly a ratio of two moments: the same code gave
articles 1.26x and 0.93x of trafilatura in two runs of the same afternoon. Here each page is
extracted by both extractors back to back, in alternating order, ``--rounds`` times; drift hits
both sides of every pair alike. Per page the median over rounds is kept, and a page type's pages/s
is its pages over the sum of those medians. Memory is not measured here (both libraries share the
process); ``worker.py`` measures it.

Protocol as ``worker.py``: ``--pages`` JSON ``[[id, html.gz path, url], ...]``, ``--out`` JSON
``{"rounds": R, "seconds": {extractor: {id: median seconds}}}``; HTML is read outside the clock,
each extractor is warmed up on the first page first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extractors import EXTRACTORS
from worker import read_html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extractors", nargs=2, choices=sorted(EXTRACTORS))
    parser.add_argument("--pages", type=Path, required=True, help="JSON [[id, path, url], ...]")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    pages: list[list[str]] = json.loads(args.pages.read_text(encoding="utf-8"))
    funcs = {name: EXTRACTORS[name]() for name in args.extractors}
    for extract in funcs.values():
        extract(read_html(pages[0][1]), pages[0][2] or None)  # warm-up
    runs: dict[str, dict[str, list[float]]] = {name: {} for name in funcs}
    for round_ in range(args.rounds):
        for n, (page_id, path, page_url) in enumerate(pages):
            html = read_html(path)
            order = list(funcs) if (n + round_) % 2 == 0 else list(reversed(funcs))
            for name in order:
                start = time.perf_counter()
                # The harness boundary, as in worker.py: a page a baseline raises on still counts.
                with contextlib.suppress(Exception):
                    funcs[name](html, page_url or None)
                runs[name].setdefault(page_id, []).append(time.perf_counter() - start)
    seconds = {
        name: {i: statistics.median(times) for i, times in by_page.items()}
        for name, by_page in runs.items()
    }
    args.out.write_text(json.dumps({"rounds": args.rounds, "seconds": seconds}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
