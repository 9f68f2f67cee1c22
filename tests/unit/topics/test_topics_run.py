"""topics.run on real POSTS (and DUPLICATE_MEMBERS) Parquet files written with the real schemas."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sklearn.metrics import normalized_mutual_info_score

from pipeline.config import Config, SiteConfig, TopicsConfig
from pipeline.io import MissingInputError, write_table
from pipeline.paths import RunPaths
from pipeline.records import DUPLICATE_MEMBERS, POST_TOPICS, POSTS, TOPICS
from pipeline.topics import run


def make_config(**topics: object) -> Config:
    site = SiteConfig(name="alpha", url="http://127.0.0.1/")  # type: ignore[arg-type]
    return Config(sites=[site], topics=TopicsConfig(**topics))  # type: ignore[arg-type]


def write_posts(paths: RunPaths, texts: list[str]) -> list[str]:
    ids = [f"p{i:02d}" for i in range(len(texts))]
    rows = [
        {"run_id": paths.run_id, "post_id": pid, "site": "alpha", "title": "", "main_text": t}
        for pid, t in zip(ids, texts, strict=True)
    ]
    write_table(paths.extract_posts, rows, POSTS)
    write_table(paths.dedup_members, [], DUPLICATE_MEMBERS)  # dedup ran and found no groups
    return ids


def test_run_writes_topics_and_assignments(
    tmp_path: Path, corpus: tuple[list[str], list[int]], off_topic: str
) -> None:
    texts, truth = corpus
    paths = RunPaths(tmp_path, "r1")
    ids = write_posts(paths, [*texts, off_topic, ""])
    summary = run(paths, make_config())

    assert summary.counts["posts"] == 34 and summary.counts["fitted_posts"] == 34
    assert summary.counts["k"] == 4 and summary.counts["topics"] == 4
    assert summary.counts["min_topic_size"] == 3  # max(3, 5% of 34 posts)
    assert summary.counts["outliers"] == 2  # the off-topic post and the empty one

    topics = pq.read_table(paths.topics_topics)
    assert topics.schema.equals(TOPICS)
    rows = topics.to_pylist()
    assert [r["topic_id"] for r in rows] == [0, 1, 2, 3]
    assert all(r["label"] == ", ".join(r["terms"]) and len(r["terms"]) == 4 for r in rows)
    assert sum(r["size"] for r in rows) == 32

    assignments = pq.read_table(paths.topics_assignments)
    assert assignments.schema.equals(POST_TOPICS)
    by_id = {a["post_id"]: a for a in assignments.to_pylist()}
    assert set(by_id) == set(ids)
    assert by_id[ids[32]]["topic_id"] == -1 and by_id[ids[33]]["topic_id"] == -1
    assert by_id[ids[32]]["x"] is not None  # an outlier is still on the map
    assert by_id[ids[33]]["x"] is None and by_id[ids[33]]["confidence"] == 0.0  # no text
    labels = [by_id[pid]["topic_id"] for pid in ids[:32]]
    assert normalized_mutual_info_score(truth, labels) >= 0.9
    for r in rows:
        assert all(by_id[pid]["topic_id"] == r["topic_id"] for pid in r["representative_post_ids"])


def test_non_canonical_duplicates_take_their_canonicals_topic(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    texts, _ = corpus
    paths = RunPaths(tmp_path, "r2")
    # p32 is a copy of p00 whose text alone would fit another topic (it is p31's text).
    ids = write_posts(paths, [*texts, texts[31]])
    members = [
        {"run_id": "r2", "group_id": "g1", "post_id": ids[0], "is_canonical": True},
        {"run_id": "r2", "group_id": "g1", "post_id": ids[32], "is_canonical": False},
    ]
    write_table(paths.dedup_members, members, DUPLICATE_MEMBERS)
    summary = run(paths, make_config(k=4))

    assert summary.counts["fitted_posts"] == 32 and summary.counts["duplicate_posts"] == 1
    by_id = {a["post_id"]: a for a in pq.read_table(paths.topics_assignments).to_pylist()}
    assert by_id[ids[32]]["topic_id"] == by_id[ids[0]]["topic_id"]
    assert by_id[ids[31]]["topic_id"] != by_id[ids[0]]["topic_id"]
    # Its confidence is not claimed for a topic its text does not match.
    assert by_id[ids[32]]["confidence"] == 0.0


def test_topics_do_not_depend_on_post_ids_or_file_order(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    # Regression: posts were ordered by post_id (a hash of the URL), so the same posts served
    # on another port (every `make demo`) were fed to KMeans in another order: other topics.
    texts, _ = corpus
    results = []
    for run_id, order, mult in (("a", range(len(texts)), 7919), ("b", range(len(texts))[::-1], 31)):
        paths = RunPaths(tmp_path, run_id)
        rows = [
            {
                "run_id": run_id,
                "post_id": f"{(i * mult) % 101:03d}-{i}",  # ids sort differently per run
                "site": "alpha",
                "title": "",
                "main_text": texts[i],
                "text_hash": hashlib.sha1(texts[i].encode()).hexdigest(),
            }
            for i in order
        ]
        write_table(paths.extract_posts, rows, POSTS)
        write_table(paths.dedup_members, [], DUPLICATE_MEMBERS)
        run(paths, make_config())
        by_text = {
            r["post_id"].rsplit("-", 1)[1]: r["topic_id"]
            for r in pq.read_table(paths.topics_assignments).to_pylist()
        }
        results.append([by_text[str(i)] for i in range(len(texts))])
    assert results[0] == results[1]


def test_dedup_output_is_required(tmp_path: Path, corpus: tuple[list[str], list[int]]) -> None:
    # Regression: topics used dedup's groups only if they existed yet, so in the DAG (topics
    # beside dedup) the same run gave different topics depending on which task finished first.
    paths = RunPaths(tmp_path, "r1")
    write_table(paths.extract_posts, [{"run_id": "r1", "post_id": "p1", "main_text": "x"}], POSTS)
    with pytest.raises(MissingInputError, match="run the 'dedup' stage"):
        run(paths, make_config())


def test_a_copy_never_stands_in_for_its_original_as_representative(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    # Regression: representatives were picked among all posts; a copy has its original's
    # text, so it tied with it and could take its place in the topic's top three.
    texts, _ = corpus
    paths = RunPaths(tmp_path, "r1")
    ids = write_posts(paths, [*texts, *texts[:8]])
    members = [
        row
        for i in range(8)
        for row in (
            {"run_id": "r1", "group_id": f"g{i}", "post_id": ids[i], "is_canonical": True},
            {"run_id": "r1", "group_id": f"g{i}", "post_id": ids[32 + i], "is_canonical": False},
        )
    ]
    write_table(paths.dedup_members, members, DUPLICATE_MEMBERS)
    run(paths, make_config(k=4))
    reps = [pid for r in pq.read_table(paths.topics_topics).to_pylist()
            for pid in r["representative_post_ids"]]  # fmt: skip
    assert len(reps) == 12 and not set(reps) & set(ids[32:])
