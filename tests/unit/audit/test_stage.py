"""run() on real Parquet files written with the real schemas."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.audit import run
from pipeline.config import parse_config
from pipeline.io import MissingInputError, write_table
from pipeline.paths import RunPaths
from pipeline.records import BLOCKS, FINDINGS, POST_SCORES, POSTS, SHARED_PARAGRAPHS

BANNER = "Feeling stuck? Our counselors are online now, start your free trial today."
PARAGRAPHS = [
    "Sleep shapes mood in ways most people underestimate.",
    "A regular bedtime helps the body know when to wind down.",
    "Light in the evening delays the release of melatonin.",
]
SITE_NOTE = "This site is run by volunteers who love good sleep and quiet evenings."


def _post(post_id: str, main_text: str | None, **extra: Any) -> dict[str, Any]:
    words = len((main_text or "").split())
    return {
        "run_id": "r1", "post_id": post_id, "site": "demo", "url": f"http://127.0.0.1/{post_id}",
        "title": "Sleep and mood", "main_text": main_text, "word_count": words,
        "page_words": words * 4, "boilerplate_words": words * 3, "h1_count": 1,
        "headings": [{"level": 1, "text": "Sleep and mood"}, {"level": 3, "text": "Evenings"}],
        **extra,
    }  # fmt: skip


def _block(
    post_id: str, i: int, text: str, category: str, is_main: bool, pos: float
) -> dict[str, Any]:
    return {
        "run_id": "r1", "post_id": post_id, "site": "demo", "block_index": i, "tag": "p",
        "text": text, "word_count": len(text.split()), "position": pos, "is_main": is_main,
        "category": category, "main_score": 0.9 if is_main else 0.1, "site_repeat": 1,
    }  # fmt: skip


def test_run_writes_findings_and_scores(tmp_path: Path) -> None:
    paths = RunPaths(data_dir=tmp_path, run_id="r1")
    config = parse_config("sites:\n  - name: demo\n    url: http://127.0.0.1:8000/\n")
    main = "\n".join([*PARAGRAPHS, SITE_NOTE])
    blocks = [
        _block("p1", 0, "Home Blog About", "navigation", False, 0.0),
        _block("p1", 1, PARAGRAPHS[0], "content", True, 0.2),
        _block("p1", 2, BANNER, "promo", False, 0.4),
        _block("p1", 3, PARAGRAPHS[1], "content", True, 0.6),
        _block("p1", 4, BANNER, "promo", False, 0.7),
        _block("p1", 5, PARAGRAPHS[2], "content", True, 0.8),
    ]
    write_table(paths.extract_posts, [_post("p1", main), _post("p2", None)], POSTS)
    write_table(paths.extract_blocks, blocks, BLOCKS)
    shared = {"run_id": "r1", "paragraph_hash": "h", "text": SITE_NOTE, "n_posts": 3,
              "n_sites": 1, "scope": "within_site", "post_ids": ["p1", "p3", "p4"]}  # fmt: skip
    write_table(paths.dedup_paragraphs, [shared], SHARED_PARAGRAPHS)

    summary = run(paths, config)

    findings = pq.read_table(paths.audit_findings)
    assert findings.schema.equals(FINDINGS)
    rows = findings.to_pylist()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    banners = {r["evidence"]: r for r in by_kind["repeated_banner"]}
    assert "2 times" in banners[BANNER]["message"] and banners[BANNER]["start"] == -1
    assert "3 posts" in banners[SITE_NOTE]["message"]
    assert main[banners[SITE_NOTE]["start"] : banners[SITE_NOTE]["end"]] == SITE_NOTE
    promo = [r for r in by_kind["promo_in_body"] if r["detector"] == "blocks.promo_in_article"]
    # the same banner twice is one promo finding; repeated_banner carries the count
    assert [r["evidence"] for r in promo] == [BANNER]
    assert "75%" in by_kind["boilerplate_share"][0]["message"]
    assert "promo" in by_kind["boilerplate_share"][0]["message"]
    thin = {r["detector"]: r for r in by_kind["thin_content"]}
    assert thin["thin.word_count"]["severity"] == "critical"
    assert "mostly boilerplate: 75%" in thin["thin.boilerplate_share"]["message"]
    assert any("H1 to H3" in r["message"] for r in by_kind["structure"])
    assert len({r["finding_id"] for r in rows}) == len(rows)

    scores = pq.read_table(paths.audit_scores)
    assert scores.schema.equals(POST_SCORES)
    (score,) = scores.to_pylist()
    assert score["post_id"] == "p1" and score["n_findings"] == len(rows)
    assert 0 <= score["audit_score"] < 100 and abs(score["boilerplate_share"] - 0.75) < 1e-6
    assert summary.dropped == {"missing_main_text": 1}
    assert summary.counts["audited"] == 1 and summary.counts["findings"] == len(rows)

    run(paths, config)  # idempotent: a rerun replaces with identical rows
    assert pq.read_table(paths.audit_findings).to_pylist() == rows


def test_run_requires_dedup_output(tmp_path: Path) -> None:
    paths = RunPaths(data_dir=tmp_path, run_id="r1")
    config = parse_config("sites:\n  - name: demo\n    url: http://127.0.0.1:8000/\n")
    write_table(paths.extract_posts, [_post("p1", "\n".join(PARAGRAPHS))], POSTS)
    write_table(paths.extract_blocks, [], BLOCKS)
    with pytest.raises(MissingInputError, match="run the 'dedup' stage"):
        run(paths, config)


def test_audit_rows_use_page_metadata_and_the_site(tmp_path: Path) -> None:
    """Provenance from the post's metadata, the publisher's brand from its URL and site name,
    and titles shared inside a site."""
    from datetime import UTC, datetime

    from pipeline.audit.promo_model import promo_probabilities
    from pipeline.audit.stage import audit_rows
    from pipeline.config import DetectorsConfig

    body = "\n".join(
        [*PARAGRAPHS, "With Dreamwell, you sleep better from the first night.", SITE_NOTE]
    )
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [
        _post("p1", body, url="https://www.dreamwell.com/blog/a", site_name="Dreamwell",
              author="Ana Ruiz", published_at=datetime(2020, 1, 1, tzinfo=UTC),
              fetched_at=fetched, outbound_links=["https://www.nih.gov/sleep"]),
        _post("p2", body, url="https://www.dreamwell.com/blog/b", site_name="Dreamwell",
              fetched_at=fetched),
    ]  # fmt: skip
    rows, _, _ = audit_rows(
        "r1", posts, [], [], config=DetectorsConfig(), scorer=promo_probabilities
    )
    by_post: dict[str, set[str]] = {}
    for r in rows:
        by_post.setdefault(r["post_id"], set()).add(r["detector"])
    assert "ymyl.no_author" not in by_post["p1"] and "ymyl.no_author" in by_post["p2"]
    assert "ymyl.stale" in by_post["p1"] and "ymyl.no_date" in by_post["p2"]
    assert "ymyl.no_sources" not in by_post["p1"] and "ymyl.no_sources" in by_post["p2"]
    brand = [r for r in rows if r["post_id"] == "p1" and r["kind"] == "promo_in_body"]
    assert [r["evidence"] for r in brand] == [
        "With Dreamwell, you sleep better from the first night."
    ]
    # both posts are titled "Sleep and mood" on one site
    assert all("structure.duplicate_title" in by_post[p] for p in ("p1", "p2"))


def test_batch_scorer_scores_a_chunk_in_one_call() -> None:
    """The audit primes each model with a chunk's sentences: one call, then answers from it."""
    from pipeline.audit.stage import BatchScorer

    calls: list[list[str]] = []

    def scorer(texts: Sequence[str]) -> list[float]:
        calls.append(list(texts))
        return [len(t) / 100 for t in texts]

    batch = BatchScorer(scorer)
    batch.prime(["Book a call today.", "Sleep matters.", "Book a call today."])
    assert batch(["Sleep matters."]) == [0.14] and len(calls) == 1
    assert calls[0] == ["Book a call today.", "Sleep matters."]  # each text scored once
    assert batch(["New line here.", "Sleep matters."]) == [0.14, 0.14]
    assert calls[1] == ["New line here."]  # only what was not primed
