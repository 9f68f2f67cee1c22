"""Calibrated verifiers (issue 17): thresholds, rules that flag alone, shipped models, and the
detectors that use them."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from skops.io import get_untrusted_types

from pipeline.audit import natural, verify
from pipeline.audit.findings import KEYWORD_STUFFING
from pipeline.audit.promo import verified_promo
from pipeline.audit.stage import with_site_density
from pipeline.audit.verifier_data import choose_threshold, split_of, thresholds
from pipeline.audit.ymyl import verified_statistics
from pipeline.records import Finding


def _toy_verifier(threshold: float, alone: frozenset[str] = frozenset()) -> verify.Verifier:
    rows = [{"p": x / 10, "rule": float(x > 7)} for x in range(10)] * 3
    labels = [x > 5 for x in range(10)] * 3
    return verify.fit(rows, labels, threshold, None, alone)


def test_choose_threshold_reaches_the_precision_or_reports_nothing() -> None:
    probas = [0.95, 0.9, 0.8, 0.7, 0.6, 0.55]
    truth = [True, True, False, True, False, False]
    assert choose_threshold(probas, truth, 0.75) == 0.7  # 3 of 4 right down to 0.7
    assert choose_threshold(probas, truth, 1.0) == 0.9
    assert choose_threshold(probas, [False] * 6, 0.5) == 1.0  # never reached: silent


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=60))
def test_the_chosen_threshold_keeps_its_precision(pairs: list[tuple[float, bool]]) -> None:
    probas, truth = [p for p, _ in pairs], [y for _, y in pairs]
    t = choose_threshold(probas, truth, 0.8)
    kept = [y for p, y in pairs if p >= t]
    assert t >= 0.5
    assert not kept or t == 1.0 or sum(kept) / len(kept) >= 0.8


def test_rule_hits_get_their_own_threshold_and_reliable_rules_flag_alone() -> None:
    held_out = [
        ({"rule": 1.0, "rule=booking": 1.0}, 0.6, True),
        ({"rule": 1.0, "rule=booking": 1.0}, 0.55, True),
        ({"p": 0.2}, 0.6, False),
        ({"p": 0.9}, 0.95, True),
    ]
    table = thresholds(held_out, 0.9, by_rule=True)
    assert table["rule_threshold"] == 0.55 and table["threshold"] == 0.95
    counts = verify.rule_precision(
        [{"rule=booking": 1.0}] * 4 + [{"rule=brand_pitch": 1.0}] * 4,
        [True, True, True, False, True, True, False, False],
    )
    assert counts == {"booking": [3, 1], "brand_pitch": [2, 2]}
    assert verify.rules_alone(counts) == frozenset()  # 0.75 and 0.5: below 0.8
    counts["booking"] = [4, 1]
    assert verify.rules_alone(counts) == {"booking"}
    v = _toy_verifier(0.99, frozenset({"booking"}))
    assert v.flags({"rule=booking": 1.0}, 0.0) and not v.flags({"p": 0.1}, 0.5)


def test_shipped_verifiers_load_with_trusted_types_and_their_thresholds() -> None:
    table = json.loads(verify.THRESHOLDS.read_text(encoding="utf-8"))
    for kind in verify.KINDS:
        path = verify.MODELS / f"{kind}_verifier.skops"
        assert set(get_untrusted_types(file=path)) <= set(verify.TRUSTED_TYPES)
        assert 0.5 <= table[kind]["threshold"] <= 1.0
    shipped = verify.shipped()
    assert shipped.promo is not None and shipped.statistic is not None
    # a statistic verifier that never reached its precision stays silent, the rule speaks
    assert table["statistic"]["threshold"] == shipped.statistic.threshold


def test_verified_promo_groups_flagged_sentences_of_one_line() -> None:
    text = "Plain advice here.\nBook a free consultation today. Our coaches reply fast.\nEnd."
    scores = {"Plain advice here.": 0.1, "End.": 0.1}

    def scorer(texts: object) -> list[float]:
        return [scores.get(t, 0.95) for t in texts]  # type: ignore[attr-defined]

    (f,) = verified_promo(text, scorer, _toy_verifier(0.5))
    assert f.evidence == "Book a free consultation today. Our coaches reply fast."
    assert f.detector == "promo.verified" and f.severity == "warning"
    assert verified_promo(text, scorer, _toy_verifier(1.0)) == []


def test_a_figure_attributed_only_to_studies_show_is_reported_without_the_verifier() -> None:
    silent = _toy_verifier(1.0)
    text = "Studies show that couples who hug report:\n- 23% lower stress levels\n- More sleep"
    (f,) = verified_statistics(text, silent)
    assert f.evidence == "23% lower stress levels" and f.extra["rule"] == "vague"
    cited = "A 2019 study by Smith et al. found 23% lower stress levels in couples."
    assert verified_statistics(cited, silent) == []


def test_stuffing_findings_carry_the_sites_typical_density() -> None:
    finding = Finding(
        KEYWORD_STUFFING, "warning", 0.6, "x", 0, 1, "key phrase 'air fryer' repeated", "h",
        "keywords.ngram_density", {"phrase": "air fryer"},
    )  # fmt: skip
    post = {"post_id": "a", "site": "s", "main_text": "air fryer " * 10}
    others = [
        {"post_id": "b", "site": "s", "main_text": "An air fryer is handy. " * 3 + "x " * 70},
        {"post_id": "c", "site": "s", "main_text": "Nothing about it here at all."},
        {"post_id": "d", "site": "t", "main_text": "air fryer " * 50},
    ]
    (out,) = with_site_density([finding], post, [post, *others])
    assert "on this site's other posts: 1 of 2 use it" in out.message
    assert out.extra["site_posts_using"] == "1" and float(out.extra["site_density"]) > 0


def test_natural_levels_fall_with_phrase_length() -> None:
    table = natural.shipped()
    assert table.articles >= 300
    assert table.level(2) > table.level(4) > table.level(7) > 0
    assert table.ratio(3, 2 * table.level(3)) == 2.0
    built = natural.build_table(
        [("Sleep tips", "sleep tips " * 20 + "word " * 300), ("Rest", "word " * 400)]
    )
    assert built.articles == 2 and built.level(2, 99) > 0


def test_the_real_sets_split_is_by_site_and_fixed() -> None:
    assert split_of("https://www.example.com/a") == split_of("https://example.com/b")
    assert {split_of(f"https://site{i}.org/") for i in range(40)} == {"dev", "test"}
