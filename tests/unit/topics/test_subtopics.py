"""The second level: subtopics inside large topics, through the model, the stage and a reload.

The corpus has two topics (sleep, nutrition), each made of two subthemes of 30 posts: a post
takes 40 % of its words from its topic's vocabulary, 15 % from its subtheme's, the rest from
words every post uses. The model must find the two topics, split each in two, and the stage
must keep subtopic ids across runs and assign to them without refitting.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import normalized_mutual_info_score

from pipeline.paths import RunPaths
from pipeline.runner import run_stage
from pipeline.topics import TopicModel
from pipeline.topics.model import load_model, save_model

from .test_topics_run import make_config, write_posts

TOPICS = {
    "sleep": "sleep bedtime night pillow rested drowsy bedroom alarm awake darkness",
    "nutrition": "meal protein recipe cooking calories breakfast diet portions snacks grains",
}
SUBTHEMES = {
    ("sleep", "insomnia"): "insomnia melatonin racing thoughts worry restless wakeful anxious",
    ("sleep", "naps"): "nap afternoon siesta doze power short couch lunchtime",
    ("nutrition", "plants"): "vegetables spinach lentils beans salad greens kale broccoli",
    ("nutrition", "sugar"): "sugar sweets soda dessert candy cravings cookies chocolate",
}
SHARED = [
    "health",
    "body",
    "habit",
    "routine",
    "energy",
    "simple",
    "change",
    "goals",
    "progress",
    "weekly",
]
FUNCTION = [
    "the",
    "a",
    "and",
    "with",
    "for",
    "your",
    "our",
    "this",
    "that",
    "about",
    "when",
    "every",
    "some",
]
PER_SUBTHEME = 30
# Topics are further apart than the subthemes within them, as on real sites (at 30 % / 25 % the
# four subthemes are as distinct as the topics, and four topics is the right answer).
TOPIC_SHARE = 0.40
SUBTHEME_SHARE = 0.15


def hierarchical_corpus(seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    texts, topics, leaves = [], [], []
    for (topic, sub), words in SUBTHEMES.items():
        for _ in range(PER_SUBTHEME):
            n = rng.randint(50, 80)
            draw = (
                rng.choices(TOPICS[topic].split(), k=int(TOPIC_SHARE * n))
                + rng.choices(words.split(), k=int(SUBTHEME_SHARE * n))
                + rng.choices(SHARED, k=int(0.20 * n))
            )
            draw += rng.choices(FUNCTION, k=n - len(draw))
            rng.shuffle(draw)
            texts.append(" ".join(draw))
            topics.append(topic)
            leaves.append(f"{topic}/{sub}")
    return texts, topics, leaves


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str], list[str]]:
    return hierarchical_corpus()


@pytest.fixture(scope="module")
def model(corpus: tuple[list[str], list[str], list[str]]) -> TopicModel:
    return TopicModel(random_state=0).fit(corpus[0])


def _leaves(model: TopicModel) -> list[str]:
    return [f"{t}/{s}" for t, s in zip(model.labels_, model.sublabels_, strict=True)]


def test_model_finds_topics_and_their_subtopics(
    corpus: tuple[list[str], list[str], list[str]], model: TopicModel
) -> None:
    _, topics, leaves = corpus
    assert model.k_ == 2
    assert [len(c) for c in model.subcentroids_] == [2, 2]
    assert normalized_mutual_info_score(topics, model.labels_) >= 0.9
    assert normalized_mutual_info_score(leaves, _leaves(model)) >= 0.9
    # Subtopic terms come from within the topic: its own subtheme words, not the topic's.
    for topic, subs in model.subterms_.items():
        for terms in subs.values():
            assert any(t in " ".join(SUBTHEMES.values()).split() for t in terms), (topic, terms)


def test_small_topics_are_not_split() -> None:
    texts, _, _ = hierarchical_corpus()
    small = texts[:10] + texts[60:70]  # two topics of 10 posts
    fitted = TopicModel(random_state=0).fit(small)
    assert all(len(c) == 0 for c in fitted.subcentroids_)
    assert (fitted.sublabels_ == -1).all()


def test_subtopics_off_gives_one_level(corpus: tuple[list[str], list[str], list[str]]) -> None:
    fitted = TopicModel(random_state=0, subtopics=False).fit(corpus[0])
    assert (fitted.sublabels_ == -1).all() and not fitted.subterms_


def test_saved_model_predicts_the_fitted_subtopics(
    tmp_path: Path, corpus: tuple[list[str], list[str], list[str]], model: TopicModel
) -> None:
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    labels, _, _ = loaded.predict(corpus[0])
    np.testing.assert_array_equal(labels, model.labels_)
    subs = loaded.predict_subtopics(corpus[0], labels)
    assert (subs == model.sublabels_).mean() >= 0.95  # nearest centroid vs the fitted partition
    assert loaded.subterms_ == model.subterms_


def test_stage_keeps_subtopic_ids_across_runs_and_assigns_to_them(
    tmp_path: Path, corpus: tuple[list[str], list[str], list[str]]
) -> None:
    texts = corpus[0]
    first, second, third = (RunPaths(tmp_path, r) for r in ("r1", "r2", "r3"))
    for paths in (first, second, third):
        write_posts(paths, texts)
    run_stage("topics", first, make_config())
    summary = run_stage("topics", second, make_config())
    run_stage("topics", third, make_config(assign_only=True))

    def read(paths: RunPaths) -> tuple[list[dict], dict[str, dict]]:
        rows = pq.read_table(paths.topics_topics).to_pylist()
        posts = {r["post_id"]: r for r in pq.read_table(paths.topics_assignments).to_pylist()}
        return rows, posts

    topics1, posts1 = read(first)
    broad = {r["topic_id"] for r in topics1 if r["parent_id"] is None}
    subs = {r["topic_id"]: r["parent_id"] for r in topics1 if r["parent_id"] is not None}
    assert len(broad) == 2 and len(subs) == 4 and not broad & set(subs)
    assert set(subs.values()) == broad
    for post in posts1.values():  # every post's subtopic belongs to its topic
        assert subs[post["subtopic_id"]] == post["topic_id"]
    assert summary.counts["subtopics"] == 4 and summary.counts["new_ids"] == 0
    for paths in (second, third):
        rows, posts = read(paths)
        assert {r["topic_id"]: r["parent_id"] for r in rows if r["parent_id"] is not None} == subs
        same = [posts[p]["subtopic_id"] == posts1[p]["subtopic_id"] for p in posts1]
        assert np.mean(same) >= 0.95
