"""Language of the post's text (kind ``language``): the English-only detectors are skipped on
posts in another language, with an info finding that says so.

English-only: the promo and filler classifiers (trained on English sentences), the keyword
stuffing stop words, the YMYL claim patterns and the Flesch formulas. Language-independent and
kept: thin content and repeated lines.

Identification: py3langid (langid.py's model, 97 languages, shipped in the wheel: nothing is
downloaded) on the first ``SAMPLE_CHARS`` characters. A post is treated as not English only when
the model is confident (``MIN_PROBABILITY``) and the text is long enough to judge
(``MIN_WORDS``): a short or mixed text stays English, so no check is skipped on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.audit.findings import LANGUAGE, span_finding
from pipeline.audit.text import Span, sentences, word_count
from pipeline.records import Finding

SAMPLE_CHARS = 20_000
MIN_WORDS = 20
MIN_PROBABILITY = 0.9
ENGLISH = "en"
SKIPPED = "promo_in_body, seo_filler, keyword_stuffing, ymyl_trust, readability"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    probability: float

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid import langid

    return langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )


def detect(text: str) -> Language:
    """The text's language; English unless the model is confident it is another one."""
    sample = text[:SAMPLE_CHARS]
    if word_count(sample) < MIN_WORDS:
        return Language(ENGLISH, 0.0)
    code, probability = _identifier().classify(sample)
    if code != ENGLISH and float(probability) < MIN_PROBABILITY:
        return Language(ENGLISH, 0.0)
    return Language(str(code), float(probability))


def language_finding(text: str, lang: Language) -> list[Finding]:
    """The info finding for a non-English post; evidence is its first sentence."""
    if lang.is_english:
        return []
    spans = sentences(text)
    first = spans[0] if spans else Span(0, len(text), text)
    return [
        span_finding(
            LANGUAGE,
            "info",
            lang.probability,
            first,
            message=f"text is in '{lang.code}' (p={lang.probability:.2f}), not English: "
            f"English-only checks skipped ({SKIPPED})",
            fix_hint="Audit this language with its own rules, or exclude the site section.",
            detector="language.langid",
            extra={"lang": lang.code, "probability": f"{lang.probability:.3f}"},
        )
    ]
