"""Words every match of a regular expression contains: a cheap ``in`` test before ``search``.

The category text patterns (``categories.RULES``) are alternations of ``\\b…`` phrases, and
Python's regex engine tries every alternative at every position of a block: 25 µs a block,
7 ms a page here, although almost no block matches. Each alternative needs some literal
("cookie", "subscribe", "©"), so a block whose lowercased text holds none of a pattern's cues
cannot match it and the search is skipped.

``required_literals`` reads the cues off the pattern's own parse tree (``re._parser``, the
parser of the ``re`` module), so they cannot drift from the pattern. It only claims what is
sound: a run of literal characters outside any optional part, or one of several such runs
when every branch of an alternation has one; when an alternative has nothing it can vouch for
(a lone ``\\d+``, a character class), the whole pattern gets ``None`` and is always searched.

Lowercasing both sides is exact for ASCII and caseless characters (©, …) with one exception:
under ``re.IGNORECASE`` "i" also matches "İ" and "ı", and "s" matches "ſ", which
``str.lower()`` keeps apart (checked over all code points when this was written), so
``cue_text`` refuses texts with those three characters and they are always searched.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
# Characters that match an ASCII letter under re.IGNORECASE but do not lowercase to it.
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f")  # İ ı ſ

Need = frozenset[str]  # every match contains at least one of these strings


def _plain(ch: str) -> bool:
    """A character that matches only itself (and its ASCII case twin) under IGNORECASE."""
    return ch.isascii() or ch.lower() == ch == ch.upper()


def _needs(items: Any) -> list[Need]:
    """What every match of a parsed sequence contains, as a list of alternatives sets."""
    needs: list[Need] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL and _plain(chr(av)):
            run.append(chr(av))
            continue
        if run:
            needs.append(frozenset({"".join(run).lower()}))
            run = []
        if op is sre_constants.SUBPATTERN:
            needs += _needs(av[-1])
        elif op is sre_constants.ATOMIC_GROUP:
            needs += _needs(av)
        elif op in _REPEATS and av[0] >= 1:
            needs += _needs(av[2])
        elif op is sre_constants.BRANCH:
            branches = [_best(_needs(branch)) for branch in av[1]]
            if all(b is not None for b in branches):
                needs.append(frozenset().union(*branches))  # type: ignore[arg-type]
        # Anything else (anchors, classes, optional parts, lookarounds) requires no literal.
    if run:
        needs.append(frozenset({"".join(run).lower()}))
    return needs


def _best(needs: list[Need]) -> Need | None:
    """The most selective requirement: the one whose shortest string is longest."""
    return max(needs, key=lambda need: min(len(s) for s in need), default=None)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lowercase strings one of which every match of ``pattern`` contains, or None."""
    best = _best(_needs(sre_parser.parse(pattern.pattern, pattern.flags)))
    return tuple(sorted(best)) if best else None


def cue_text(text: str) -> str | None:
    """``text`` lowercased for cue tests, or None when a cue test could miss a match."""
    if not text.isascii() and any(ch in text for ch in _CASE_TRAPS):
        return None
    return text.lower()
