"""Keyword stuffing: one key phrase repeated far beyond what the topic needs.

Candidates are word 2-4-grams, lowercased, that neither start nor end with a stop word. A phrase
is stuffed when

* it occurs at least ``min_repeats`` times and takes ``density`` of the words or more
  (occurrences × phrase length / total words; Yoast-style SEO tools warn above ~3 %), or
* it is forced into ``PROMINENT_MIN`` or more distinct headings, or paragraphs echoing such a
  heading word for word — the exact-match-keyword-in-every-subheading pattern.

Calibrated on the five seed posts: seed 001's "mental health" (31 times, 5.3 %, 7 headings) is
stuffed; seed 000's "importance of sex" (4 times, 2.2 %, 3 headings incl. the title) and seed 004's
"sex and intimacy" (0.7 %) are a topic phrase used normally.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.audit.findings import KEYWORD_STUFFING, quote, span_finding
from pipeline.audit.text import (
    Span,
    heading_lines,
    lines,
    normalize_word,
    sentence_at,
    sentences,
    words,
)
from pipeline.records import Finding, Severity

NGRAM_SIZES = (2, 3, 4)
# Headings + heading echoes carrying the same phrase before it counts as forced (the title plus
# three subheadings is still ordinary on-page SEO; seed 000 has exactly three).
PROMINENT_MIN = 4
MIN_TEXT_WORDS = 80  # densities over shorter texts are noise
MAX_PHRASES = 3  # findings per post; the strongest distinct phrases
# Critical when both signals agree and the density is well past the limit (seed 001: 1.77×).
CRITICAL_DENSITY_FACTOR = 1.5

# Function words that may sit inside a phrase ("intimacy and mental health") but never start or
# end one.
_STOP_WORDS_TEXT = """
a about after all also am an and any are as at be because been before being both but by can
could did do does doing don't for from had has have having he her here hers him his how i if
in into is it it's its just me more most my no nor not of off on once only or other our ours
out over own same she should so some such than that that's the their theirs them then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you you're your yours
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class PhraseStats:
    phrase: str
    n_words: int
    starts: tuple[int, ...]  # character offsets of each occurrence
    density: float
    prominent: tuple[Span, ...]  # headings and line openings carrying the phrase

    def strength(self, density_limit: float) -> float:
        return max(self.density / density_limit, len(self.prominent) / PROMINENT_MIN)


def _ngram_occurrences(tokens: list[Span]) -> dict[str, list[int]]:
    keys = [normalize_word(t.text) for t in tokens]
    found: dict[str, list[int]] = defaultdict(list)
    for n in NGRAM_SIZES:
        for i in range(len(keys) - n + 1):
            gram = keys[i : i + n]
            if gram[0] in STOP_WORDS or gram[-1] in STOP_WORDS:
                continue
            found[" ".join(gram)].append(tokens[i].start)
    return found


def _keyed_lines(text: str) -> list[tuple[str, Span, bool]]:
    """Each line as normalized words, its span, and whether it is a heading."""
    heads = {h.start for h in heading_lines(text)}
    return [
        (" ".join(normalize_word(w.text) for w in words(line.text)), line, line.start in heads)
        for line in lines(text)
    ]


def _prominent_places(keyed: list[tuple[str, Span, bool]], phrase: str) -> tuple[Span, ...]:
    """Distinct headings containing the phrase, and paragraphs that echo such a heading.

    The echo ("Intimacy and Stress Relief" / "Intimacy and stress relief go hand in hand") is
    the forced pattern; a list of paragraphs that merely open with the topic words is not.
    """
    places: dict[str, Span] = {}
    previous_heading = False
    for keys, line, heading in keyed:
        has_phrase = f" {phrase} " in f" {keys} "
        echo = previous_heading and keys.startswith(phrase + " ")
        if (heading and has_phrase) or echo:
            places.setdefault(keys, line)  # a TOC entry and its heading count once
        previous_heading = heading and has_phrase
    return tuple(sorted(places.values(), key=lambda s: s.start))


def phrase_stats(text: str, *, min_repeats: int, title: str | None = None) -> list[PhraseStats]:
    tokens = words(text)
    total = len(tokens)
    if total < MIN_TEXT_WORDS:
        return []
    keyed = _keyed_lines(text)
    if title:
        # The title is a heading too, when the main text does not already start with it.
        title_keys = " ".join(normalize_word(w.text) for w in words(title))
        if title_keys and not any(k == title_keys for k, _, _ in keyed):
            keyed.insert(0, (title_keys, Span(-1, -1, title), True))
    out = []
    for phrase, starts in _ngram_occurrences(tokens).items():
        if len(starts) < min_repeats:
            continue
        n = phrase.count(" ") + 1
        out.append(
            PhraseStats(
                phrase=phrase,
                n_words=n,
                starts=tuple(starts),
                density=len(starts) * n / total,
                prominent=_prominent_places(keyed, phrase),
            )
        )
    return out


def _overlaps(a: str, b: str) -> bool:
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def stuffed_phrases(
    text: str, *, density: float, min_repeats: int, title: str | None = None
) -> list[tuple[PhraseStats, float]]:
    """The stuffed phrases with their strength, strongest first, without nested duplicates."""
    flagged = [
        (s, s.strength(density))
        for s in phrase_stats(text, min_repeats=min_repeats, title=title)
        if s.density >= density or len(s.prominent) >= PROMINENT_MIN
    ]
    # ties go to the longer phrase: it explains the repetition of its parts too
    flagged.sort(key=lambda p: (-p[1], -len(p[0].starts), -p[0].n_words, p[0].phrase))
    kept: list[tuple[PhraseStats, float]] = []
    for stats, strength in flagged:
        if not any(_overlaps(stats.phrase, k.phrase) for k, _ in kept):
            kept.append((stats, strength))
    return kept[:MAX_PHRASES]


def _severity(stats: PhraseStats, density: float) -> Severity:
    dense = stats.density >= CRITICAL_DENSITY_FACTOR * density
    return "critical" if dense and len(stats.prominent) >= PROMINENT_MIN else "warning"


def keyword_stuffing(
    text: str, *, density: float, min_repeats: int, title: str | None = None
) -> list[Finding]:
    """One finding per stuffed phrase; evidence is the sentence of its first occurrence."""
    spans = sentences(text)
    total = len(words(text))
    out = []
    for stats, strength in stuffed_phrases(
        text, density=density, min_repeats=min_repeats, title=title
    ):
        first = sentence_at(spans, stats.starts[0])
        if first is None:
            continue
        places = ", ".join(quote(p.text, 60) for p in stats.prominent[:3])
        where = f"; in {len(stats.prominent)} headings/echoes, e.g. {places}" if places else ""
        message = (
            f"key phrase '{stats.phrase}' repeated {len(stats.starts)} times "
            f"({stats.density:.1%} of {total} words; limit {density:.1%}){where}"
        )
        out.append(
            span_finding(
                KEYWORD_STUFFING,
                _severity(stats, density),
                0.5 * strength,
                first,
                message=message,
                fix_hint="Use the phrase where it reads naturally; vary wording and headings.",
                detector="keywords.ngram_density",
                extra={
                    "phrase": stats.phrase,
                    "count": str(len(stats.starts)),
                    "density": f"{stats.density:.4f}",
                    "prominent": str(len(stats.prominent)),
                },
            )
        )
    return out
