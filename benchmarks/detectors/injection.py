"""Detectors on an injection set: real article texts with problems inserted at known positions.

Issue 7, "Measured targets", set 2 (set 1, the hand-labeled sentences, is ``labeled.py``).
Bases: the ``articleBody`` of the article pages of ``../shared/data/extraction-dev`` with at
least 300 words (``--bases`` of them, in id order). Per base, deterministic variants
(``random.Random(f"{seed}/{id}")``):

* ``promo``: one call to action from ``CTAS`` inserted as its own line at a random inner line;
* ``banner``: one promo headline from ``BANNERS`` inserted as its own line at three inner lines;
* ``stuffing@r``: a key phrase from ``PHRASES`` inserted after random words of random sentences
  until it is ``r`` of the words (r in 1 %, 2 %, 4 %, 6 %). At or above the detector's documented
  limit (``DetectorsConfig().stuffing_density``, 3 %) it is a positive; below, a negative.

The templates were written for this benchmark, not taken from the seeds or from the promo
classifier's training sentences, and the detectors were not tuned on them.

Scoring per kind, with ``pipeline.audit.audit_text(text, title=title)``:

* a finding *matches* an injection when its ``[start, end)`` overlaps an inserted span (promo,
  banner) or its key phrase is the inserted phrase (stuffing);
* a finding that is already a finding of the same kind on the untouched base (same evidence
  text; for stuffing, same key phrase) is *pre-existing*: the base's own text, whose truth is
  unknown; it counts neither way (the share of bases with such findings is printed as
  ``flagged originals``). So these precisions say nothing about false alarms on real text:
  that is what the hand-labeled set is for;
* TP: positives matched; FN: positives unmatched; FP: every other finding of the kind (including
  matches of below-limit stuffing).

Provenance (``provenance_tallies``): each base with a byline and a date line inserted on top
(``AUTHORS``, ``DATES``: negatives for ``ymyl.no_author`` / ``ymyl.no_date``) and without
(positives), scored on the text alone, as when the page metadata has no author or date.

``python benchmarks/detectors/injection.py [--bases 200] [--seed 0] [--out results.json]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.audit import audit_text
from pipeline.config import DetectorsConfig
from pipeline.records import Finding

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared"
KINDS = ("promo_in_body", "repeated_banner", "keyword_stuffing")
RATES = (0.01, 0.02, 0.04, 0.06)

CTAS = (
    "Book your free 20-minute discovery call with one of our certified nutritionists today.",
    "Schedule an online session with a licensed therapist from our team this week.",
    "Download the CalmPath app and get your first month of guided meditations free.",
    "Use code WELLNESS25 at checkout to save 25% on your first order of our probiotic blend.",
    "Join our 30-day gut reset program and start feeling lighter in just one week.",
    "Call our helpline now to speak with a recovery specialist, available 24/7.",
    "Sign up for our premium membership to unlock personalised meal plans and coaching.",
    "Order our bestselling magnesium gummies today and enjoy free shipping on all orders.",
    "Ready to take control of your anxiety? Enroll in our online course for just $49.",
    "Our experienced counsellors are ready to help you; request an appointment online.",
    "Get a personalised sleep plan from our experts by filling out the short form below.",
    "Try our plant-based protein shake risk-free with a 60-day money-back guarantee.",
    "Visit our clinic for a comprehensive hormone panel and a consultation with our doctor.",
    "Subscribe to our coaching plan and get weekly check-ins with a certified health coach.",
    "Click here to claim your free copy of our 7-day detox guide.",
    "Talk to one of our relationship experts today and rebuild the connection you deserve.",
)
BANNERS = (
    "Feeling Overwhelmed? Our Licensed Therapists Are Here To Help You",
    "Start Your Healing Journey Today With A Free Consultation",
    "Limited Offer: 30% Off All Supplements This Week Only",
    "Need Support? Speak To A Certified Coach In Minutes",
    "Join 10,000 Members Who Transformed Their Health With Our Program",
    "Get Expert Guidance From Our Nutrition Specialists Today",
)
PHRASES = (
    "anxiety relief",
    "gut health tips",
    "best sleep supplements",
    "natural stress relief",
    "healthy weight loss",
    "mental health benefits",
    "couples therapy online",
    "vitamin d deficiency",
)
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


def bases(limit: int) -> list[tuple[str, str, str | None]]:
    truth = json.loads((SHARED / "data/extraction-dev/ground-truth.json").read_text("utf-8"))
    out = []
    for page_id, page in sorted(truth.items()):
        body = (page.get("articleBody") or "").strip()
        if page.get("page_type") == "article" and len(body.split()) >= 300:
            out.append((page_id, body, page.get("title")))
    return out[:limit]


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
    cta = rng.choice(CTAS)
    new, starts = _insert_lines(text, cta, 1, rng)
    spans = tuple((s, s + len(cta)) for s in starts)
    assert all(new[a:b] == cta for a, b in spans), "an inserted span must hold the CTA"
    return Variant(base_id, "promo", new, title, "promo_in_body", True, spans)


def banner_variant(base_id: str, text: str, title: str | None, rng: random.Random) -> Variant:
    banner = rng.choice(BANNERS)
    new, starts = _insert_lines(text, banner, 3, rng)
    spans = tuple((s, s + len(banner)) for s in starts)
    assert all(new[a:b] == banner for a, b in spans), "an inserted span must hold the banner"
    return Variant(base_id, "banner", new, title, "repeated_banner", len(spans) >= 2, spans)


def stuffing_variant(
    base_id: str, text: str, title: str | None, rate: float, rng: random.Random
) -> Variant:
    phrase = rng.choice(PHRASES)
    sentences = _SENTENCE_END.split(text)
    total = len(text.split())
    n_words = len(phrase.split())
    # Each insertion adds the phrase's words to the total: solve count*n/(total + count*n) >= r.
    needed = max(1, round(rate * total / (n_words * (1 - rate))))
    for i in sorted(rng.choices(range(len(sentences)), k=needed)):
        words = sentences[i].split(" ")
        j = rng.randrange(1, len(words) + 1)
        words.insert(j, phrase)
        sentences[i] = " ".join(words)
    new = " ".join(sentences)
    positive = rate >= DetectorsConfig().stuffing_density
    name = f"stuffing@{rate:.0%}"
    return Variant(base_id, name, new, title, "keyword_stuffing", positive, phrase=phrase)


def variants(base_id: str, text: str, title: str | None, seed: int) -> list[Variant]:
    rng = random.Random(f"{seed}/{base_id}")
    out = [promo_variant(base_id, text, title, rng), banner_variant(base_id, text, title, rng)]
    out += [stuffing_variant(base_id, text, title, rate, rng) for rate in RATES]
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
