"""One extractor over the benchmark pages in a fresh process: its texts, speed and peak memory.

Run by ``run.py`` (one process per extractor, one after another, so extractors neither share
memory nor compete for the two cores). Protocol: reads the pages from ``--pages`` (a JSON list
of ``[id, html.gz path, url]``), writes ``--out`` (JSON: texts, errors, each page's seconds).

* Speed: the first page is extracted once untimed (warm-up: lazy imports, model loading,
  caches); then each page's HTML is read and decoded *outside* the clock and only the extractor
  call is timed (``time.perf_counter``), summed over pages. pages/s = pages / that sum.
* Threads: ``run.py`` starts the process with ``OMP_NUM_THREADS=1`` (and the BLAS
  equivalents): the baselines are single-threaded, and an OpenMP pool (scikit-learn's
  gradient-boosting predict) on a loaded two-core machine spins instead of working.
* Memory: the process's peak resident set at the end (interpreter + library + model + the
  largest page's working set), and the RSS after importing the extractor, so the extraction's
  own share is visible. The peak is ``VmHWM`` of ``/proc/self/status``, not ``ru_maxrss``: Linux
  keeps ``ru_maxrss`` across ``execve``, so a worker forked from a large parent (``run.py``
  holds the parsed pages of the cross-validation) would report the parent's peak.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extractors import EXTRACTORS

MB = 1024 * 1024


def read_html(path: str) -> str:
    # As pipeline.extract.devsets.PageSet.html, restated so that a baseline's process does not
    # import the pipeline (and scikit-learn with it) and its peak RSS is its own.
    return gzip.decompress(Path(path).read_bytes()).decode("utf-8", errors="replace")


def peak_rss_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: ru_maxrss (KiB on Linux, bytes on macOS) is the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
            MB if sys.platform == "darwin" else 1024
        )
    (line,) = (x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # "VmHWM:   123456 kB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extractor", choices=sorted(EXTRACTORS))
    parser.add_argument("--pages", type=Path, required=True, help="JSON [[id, path, url], ...]")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    pages: list[list[str]] = json.loads(args.pages.read_text(encoding="utf-8"))
    extract = EXTRACTORS[args.extractor]()
    rss_import = psutil.Process().memory_info().rss / MB
    extract(read_html(pages[0][1]), pages[0][2] or None)  # warm-up
    texts: dict[str, str] = {}
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for page_id, path, page_url in pages:
        html = read_html(path)
        url = page_url or None
        start = time.perf_counter()
        try:
            texts[page_id] = extract(html, url)
        # The harness boundary around third-party code: a baseline that raises on a page scores
        # an empty text for it (recorded), it does not end the comparison.
        except Exception as exc:
            texts[page_id] = ""
            errors[page_id] = f"{type(exc).__name__}: {exc}"[:300]
        seconds[page_id] = time.perf_counter() - start
    elapsed = sum(seconds.values())
    report = {
        "extractor": args.extractor,
        "pages": len(pages),
        "seconds": round(elapsed, 3),
        "pages_per_s": round(len(pages) / elapsed, 2) if elapsed else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_import_mb": round(rss_import, 1),
        "errors": errors,
        "page_seconds": seconds,
        "texts": texts,
    }
    args.out.write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
