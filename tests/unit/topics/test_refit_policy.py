"""When a run refits topics and when it assigns to the previous model (``refit_min_changed``)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.paths import RunPaths
from pipeline.runner import run_stage

from .test_stable_ids import make_config, topics_of, write_run


def _texts(corpus: tuple[list[str], list[int]]) -> dict[str, str]:
    return {f"p{i:02d}": t for i, t in enumerate(corpus[0])}


def _edited(texts: dict[str, str], ids: list[str], tag: str) -> dict[str, str]:
    return {pid: f"{t} {tag}" if pid in ids else t for pid, t in texts.items()}


def _fitted_run(paths: RunPaths) -> str:
    return str(json.loads(paths.topics_state.read_text())["fitted_run_id"])


def test_a_quiet_month_assigns_and_drift_brings_a_refit(
    tmp_path: Path, corpus: tuple[list[str], list[int]]
) -> None:
    texts = _texts(corpus)
    n = len(texts)
    few = math.ceil(0.06 * n)  # ~6 % of the posts edited each month: under the 10 % default
    assert few < 0.1 * n <= 2 * few
    first = write_run(tmp_path, "r1", texts)
    assert run_stage("topics", first, make_config()).counts["fitted_posts"] == n
    second_texts = _edited(texts, list(texts)[:few], "updated")
    second = write_run(tmp_path, "r2", second_texts)
    summary = run_stage("topics", second, make_config())
    assert summary.counts["fitted_posts"] == 0 and summary.counts["changed_since_fit"] == few
    assert topics_of(second) == topics_of(first)  # unedited and lightly edited posts stay put
    assert _fitted_run(second) == "r1"
    # Another 6 % the month after: 12 % since the fit (counted against r1, not r2): refit.
    third = write_run(tmp_path, "r3", _edited(second_texts, list(texts)[few : 2 * few], "again"))
    summary = run_stage("topics", third, make_config())
    assert summary.counts["changed_since_fit"] == 2 * few and summary.counts["fitted_posts"] == n
    assert _fitted_run(third) == "r3"


@pytest.mark.parametrize(
    "change",
    [
        {"refit_min_changed": 0.0},  # asked to refit every run
        {"max_k": 7},  # the fit settings changed
    ],
)
def test_a_run_refits_when_asked_or_when_the_settings_changed(
    tmp_path: Path, corpus: tuple[list[str], list[int]], change: dict[str, object]
) -> None:
    texts = _texts(corpus)
    run_stage("topics", write_run(tmp_path, "r1", texts), make_config())
    summary = run_stage("topics", write_run(tmp_path, "r2", texts), make_config(**change))
    assert summary.counts["changed_since_fit"] == 0
    assert summary.counts["fitted_posts"] == len(texts)


def _unreadable_model(paths: RunPaths) -> None:
    paths.topics_model.write_bytes(b"not an npz")


def _pruned_posts(paths: RunPaths) -> None:
    paths.extract_posts.unlink()  # a pruned data directory


@pytest.mark.parametrize("damage", [_unreadable_model, _pruned_posts])
def test_an_unusable_previous_model_or_fitted_run_means_a_refit_not_an_error(
    tmp_path: Path, corpus: tuple[list[str], list[int]], damage: Callable[[RunPaths], None]
) -> None:
    texts = _texts(corpus)
    first = write_run(tmp_path, "r1", texts)
    run_stage("topics", first, make_config())
    damage(first)
    summary = run_stage("topics", write_run(tmp_path, "r2", texts), make_config())
    assert summary.counts["fitted_posts"] == len(texts)
