"""Detectors on an injection set: real article texts with real problems inserted at known places.

Issue 17: everything inserted comes from real pages, never from text written for the test.

* **Bases**: the ``articleBody`` of the article pages of both shared sets with at least 300 words
  that are in neither labeled set (``labeled/``, ``real/``), so no model or threshold was fit on
  them (``--bases`` of them, in the order of a hash of their id).
* **promo**: one real call to action inserted as its own line: a ``without`` snippet of the
  shared sets (text a real page showed outside its article) labeled ``cta`` in
  ``injection_material/labels.csv`` (helper labelers, ``injection_material/GUIDE.md``), from
  the test part's sites only (the tuning part's snippets train the promo sentence model);
* **banner**: one real ``cta`` or ``message`` snippet of six words or more, of the test part's
  sites, inserted as its own line at three places;
* **stuffing**: the base's own title keyphrase (the 2-4-word title phrase its body uses most: a
  real page's real search phrase) inserted after random words of random sentences until its
  density is twice what real articles give a title phrase of that length (``natural``, 99th
  percentile), wedged after random words: a positive; and, as a negative, opening sentences
  ("Air fryer: …") until it reaches the 90th percentile (what one real article in ten does).

Scoring per kind, with ``pipeline.audit.audit_text(text, title=title)`` (the shipped models):

* a finding *matches* an injection when its ``[start, end)`` overlaps an inserted span (promo,
  banner) or its key phrase is, or contains, the inserted phrase (stuffing);
* a finding already present on the untouched base (same evidence; for stuffing, same phrase) is
  *pre-existing*: the base's own text, whose truth is unknown here, counts neither way (the share
  of bases with such findings is ``flagged originals``; the real labeled set measures false
  alarms on untouched text);
* TP: positives matched; FN: positives unmatched; FP: every other finding of the kind.

Provenance (``provenance_tallies``): each base with a byline and a date line inserted on top
(``AUTHORS``, ``DATES``: negatives for ``ymyl.no_author`` / ``ymyl.no_date``) and without
(positives), scored on the text alone, as when the page metadata has no author or date.

``python benchmarks/detectors/injection.py [--bases 200] [--seed 0] [--out results.json]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.audit import audit_text, natural
from pipeline.audit.verifier_data import shared_pages
from pipeline.records import Finding

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared"
KINDS = ("promo_in_body", "repeated_banner", "keyword_stuffing")
MATERIAL = HERE / "injection_material"
STUFFED_FACTOR = 2.0  # positive: twice the 99th-percentile density of real articles

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Provenance: a byline and a date line put on top of the base (negatives for "no author" / "no
# date"), or the bare base with its title line (positives: nothing to find).
AUTHORS = (
    "By Maya Patel", "Written by Daniel Okafor", "Author: Sofia Lindqvist", "By Dr. Helen Cho",
    "By James O'Neill", "Written by Priya Raman", "Author: Tomás Ribeiro", "By Grace Mwangi",
)  # fmt: skip
DATES = (
    "Updated: Aug 1, 2025", "Published on March 3, 2024", "Last updated 2025-06-01",
    "January 9, 2025", "Posted 12 February 2024", "Updated May 06, 2020",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Variant:
    base_id: str
    name: str
    text: str
    title: str | None
    kind: str
    positive: bool
    spans: tuple[tuple[int, int], ...] = ()  # promo, banner: the inserted text's offsets
    phrase: str = ""  # stuffing: the inserted phrase


def _labeled_ids() -> set[str]:
    out = set()
    for name in ("labeled", "real"):
        for line in (HERE / name / "docs.jsonl").open(encoding="utf-8"):
            out.add(json.loads(line)["doc_id"])
    return out


def bases(limit: int) -> list[tuple[str, str, str | None]]:
    seen = _labeled_ids()
    out = []
    for doc_id, _, page in shared_pages(SHARED / "data"):
        body = (page.get("articleBody") or "").strip()
        if doc_id in seen or page.get("page_type") not in ("article", "blog"):
            continue
        if len(body.split()) >= 300:
            out.append((doc_id, body, page.get("title")))
    out.sort(key=lambda b: hashlib.sha1(b[0].encode()).hexdigest())
    return out[:limit]


@lru_cache(maxsize=1)
def material() -> dict[str, tuple[str, ...]]:
    """Real snippets by label: ``cta`` (calls to action), ``banner`` (cta or message, 6+ words)."""
    with (MATERIAL / "snippets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    text = {r["sid"]: r["text"] for r in rows}
    split = {r["sid"]: r["split"] for r in rows}
    with (MATERIAL / "labels.csv").open(encoding="utf-8", newline="") as fh:
        label = {r["sid"]: r["label"] for r in csv.DictReader(fh)}
    # the test part's sites only: the tuning part's snippets train the promo model
    ctas = tuple(text[k] for k in sorted(text) if label.get(k) == "cta" and split[k] == "test")
    banners = tuple(
        text[k]
        for k in sorted(text)
        if label.get(k) in ("cta", "message") and len(text[k].split()) >= 6 and split[k] == "test"
    )
    return {"cta": ctas, "banner": banners}


def title_keyphrase(text: str, title: str | None) -> str | None:
    """The title's 2-4-word phrase the body uses most (ties: the longer)."""
    if not title:
        return None
    body = natural.tokens(text)
    best: tuple[int, int, str] | None = None
    for phrase in natural.title_phrases(title):
        n = phrase.count(" ") + 1
        if n > 4:
            continue
        key = (natural.count(phrase, body), n, phrase)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _insert_lines(text: str, insert: str, n: int, rng: random.Random) -> tuple[str, list[int]]:
    """``insert`` as its own line before ``n`` distinct inner lines; the insertion offsets."""
    lines = text.split("\n")
    inner = list(range(1, len(lines)))
    if not inner:  # one line: put it after the first sentence instead
        lines = _SENTENCE_END.split(text, maxsplit=1)
        inner = [1] if len(lines) > 1 else [len(lines)]
    at = sorted(rng.sample(inner, min(n, len(inner))))
    out, starts, pos = [], [], 0
    for i, line in enumerate(lines):
        if i in at:
            starts.append(pos)
            out.append(insert)
            pos += len(insert) + 1
        out.append(line)
        pos += len(line) + 1
    return "\n".join(out), starts


def promo_variant(base_id: str, text: str, title: str | None, rng: random.Random) -> Variant:
    cta = rng.choice(material()["cta"])
    new, starts = _insert_lines(text, cta, 1, rng)
    spans = tuple((s, s + len(cta)) for s in starts)
    assert all(new[a:b] == cta for a, b in spans), "an inserted span must hold the CTA"
    return Variant(base_id, "promo", new, title, "promo_in_body", True, spans)


def banner_variant(base_id: str, text: str, title: str | None, rng: random.Random) -> Variant:
    banner = rng.choice(material()["banner"])
    new, starts = _insert_lines(text, banner, 3, rng)
    spans = tuple((s, s + len(banner)) for s in starts)
    assert all(new[a:b] == banner for a, b in spans), "an inserted span must hold the banner"
    return Variant(base_id, "banner", new, title, "repeated_banner", len(spans) >= 2, spans)


def stuffing_variant(
    base_id: str, text: str, title: str | None, positive: bool, rng: random.Random
) -> Variant | None:
    phrase = title_keyphrase(text, title)
    if phrase is None:
        return None
    n_words = phrase.count(" ") + 1
    table = natural.shipped()
    rate = STUFFED_FACTOR * table.level(n_words, 99) if positive else table.level(n_words, 90)
    body = natural.tokens(text)
    have = natural.count(phrase, body)
    total = len(body)
    # each insertion adds the phrase's words: solve (have + k) * n / (total + k * n) >= rate
    needed = math.ceil((rate * total - have * n_words) / (n_words * (1 - rate)))
    if needed <= 0:
        return None  # the base is already there: not an injection
    sentences = _SENTENCE_END.split(text)
    for i in sorted(rng.choices(range(len(sentences)), k=needed)):
        words = sentences[i].split(" ")
        if positive:  # forced: wedged after a random word
            words.insert(rng.randrange(1, len(words) + 1), phrase)
        else:  # used: opening the sentence, as a writer naming the topic does
            words.insert(0, phrase[0].upper() + phrase[1:] + ":")
        sentences[i] = " ".join(words)
    name = "stuffing@2xp99" if positive else "stuffing@p90"
    return Variant(base_id, name, " ".join(sentences), title, "keyword_stuffing", positive,
                   phrase=phrase)  # fmt: skip


def variants(base_id: str, text: str, title: str | None, seed: int) -> list[Variant]:
    rng = random.Random(f"{seed}/{base_id}")
    out = [promo_variant(base_id, text, title, rng), banner_variant(base_id, text, title, rng)]
    for positive in (True, False):
        v = stuffing_variant(base_id, text, title, positive, rng)
        if v is not None:
            out.append(v)
    return out


def _identity(finding: Finding) -> str:
    """What makes a finding on the injected text the same as one on the base: the key phrase
    for stuffing (its evidence sentence can change when the phrase lands in it), else the
    evidence text."""
    if finding.kind == "keyword_stuffing":
        return "phrase:" + finding.extra.get("phrase", "").lower()
    return finding.evidence


def _matches(finding: Finding, variant: Variant) -> bool:
    if variant.kind == "keyword_stuffing":
        # The detector may report a 2-4-gram inside the inserted phrase, or one that extends it.
        found, inserted = finding.extra.get("phrase", "").lower(), variant.phrase.lower()
        return bool(found) and (found in inserted or inserted in found)
    return any(finding.start < end and start < finding.end for start, end in variant.spans)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    pre_existing: int = 0
    by_variant: dict[str, list[int]] = field(default_factory=dict)  # name -> [positives, found]

    def row(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": p, "recall": r,
                "pre_existing": self.pre_existing}  # fmt: skip


def evaluate(limit: int, seed: int) -> dict[str, object]:
    tallies = {kind: Tally() for kind in KINDS}
    flagged = dict.fromkeys(KINDS, 0)
    all_bases = bases(limit)
    for base_id, text, title in all_bases:
        original = audit_text(text, title=title)
        before = {kind: {_identity(f) for f in original if f.kind == kind} for kind in KINDS}
        for kind in KINDS:
            flagged[kind] += bool(before[kind])
        for v in variants(base_id, text, title, seed):
            tally = tallies[v.kind]
            found = [f for f in audit_text(v.text, title=v.title) if f.kind == v.kind]
            hit = False
            for f in found:
                if v.positive and _matches(f, v):
                    hit = True
                elif _identity(f) in before[v.kind] and not _matches(f, v):
                    tally.pre_existing += 1
                else:
                    tally.fp += 1
            if v.positive:
                tally.tp += hit
                tally.fn += not hit
            stats = tally.by_variant.setdefault(v.name, [0, 0])
            stats[0] += v.positive
            stats[1] += hit or (not v.positive and any(_matches(f, v) for f in found))
    return {
        "bases": len(all_bases),
        "seed": seed,
        "kinds": {kind: tallies[kind].row() for kind in KINDS},
        "flagged_originals": {kind: flagged[kind] / max(1, len(all_bases)) for kind in KINDS},
        "variants": {
            name: {"positives": p, "flagged": n}
            for kind in KINDS
            for name, (p, n) in tallies[kind].by_variant.items()
        },
    }


def provenance_tallies(limit: int, seed: int) -> dict[str, dict[str, float | int]]:
    """P/R of ``ymyl.no_author`` and ``ymyl.no_date`` from the text alone (no page metadata):
    positives are bases with no byline, negatives the same bases with one inserted on top."""
    from pipeline.audit.provenance import provenance

    tallies = {"ymyl.no_author": Tally(), "ymyl.no_date": Tally()}
    for base_id, text, title in bases(limit):
        rng = random.Random(f"{seed}/{base_id}/provenance")
        head = title or text.split("\n", 1)[0]
        bare = f"{head}\n{text}"
        dated = f"{head}\n{rng.choice(AUTHORS)}\n{rng.choice(DATES)}\n{text}"
        for variant, positive in ((bare, True), (dated, False)):
            found = {f.detector for f in provenance(variant)}
            for detector, tally in tallies.items():
                flagged = detector in found
                tally.tp += positive and flagged
                tally.fn += positive and not flagged
                tally.fp += flagged and not positive
    return {k: t.row() for k, t in tallies.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = evaluate(args.bases, args.seed)
    result["provenance"] = provenance_tallies(args.bases, args.seed)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"{'kind':<18}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}"
          f"{'pre-existing':>14}{'flagged originals':>19}")  # fmt: skip
    kinds = result["kinds"]
    assert isinstance(kinds, dict)
    flagged = result["flagged_originals"]
    assert isinstance(flagged, dict)
    for kind, row in kinds.items():
        print(f"{kind:<18}{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}{row['precision']:>11.3f}"
              f"{row['recall']:>8.3f}{row['pre_existing']:>14}{flagged[kind]:>19.1%}")  # fmt: skip
    variants_ = result["variants"]
    assert isinstance(variants_, dict)
    for name, v in variants_.items():
        print(f"  {name:<16} positives {v['positives']:>4}  flagged {v['flagged']:>4}")
    prov = result["provenance"]
    assert isinstance(prov, dict)
    for detector, row in prov.items():
        print(f"{detector:<18}{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}{row['precision']:>11.3f}"
              f"{row['recall']:>8.3f}   (byline removed / inserted, text only)")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
