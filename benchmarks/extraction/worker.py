"""One extractor over the benchmark pages in a fresh process: its texts, speed and peak memory.

Run by ``run.py`` (one process per extractor, one after another, so extractors neither share
memory nor compete for the two cores). Protocol: reads the page ids from ``--ids`` (a JSON
list), writes ``--out`` (JSON: texts, errors, timing).

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


def read_dev_html(dev_dir: Path, page_id: str) -> str:
    # As pipeline.extract.train.read_dev_html, restated so that a baseline's process does not
    # import the pipeline (and scikit-learn with it) and its peak RSS is its own.
    raw = gzip.decompress((dev_dir / "html" / f"{page_id}.html.gz").read_bytes())
    return raw.decode("utf-8", errors="replace")


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
    parser.add_argument("--dev-dir", type=Path, required=True)
    parser.add_argument("--ids", type=Path, required=True, help="JSON list of page ids")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    truth = json.loads((args.dev_dir / "ground-truth.json").read_text(encoding="utf-8"))
    ids: list[str] = json.loads(args.ids.read_text(encoding="utf-8"))
    extract = EXTRACTORS[args.extractor]()
    rss_import = psutil.Process().memory_info().rss / MB
    extract(read_dev_html(args.dev_dir, ids[0]), truth[ids[0]]["url"] or None)  # warm-up
    texts: dict[str, str] = {}
    errors: dict[str, str] = {}
    elapsed = 0.0
    for page_id in ids:
        html = read_dev_html(args.dev_dir, page_id)
        url = truth[page_id]["url"] or None
        start = time.perf_counter()
        try:
            texts[page_id] = extract(html, url)
        # The harness boundary around third-party code: a baseline that raises on a page scores
        # an empty text for it (recorded), it does not end the comparison.
        except Exception as exc:
            texts[page_id] = ""
            errors[page_id] = f"{type(exc).__name__}: {exc}"[:300]
        elapsed += time.perf_counter() - start
    report = {
        "extractor": args.extractor,
        "pages": len(ids),
        "seconds": round(elapsed, 3),
        "pages_per_s": round(len(ids) / elapsed, 2) if elapsed else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_import_mb": round(rss_import, 1),
        "errors": errors,
        "texts": texts,
    }
    args.out.write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
