"""Finding ids: unique by construction within a post, stable across runs (issue 16).

The load used to fail on real posts: ids hashed post, kind, span and evidence only, so two
trust checks on one sentence, or two stuffed phrases quoting one sentence, got one id.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.audit.findings import finding_id, finding_ids
from pipeline.audit.stage import audit_rows
from pipeline.audit.ymyl import ymyl_trust
from pipeline.config import DetectorsConfig
from pipeline.io import DuplicateKeyError, write_table
from pipeline.records import FINDINGS, Finding

LABELED = Path(__file__).resolve().parents[3] / "benchmarks/detectors/labeled/sentences.csv"


def _real_sentences() -> list[str]:
    """Sentences of real posts (the seeds and real health articles of the labeled set)."""
    with LABELED.open(encoding="utf-8") as fh:
        return [row["text"] for row in csv.DictReader(fh) if len(row["text"].split()) >= 3]


SENTENCES = _real_sentences()


def test_two_trust_checks_on_one_sentence_get_two_ids() -> None:
    # the rule path: both checks fire on one sentence (the shipped verifier may drop the
    # statistic; the ids must not collide either way)
    trust = ymyl_trust("clinically proven to cut anxiety by 40 percent")
    assert {f.detector for f in trust} == {"ymyl.absolute_claim", "ymyl.unsupported_statistic"}
    assert trust[0].evidence == trust[1].evidence and trust[0].start == trust[1].start
    assert finding_id("p", trust[0]) != finding_id("p", trust[1])


def _stuffing(phrase: str) -> Finding:
    return Finding(
        kind="keyword_stuffing",
        severity="warning",
        score=0.5,
        evidence="Healthy eating tips for healthy eating plates.",
        start=0,
        end=46,
        detector="keywords.ngram_density",
        extra={"phrase": phrase, "count": "9"},
    )


def test_two_phrases_quoting_one_sentence_get_two_ids() -> None:
    a, b = _stuffing("healthy eating"), _stuffing("eating plates")
    assert finding_id("p", a) != finding_id("p", b)


def test_measured_values_do_not_change_the_id() -> None:
    # The count or density of the same phrase in the same span is a measurement, not identity.
    a = _stuffing("healthy eating")
    b = replace(a, score=0.9, message="other wording", extra={**a.extra, "count": "12"})
    assert finding_id("p", a) == finding_id("p", b)


def test_identical_findings_are_numbered_and_ids_stay_stable() -> None:
    a = _stuffing("healthy eating")
    ids = finding_ids("p", [a, a, _stuffing("x")])
    assert len(set(ids)) == 3
    assert ids[0] == finding_id("p", a)
    assert finding_ids("p", [a, a, _stuffing("x")]) == ids  # same input, same ids


def test_a_stage_writing_a_repeated_finding_id_fails_naming_the_row(tmp_path: Path) -> None:
    row = {
        "run_id": "r", "finding_id": "abc", "post_id": "p", "site": "s", "kind": "structure",
        "severity": "info", "score": 0.1, "message": "", "evidence": "", "start": 0, "end": 0,
        "fix_hint": "", "detector": "d",
    }  # fmt: skip
    target = tmp_path / "findings.parquet"
    with pytest.raises(DuplicateKeyError, match=r"finding_id='abc'"):
        write_table(target, [row, dict(row)], FINDINGS)
    assert not target.exists()  # nothing half-written


def _no_scorer(texts: list[str]) -> list[float]:
    return [0.0] * len(texts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=40),
    repeats=st.lists(st.integers(0, 39), max_size=6),
)
def test_random_real_sentences_never_give_colliding_ids(
    picks: list[str], repeats: list[int]
) -> None:
    # Repeated sentences make banners, repeated phrases make stuffing: the colliding cases.
    text_parts = picks + [picks[i % len(picks)] for i in repeats]
    text = "\n\n".join(text_parts)
    post = {"post_id": "p1", "site": "s", "url": "http://127.0.0.1/p1", "main_text": text,
            "title": picks[0][:60], "word_count": len(text.split())}  # fmt: skip
    findings, _, _ = audit_rows("r", [post], [], [], config=DetectorsConfig(), scorer=_no_scorer)
    ids = [f["finding_id"] for f in findings]
    assert len(ids) == len(set(ids))
