"""Warehouses for the report tests: two loaded runs of the sample sites, and a richer first run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import FINDINGS, POST_SCORES, SHARED_PARAGRAPHS
from pipeline.warehouse import run as load
from tests.sql.sample_run import CONFIG, PROMO, write_sample_run

# What the audit writes for a promo block: the message ends with the evidence cut mid-word.
PROMO_MESSAGE = f"promo block inside the article (block 3): '{PROMO[:40]}…'"
COPIED_PARAGRAPH = "Intimacy is the closeness between two people, copied word for word."


@pytest.fixture
def loaded_runs(tmp_path: Path) -> tuple[RunPaths, RunPaths]:
    data, reports = tmp_path / "data", tmp_path / "reports"
    first, second = RunPaths(data, "run-a", reports), RunPaths(data, "run-b", reports)
    write_sample_run(first)
    write_sample_run(second, second=True)
    load(first, CONFIG)
    load(second, CONFIG)
    return first, second


@pytest.fixture
def busy_run(tmp_path: Path) -> RunPaths:
    """run-a plus three high-scoring promo findings on the sleep post (which already has a
    critical keyword_stuffing and a thin_content finding), and a paragraph repeated only between
    the two copies of the duplicate group."""
    paths = RunPaths(tmp_path / "data", "run-a", tmp_path / "reports")
    write_sample_run(paths)
    findings = read_rows(paths.audit_findings)
    template = next(f for f in findings if f["post_id"] == "p_sleep")
    findings += [
        {
            **template,
            "finding_id": f"promo{i}",
            "kind": "promo_in_body",
            "severity": "warning",
            "score": 0.99,
            "message": PROMO_MESSAGE,
            "evidence": PROMO,
            "fix_hint": "Move the promo block below the article.",
        }
        for i in range(3)
    ]
    write_table(paths.audit_findings, findings, FINDINGS)
    scores = read_rows(paths.audit_scores)
    for row in scores:
        row["n_findings"] = sum(f["post_id"] == row["post_id"] for f in findings)
    write_table(paths.audit_scores, scores, POST_SCORES)
    copied = [
        {
            "run_id": paths.run_id,
            "paragraph_hash": "para2",
            "text": COPIED_PARAGRAPH,
            "n_posts": 2,
            "n_sites": 2,
            "scope": "cross_site",
            "post_ids": ["p_intimacy", "p_copy"],
        }
    ]
    paragraphs = [*read_rows(paths.dedup_paragraphs), *copied]
    write_table(paths.dedup_paragraphs, paragraphs, SHARED_PARAGRAPHS)
    load(paths, CONFIG)
    return paths
