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
