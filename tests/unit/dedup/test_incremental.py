"""Incremental dedup: a run reuses the warehouse's signatures of posts whose text is unchanged."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline import dedup, warehouse
from pipeline.dedup.core import index_for
from pipeline.dedup.incremental import stored_signatures
from pipeline.io import write_table
from pipeline.paths import RunPaths
from pipeline.records import BLOCKS, POSTS
from tests.sql.sample_run import CONFIG, write_sample_run


def _pairs(paths: RunPaths) -> list[tuple[str, str, float]]:
    rows = pq.read_table(paths.dedup_pairs).to_pylist()
    return sorted((r["post_id_a"], r["post_id_b"], r["similarity"]) for r in rows)


def _give_texts(paths: RunPaths, texts: dict[str, str]) -> None:
    """Real post texts, in the main text and in the main content block of each post."""
    posts = pq.read_table(paths.extract_posts).to_pylist()
    for post in posts:
        post["main_text"] = texts[post["post_id"]]
    write_table(paths.extract_posts, posts, POSTS)
    blocks = pq.read_table(paths.extract_blocks).to_pylist()
    for block in blocks:
        if block["category"] == "content":
            block["text"] = texts[block["post_id"]]
    write_table(paths.extract_blocks, blocks, BLOCKS)


def test_a_second_run_signs_only_its_new_posts(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    data = tmp_path / "data"
    first, second = RunPaths(data, "run-a"), RunPaths(data, "run-b")
    write_sample_run(first)
    write_sample_run(second, second=True)  # p_sleep removed, p_new added
    texts = {
        "p_intimacy": seed_texts["seed0"],
        "p_sleep": seed_texts["seed3"],
        "p_gut": seed_texts["seed1"],
        "p_copy": seed_texts["seed2"],
        # A lightly edited copy of p_gut: a pair between a reused and a newly signed post.
        "p_new": seed_texts["seed1"] + " Updated in June with new sources.",
    }
    _give_texts(first, texts)
    _give_texts(second, texts)

    # Without a warehouse every post is signed.
    assert dedup.run(second, CONFIG).counts["signatures_reused"] == 0
    from_scratch = _pairs(second)

    assert dedup.run(first, CONFIG).counts["signatures_reused"] == 0
    warehouse.run(first, CONFIG)  # the load step stores run-a's signatures
    scheme = index_for(CONFIG.dedup).scheme
    ids = ["p_intimacy", "p_sleep", "p_gut", "p_copy", "p_new"]
    assert len(stored_signatures(first.warehouse, scheme, ids)) == 4
    assert len(stored_signatures(first.warehouse, scheme, ["p_gut"])) == 1

    summary = dedup.run(second, CONFIG)
    # p_intimacy, p_gut and p_copy come from run-a's signatures; only p_new is signed.
    assert summary.counts["signatures_reused"] == 3
    assert summary.counts["compared_posts"] == 4
    assert _pairs(second) == from_scratch  # the same pairs, with the same verified Jaccard
    assert [(a, b) for a, b, _ in from_scratch] == [("p_gut", "p_new")]

    # A changed text is signed again: its stored signature is of another text.
    _give_texts(second, {**texts, "p_copy": texts["p_copy"] + " A new closing paragraph."})
    assert dedup.run(second, CONFIG).counts["signatures_reused"] == 2
    # Another scheme (shingle size, slots, seed or hash version) shares nothing.
    assert stored_signatures(first.warehouse, scheme + "-other", ids) == {}


def test_an_unreadable_warehouse_means_signing_everything(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path / "data", "run-a")
    write_sample_run(paths)
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    paths.warehouse.write_bytes(b"not a duckdb file")
    assert stored_signatures(paths.warehouse, "any", ["p_gut"]) == {}
    assert dedup.run(paths, CONFIG).counts["signatures_reused"] == 0


def test_a_malformed_stored_signature_is_signed_again(tmp_path: Path) -> None:
    import duckdb

    from pipeline.warehouse import migrate

    paths = RunPaths(tmp_path / "data", "run-a")
    write_sample_run(paths)
    dedup.run(paths, CONFIG)
    warehouse.run(paths, CONFIG)
    con = duckdb.connect(str(paths.warehouse))
    migrate(con)
    con.execute("update dedup_signatures set signature = 'abc'::blob where post_id = 'p_gut'")
    con.close()
    scheme = index_for(CONFIG.dedup).scheme
    stored = stored_signatures(paths.warehouse, scheme, ["p_gut", "p_copy"])
    assert [post for post, _ in stored] == ["p_copy"]
    assert dedup.run(paths, CONFIG).counts["signatures_reused"] == 3  # all but p_gut
