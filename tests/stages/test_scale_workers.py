"""Extract and audit give the same rows with one worker and with two, on a corpus of real
page templates refilled with real paragraphs (``benchmarks/scale/generate.py``: copies,
rewrites, syndication and pasted banners across sites), read from WARC files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from benchmarks.scale import generate
from pipeline import parallel
from pipeline.paths import RunPaths
from pipeline.runner import execute_stage, extract_from_warc, resolve_config

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
pytestmark = pytest.mark.slow


def _rows(path: Path) -> list[tuple[Any, ...]]:
    return sorted(
        tuple(sorted((k, repr(v)) for k, v in r.items())) for r in pq.read_table(path).to_pylist()
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (DATA / "extraction-dev").is_dir():
        pytest.skip(f"{DATA} not present (the shared data sets sit beside the repository)")
    out = tmp_path_factory.mktemp("scale")
    assert (
        generate.main(["--posts", "90", "--sites", "3", "--out", str(out), "--data", str(DATA)])
        == 0
    )
    return out / "warc"


def _run(corpus: Path, data_dir: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> RunPaths:
    monkeypatch.setenv(parallel.ENV, str(workers))
    paths = RunPaths(data_dir, "scale")
    summaries = extract_from_warc(paths, corpus)
    assert summaries["extract"].counts["workers"] == workers
    config = resolve_config(paths, None)
    execute_stage("dedup", paths, config)
    summary = execute_stage("audit", paths, config)
    assert summary.counts["workers"] == workers
    return paths


def test_one_and_two_workers_write_the_same_rows(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _run(corpus, tmp_path / "one", 1, monkeypatch)
    two = _run(corpus, tmp_path / "two", 2, monkeypatch)
    for attr in (
        "extract_documents",
        "extract_posts",
        "extract_blocks",
        "audit_findings",
        "audit_scores",
    ):
        a, b = _rows(getattr(one, attr)), _rows(getattr(two, attr))
        assert a and a == b, attr
    # Every generated post is extracted as a post (listings, home and about pages are not).
    assert pq.read_table(two.extract_posts).num_rows == 90
    # No spill file is left beside the output.
    assert not list(two.stage_dir("extract").glob(".pages-*"))
