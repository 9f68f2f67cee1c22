"""Dedup fixtures: the real seed posts and realistic edited copies of each, deterministic."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipeline.dedup.normalize import paragraphs

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
HEADER = (
    "This article was originally published on Wellness Daily and is republished here with "
    "permission. Read the original for comments and updates."
)
FOOTER = (
    "Want more like this? Subscribe to our newsletter for weekly tips on relationships, "
    "mental health and self-care. Follow us on Instagram."
)


def syndicated(text: str) -> str:
    """A partner site's copy: its own header and footer around the same post."""
    return f"{HEADER}\n\n{text}\n\n{FOOTER}"


def reordered(text: str, rng: random.Random) -> str:
    """The same paragraphs in another order (a re-edited or re-templated post)."""
    parts = paragraphs(text)
    order = list(range(len(parts)))
    while len(parts) > 1 and order == sorted(order):
        rng.shuffle(order)
    return "\n\n".join(parts[i] for i in order)


def sentence_edited(text: str, rng: random.Random, share: float = 0.1) -> str:
    """10% of the sentences reworded: one word in each replaced, as a light rewrite does."""
    sentences = _SENTENCE.split(text)
    for i in rng.sample(range(len(sentences)), max(1, round(share * len(sentences)))):
        words = sentences[i].split(" ")
        j = rng.randrange(len(words))
        words[j] = rng.choice(["really", "truly", "often", "surely", "clearly"])
        sentences[i] = " ".join(words)
    return " ".join(sentences)


def truncated(text: str, share: float = 0.6) -> str:
    """The first 60% of the words: an excerpt or a copy cut off by a paywall."""
    words = text.split(" ")
    return " ".join(words[: int(len(words) * share)])


@pytest.fixture(scope="session")
def seed_texts(shared_dir: Path) -> dict[str, str]:
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip("no seed texts in ../shared/seeds")
    return {f"seed{i}": f.read_text(encoding="utf-8") for i, f in enumerate(files)}


@pytest.fixture(scope="session")
def edited_corpus(seed_texts: dict[str, str]) -> dict[str, str]:
    """Each seed plus five edited copies: ``seedN``, ``seedN/copy``, ``seedN/syndicated``, …"""
    rng = random.Random(20240601)
    corpus: dict[str, str] = {}
    for sid, text in seed_texts.items():
        corpus[sid] = text
        corpus[f"{sid}/copy"] = text
        corpus[f"{sid}/syndicated"] = syndicated(text)
        corpus[f"{sid}/reordered"] = reordered(text, rng)
        corpus[f"{sid}/edited"] = sentence_edited(text, rng)
        corpus[f"{sid}/truncated"] = truncated(text)
    return corpus
