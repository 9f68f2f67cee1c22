"""What one Airflow task does, as a plain function: the DAG file's only entry into the package.

``dags/content_audit.py`` stays configuration: each task body is one call to
:func:`run_stage_from_context` with the stage name, the DAG run's params and its Airflow run id.
Nothing here imports airflow, so it runs and is tested without a scheduler.

Public entry points:

- :func:`run_stage_from_context` -- resolve paths and config, run the stage, return a small dict
  for XCom (stage, run id, counts, drops, output paths; never records).
- :func:`run_id_from_airflow` -- the pipeline run id derived from an Airflow run id.
- :func:`run_paths_from_params` / :func:`config_path_from_params` -- how params and the
  ``CONTENT_AUDIT_*`` environment variables combine.
- :data:`NOT_RETRYABLE` -- errors a retry cannot fix (bad config, missing upstream output).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.config import ConfigError
from pipeline.io import MissingInputError
from pipeline.paths import STAGES, RunPaths, check_run_id
from pipeline.runner import execute_stage, resolve_config

ENV_CONFIG = "CONTENT_AUDIT_CONFIG"
ENV_DATA_DIR = "CONTENT_AUDIT_DATA_DIR"
ENV_REPORTS_DIR = "CONTENT_AUDIT_REPORTS_DIR"

# A retry reruns the same code on the same inputs: these fail the same way every time, so the DAG
# turns them into an immediate failure instead of waiting through its retry delays.
NOT_RETRYABLE: tuple[type[Exception], ...] = (ConfigError, MissingInputError)

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:+-]+")
_MAX_RUN_ID = 128  # pipeline.paths.check_run_id's limit


def run_id_from_airflow(airflow_run_id: str) -> str:
    """A valid pipeline run id for an Airflow run id; the same input always gives the same id.

    Airflow ids (``manual__2026-11-24T03:50:00.123456+00:00``) are usually valid as they are.
    Anything else is sanitized and suffixed with a digest of the original, so two different
    Airflow runs never share a run id, while a cleared and rerun DAG run keeps its own id and
    replaces its files instead of appending.
    """
    clean = _UNSAFE.sub("_", airflow_run_id).replace("..", "_").lstrip("_.:+-")
    if clean and clean == airflow_run_id and len(clean) <= _MAX_RUN_ID:
        return check_run_id(clean)
    digest = hashlib.sha256(airflow_run_id.encode()).hexdigest()[:10]
    head = clean[: _MAX_RUN_ID - len(digest) - 1].rstrip(".")
    return check_run_id(f"{head}-{digest}" if head else f"run-{digest}")


def _param(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ConfigError(f"DAG param {key!r} must be a string, got {type(value).__name__}")
    return value.strip()


def run_paths_from_params(
    params: Mapping[str, Any], airflow_run_id: str, env: Mapping[str, str] | None = None
) -> RunPaths:
    """Params win, then ``CONTENT_AUDIT_DATA_DIR`` / ``_REPORTS_DIR``, then ``data`` / ``reports``.

    The environment is read here, at run time on the worker, never when the DAG file is parsed.
    """
    env = os.environ if env is None else env
    data_dir = _param(params, "data_dir") or env.get(ENV_DATA_DIR) or "data"
    reports_dir = _param(params, "reports_dir") or env.get(ENV_REPORTS_DIR) or "reports"
    given = _param(params, "run_id")
    if given is None:
        run_id = run_id_from_airflow(airflow_run_id)
    else:
        try:
            run_id = check_run_id(given)
        except ValueError as exc:
            raise ConfigError(f"DAG param 'run_id': {exc}") from None
    return RunPaths(Path(data_dir), run_id, Path(reports_dir))


def config_path_from_params(
    params: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> Path:
    """The sites YAML: the ``config`` param, else ``CONTENT_AUDIT_CONFIG``; raise if neither."""
    env = os.environ if env is None else env
    path = _param(params, "config") or env.get(ENV_CONFIG) or None
    if path is None:
        raise ConfigError(
            "no config file: set the DAG param 'config' (a path to the sites YAML) or the "
            f"environment variable {ENV_CONFIG} on the workers"
        )
    return Path(path)


def run_stage_from_context(
    stage: str,
    params: Mapping[str, Any],
    airflow_run_id: str,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run one stage for a DAG run and return what goes to XCom: paths and counts only.

    Only the first stage reads the YAML file (and stores its snapshot with the run). Later stages
    read the snapshot, so every task of a run, including a retry on another worker, runs with the
    settings the crawl used even if the file changes while the run is in flight.
    """
    paths = run_paths_from_params(params, airflow_run_id, env)
    config_path = config_path_from_params(params, env) if stage == STAGES[0] else None
    config = resolve_config(paths, config_path)
    summary = execute_stage(stage, paths, config)
    return {
        "stage": summary.stage,
        "run_id": summary.run_id,
        "counts": dict(summary.counts),
        "dropped": dict(summary.dropped),
        "outputs": [str(p) for p in summary.outputs],
        "elapsed_s": summary.elapsed_s,
    }
