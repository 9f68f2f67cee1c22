"""One tool over one corpus at one threshold, in a fresh process; a JSON report out.

Run by ``run.py``. Every tool reads the same JSON-lines corpus as a stream and turns text into
pairs; the clock covers exactly that (corpus reading included, interpreter start and imports
not), and peak RSS is the process's ``ru_maxrss`` at the end.

Tools:

* ``content-audit``: ``pipeline.dedup.near_duplicate_pairs(docs, threshold)``, verified pairs.
* ``datasketch``: for each document, the same words (``pipeline.dedup.normalize.tokens``) and
  5-word shingles as strings, ``MinHash(num_perm=128).update_batch``, then
  ``MinHashLSH(threshold, num_perm=128)`` with its default banding: ``query`` (the earlier
  documents sharing a band) and ``insert``. Its pairs are the LSH candidates, as datasketch
  returns them (verifying them would raise its precision but not its recall).
* ``tokenize``: the corpus read and split into words by ``tokens`` (normalization and the
  word regex), nothing else: the floor of any tool that builds its words as Python strings.
* ``split``: the corpus read and ``text.split()``, nothing else: the floor of reading the corpus
  in Python at all.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import read  # noqa: E402  (sibling module)

from pipeline.dedup.normalize import tokens  # noqa: E402
from pipeline.dedup.shingles import word_shingles  # noqa: E402


def content_audit(path: Path, threshold: float) -> list[tuple[str, str]]:
    from pipeline.dedup import near_duplicate_pairs

    return [(a, b) for a, b, _ in near_duplicate_pairs(read(path), threshold)]


def datasketch(path: Path, threshold: float) -> list[tuple[str, str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    pairs = []
    for doc_id, text in read(path):
        grams = word_shingles(tokens(text), 5)
        if not grams:
            continue
        m = MinHash(num_perm=128)
        m.update_batch([g.encode("utf-8") for g in grams])
        for other in lsh.query(m):
            pairs.append((min(doc_id, other), max(doc_id, other)))
        if doc_id not in lsh:
            lsh.insert(doc_id, m)
    return pairs


def tokenize(path: Path, threshold: float) -> list[tuple[str, str]]:
    n = 0
    for _, text in read(path):
        n += len(tokens(text))
    return []


def split(path: Path, threshold: float) -> list[tuple[str, str]]:
    n = 0
    for _, text in read(path):
        n += len(text.split())
    return []


TOOLS = {
    "content-audit": content_audit,
    "datasketch": datasketch,
    "tokenize": tokenize,
    "split": split,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", choices=sorted(TOOLS), required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--threshold", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    pairs = TOOLS[args.tool](args.corpus, args.threshold)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    args.out.write_text(
        json.dumps({"wall_s": wall, "peak_rss_kb": peak_kb, "pairs": pairs}), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
