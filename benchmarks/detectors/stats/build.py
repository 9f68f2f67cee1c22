"""Statistic candidates of real articles, for a targeted labeling pass (issue 17).

    python benchmarks/detectors/stats/build.py

The real labeled set holds too few unsourced statistics to train a verifier (120). Here every
sentence of the shared sets' article pages (``articleBody``, 150 words or more, not already in
the real set) that ``ymyl.statistic_rows`` takes as a candidate is written with two sentences
of context on each side (``candidates.jsonl``: cid, doc_id, split, n, sentence, context, and
the same ``chunk_*.txt`` for the labelers). ``split`` is the real set's split by site, so the
test part's sites stay out of training. Labels: ``GUIDE.md`` here, ``labels/``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.audit.text import sentences  # noqa: E402
from pipeline.audit.verifier_data import shared_pages, split_of  # noqa: E402
from pipeline.audit.ymyl import statistic_rows  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CHUNKS = 5


def main() -> int:
    real = {json.loads(x)["doc_id"] for x in (HERE.parent / "real" / "docs.jsonl").open()}
    rows = []
    for doc_id, _, rec in shared_pages(SHARED):
        body = rec.get("articleBody") or ""
        if doc_id in real or rec.get("page_type") not in ("article", "blog"):
            continue
        if len(body.split()) < 150:
            continue
        spans = sentences(body)
        index = {s.start: i for i, s in enumerate(spans)}
        for span, _claim, _ in statistic_rows(body):
            i = index[span.start]
            before = " ".join(s.text for s in spans[max(0, i - 2) : i])
            after = " ".join(s.text for s in spans[i + 1 : i + 3])
            rows.append(
                {
                    "cid": f"c{len(rows):05d}",
                    "doc_id": doc_id,
                    "split": split_of(rec.get("url") or ""),
                    "start": span.start,
                    "title": rec.get("title") or "",
                    "sentence": " ".join(span.text.split()),
                    "before": " ".join(before.split()),
                    "after": " ".join(after.split()),
                }
            )
    with (HERE / "candidates.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    chunks: list[list[str]] = [[] for _ in range(CHUNKS)]
    for r in rows:
        text = (
            f"[{r['cid']}] ({r['title'][:80]})\n  before: {r['before'][:400]}\n"
            f"  >>> {r['sentence']}\n  after: {r['after'][:400]}\n"
        )
        chunks[int(hashlib.sha1(r["doc_id"].encode()).hexdigest()[:6], 16) % CHUNKS].append(text)
    second = [
        f"[{r['cid']}] ({r['title'][:80]})\n  before: {r['before'][:400]}\n"
        f"  >>> {r['sentence']}\n  after: {r['after'][:400]}\n"
        for r in sorted(rows, key=lambda r: hashlib.sha1(r["cid"].encode()).hexdigest())
        if int(hashlib.sha1(("2:" + r["cid"]).encode()).hexdigest()[:6], 16) % 5 == 0
    ]
    (HERE / "chunks").mkdir(exist_ok=True)
    for i, parts in enumerate(chunks):
        (HERE / "chunks" / f"chunk_{i}.txt").write_text("\n".join(parts), encoding="utf-8")
    (HERE / "chunks" / "second_pass.txt").write_text("\n".join(second), encoding="utf-8")
    print(f"{len(rows)} candidates, chunks {[len(c) for c in chunks]}, second pass {len(second)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
