from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.paths import RunPaths


def test_run_paths_layout(tmp_path: Path) -> None:
    p = RunPaths(tmp_path, "demo", tmp_path / "reports")
    assert p.warc("calm-minds") == tmp_path / "raw/demo/calm-minds.warc.gz"
    assert p.extract_posts == tmp_path / "runs/demo/extract/posts.parquet"
    assert p.manifest("dedup") == tmp_path / "runs/demo/dedup/_manifest.json"
    assert p.warehouse == tmp_path / "warehouse.duckdb"
    assert p.report_latest == tmp_path / "reports/latest.html"


@pytest.mark.parametrize("bad", ["", "../etc", "a/b", "x..y", " demo", "-x"])
def test_run_id_cannot_escape_data_dir(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="invalid run id"):
        RunPaths(tmp_path, bad)


def test_site_name_cannot_escape(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid site name"):
        RunPaths(tmp_path, "r1").warc("../x")


def test_published_path_names_where_a_staged_file_ends_up(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path, "r1")
    staged = paths.staging({"crawl", "load"})
    assert paths.published_path(staged.crawl_pages) == paths.crawl_pages
    assert paths.published_path(staged.warc("alpha")) == paths.warc("alpha")
    assert paths.published_path(staged.warehouse) == paths.warehouse  # never staged here
    # Another run's staging directory is not this run's.
    other = RunPaths(tmp_path, "r2").staging({"crawl"})
    assert paths.published_path(other.crawl_pages) == other.crawl_pages
