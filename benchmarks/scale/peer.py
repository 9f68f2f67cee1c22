"""Per-page cost of extraction on the scale corpus, against trafilatura, in one process.

    .venv/bin/python benchmarks/scale/peer.py [--corpus benchmarks/scale/.cache/corpus-10000-seed0]
        [--every 10] [--rounds 3] [--out benchmarks/scale/peer.json]

Needs the ``benchmarks`` dependency group (``uv sync --group benchmarks``) for trafilatura.

The whole-chain target (100,000 posts from WARC to report in 15 minutes on 2 cores) leaves
18 ms of CPU a page for every stage together. This measures what one page costs, on a
systematic sample of the corpus's HTML pages (every ``--every``-th response of its WARCs), for:

- ``lxml parse``: ``lxml.html.document_fromstring`` alone, the floor of any DOM-based extractor;
- ``trafilatura``: ``trafilatura.extract(html, url=url)``, its documented default use;
- ``content-audit main text``: ``pipeline.extract.main_text``, the same kind of output;
- ``content-audit page``: ``guard.guarded_page``, the whole record the extract stage makes of a
  page (blocks with features and categories, page type, metadata: what the audit reads).

Pages are paired: each is extracted by every function back to back, in rotating order,
``--rounds`` times, and the median per page is kept (drift on this shared VM hits all alike).
Printed: median ms a page, pages/s over the sample (pages / summed medians), and the time 105,250
pages (the 100k corpus: posts and listing pages) would take at that rate on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
CORPUS_PAGES_100K = 105_250  # posts and listing/home/about pages of the 100,000-post corpus


def sample(corpus: Path, every: int) -> list[tuple[str, str]]:
    """(url, html) of every ``every``-th HTML response of the corpus's WARC files, in order."""
    from warcio.archiveiterator import ArchiveIterator

    out: list[tuple[str, str]] = []
    n = 0
    for path in sorted((corpus / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                    continue
                n += 1
                if n % every == 0:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    html = record.content_stream().read().decode("utf-8", "replace")
                    out.append((url, html))
    return out


def functions() -> dict[str, Callable[[str, str], object]]:
    import lxml.html
    import trafilatura

    from pipeline.extract import main_text
    from pipeline.extract.guard import guarded_page
    from pipeline.extract.inference import shipped_model

    model = shipped_model()
    return {
        "lxml parse": lambda html, url: lxml.html.document_fromstring(html.encode()),
        "trafilatura": lambda html, url: trafilatura.extract(html, url=url),
        "content-audit main text": lambda html, url: main_text(html, url),
        "content-audit page": lambda html, url: guarded_page(html, url, model),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / ".cache" / "corpus-10000-seed0")
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "peer.json")
    args = parser.parse_args(argv)
    pages = sample(args.corpus, args.every)
    funcs = functions()
    for f in funcs.values():
        f(pages[0][1], pages[0][0])  # warm-up: imports, the model, regex caches
    times: dict[str, list[list[float]]] = {name: [[] for _ in pages] for name in funcs}
    names = list(funcs)
    for round_ in range(args.rounds):
        for i, (url, html) in enumerate(pages):
            shift = (i + round_) % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                funcs[name](html, url)
                times[name][i].append(time.perf_counter() - started)
    results = {}
    print(f"{len(pages)} pages of {args.corpus.name}, {args.rounds} rounds, paired\n")
    print("| function | median ms a page | pages/s | 105,250 pages on 2 cores |")
    print("|---|---:|---:|---:|")
    for name, per_page in times.items():
        medians = [statistics.median(t) for t in per_page]
        rate = len(medians) / sum(medians)
        minutes = CORPUS_PAGES_100K / rate / 2 / 60
        results[name] = {
            "median_ms": round(1000 * statistics.median(medians), 2),
            "pages_per_s": round(rate, 1),
            "minutes_100k_2_cores": round(minutes, 1),
        }
        print(f"| {name} | {results[name]['median_ms']} | {rate:.1f} | {minutes:.1f} min |")
    ratio = results["trafilatura"]["pages_per_s"] / results["content-audit page"]["pages_per_s"]
    print(f"\ncontent-audit's whole page record costs {ratio:.2f}x trafilatura's main text")
    args.out.write_text(
        json.dumps(
            {"corpus": args.corpus.name, "pages": len(pages), "rounds": args.rounds, **results},
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
