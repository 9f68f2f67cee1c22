from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import ConfigError, parse_config, snapshot
from pipeline.paths import STAGES, RunPaths
from pipeline.runner import STAGE_INPUTS, resolve_config, stage_function, stage_inputs


def test_every_stage_has_a_run_function_and_declared_inputs(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path, "r1")
    for stage in STAGES:
        assert callable(stage_function(stage))
        assert stage in STAGE_INPUTS
        assert all(isinstance(p, Path) for p in stage_inputs(stage, paths))
    with pytest.raises(ValueError, match="unknown stage 'crawlz'"):
        stage_function("crawlz")


def test_config_snapshot_is_reused_by_later_stages(tmp_path: Path) -> None:
    cfg = tmp_path / "sites.yaml"
    cfg.write_text("sites:\n  - name: a\n    url: http://127.0.0.1:9/\n")
    paths = RunPaths(tmp_path / "data", "r1")
    first = resolve_config(paths, cfg)
    cfg.write_text("sites: [")  # editing the file mid-run must not change the run's settings
    assert resolve_config(paths, None) == first
    assert json.loads(paths.config_snapshot.read_text()) == json.loads(snapshot(first))
    with pytest.raises(ConfigError, match="malformed YAML"):
        resolve_config(paths, cfg)


def test_config_hash_changes_with_settings() -> None:
    a = parse_config("sites:\n  - name: a\n    url: http://127.0.0.1:9/\n")
    b = parse_config(
        "sites:\n  - name: a\n    url: http://127.0.0.1:9/\ndedup:\n  threshold: 0.5\n"
    )
    assert a.config_hash() != b.config_hash()
    assert a.config_hash() == parse_config(snapshot(a).replace("\n", " ")).config_hash()


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_a_failed_stage_rerun_keeps_the_good_output(tmp_path: Path) -> None:
    from pipeline.runner import execute_stage
    from pipeline.runstate import read_status
    from tests.sql.sample_run import CONFIG, write_sample_run

    paths = RunPaths(tmp_path / "data", "r1", tmp_path / "reports")
    write_sample_run(paths)
    execute_stage("audit", paths, CONFIG)
    good = _tree(paths.stage_dir("audit"))
    assert read_status(paths) is not None and read_status(paths).stages["audit"] == "succeeded"

    paths.extract_posts.write_bytes(b"not parquet")  # the rerun's input is broken
    with pytest.raises(Exception, match=r"(?i)parquet"):
        execute_stage("audit", paths, CONFIG)

    assert _tree(paths.stage_dir("audit")) == good
    assert not (paths.data_dir / "runs" / ".staging").exists()
    assert read_status(paths).stages["audit"] == "succeeded"


def test_staged_paths_write_aside_and_publish_into_place(tmp_path: Path) -> None:
    from pipeline.runstate import begin, publish

    paths = RunPaths(tmp_path, "r1")
    staged = begin(paths, {"crawl", "dedup"})
    assert staged.stage_dir("dedup") == tmp_path / "runs" / ".staging" / "r1" / "dedup"
    assert staged.stage_dir("extract") == paths.stage_dir("extract")  # read from the published
    assert staged.warc("a") == tmp_path / "raw" / ".staging" / "r1" / "a.warc.gz"
    assert staged.warc_file("a") == "raw/r1/a.warc.gz"  # what rows record: the final place
    staged.warc("a").parent.mkdir(parents=True)
    staged.warc("a").write_bytes(b"new")
    paths.warc("a").parent.mkdir(parents=True)
    paths.warc("a").write_bytes(b"old")
    publish(staged)
    assert paths.warc("a").read_bytes() == b"new"
    assert not (tmp_path / "runs" / ".staging").exists()
    assert not (tmp_path / "raw" / ".staging").exists()
