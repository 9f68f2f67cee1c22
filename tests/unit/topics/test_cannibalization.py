"""Competing pairs: same site, same topic, overlapping texts and title key terms."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import Config, SiteConfig
from pipeline.io import write_table
from pipeline.paths import RunPaths
from pipeline.records import CANNIBALIZATION, DUPLICATE_MEMBERS, POSTS
from pipeline.topics import run
from pipeline.topics.cannibalization import (
    FEATURES,
    PairInputs,
    PairScorer,
    competing_pairs,
    overlap_matrix,
    pair_inputs,
    title_overlap,
    title_terms,
)
from pipeline.topics.model import TopicModel

FAST = (
    "Lie down, breathe out slowly, keep the bedroom cool and dark, and stop checking the clock. "
    "A slow exhale and a cool room let the body fall asleep within minutes."
)
FASTER = (
    "Keep the bedroom dark and cool, breathe out slowly, and do not check the clock: a slow "
    "exhale in a cool room helps you fall asleep in minutes."
)
NAPS = "A short nap after lunch, twenty minutes at most, restores alertness without grogginess."


def test_title_terms_drop_listicle_words_and_match_word_forms() -> None:
    assert title_terms("How to Fall Asleep Fast: 10 Tips") == {"fall", "asleep", "fast"}
    assert title_terms("Falling Asleep Faster") == {"fall", "asleep", "faster"}
    overlap = title_overlap(title_terms("How to Fall Asleep Fast"), title_terms("Falling Asleep"))
    assert overlap == 1.0
    assert title_overlap(frozenset(), frozenset({"sleep"})) == 0.0


def _inputs(texts: list[str], titles: list[str]) -> PairInputs:
    model = TopicModel(k=1, subtopics=False).fit(texts)
    return pair_inputs(model, titles, [f"{t}\n\n{x}" for t, x in zip(titles, texts, strict=True)])


@given(st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=6), max_size=12))
def test_the_overlap_matrix_is_title_overlap_of_every_pair(terms: list[frozenset[str]]) -> None:
    matrix = overlap_matrix(terms)
    assert matrix.shape == (len(terms), len(terms))
    for i, a in enumerate(terms):
        for j, b in enumerate(terms):
            assert matrix[i, j] == title_overlap(a, b)  # exactly: the same division


def test_pairs_need_same_site_and_same_topic() -> None:
    texts = [FAST, FASTER, NAPS, FASTER, FASTER]
    titles = [
        "How to Fall Asleep Fast",
        "Falling Asleep Fast: What Works",
        "How Long Should a Nap Be?",
        "Fall Asleep Fast Tonight",  # same text and title, but another site
        "Fall Asleep Fast Tonight",  # same site, another topic
    ]
    groups = [("a", 0), ("a", 0), ("a", 0), ("b", 0), ("a", 1)]
    pairs = competing_pairs(_inputs(texts, titles), groups)
    assert [(p.a, p.b) for p in pairs] == [(0, 1)]
    assert pairs[0].shared_terms == ("asleep", "fall", "fast")
    assert pairs[0].score >= PairScorer().threshold
    # Outliers (topic -1) never pair.
    assert competing_pairs(_inputs(texts, titles), [("a", -1)] * 5) == []


def test_score_grows_with_every_feature() -> None:
    scorer = PairScorer()
    low = dict.fromkeys(FEATURES, 0.2)
    for name in FEATURES:
        assert scorer.score({**low, name: 0.9}) > scorer.score(low), name


def test_stage_writes_pairs_between_canonical_posts(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path, "r1")
    # A pair is not a topic (minimum topic size 3): a third sleep post makes the topic.
    cool = "A cool dark bedroom and a slow exhale before bed help the body sleep through the night."
    filler = [
        NAPS,
        "Caffeine after noon and a late nap both push bedtime later; keep naps short and early.",
        "Shift workers nap before a night shift: twenty minutes, a dark room, an alarm.",
    ]
    texts = [FAST, FASTER, FASTER, cool, *filler]
    titles = [
        "How to Fall Asleep Fast",
        "Falling Asleep Fast",
        "Fall Asleep Fast",
        "Your Bedroom at Night",
        "How Long Should a Nap Be?",
        "Caffeine and Napping",
        "Napping on Shift Work",
    ]
    rows = [
        {"run_id": "r1", "post_id": f"p{i}", "site": "alpha", "title": t, "main_text": x}
        for i, (t, x) in enumerate(zip(titles, texts, strict=True))
    ]
    write_table(paths.extract_posts, rows, POSTS)
    # p2 is a copy of p1 (dedup's finding): it must not be reported again as competing.
    members = [
        {"run_id": "r1", "group_id": "g", "post_id": "p1", "is_canonical": True},
        {"run_id": "r1", "group_id": "g", "post_id": "p2", "is_canonical": False},
    ]
    write_table(paths.dedup_members, members, DUPLICATE_MEMBERS)
    site = SiteConfig(name="alpha", url="http://127.0.0.1/")  # type: ignore[arg-type]
    summary = run(paths, Config(sites=[site]))
    table = pq.read_table(paths.topics_cannibalization)
    assert table.schema.equals(CANNIBALIZATION)
    pairs = table.to_pylist()
    assert summary.counts["cannibalization_pairs"] == len(pairs) == 1
    assert (pairs[0]["post_id_a"], pairs[0]["post_id_b"]) == ("p0", "p1")
    assert pairs[0]["site"] == "alpha" and pairs[0]["score"] > 0.5
