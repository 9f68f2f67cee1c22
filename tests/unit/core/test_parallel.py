"""The process pool of per-page work: worker count setting, ordered results, errors."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from pipeline import parallel
from pipeline.config import ConfigError


def test_worker_count_reads_the_setting_and_defaults_to_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert parallel.worker_count() == parallel.available_cpus()
    monkeypatch.setenv(parallel.ENV, "3")
    assert parallel.worker_count() == 3
    assert parallel.worker_count(1) == 1  # an explicit value wins


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_a_bad_worker_count_fails_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv(parallel.ENV, bad)
    with pytest.raises(ConfigError, match=f"{parallel.ENV}.*1 or more"):
        parallel.worker_count()


def test_cli_workers_option_is_checked_and_sets_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.cli import main

    monkeypatch.setenv(parallel.ENV, "1")  # restored after the test
    result = CliRunner().invoke(main, ["dedup", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    # --run-id missing is reported after the option took effect
    CliRunner().invoke(main, ["dedup", "--workers", "2", "--data-dir", "/nonexistent-ca"])
    assert parallel.worker_count() == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_ordered_map_keeps_input_order(workers: int) -> None:
    items = [20, 3, 250, 1, 0, 90, 7, 400, 2, 5, 60]  # uneven work
    assert list(parallel.ordered_map(math.factorial, iter(items), workers)) == [
        math.factorial(n) for n in items
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_ordered_map_raises_the_workers_error(workers: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        list(parallel.ordered_map(math.factorial, [3, -1, 4], workers))


def test_workers_for_small_work_stays_in_process_unless_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert parallel.workers_for(False, 10) == 1  # too little work for a pool
    assert parallel.workers_for(True, 10) == min(parallel.available_cpus(), 10)
    assert parallel.workers_for(True, 1) == 1  # never more workers than units
    monkeypatch.setenv(parallel.ENV, "2")
    assert parallel.workers_for(False, 10) == 2  # a count set by the user is honoured
    assert parallel.workers_for(False, None) == 2
    assert parallel.workers_for(True, 1) == 1
