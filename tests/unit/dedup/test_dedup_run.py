"""dedup.run on a real POSTS Parquet file written with the real schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import Config, SiteConfig
from pipeline.dedup import run
from pipeline.io import MissingInputError, write_table
from pipeline.paths import RunPaths
from pipeline.records import (
    BLOCKS,
    DUPLICATE_MEMBERS,
    DUPLICATE_PAIRS,
    POSTS,
    SHARED_PARAGRAPHS,
)

DISCLAIMER = "This post is for general information and is not a substitute for medical advice."


def make_config() -> Config:
    sites = [SiteConfig(name=n, url=f"http://127.0.0.1/{n}/") for n in ("alpha", "beta")]  # type: ignore[arg-type]
    return Config(sites=sites)


def row(pid: str, site: str, text: str, day: int | None, **kw: object) -> dict[str, object]:
    return {
        "run_id": "r1",
        "post_id": pid,
        "site": site,
        "url": f"http://{site}.example/{pid}",
        "title": pid,
        "main_text": text,
        "published_at": datetime(2024, 3, day, tzinfo=UTC) if day else None,
        "fetched_at": datetime(2024, 6, 1, tzinfo=UTC),
        **kw,
    }


def test_run_writes_pairs_members_and_paragraphs(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    paths = RunPaths(tmp_path, "r1")
    one, two = seed_texts["seed0"], seed_texts["seed3"]
    rows = [
        row("a1", "alpha", f"{one}\n\n{DISCLAIMER}", 10),
        # beta republished a1, dated earlier, but its rel=canonical credits alpha.
        row("b1", "beta", f"{one}\n\n{DISCLAIMER}", 2, canonical_url="http://alpha.example/a1"),
        row("b2", "beta", f"{two}\n\n{DISCLAIMER}", 5),
        row("b3", "beta", "", 6),
    ]
    write_table(paths.extract_posts, rows, POSTS)
    summary = run(paths, make_config())

    assert summary.stage == "dedup" and summary.dropped == {"empty_text": 1}
    assert summary.counts["posts"] == 4
    assert (summary.counts["exact_pairs"], summary.counts["near_pairs"]) == (1, 0)
    assert (summary.counts["groups"], summary.counts["grouped_posts"]) == (1, 2)
    assert summary.counts["shared_paragraphs"] >= 1

    pairs = pq.read_table(paths.dedup_pairs)
    assert pairs.schema.equals(DUPLICATE_PAIRS)
    assert pairs.to_pylist() == [
        {
            "run_id": "r1",
            "post_id_a": "a1",
            "post_id_b": "b1",
            "similarity": 1.0,
            "match_kind": "exact",
        }
    ]
    members = pq.read_table(paths.dedup_members)
    assert members.schema.equals(DUPLICATE_MEMBERS)
    by_id = {m["post_id"]: m for m in members.to_pylist()}
    assert by_id["a1"]["is_canonical"] and by_id["a1"]["canonical_rule"] == "rel_canonical"
    assert (by_id["b1"]["relation"], by_id["b1"]["match_kind"]) == ("syndicated", "exact")

    paragraphs = pq.read_table(paths.dedup_paragraphs)
    assert paragraphs.schema.equals(SHARED_PARAGRAPHS)
    disclaimer = next(p for p in paragraphs.to_pylist() if p["text"] == DISCLAIMER)
    assert disclaimer["post_ids"] == ["a1", "b1", "b2"]
    assert (disclaimer["n_posts"], disclaimer["n_sites"], disclaimer["scope"]) == (
        3,
        2,
        "cross_site",
    )

    # Rerunning replaces the outputs with identical content.
    before = [pq.read_table(p) for p in (paths.dedup_pairs, paths.dedup_members)]
    run(paths, make_config())
    after = [pq.read_table(p) for p in (paths.dedup_pairs, paths.dedup_members)]
    assert all(b.equals(a) for b, a in zip(before, after, strict=True))


def test_run_without_extract_output_names_the_stage(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="extract"):
        run(RunPaths(tmp_path, "r2"), make_config())


CTA = "Book a free consultation with our certified wellness coaches today."


def _blocks(pid: str, parts: list[tuple[str, str]]) -> list[dict[str, object]]:
    return [
        {"run_id": "r1", "post_id": pid, "site": "alpha", "block_index": i, "text": text,
         "is_main": True, "category": category, "word_count": len(text.split())}
        for i, (category, text) in enumerate(parts)
    ]  # fmt: skip


def test_boilerplate_blocks_inside_the_main_text_are_not_compared(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    paths = RunPaths(tmp_path, "r1")
    one = " ".join(seed_texts["seed1"].split()[:60])
    two = " ".join(seed_texts["seed2"].split()[:60])
    # Long pitches (700 words, ten times either post), each the same in every post carrying it.
    promo = CTA + " " + " ".join(seed_texts["seed4"].split()[:700])
    other_promo = " ".join(seed_texts["seed3"].split()[:700])
    rows = [
        # Two different posts carrying the same long promo: alike only through the promo.
        row("p1", "alpha", f"{one}\n\n{promo}", 1),
        row("p2", "alpha", f"{two}\n\n{promo}", 2),
        # The same article as p1 under another promo: a duplicate the promos must not hide.
        row("p3", "alpha", f"{one}\n\n{other_promo}", 3),
    ]
    write_table(paths.extract_posts, rows, POSTS)
    blocks = (
        _blocks("p1", [("content", one), ("promo", promo)])
        + _blocks("p2", [("content", two), ("promo", promo)])
        + _blocks("p3", [("content", one), ("promo", other_promo)])
    )
    write_table(paths.extract_blocks, blocks, BLOCKS)
    run(paths, make_config())
    pairs = {(r["post_id_a"], r["post_id_b"]) for r in pq.read_table(paths.dedup_pairs).to_pylist()}
    assert pairs == {("p1", "p3")}
    # The promo is still found as a paragraph the posts share (the audit's repeated banner).
    shared = pq.read_table(paths.dedup_paragraphs).to_pylist()
    assert any(set(r["post_ids"]) == {"p1", "p2"} and r["text"].startswith(CTA) for r in shared)

    # Without block labels the main texts are compared whole: the promo pairs p1 with p2.
    paths.extract_blocks.unlink()
    run(paths, make_config())
    pairs = {(r["post_id_a"], r["post_id_b"]) for r in pq.read_table(paths.dedup_pairs).to_pylist()}
    assert ("p1", "p2") in pairs and ("p1", "p3") not in pairs
