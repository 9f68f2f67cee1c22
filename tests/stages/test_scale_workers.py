"""At scale, on a corpus of real page templates refilled with real paragraphs
(``benchmarks/scale/generate.py``: copies, rewrites, syndication and pasted banners across
sites), read from WARC files: extract and audit give the same rows with one worker and with
two, and a second month of the corpus with some posts edited gives, through the page cache and
the cached text findings, the same rows as a full run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from benchmarks.scale import generate
from pipeline import parallel
from pipeline.io import read_manifest
from pipeline.paths import RunPaths
from pipeline.runner import execute_stage, extract_from_warc, resolve_config

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
pytestmark = pytest.mark.slow


def _rows(path: Path) -> list[tuple[Any, ...]]:
    return sorted(
        tuple(sorted((k, repr(v)) for k, v in r.items())) for r in pq.read_table(path).to_pylist()
    )


def _corpus(out: Path, *more: str) -> Path:
    if not (DATA / "extraction-dev").is_dir():
        pytest.skip(f"{DATA} not present (the shared data sets sit beside the repository)")
    argv = ["--posts", "90", "--sites", "3", "--out", str(out), "--data", str(DATA), *more]
    assert generate.main(argv) == 0
    return out / "warc"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("scale"))


def crawl_counts(paths: RunPaths) -> dict[str, int]:
    manifest = read_manifest(paths, "crawl")
    assert manifest is not None
    return dict(manifest["counts"])


def _run(
    corpus: Path,
    data_dir: Path,
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
    run_id: str = "scale",
) -> tuple[RunPaths, dict[str, int]]:
    """Extract (from the WARCs), dedup and audit one run; its paths and stage counts."""
    monkeypatch.setenv(parallel.ENV, str(workers))
    paths = RunPaths(data_dir, run_id)
    summaries = extract_from_warc(paths, corpus)
    assert summaries["extract"].counts["workers"] == workers
    config = resolve_config(paths, None)
    execute_stage("dedup", paths, config)
    summary = execute_stage("audit", paths, config)
    assert summary.counts["workers"] == workers
    return paths, {**summaries["extract"].counts, **summary.counts}


OUTPUTS = ("extract_documents", "extract_posts", "extract_blocks", "audit_findings", "audit_scores")


def test_one_and_two_workers_write_the_same_rows(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = _run(corpus, tmp_path / "one", 1, monkeypatch)
    two, _ = _run(corpus, tmp_path / "two", 2, monkeypatch)
    for attr in OUTPUTS:
        a, b = _rows(getattr(one, attr)), _rows(getattr(two, attr))
        assert a and a == b, attr
    # Every generated post is extracted as a post (listings, home and about pages are not).
    assert pq.read_table(two.extract_posts).num_rows == 90
    # No spill file is left beside the output.
    assert not list(two.stage_dir("extract").glob(".pages-*"))


def test_a_month_later_cached_work_gives_the_rows_of_a_full_run(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = _corpus(tmp_path / "later", "--changed", "0.2")  # a fifth of the posts edited
    data = tmp_path / "data"
    _run(corpus, data, 2, monkeypatch, "month1")
    second, counts = _run(later, data, 2, monkeypatch, "month2")
    full, full_counts = _run(later, tmp_path / "full", 1, monkeypatch, "month2")
    # The import's links too: unchanged pages take the previous run's, the full run parses all.
    for attr in (*OUTPUTS, "crawl_links"):
        a, b = _rows(getattr(second, attr)), _rows(getattr(full, attr))
        assert a and a == b, attr
    assert crawl_counts(second)["links_reused"] > 0
    posts = counts["posts"]
    # Unchanged pages come from the page cache (or whole unchanged sites are copied), the
    # edited ones are extracted; unchanged posts' text findings come from the cache.
    assert 0 < counts["pages_cached"] + counts["documents_reused"] < counts["documents"]
    assert 0.6 * posts < counts["posts_cached"] < posts
    assert full_counts["pages_cached"] == 0 and full_counts["posts_cached"] == 0
