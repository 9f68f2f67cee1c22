"""Dense cues of a selling sentence, for the promo classifier (a scikit-learn transformer).

Words and character n-grams learn the vocabulary of the training pages; these cues carry what
transfers to sites the model never saw: a call-to-action pattern matched (``promo.cta_rule``),
the reader addressed, the publisher speaking as "we", an imperative opening, contact details,
prices and offers, a headline shape. Each is in [0, 1], so the linear model needs no scaling.
Stateless: ``fit`` learns nothing, so the transformer is safe to share across folds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from pipeline.audit.promo import cta_rule

_YOU = re.compile(r"\b(?:you|your|yours|you[’']ll|you[’']re|you[’']ve)\b", re.I)
_WE = re.compile(r"\b(?:we|our|ours|us|we[’']re|we[’']ll|we[’']ve)\b", re.I)
_IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:book|call|contact|get|try|join|sign|subscribe|shop|buy|order|download|"
    r"visit|discover|learn|explore|find|start|claim|grab|save|request|schedule|register|enroll|"
    r"enrol|donate|apply|browse|check|click|follow|see|read|watch|listen|reach|let|talk|speak|"
    r"chat|ask|give|take|choose|upgrade|unlock|become|enter|email|text|message)\b",
    re.I,
)
_CONTACT = re.compile(
    r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b[\w.+-]+@[\w-]+\.[\w.]+\b|https?://|\bwww\.", re.I
)
_PRICE = re.compile(
    r"[$€£]\s?\d|\b\d+\s?%\s?off\b|\bdiscount|\bcoupon|\bpromo code|\buse code|\bsave \d", re.I
)
_FREE = re.compile(r"\bfree\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

CUES = ("cta_rule", "you", "we", "imperative", "contact", "price", "free", "exclaim",
        "headline", "length", "question")  # fmt: skip


def cues(sentence: str) -> list[float]:
    words = _WORD.findall(sentence)
    n = max(1, len(words))
    capitalized = sum(w[0].isupper() for w in words) / n
    return [
        float(cta_rule(sentence) is not None),
        min(1.0, len(_YOU.findall(sentence)) / 3),
        float(bool(_WE.search(sentence))),
        float(bool(_IMPERATIVE.match(sentence.strip(" \t\"“'‘-•*")))),
        float(bool(_CONTACT.search(sentence))),
        float(bool(_PRICE.search(sentence))),
        float(bool(_FREE.search(sentence))),
        float("!" in sentence),
        float(capitalized >= 0.6 and n >= 2 and not sentence.rstrip().endswith(".")),
        min(1.0, math.log1p(n) / math.log1p(60)),
        float(sentence.rstrip().endswith("?")),
    ]


class PromoCues(TransformerMixin, BaseEstimator):
    """Sentences -> the ``CUES`` matrix (n_sentences × 11)."""

    def fit(self, X: Sequence[str], y: object = None) -> PromoCues:
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        return np.array([cues(x) for x in X], dtype=float).reshape(len(X), len(CUES))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array([f"cue_{c}" for c in CUES], dtype=object)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def promo_rows(
    sentences: Sequence[str],
    probas: Sequence[float],
    rules: Sequence[str | None],
    headings: Sequence[bool],
) -> list[dict[str, float]]:
    """What the promo verifier knows of each sentence of a post, in text order: the sentence
    model's probability and its neighbours' (a pitch is a passage, not a word), the post's
    overall selling level, the position, the rule that matched (by name), the cues."""
    n = len(sentences)
    if not n:
        return []
    mean = sum(probas) / n
    share = sum(p >= 0.5 for p in probas) / n
    out = []
    rows = zip(sentences, probas, rules, headings, strict=True)
    for i, (text, p, rule, heading) in enumerate(rows):
        near = [probas[j] for j in (i - 1, i + 1) if 0 <= j < n]
        window = probas[max(0, i - 2) : i + 3]
        row = {
            "p": p,
            "logit_p": _logit(p),
            "p_near_max": max(near, default=0.0),
            "p_window": sum(window) / len(window),
            "doc_mean": mean,
            "doc_share": share,
            "position": i / max(1, n - 1),
            "last_tenth": float(i >= 0.9 * (n - 1)) if n > 1 else 0.0,
            "heading": float(heading),
        }
        row.update({f"cue_{c}": v for c, v in zip(CUES, cues(text), strict=True)})
        if rule:
            row["rule"] = 1.0
            row[f"rule={rule}"] = 1.0
        out.append(row)
    return out
