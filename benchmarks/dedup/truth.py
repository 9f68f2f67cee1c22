"""The dedup benchmark's ground truth: exact all-pairs Jaccard >= a threshold, cached.

``python benchmarks/dedup/truth.py CORPUS.jsonl THRESHOLD OUT.npz`` (run by ``run.py`` with
PYTHONHASHSEED=0). The method is ``pipeline.dedup.exact`` (prefix filtering, no MinHash and no
LSH: it cannot share the search's misses).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import read

from pipeline.dedup.exact import all_pairs, shingle_set


def main(argv: list[str]) -> int:
    corpus, threshold, out = Path(argv[0]), float(argv[1]), Path(argv[2])
    ids, sets = [], []
    for doc_id, text in read(corpus):
        ids.append(doc_id)
        sets.append(shingle_set(text))
    i, j, s = all_pairs(sets, threshold)
    np.savez_compressed(out, ids=np.asarray(ids), i=i, j=j, s=s, threshold=threshold)
    print(f"{len(ids)} documents, {i.size} pairs at J >= {threshold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
