"""Readability: Flesch reading ease and Flesch-Kincaid grade of the post's prose (kind
``readability``), flagged against a target band.

The formulas are the standard ones (Flesch 1948, Kincaid et al. 1975)::

    ease  = 206.835 - 1.015 * words/sentence - 84.6 * syllables/word
    grade = 0.39 * words/sentence + 11.8 * syllables/word - 15.59

Syllables come from pyphen's hyphenation dictionary (``en_US``), the counter textstat itself
falls back on; textstat >= 0.7.4 needs NLTK's cmudict downloaded at run time, which an offline
deployment cannot do. Prose only: headings and one- or two-word lines (labels, buttons) would
make a text look easier than it reads.

Target band (``DetectorsConfig.readability_*``): health content for the general public should
read at about grade 8 (NIH and AMA advise grade 6-8 for patient material), so a post is flagged
from grade ``readability_max_grade`` (default 10) or below reading ease
``readability_min_ease`` (default 50, "fairly difficult"); below ease 30 ("very difficult", a
scientific paper) it is a warning, else info. The evidence is the hardest sentence, the one to
rewrite first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.audit.findings import READABILITY, quote, span_finding
from pipeline.audit.text import Span, by_line, heading_lines, lines, sentences
from pipeline.records import Finding, Severity

MIN_WORDS = 100  # below this the averages are noise
MIN_SENTENCE_WORDS = 3
VERY_DIFFICULT_EASE = 30.0
HARDEST_MIN_WORDS = 12  # the quoted sentence must be a real sentence, not a fragment
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@lru_cache(maxsize=1)
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables of one word: pyphen's hyphenation points + 1 (at least 1)."""
    w = word.lower()
    if len(w) <= 3:
        return 1
    return max(1, len(_hyphenator().positions(w)) + 1)


@dataclass(frozen=True, slots=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def ease(self) -> float:
        return 206.835 - 1.015 * self.words / self.sentences - 84.6 * self.syllables / self.words

    @property
    def grade(self) -> float:
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def _measure(spans: list[Span]) -> Readability | None:
    n_words = n_syllables = 0
    for s in spans:
        ws = _WORD.findall(s.text)
        n_words += len(ws)
        n_syllables += sum(syllables(w) for w in ws)
    if not spans or not n_words:
        return None
    return Readability(n_words, len(spans), n_syllables)


def prose_sentences(text: str) -> list[Span]:
    """Sentences of lines that are not headings, of ``MIN_SENTENCE_WORDS`` words or more."""
    heads = {h.start for h in heading_lines(text)}
    all_lines = lines(text)
    out: list[Span] = []
    for line, spans in zip(all_lines, by_line(all_lines, sentences(text)), strict=True):
        if line.start in heads:
            continue
        out.extend(s for s in spans if len(_WORD.findall(s.text)) >= MIN_SENTENCE_WORDS)
    return out


def measure(text: str) -> Readability | None:
    return _measure(prose_sentences(text))


def readability(text: str, *, min_ease: float, max_grade: float) -> list[Finding]:
    spans = prose_sentences(text)
    r = _measure(spans)
    if r is None or r.words < MIN_WORDS:
        return []
    if r.ease >= min_ease and r.grade < max_grade:
        return []
    graded = [(g.grade, s) for s in spans if (g := _measure([s])) is not None]
    long_enough = [x for x in graded if len(_WORD.findall(x[1].text)) >= HARDEST_MIN_WORDS]
    _, hardest = max(long_enough or graded, key=lambda x: x[0])
    severity: Severity = "warning" if r.ease < VERY_DIFFICULT_EASE else "info"
    return [
        span_finding(
            READABILITY,
            severity,
            min(1.0, max(0.0, (min_ease - r.ease) / min_ease, (r.grade - max_grade) / max_grade)),
            hardest,
            message=(
                f"reading ease {r.ease:.0f}, grade {r.grade:.1f} (target: ease ≥ {min_ease:.0f}, "
                f"grade < {max_grade:.0f}; {r.words / r.sentences:.0f} words per sentence); "
                f"hardest sentence: {quote(hardest.text)}"
            ),
            fix_hint="Shorten long sentences and prefer everyday words; start with the quoted one.",
            detector="readability.flesch",
            extra={
                "ease": f"{r.ease:.1f}",
                "grade": f"{r.grade:.1f}",
                "words": str(r.words),
                "sentences": str(r.sentences),
            },
        )
    ]
