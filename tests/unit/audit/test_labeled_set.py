"""The hand-labeled detector set (benchmarks/detectors/labeled) and its evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.audit.evaluate import (
    LABELED,
    Counts,
    evaluate,
    fold_groups,
    labels_of,
    load,
    write_labeled_set,
)
from pipeline.audit.text import sentences

ALLOWED = {
    "promo",
    "filler",
    "stuffing",
    "unsourced_stat",
    "absolute_claim",
    "unsourced_quote",
    "chrome",
}


def test_every_sentence_of_every_document_is_a_row_with_valid_labels() -> None:
    docs, rows = load(LABELED)
    assert {d["source"] for d in docs} == {"seed", "demo", "dev"}
    assert sum(d["source"] == "seed" for d in docs) == 5
    assert sum(d["source"] == "demo" for d in docs) == 21
    for d in docs:
        spans = sentences(d["text"])
        got = rows[d["doc_id"]]
        assert [(int(r["start"]), int(r["end"])) for r in got] == [(s.start, s.end) for s in spans]
        for r in got:
            assert d["text"][int(r["start"]) : int(r["end"])] == r["text"]
            assert set(filter(None, r["labels"].split(";"))) <= ALLOWED, r
    dev_health = sum(len(rows[d["doc_id"]]) for d in docs if d["source"] == "dev")
    assert dev_health >= 200


def test_splits_and_folds_keep_families_together() -> None:
    docs, rows = load(LABELED)
    assert {d["split"] for d in docs if d["source"] != "dev"} == {"dev"}
    assert {d["split"] for d in docs if d["source"] == "dev"} == {"dev", "test"}
    folds = fold_groups(docs, rows)
    # seed 002 and its demo rewrite share most sentences: one fold
    assert folds["seed/002"] == folds["demo/heart-space/why-sex-is-good-for-emotional-intimacy/"]


def test_banner_label_is_a_repeated_promo_sentence() -> None:
    rows = [
        {"text": "Talk To A Counselor Today", "labels": "promo"},
        {"text": "Sleep matters.", "labels": ""},
        {"text": "Talk to a counselor today!", "labels": "promo"},
        {"text": "Book now", "labels": "promo"},
    ]
    assert labels_of(rows) == [{"promo", "banner"}, set(), {"promo", "banner"}, {"promo"}]


def test_counts() -> None:
    c = Counts()
    for truth, pred in [(True, True), (True, False), (False, True), (False, False)]:
        c.add(truth, pred)
    assert c.row() == {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert Counts().row()["precision"] is None


def test_evaluate_scores_sentences_against_labels(tmp_path: Path) -> None:
    cta = "Book a free 15-minute consultation with our therapists today."
    stat = "Studies show 40% of adults sleep badly."
    docs = [
        {
            "doc_id": "dev/a",
            "source": "dev",
            "split": "dev",
            "title": "Sleep",
            "text": f"Sleep well at night.\n{cta}\n{stat}\nWalk in the morning light.",
        },
        {
            "doc_id": "dev/b",
            "source": "dev",
            "split": "test",
            "title": "Walks",
            "text": "Walks help.\nStudies show 30% of walkers feel calmer.",
        },
    ]
    # the CTA is labeled; the second statistic is deliberately left unlabeled (a false positive)
    labels = {cta: "promo", stat: "unsourced_stat"}
    write_labeled_set(tmp_path / "set", docs, lambda _, span: labels.get(span.text, ""))
    result = evaluate(tmp_path / "set", errors="dev")
    by = {(r["label"], r["split"]): r for r in result.results}
    assert by[("promo", "dev")]["tp"] == 1 and by[("promo", "dev")]["fp"] == 0
    assert by[("unsourced_stat", "dev")]["tp"] == 1
    assert by[("unsourced_stat", "test")]["fp"] == 1
    assert by[("unsourced_stat", "all")]["precision"] == 0.5
    assert result.sentences == {"dev": 4, "test": 2, "all": 6}
    assert result.findings_without_evidence == 0
    assert not any("dev/b" in line for line in result.errors)  # test errors are never listed


@pytest.mark.slow
def test_shipped_set_evaluates_with_evidence_everywhere() -> None:
    result = evaluate(LABELED)
    assert result.findings_without_evidence == 0
    by = {(r["label"], r["split"]): r for r in result.results}
    # what the issue targets, on the split the detectors were revised on (README: all figures)
    for label in ("promo", "banner", "filler", "unsourced_stat"):
        assert by[(label, "dev")]["precision"] >= 0.85, by[(label, "dev")]
