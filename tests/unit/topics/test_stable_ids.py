"""Topic ids across runs (stable), assign-only runs, and the previous-run lookup they rely on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import Config, SiteConfig, TopicsConfig, snapshot
from pipeline.io import MissingInputError, atomic_write_bytes, write_table
from pipeline.paths import RunPaths
from pipeline.records import DUPLICATE_MEMBERS, POSTS
from pipeline.runner import run_stage
from pipeline.topics.model import TopicModel, load_model, save_model
from pipeline.topics.stable import MATCH_MIN_SIMILARITY, assign_ids, cosine


def make_config(**topics: object) -> Config:
    site = SiteConfig(name="alpha", url="http://127.0.0.1/")  # type: ignore[arg-type]
    return Config(sites=[site], topics=TopicsConfig(**topics))  # type: ignore[arg-type]


def write_run(tmp_path: Path, run_id: str, texts: dict[str, str]) -> RunPaths:
    paths = RunPaths(tmp_path, run_id)
    rows = [
        {
            "run_id": run_id,
            "post_id": pid,
            "site": "alpha",
            "title": "",
            "main_text": text,
            "text_hash": hashlib.sha1(text.encode()).hexdigest(),
        }
        for pid, text in texts.items()
    ]
    write_table(paths.extract_posts, rows, POSTS)
    write_table(paths.dedup_members, [], DUPLICATE_MEMBERS)
    return paths


def topics_of(paths: RunPaths) -> dict[str, int]:
    rows = pq.read_table(paths.topics_assignments).to_pylist()
    return {r["post_id"]: r["topic_id"] for r in rows}


def test_assign_ids_keeps_matched_ids_and_never_reuses_one() -> None:
    sleep = {"sleep": 0.8, "night": 0.5, "bed": 0.3}
    food = {"protein": 0.7, "meal": 0.6, "fiber": 0.4}
    new = {"marathon": 0.9, "pace": 0.4}
    # Previous run: sleep was 4, food 9; ids up to 11 were used before (10 and 11 retired).
    result = assign_ids([food, new, sleep], {4: sleep, 9: food}, next_id=12)
    assert result.ids == [9, 12, 4]
    assert result.matched == {0: 9, 2: 4}
    assert result.similarity[0] == pytest.approx(1.0) and result.similarity[1] is None
    assert result.next_id == 13
    # No previous run: ids in index order from 0.
    assert assign_ids([sleep, food], {}).ids == [0, 1]


def test_assign_ids_leaves_a_weak_match_unmatched() -> None:
    a = {"sleep": 1.0, "night": 0.2}
    b = {"sleep": 0.3, "stress": 1.0}
    assert cosine(a, b) < MATCH_MIN_SIMILARITY
    result = assign_ids([b], {0: a}, next_id=1)
    assert result.ids == [1] and result.matched == {}


def test_a_second_run_keeps_the_ids_of_the_topics_it_shares(
    tmp_path: Path, corpus: tuple[list[str], list[int]], topic_words: dict[str, list[str]]
) -> None:
    texts, truth = corpus
    first = write_run(tmp_path, "r1", {f"p{i:02d}": t for i, t in enumerate(texts)})
    run_stage("topics", first, make_config())
    ids1 = topics_of(first)
    # Second run: the first topic's posts are gone, posts of a new topic (strength training)
    # arrive, and the remaining posts come in reverse order: KMeans numbers its clusters
    # differently, the stable ids must not move.
    dropped = {i for i, t in enumerate(truth) if t == 0}
    kept = {f"p{i:02d}": texts[i] for i in reversed(range(len(texts))) if i not in dropped}
    lifting = "squats deadlift dumbbells reps sets barbell bench kettlebell muscles lifting"
    new = {f"n{i}": f"{lifting} {' '.join(topic_words['running'][i : i + 3])}" for i in range(8)}
    second = write_run(tmp_path, "r2", {**kept, **new})
    summary = run_stage("topics", second, make_config())
    ids2 = topics_of(second)

    assert all(ids2[pid] == ids1[pid] for pid in kept)
    new_ids = {ids2[pid] for pid in new}
    assert len(new_ids) == 1 and new_ids.pop() == max(ids1.values()) + 1
    assert summary.counts["kept_ids"] == 3 and summary.counts["new_ids"] == 1
    rows = {r["topic_id"]: r for r in pq.read_table(second.topics_topics).to_pylist()}
    assert rows[max(ids1.values()) + 1]["previous_similarity"] is None
    assert all(rows[ids1[pid]]["previous_similarity"] > 0.9 for pid in kept)
    state = json.loads(second.topics_state.read_text())
    assert state["previous_run_id"] == "r1" and state["next_topic_id"] == max(ids2.values()) + 1


def test_assign_only_places_new_posts_in_the_previous_topics(
    tmp_path: Path, corpus: tuple[list[str], list[int]], off_topic: str
) -> None:
    texts, truth = corpus
    fit_on = {f"p{i:02d}": t for i, t in enumerate(texts) if i % 4}
    first = write_run(tmp_path, "r1", fit_on)
    run_stage("topics", first, make_config())
    ids1 = topics_of(first)
    unseen = {f"p{i:02d}": t for i, t in enumerate(texts) if i % 4 == 0}
    second = write_run(tmp_path, "r2", {**fit_on, **unseen, "off": off_topic})
    summary = run_stage("topics", second, make_config(assign_only=True))
    ids2 = topics_of(second)

    assert summary.counts["fitted_posts"] == 0
    assert all(ids2[pid] == ids1[pid] for pid in fit_on)
    # Each unseen post lands in the topic its training siblings are in.
    topic_of_truth = {truth[i]: ids1[f"p{i:02d}"] for i in range(len(texts)) if i % 4}
    assert all(ids2[f"p{i:02d}"] == topic_of_truth[truth[i]] for i in range(0, len(texts), 4))
    assert ids2["off"] == -1  # a subject the model never saw is an outlier, not forced
    before = {r["topic_id"]: r["terms"] for r in pq.read_table(first.topics_topics).to_pylist()}
    after = {r["topic_id"]: r["terms"] for r in pq.read_table(second.topics_topics).to_pylist()}
    assert after == before


def test_assign_only_without_a_previous_run_says_what_to_do(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    paths = write_run(tmp_path, "r1", {f"p{i}": t for i, t in enumerate(corpus[0])})
    with pytest.raises(MissingInputError, match="without --assign-only once first"):
        run_stage("topics", paths, make_config(assign_only=True))


def test_assign_only_with_an_unreadable_model_says_refit(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    texts = {f"p{i}": t for i, t in enumerate(corpus[0])}
    first = write_run(tmp_path, "r1", texts)
    run_stage("topics", first, make_config())
    first.topics_model.write_bytes(b"not a pickle")
    second = write_run(tmp_path, "r2", texts)
    with pytest.raises(MissingInputError, match="without --assign-only to fit a new one"):
        run_stage("topics", second, make_config(assign_only=True))


def test_a_previous_run_without_topic_state_means_fresh_ids(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    texts = {f"p{i}": t for i, t in enumerate(corpus[0])}
    first = write_run(tmp_path, "r1", texts)
    run_stage("topics", first, make_config())
    first.topics_state.unlink()  # as a run from before stable ids has none
    second = write_run(tmp_path, "r2", texts)
    summary = run_stage("topics", second, make_config())
    assert summary.counts["kept_ids"] == 0 and summary.counts["new_ids"] == summary.counts["topics"]


def test_a_saved_model_predicts_what_the_fitted_one_does(
    tmp_path: Path, corpus: tuple[list[str], list[int]], off_topic: str
) -> None:
    texts, _ = corpus
    model = TopicModel(random_state=0).fit(texts)
    save_model(model, tmp_path / "model.npz")
    # Plain arrays: loading needs no pickle (np.load refuses object arrays here).
    loaded = load_model(tmp_path / "model.npz")
    unseen = [texts[0] + " extra words", off_topic, ""]
    for got, want in zip(loaded.predict(unseen), model.predict(unseen), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert loaded.terms_ == model.terms_ and loaded.k_ == model.k_
    assert loaded.term_centroids_ == model.term_centroids_
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    with pytest.raises(ValueError):
        load_model(tmp_path / "bad.npz")


def test_the_cli_flag_assigns_without_refitting(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    texts = {f"p{i}": t for i, t in enumerate(corpus[0])}
    for run_id in ("r1", "r2"):
        paths = write_run(tmp_path, run_id, texts)
        atomic_write_bytes(paths.config_snapshot, snapshot(make_config()).encode())
    runner = CliRunner()
    first = runner.invoke(main, ["topics", "--data-dir", str(tmp_path), "--run-id", "r1"])
    assert first.exit_code == 0, first.output
    args = ["topics", "--data-dir", str(tmp_path), "--run-id", "r2", "--assign-only"]
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "fitted_posts=0" in second.output
    assert topics_of(RunPaths(tmp_path, "r2")) == topics_of(RunPaths(tmp_path, "r1"))
