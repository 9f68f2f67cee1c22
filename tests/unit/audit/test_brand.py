"""The publisher's brand as a promo signal (pipeline.audit.brand)."""

from __future__ import annotations

import pytest

from pipeline.audit.brand import brand_keys, brand_pitch, brand_words
from pipeline.audit.promo import promo_in_body


def _no_scores(texts: object) -> list[float]:
    return [0.0 for _ in texts]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "site_name", "keys"),
    [
        ("https://blog.everfit.io/trends", None, ("everfit",)),
        ("https://scratchculinary.com/2025/09/04/x", None, ("scratchculinary",)),
        ("https://www.kneibdentistry.com/blog", "Kneib Dentistry", ("kneibdentistry",)),
        ("https://www.bbc.co.uk/news", None, ()),  # three letters: too short to match safely
        ("http://127.0.0.1:8001/blog/x", None, ()),
        (None, "Halo Mental Health", ("halomentalhealth",)),
    ],
)
def test_brand_keys(url: str | None, site_name: str | None, keys: tuple[str, ...]) -> None:
    assert brand_keys(url, site_name) == keys


def test_brand_words_need_a_capitalized_mid_sentence_use() -> None:
    keys = brand_keys("https://scratchculinary.com/")
    text = "Scratch that idea. With Scratch, you'll find meal prep that works."
    assert brand_words(text, keys) == frozenset({"scratch"})
    # only ever at a sentence start: the common word, not the name
    assert brand_words("Scratch that idea. Start from scratch today.", keys) == frozenset()


def test_brand_pitch_needs_pitch_words_and_is_not_a_venue() -> None:
    names = frozenset({"everfit"})
    assert brand_pitch("Everfit is the first to offer challenge leaderboards.", names)
    assert brand_pitch("Try Everfit free for 14 days.", names)
    assert not brand_pitch("Everfit was founded in 2016 in Ho Chi Minh City.", names)
    assert not brand_pitch("Most coaches, a representative tells Everfit, want you to rest.", names)


def test_promo_in_body_uses_the_brand() -> None:
    text = "Fall trends are here.\nWith Scratch, you'll find meal prep for busy schedules.\nEnd."
    assert promo_in_body(text, _no_scores) == []
    names = brand_words(text, brand_keys("https://scratchculinary.com/"))
    (f,) = promo_in_body(text, _no_scores, names)
    assert f.evidence.startswith("With Scratch") and f.extra["rules"] == "brand_pitch"
