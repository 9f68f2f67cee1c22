"""Held-out main-content extraction benchmark on the extraction development set.

Trains the block classifier on the 80 % training split, extracts the 20 % held-out pages, and
prints precision / recall / F1 over 4-word shingles, ``with`` coverage and ``without`` leak,
beside trafilatura when it is importable (``uv sync --group benchmarks``) and the label oracle
(the blocks the alignment rule marks as main: the ceiling of a block classifier).

Run: ``.venv/bin/python benchmarks/extract/run.py [--dev-dir ../shared/data/extraction-dev]``
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.extract.evaluate import PageScore, score_page, summarize
from pipeline.extract.text import assemble_text
from pipeline.extract.train import (
    DevPage,
    fit_pages,
    is_held_out,
    load_dev_pages,
    page_text,
    read_dev_html,
)


def _score(pages: list[DevPage], extract: Callable[[DevPage], str]) -> dict[str, float]:
    scores: list[PageScore] = []
    for p in pages:
        t = p.truth
        scores.append(score_page(extract(p), t["articleBody"], t["with"], t["without"]))
    return summarize(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[2]
    parser.add_argument("--dev-dir", type=Path, default=here.parent / "shared/data/extraction-dev")
    args = parser.parse_args()
    start = time.perf_counter()
    pages = load_dev_pages(args.dev_dir)
    held = [p for p in pages if is_held_out(p.page_id)]
    model = fit_pages([p for p in pages if not is_held_out(p.page_id)])
    rows = {
        "content-audit": _score(held, lambda p: page_text(model, p)),
        "label oracle": _score(
            held, lambda p: assemble_text([b for b, y in zip(p.blocks, p.labels, strict=True) if y])
        ),
    }
    if importlib.util.find_spec("trafilatura") is not None:
        import trafilatura

        def traf(p: DevPage) -> str:
            html = read_dev_html(args.dev_dir, p.page_id)
            return trafilatura.extract(html, url=p.truth["url"]) or ""

        rows["trafilatura"] = _score(held, traf)
    else:
        print("trafilatura not importable: skipped (uv sync --group benchmarks)")
    print(f"{len(held)} held-out pages, {time.perf_counter() - start:.0f}s\n")
    print(f"| {'extractor':<14} | precision | recall |   F1  | with cov. | without leak |")
    print("|----------------|-----------|--------|-------|-----------|--------------|")
    for name, r in rows.items():
        print(
            f"| {name:<14} | {r['precision']:9.3f} | {r['recall']:6.3f} | {r['f1']:5.3f} "
            f"| {r['with_coverage']:9.3f} | {r['without_leak']:12.3f} |"
        )


if __name__ == "__main__":
    main()
