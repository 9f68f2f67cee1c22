"""Detectors on short texts written here: these run without ../shared."""

from __future__ import annotations

import pytest

from pipeline.audit import audit_text
from pipeline.audit.filler import seo_filler
from pipeline.audit.keywords import keyword_stuffing
from pipeline.audit.promo import cta_rule
from pipeline.audit.scoring import audit_score
from pipeline.audit.structure import heading_structure
from pipeline.audit.thin import thin_content
from pipeline.audit.ymyl import statistic_rows, unsupported_statistics, ymyl_trust
from pipeline.records import Finding

# 400 distinct words in 40 sentences: no phrase repeats, so only what a test adds can be stuffing.
FILLER = " ".join(" ".join(f"w{i}x{j}" for j in range(10)) + "." for i in range(40))


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "\x00\x01\x02", "%%% 50% 50% up to", "\n-\n1.\n•\n", "a" * 20000, "Ü" * 300],
)
def test_never_raises_and_offsets_hold(text: str) -> None:
    for f in audit_text(text):
        assert text[f.start : f.end] == f.evidence


def test_non_string_input_gives_no_findings() -> None:
    assert audit_text(None) == []  # type: ignore[arg-type]


def test_thin_content_severity_by_distance() -> None:
    (f,) = thin_content("Short post.\nOnly a few words here.", min_words=300)
    assert f.kind == "thin_content" and f.severity == "critical"
    assert f.evidence == "Short post." and "has 7 words (minimum 300)" in f.message
    assert thin_content(FILLER, min_words=450)[0].severity == "info"  # 400 words
    assert thin_content(FILLER, min_words=100) == []


def test_stuffing_density_and_heading_echo() -> None:
    body = "\n".join(
        f"Best Sleep Tips v{i}\nBest sleep tips " + " ".join(f"v{i}y{j}" for j in range(9)) + "."
        for i in range(5)
    )
    text = body + "\n" + FILLER
    (f,) = keyword_stuffing(text, min_repeats=4)
    assert f.extra["phrase"] == "best sleep tips"
    assert f.evidence == "Best Sleep Tips v0"
    assert "repeated 10 times" in f.message and "10 headings/echoes" in f.message


def test_topic_word_in_a_normal_text_is_not_stuffing() -> None:
    text = FILLER + " Good sleep matters. Sleep hygiene helps. Sleep hygiene is simple."
    assert keyword_stuffing(text, min_repeats=4) == []


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("Schedule your free 20-minute consultation with our team.", "booking"),
        ("Install the CalmNest app to keep going.", "app_download"),
        ("Chat with one of our counsellors about it.", "talk_to_us"),
        ("Visit the best addiction treatment centre in Pune for help.", "local_seo_anchor"),
        ("The book offers a session-by-session plan.", None),
        ("A therapist can help you unpack it.", None),
    ],
)
def test_cta_lexicon(sentence: str, rule: str | None) -> None:
    assert cta_rule(sentence) == rule


def test_statistic_with_citation_is_supported() -> None:
    cited = "Hugging lowered cortisol by 12% (Smith et al., 2019)."
    bare = "Hugging lowers cortisol by 12% in most adults."
    assert ymyl_trust(cited) == []
    (f,) = ymyl_trust(bare)
    assert f.kind == "ymyl_trust" and f.extra["claim"] == "12%"


def test_statistic_in_a_list_uses_the_lead_in_line() -> None:
    text = "Research shows that couples who cuddle report:\n- 40% more happiness\n- Better sleep"
    (f,) = ymyl_trust(text)
    assert f.evidence == "40% more happiness" and "'Research shows'" in f.message


def test_absolute_claims_respect_negation() -> None:
    assert ymyl_trust("There is no guaranteed fix for a rough patch.") == []
    (f,) = ymyl_trust("This tea is clinically proven to calm you.")
    assert f.detector == "ymyl.absolute_claim"


def test_filler_rules() -> None:
    text = "In conclusion, rest matters.\nThis post will explore naps. In this guide, we will nap."
    rules = [f.extra["rule"] for f in seo_filler(text)]
    assert rules == ["stock_padding", "meta_narration", "meta_narration"]


def test_structure_rules() -> None:
    heads = [{"level": 1, "text": "A"}, {"level": 2, "text": "B"}, {"level": 4, "text": "C"}]
    found = heading_structure(1, heads)
    assert [f.extra["rule"] for f in found] == ["skipped_level"]
    assert found[0].evidence == "C" and "H2 to H4" in found[0].message
    assert [f.extra["rule"] for f in heading_structure(0, [])] == ["no_h1"]
    two = heading_structure(2, [{"level": 1, "text": "A"}, {"level": 1, "text": "B"}])
    assert two[0].evidence == "A | B" and two[0].start == -1


def test_score_weights_and_caps() -> None:
    def f(kind: str, severity: str) -> Finding:
        return Finding(kind=kind, severity=severity, score=1.0, evidence="", start=0, end=0)  # type: ignore[arg-type]

    assert audit_score([]) == 100.0
    assert audit_score([f("keyword_stuffing", "critical")]) == 70.0  # 20 × 1.5
    assert audit_score([f("promo_in_body", "warning")] * 20) == 60.0  # capped at 40 per kind
    many = [f(k, "critical") for k in ("keyword_stuffing", "thin_content", "ymyl_trust")] * 3
    assert audit_score(many) == 0.0


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("Breathe in for four counts and out for six. Repeat five times.", False),
        ("Do ten squats, three times a day, and rest on Sundays.", False),
        ("People who walk daily are three times more likely to sleep through the night.", True),
        ("Regular stretching gives a 2-fold drop in back pain for office workers.", True),
    ],
)
def test_times_counts_only_as_a_comparison(sentence: str, flagged: bool) -> None:
    # Regression: "Repeat five times." was reported as an unsupported statistic. The rule's
    # candidates are what the verifier sees (an instruction is never one).
    text = "A short how-to for the afternoon slump at your desk.\n" + sentence
    assert bool(unsupported_statistics(text)) is flagged
    assert bool(statistic_rows(text)) is flagged
