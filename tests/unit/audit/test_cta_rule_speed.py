"""``cta_rule`` made cheaper (cached, the booking pattern's word boundary first) but the same."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.audit.promo import CTA_PATTERNS, cta_rule

# The booking pattern as it was written before (look-behinds first): the reference.
_LOOK_BEHINDS = "(?<!the )(?<!a )(?<!this )(?<!my )(?<!your )(?<!our )(?<!their )"
BOOKING_BEFORE = re.compile(
    _LOOK_BEHINDS + r"\b" + CTA_PATTERNS["booking"].pattern.split(_LOOK_BEHINDS, 1)[1],
    CTA_PATTERNS["booking"].flags,
)

WORDS = ["book", "Book", "the", "a", "your", "our", "schedule", "free", "15-minute",
         "consultation", "session", "call", "reserve", "my", "today", "appointment", "this",
         "their", "reading", "x", "-", "."]  # fmt: skip


def test_the_reference_is_the_old_pattern() -> None:
    assert CTA_PATTERNS["booking"].pattern.startswith(r"\b" + _LOOK_BEHINDS)
    assert BOOKING_BEFORE.pattern.startswith(_LOOK_BEHINDS + r"\b(?:book|")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)
    | st.text(alphabet=st.sampled_from("abkoBt -.\n"), max_size=40)
)
def test_booking_matches_where_it_matched_before(text: str) -> None:
    before, now = BOOKING_BEFORE.search(text), CTA_PATTERNS["booking"].search(text)
    assert (before and before.span()) == (now and now.span())


def test_known_sentences_and_the_cache() -> None:
    assert cta_rule("Book a free 15-minute consultation with our team today.") == "booking"
    assert cta_rule("The book a session plan helps.") is None  # "book" after an article
    cta_rule.cache_clear()
    for _ in range(3):
        assert cta_rule("Schedule your session now.") == "booking"
    info = cta_rule.cache_info()
    assert info.misses == 1 and info.hits == 2
