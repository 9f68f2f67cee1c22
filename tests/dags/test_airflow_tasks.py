"""pipeline.airflow_tasks: how DAG params, env vars and Airflow run ids become a pipeline run.

Plain function tests, no Airflow: the environment is passed in as a mapping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.airflow_tasks import (
    ENV_CONFIG,
    config_path_from_params,
    crawl_site_from_context,
    params_from_events,
    plan_from_context,
    run_id_from_airflow,
    run_paths_from_params,
    run_stage_from_context,
)
from pipeline.config import ConfigError
from pipeline.io import MissingInputError
from pipeline.paths import check_run_id

AIRFLOW_IDS = [
    "manual__2026-11-24T03:50:00.123456+00:00",
    "scheduled__2026-11-23T06:00:00+00:00",
    "asset_triggered__2026-11-23T06:00:00.5+00:00",
]


@pytest.mark.parametrize("airflow_id", AIRFLOW_IDS)
def test_usual_airflow_run_ids_are_kept_as_they_are(airflow_id: str) -> None:
    assert run_id_from_airflow(airflow_id) == airflow_id


@pytest.mark.parametrize(
    "airflow_id",
    ["my run/1", "../../etc", "_leading", "a" * 300, "!!!", "", "x..y", "résumé run"],
)
def test_other_run_ids_are_sanitized_stably(airflow_id: str) -> None:
    run_id = run_id_from_airflow(airflow_id)
    assert check_run_id(run_id) == run_id  # valid: a directory name that cannot escape data_dir
    assert run_id == run_id_from_airflow(airflow_id)  # a cleared DAG run keeps its id
    assert "/" not in run_id and ".." not in run_id and len(run_id) <= 128


def test_sanitized_ids_of_different_runs_do_not_collide() -> None:
    # Both sanitize to "a_b": the digest of the original keeps them apart.
    assert run_id_from_airflow("a b") != run_id_from_airflow("a/b")
    assert run_id_from_airflow("a" * 200 + "1") != run_id_from_airflow("a" * 200 + "2")


def test_params_win_over_env_and_env_over_defaults(tmp_path: Path) -> None:
    env = {"CONTENT_AUDIT_DATA_DIR": "/srv/data", "CONTENT_AUDIT_REPORTS_DIR": "/srv/reports"}
    params = {"data_dir": str(tmp_path / "d"), "reports_dir": None, "run_id": None}
    paths = run_paths_from_params(params, AIRFLOW_IDS[0], env)
    assert paths.data_dir == tmp_path / "d"
    assert paths.reports_dir == Path("/srv/reports")
    assert paths.run_id == AIRFLOW_IDS[0]

    defaults = run_paths_from_params({"data_dir": "  ", "run_id": "weekly-1"}, "x", {})
    assert (defaults.data_dir, defaults.reports_dir) == (Path("data"), Path("reports"))
    assert defaults.run_id == "weekly-1"


def test_invalid_run_id_param_names_the_param() -> None:
    with pytest.raises(ConfigError, match=r"DAG param 'run_id': invalid run id '\.\./x'"):
        run_paths_from_params({"run_id": "../x"}, "manual__1", {})


def test_non_string_param_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'data_dir' must be a string, got int"):
        run_paths_from_params({"data_dir": 3}, "manual__1", {})


def test_config_param_then_env(tmp_path: Path) -> None:
    env = {ENV_CONFIG: "/etc/content-audit/sites.yaml"}
    assert config_path_from_params({}, env) == Path("/etc/content-audit/sites.yaml")
    assert config_path_from_params({"config": "mine.yaml"}, env) == Path("mine.yaml")
    with pytest.raises(ConfigError, match=f"DAG param 'config'.*{ENV_CONFIG}"):
        config_path_from_params({"config": ""}, {})


def test_plan_without_config_fails_before_touching_anything(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config file"):
        plan_from_context({"data_dir": str(tmp_path / "data")}, "manual__1", {})
    assert not (tmp_path / "data").exists()


def test_plan_reports_a_missing_config_file(tmp_path: Path) -> None:
    params = {"config": str(tmp_path / "nope.yaml"), "data_dir": str(tmp_path / "data")}
    with pytest.raises(ConfigError, match=r"nope\.yaml: config file not found"):
        plan_from_context(params, "manual__1", {})


def test_plan_stores_the_config_and_lists_the_sites_to_map_over(tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        "sites:\n  - name: alpha\n    url: http://127.0.0.1:9/\n"
        "  - name: beta\n    url: http://127.0.0.1:10/\n"
    )
    params = {"config": str(sites), "data_dir": str(tmp_path / "data")}
    planned = plan_from_context(params, "manual__1", {})
    assert planned["sites"] == ["alpha", "beta"] and planned["run_id"] == "manual__1"
    assert (tmp_path / "data" / "runs" / "manual__1" / "config.json").is_file()
    sites.write_text("sites: [")  # later tasks use the stored copy, never the file again
    with pytest.raises(ConfigError, match="site 'gamma' is not in the run's config"):
        crawl_site_from_context("gamma", params, "manual__1", {})
    # The assembly refuses a crawl with sites missing, naming them and what to run.
    with pytest.raises(MissingInputError, match=r"no finished crawl of site\(s\) alpha, beta"):
        run_stage_from_context("crawl", params, "manual__1", {})


def test_asset_triggered_runs_take_the_run_from_the_latest_event() -> None:
    events = [
        {"run_id": "r1", "data_dir": "/d", "reports_dir": "/r", "path": "/d/x"},
        {"run_id": "r2", "data_dir": "/d", "reports_dir": "/r", "path": "/d/y"},
    ]
    params, skipped = params_from_events({"run_id": None, "data_dir": None}, events)
    assert params == {"run_id": "r2", "data_dir": "/d", "reports_dir": "/r"}
    assert skipped == ["r1"]  # published meanwhile: logged, to be triggered by hand
    # Params given at trigger time win over the event.
    params, _ = params_from_events({"run_id": "old", "data_dir": " "}, events)
    assert params == {"run_id": "old", "data_dir": "/d", "reports_dir": "/r"}
    # An event of another producer without a run id is not a run.
    with pytest.raises(ConfigError, match=r"no run to work on.*\{\"run_id\""):
        params_from_events({}, [{"path": "/x"}])


def test_later_stages_use_the_stored_snapshot_not_the_file(tmp_path: Path) -> None:
    # No snapshot yet (the crawl never ran for this run): the YAML is not silently read instead,
    # even though one is configured, because the run's settings are fixed by its first stage.
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - name: demo\n    url: http://127.0.0.1:9/\n")
    params = {"config": str(sites), "data_dir": str(tmp_path / "data")}
    with pytest.raises(ConfigError, match="no config for run 'manual__1'"):
        run_stage_from_context("extract", params, "manual__1", {})
