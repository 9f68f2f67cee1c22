"""Build the real-text labeled detector set (issue 17): documents, sentence rows, labeling chunks.

    python benchmarks/detectors/real/build.py

Documents (``docs.jsonl``: doc_id, source, url, title, text, split) are whole annotated main texts
(``articleBody``) of ``../shared/data/extraction-dev`` (``dev/<id>``) and ``extraction-more``
(``more/<id>``), chosen by a fixed rule, never by looking at detector output:

* every page about health, fitness, nutrition, mental health or relationships (``HEALTH`` words
  at least ``HEALTH_MIN`` times in title, URL and first 3,000 characters) with at least 150 words
  and at most ``HEALTH_MAX_SENTENCES`` sentences (longer ones are left out for labeling budget);
* articles of other kinds (fewer health words) with 150 words or more and at most
  ``OTHER_MAX_SENTENCES`` sentences, the first by a hash of their id, up to ``TOTAL`` documents:
  a detector must stay quiet on them too;
* never the 24 extraction-dev pages of the older set (``../labeled``).

``split``: ``test`` when ``sha1(host)`` falls in two of five buckets, else ``dev`` (tuning).
Every page of the shared sets is from its own site, so this is a split by site. Fixed before any
detector was run on these documents.

Sentence rows (``sentences.csv``) come from ``pipeline.audit.text.sentences`` as in the older set;
labels already present are kept. ``chunks/`` holds the texts as labelers read them (one numbered
sentence per line, by document) and ``second_pass.txt`` the documents of the independent second
pass (a fifth of them, by a hash).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.audit.evaluate import write_labeled_set  # noqa: E402
from pipeline.audit.text import sentences  # noqa: E402
from pipeline.audit.verifier_data import shared_pages, split_of  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
OLD_SET = HERE.parent / "labeled" / "docs.jsonl"
HEALTH = re.compile(
    r"\b(health|healthy|fitness|workout|exercise|nutrition|diet|dietary|calorie|protein|vitamin|"
    r"mental|anxiety|depression|stress|therapy|therapist|wellness|wellbeing|well-being|sleep|yoga|"
    r"meditation|mindful\w*|weight|obesity|disease|symptom\w*|doctor|clinic|patient|medical|"
    r"medicine|nurse|cancer|diabetes|heart|blood|pain|injury|pregnan\w*|skin|dental|teeth|food|"
    r"recipe|eating|muscle|running|gym|relationship|addiction|rehab\w*|counsel\w*)\b",
    re.IGNORECASE,
)
HEALTH_MIN = 5
HEALTH_MAX_SENTENCES = 150
OTHER_MAX_SENTENCES = 80
MIN_WORDS = 150
TOTAL = 310
CHUNKS = 5


def _hash(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def candidates() -> list[dict[str, object]]:
    old = {json.loads(line)["doc_id"] for line in OLD_SET.open(encoding="utf-8")}
    out = []
    for doc_id, name, rec in shared_pages(SHARED):
        body = rec.get("articleBody") or ""
        if doc_id in old or len(body.split()) < MIN_WORDS:
            continue
        head = f"{rec.get('title') or ''} {rec.get('url') or ''} {body[:3000]}"
        out.append(
            {
                "doc_id": doc_id,
                "source": name,
                "url": rec.get("url") or "",
                "title": rec.get("title") or "",
                "text": body,
                "page_type": rec.get("page_type"),
                "health": len(HEALTH.findall(head)) >= HEALTH_MIN,
                "sentences": len(sentences(body)),
            }
        )
    return out


def choose(cands: list[dict[str, object]]) -> list[dict[str, object]]:
    health = [c for c in cands if c["health"] and c["sentences"] <= HEALTH_MAX_SENTENCES]
    other = [
        c
        for c in cands
        if not c["health"]
        and c["page_type"] in ("article", "blog")
        and c["sentences"] <= OTHER_MAX_SENTENCES
    ]
    other.sort(key=lambda c: _hash(str(c["doc_id"])))
    return health + other[: max(0, TOTAL - len(health))]


def main() -> int:
    chosen = choose(candidates())
    docs = [
        {
            "doc_id": c["doc_id"],
            "source": c["source"],
            "url": c["url"],
            "title": c["title"],
            "text": c["text"],
            "kind": "health" if c["health"] else "other",
            "page_type": c["page_type"],
            "split": split_of(str(c["url"])),
        }
        for c in chosen
    ]
    docs.sort(key=lambda d: d["doc_id"])
    old: dict[tuple[str, int, int], str] = {}
    csv_path = HERE / "sentences.csv"
    if csv_path.exists():
        with csv_path.open(encoding="utf-8", newline="") as fh:
            old = {
                (r["doc_id"], int(r["start"]), int(r["end"])): r["labels"]
                for r in csv.DictReader(fh)
            }
    write_labeled_set(HERE, docs, lambda doc_id, s: old.get((doc_id, s.start, s.end), ""))
    write_chunks(docs)
    n_sent = sum(len(sentences(d["text"])) for d in docs)
    n_test = sum(d["split"] == "test" for d in docs)
    print(f"{len(docs)} documents ({n_test} test), {n_sent} sentences -> {HERE}")
    return 0


def _render(doc: dict[str, str]) -> str:
    lines = [f"=== DOC {doc['doc_id']} | {doc['title']} | {doc['url']}"]
    for n, span in enumerate(sentences(doc["text"])):
        lines.append(f"{n}\t{' '.join(span.text.split())}")
    return "\n".join(lines) + "\n\n"


def write_chunks(docs: list[dict[str, str]]) -> None:
    """Chunks of whole documents, balanced by sentence count, for the first pass; the second
    pass reads a fifth of the documents (by a hash) in another order."""
    out = HERE / "chunks"
    out.mkdir(exist_ok=True)
    sizes = [0] * CHUNKS
    texts: list[list[str]] = [[] for _ in range(CHUNKS)]
    for d in sorted(docs, key=lambda d: -len(d["text"])):
        i = sizes.index(min(sizes))
        sizes[i] += len(d["text"])
        texts[i].append(_render(d))
    for i, parts in enumerate(texts):
        (out / f"chunk_{i}.txt").write_text("".join(parts), encoding="utf-8")
    second = sorted(
        (d for d in docs if _hash("second:" + d["doc_id"]) % 5 == 0),
        key=lambda d: _hash("order:" + d["doc_id"]),
    )
    (out / "second_pass.txt").write_text("".join(_render(d) for d in second), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
