"""'The previous run' is the run's predecessor in the run order, not the latest by wall clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipeline.io import previous_finished_run, run_started, run_started_at
from pipeline.paths import RunPaths


def _finish(paths: RunPaths, stage: str, finished_at: str) -> None:
    manifest = paths.data_dir / "runs" / paths.run_id / stage / "_manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"finished_at": finished_at}))


def test_a_cleared_old_run_keeps_its_baseline_and_is_no_later_runs_baseline(tmp_path: Path) -> None:
    # Before: the baseline was the run whose manifest was written last, so rerunning run a after
    # run c made a the baseline of c (and of a new run), and gave a the baseline c.
    a, b, c = (RunPaths(tmp_path, r) for r in ("a", "b", "c"))
    for i, paths in enumerate((a, b, c), start=1):
        run_started(paths, at=datetime(2026, 1, i, tzinfo=UTC))
    _finish(b, "crawl", "2026-01-02T01:00:00Z")
    _finish(c, "crawl", "2026-01-03T01:00:00Z")
    _finish(a, "crawl", "2026-01-09T01:00:00Z")  # a, cleared and rerun a week later

    assert previous_finished_run(a, "crawl") is None
    assert previous_finished_run(b, "crawl") == "a"
    assert previous_finished_run(c, "crawl") == "b"
    d = RunPaths(tmp_path, "d")  # a new run starts now: its baseline is the latest started, c
    assert previous_finished_run(d, "crawl") == "c"


def test_the_start_is_recorded_once(tmp_path: Path) -> None:
    paths = RunPaths(tmp_path, "x")
    first = run_started(paths, at=datetime(2026, 3, 1, 12, tzinfo=UTC))

    assert run_started(paths) == first == "2026-03-01T12:00:00.000000Z"
    assert run_started_at(paths) == datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_runs_recorded_before_starts_were_kept_are_placed_by_their_manifest(tmp_path: Path) -> None:
    old, new = RunPaths(tmp_path, "old"), RunPaths(tmp_path, "new")
    _finish(old, "topics", "2025-12-01T00:00:00Z")  # no start record: an older version wrote it
    run_started(new, at=datetime(2026, 1, 1, tzinfo=UTC))

    assert previous_finished_run(new, "topics") == "old"
