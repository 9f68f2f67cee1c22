"""What one Airflow task does, as a plain function: the DAG file's only entry into the package.

``dags/content_audit.py`` stays configuration: each task body is one call here with the DAG
run's params and its Airflow run id. Nothing here imports airflow, so it runs and is tested
without a scheduler.

How the three DAGs use it: ``content_audit_crawl`` calls :func:`plan_from_context` (reads the
sites YAML once, stores it with the run, returns the sites to map over), then
:func:`crawl_site_from_context` once per site (mapped tasks) and ``run_stage_from_context("crawl")``
to assemble the sites into the run's crawl. ``content_audit_process`` and ``content_audit_report``
learn their run from the asset event that triggered them (:func:`params_from_events`) and call
:func:`run_stage_from_context` per stage.

Public entry points:

- :func:`run_stage_from_context` -- resolve paths and config, run the stage, return a small dict
  for XCom (stage, run id, counts, drops, output paths; never records).
- :func:`plan_from_context` / :func:`crawl_site_from_context` -- the crawl mapped over sites.
- :func:`params_from_events` -- the run an asset-triggered DAG run works on.
- :func:`run_id_from_airflow` -- the pipeline run id derived from an Airflow run id.
- :func:`run_paths_from_params` / :func:`config_path_from_params` -- how params and the
  ``CONTENT_AUDIT_*`` environment variables combine.
- :data:`NOT_RETRYABLE` -- errors a retry cannot fix (bad config, missing upstream output).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.config import ConfigError
from pipeline.io import DuplicateKeyError, MissingInputError, StageSummary
from pipeline.paths import STAGES, RunPaths, check_run_id
from pipeline.runner import execute_stage, resolve_config
from pipeline.warehouse.errors import CheckFailedError, MigrationError

ENV_CONFIG = "CONTENT_AUDIT_CONFIG"
ENV_DATA_DIR = "CONTENT_AUDIT_DATA_DIR"
ENV_REPORTS_DIR = "CONTENT_AUDIT_REPORTS_DIR"

# A retry reruns the same code on the same inputs: these fail the same way every time, so the DAG
# turns them into an immediate failure instead of waiting through its retry delays. A bad config;
# an earlier stage's output missing; a data check failing or migrations disagreeing with the
# warehouse; a stage producing duplicate keys (a bug); a file where a directory should be (or the
# reverse). Not here: network and lock trouble, a full disk, a lost worker: a retry can fix those.
NOT_RETRYABLE: tuple[type[Exception], ...] = (
    ConfigError,
    MissingInputError,
    CheckFailedError,
    MigrationError,
    DuplicateKeyError,
    NotADirectoryError,
    IsADirectoryError,
)

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


def plan_from_context(
    params: Mapping[str, Any], airflow_run_id: str, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Start a run: read and validate the sites YAML, store it with the run and return the run
    and the site names the crawl is mapped over.

    Only this task reads the YAML file. Every later task reads the stored snapshot, so all of a
    run, including a retry on another worker, runs with the same settings even if the file
    changes while the run is in flight.
    """
    paths = run_paths_from_params(params, airflow_run_id, env)
    config = resolve_config(paths, config_path_from_params(params, env))
    return {**_where(paths), "sites": [site.name for site in config.sites]}


def crawl_site_from_context(
    site: str,
    params: Mapping[str, Any],
    airflow_run_id: str,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Crawl one site of the run (``crawl.parts.run_site``); its counts for XCom."""
    from pipeline.crawl.parts import run_site

    paths = run_paths_from_params(params, airflow_run_id, env)
    summary = run_site(paths, resolve_config(paths, None), site)
    return {"site": site, **_xcom(summary), **_where(paths)}


def run_stage_from_context(
    stage: str,
    params: Mapping[str, Any],
    airflow_run_id: str,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run one stage for a DAG run and return what goes to XCom: paths and counts only.

    The run's config is the snapshot :func:`plan_from_context` stored. ``crawl`` assembles the
    sites the mapped ``crawl_site`` tasks crawled into the run's crawl.
    """
    paths = run_paths_from_params(params, airflow_run_id, env)
    config = resolve_config(paths, None)
    fn = None
    if stage == STAGES[0]:
        from pipeline.crawl.parts import assemble

        fn = assemble
    summary = execute_stage(stage, paths, config, fn)
    # The stage wrote to staging and its files were then moved into place: name those.
    summary.outputs = [str(paths.published_path(p)) for p in summary.outputs]
    return {**_xcom(summary), **_where(paths)}


def params_from_events(
    params: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The params of an asset-triggered DAG run: the triggering events' ``extra`` (``run_id``,
    ``data_dir``, ``reports_dir``) under the params given explicitly at trigger time.

    ``events`` are in the order they happened. When several runs were published before this
    DAG run started, it works on the latest; the others are returned (to be logged) and can be
    processed by triggering the DAG with ``{"run_id": ...}``.
    """
    merged = {k: v for k, v in params.items() if _param(params, k) is not None}
    runs = [e for e in events if isinstance(e.get("run_id"), str) and e["run_id"]]
    if runs:
        latest = runs[-1]
        for key in ("run_id", "data_dir", "reports_dir"):
            if key not in merged and isinstance(latest.get(key), str) and latest[key]:
                merged[key] = latest[key]
    if "run_id" not in merged:
        raise ConfigError(
            "no run to work on: this DAG runs on the asset event of the DAG before it; to run "
            'it by hand, trigger it with the conf {"run_id": "<a run id>"} (and data_dir / '
            "reports_dir if they are not the defaults)"
        )
    skipped = sorted({str(e["run_id"]) for e in runs} - {str(merged["run_id"])})
    return merged, skipped


def _xcom(summary: StageSummary) -> dict[str, Any]:
    return {
        "stage": summary.stage,
        "run_id": summary.run_id,
        "counts": dict(summary.counts),
        "dropped": dict(summary.dropped),
        "outputs": [str(p) for p in summary.outputs],
        "elapsed_s": summary.elapsed_s,
    }


def _where(paths: RunPaths) -> dict[str, str]:
    """What the next DAG needs to find the run: passed on in the asset event's extra."""
    return {
        "run_id": paths.run_id,
        "data_dir": str(paths.data_dir),
        "reports_dir": str(paths.reports_dir),
    }
