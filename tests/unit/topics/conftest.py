"""A labeled synthetic corpus of wellness posts: 4 topics with overlapping vocabularies.

Each text draws 30% of its words from its topic's 20-word vocabulary, 25% from a 20-word
vocabulary all topics share ("health body stress routine…", the genre's common words) and the
rest from function words; 40-70 words per text. The overlap is deliberate: with 45% topic words
every method separates the topics perfectly, at 30% k selection and NMI start to be tested.
Measured over generator seeds 0-7 (random_state 0): k = 4 every time, NMI min 0.967, mean 0.996;
at 20% topic words NMI min 0.931; at 15% NMI min 0.825 (the plain silhouette, before the
minimum topic size, chose k = 6 on one seed there). ``paired_corpus`` is the harder one, with
unequal and close topics and posts in pairs; its numbers are in ``pipeline.topics.cluster``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import pytest

from pipeline.topics import TopicModel


def _words(text: str) -> list[str]:
    return text.split()


TOPIC_WORDS: dict[str, list[str]] = {
    "sleep": _words(
        "sleep insomnia melatonin bedtime nap dreams pillow mattress circadian snoring drowsy "
        "night alarm caffeine bedroom darkness awake rested schedule yawning"
    ),
    "nutrition": _words(
        "protein vegetables fiber vitamins calories breakfast salad grains recipe sugar snacks "
        "meal diet spinach lentils fruit cooking portions hydration olive"
    ),
    "running": _words(
        "marathon sneakers pace stride miles training sprint jogging hamstring trail race "
        "stretching cadence endurance shoes runners warmup knees intervals finish"
    ),
    "meditation": _words(
        "meditation mindfulness breathing calm anxiety focus gratitude journaling awareness "
        "thoughts present moment silence mantra emotions breath compassion retreat quiet attention"
    ),
}
# A topic close to "running": half of its words are running's (both are about training).
STRENGTH = _words(
    "squats deadlift dumbbells reps sets barbell bench kettlebell muscles lifting "
    "marathon sneakers pace stride miles training sprint jogging hamstring trail"
)
SHARED = _words(
    "health body stress mind habit routine energy balance weekly morning simple change goals "
    "progress benefits research study experts plan support"
)
FUNCTION = _words("the a and with for your our this that about when every some into from more most")
# A post on another subject that still uses the genre's common words, as an off-topic post on
# a wellness blog does. Its own words occur in no other text, so TF-IDF (min_df=2) keeps only
# the common ones: it is a real vector, just not close to any topic.
OFF_TOPIC = (
    "Quarterly earnings guidance: dividend, shareholders, semiconductor foundry, wafer supply "
    "chain, tariffs, analysts forecast revenue and margin, capex. Research, study, experts, "
    "benefits, plan."
)


def labeled_corpus(
    seed: int, per_topic: int = 8, topic_share: float = 0.3, shared_share: float = 0.25
) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    texts, truth = [], []
    for topic, words in enumerate(TOPIC_WORDS.values()):
        for _ in range(per_topic):
            out = []
            for _ in range(rng.randint(40, 70)):
                u = rng.random()
                pool = words if u < topic_share else SHARED
                pool = pool if u < topic_share + shared_share else FUNCTION
                out.append(rng.choice(pool))
            texts.append(" ".join(out))
            truth.append(topic)
    return texts, truth


def paired_corpus(
    seed: int,
    sizes: tuple[int, ...] = (10, 4, 3, 3),
    topic_share: float = 0.2,
    pair_share: float = 0.15,
) -> tuple[list[str], list[int]]:
    """Unequal topics (sleep, nutrition, running, strength), two of them close, posts in pairs.

    Consecutive posts of a topic form a pair with a private 10-word vocabulary (random letter
    strings), as two posts of one site on one sub-theme, or a post and its rewrite, do in real
    crawls. Words: 20% topic, 15% pair, 25% shared, the rest function words. A pair is tighter
    than its topic, which is what makes the plain silhouette split topics into pairs.
    """
    rng = random.Random(seed)
    vocabularies = [
        TOPIC_WORDS["sleep"],
        TOPIC_WORDS["nutrition"],
        TOPIC_WORDS["running"],
        STRENGTH,
    ]
    shares = [topic_share, pair_share, 0.25]
    texts, truth = [], []
    for topic, (words, size) in enumerate(zip(vocabularies, sizes, strict=False)):
        for i in range(size):
            if i % 2 == 0:
                pair = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(10)]
            pools = [words, pair, SHARED, FUNCTION]
            texts.append(" ".join(_draw(rng, pools, shares) for _ in range(rng.randint(40, 70))))
            truth.append(topic)
    return texts, truth


def _draw(rng: random.Random, pools: list[list[str]], shares: list[float]) -> str:
    """A word from the first pool whose cumulative share exceeds a uniform draw; else the last."""
    u, total = rng.random(), 0.0
    for pool, share in zip(pools, shares, strict=False):
        total += share
        if u < total:
            return rng.choice(pool)
    return rng.choice(pools[-1])


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[int]]:
    return labeled_corpus(seed=0)


@pytest.fixture(scope="session")
def make_corpus() -> Callable[..., tuple[list[str], list[int]]]:
    return labeled_corpus


@pytest.fixture(scope="session")
def make_paired_corpus() -> Callable[..., tuple[list[str], list[int]]]:
    return paired_corpus


@pytest.fixture(scope="session")
def topic_words() -> dict[str, list[str]]:
    return TOPIC_WORDS


@pytest.fixture(scope="session")
def off_topic() -> str:
    return OFF_TOPIC


@pytest.fixture(scope="session")
def fitted(corpus: tuple[list[str], list[int]]) -> TopicModel:
    """The default model fitted once on the seed-0 corpus, shared by read-only tests."""
    return TopicModel(random_state=0).fit(corpus[0])
