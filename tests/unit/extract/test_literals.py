"""The cue pre-check of the category text patterns: sound, so text_category is unchanged."""

from __future__ import annotations

import re

import pytest

from pipeline.extract.categories import RULES, text_category
from pipeline.extract.literals import cue_text, required_literals


@pytest.mark.parametrize(
    ("pattern", "cues"),
    [
        (r"\bcookie (policy|settings)\b", ("cookie ",)),
        (r"\b(free )?trial\b", ("trial",)),  # optional parts are not required
        (r"(talk|speak) to (our|a) coach", (" coach",)),  # the longest sure literal wins
        (r"(?:\bsubscribe now\b)|(?:©)", ("subscribe now", "©")),  # one per alternative
        (r"x+yz", ("yz",)),  # a repeat may be the match's only copy of x: kept apart
        (r"\d+|\bhome\b", None),  # one alternative has no literal: always search
        (r"[Cc]ookies?", ("ookie",)),
        (r"caf\u00e9", ("caf",)),  # a cased non-ASCII letter is not a cue
    ],
)
def test_required_literals(pattern: str, cues: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(pattern, re.I)) == cues


def test_every_rule_match_contains_a_cue() -> None:
    # Phrases each rule's patterns match, in mixed case: the cue test must let them through.
    samples = {
        "cookie": "This Website Uses Cookies to improve things",
        "promo": "BOOK A FREE CONSULTATION today",
        "legal": "© 2025 Calm Minds",
        "share": "Share on Facebook",
        "related": "Related Posts",
        "comments_forms": "Leave a Reply",
        "author_meta": "Written by Jane Doe",
        "navigation": "Skip to main content",
    }
    for rule in RULES:
        assert rule.text is not None and rule.text.search(samples[rule.category])
        text = samples[rule.category]
        assert text_category(text, len(text.split())) == rule.category


def test_letters_that_fold_to_ascii_bypass_the_cues() -> None:
    # Under re.IGNORECASE "s" matches "ſ" (long s) and "i" matches "ı"/"İ", but str.lower()
    # keeps them apart: the cue "subscribe " is not in this text, yet the pattern matches.
    text = "ſubscribe to our updates"
    assert cue_text(text) is None
    assert text_category(text, 4) == "promo"
    assert text_category("Subscrıbe now", 2) == "promo"
    assert cue_text("Caf\u00e9 menu") == "caf\u00e9 menu"
