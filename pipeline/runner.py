"""Run stages by name: the one entry point the CLI, the DAGs and the tests share."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.config import Config, ConfigError, from_snapshot, load_config, snapshot
from pipeline.io import StageSummary, Timer, atomic_write_bytes, write_manifest
from pipeline.paths import STAGES, RunPaths

log = logging.getLogger(__name__)

StageFn = Callable[[RunPaths, Config], StageSummary]


def stage_function(stage: str) -> StageFn:
    """``pipeline.<stage>.run``, imported lazily so a DAG parse or ``--help`` stays cheap."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
    module = "pipeline.warehouse" if stage == "load" else f"pipeline.{stage}"
    fn: StageFn = importlib.import_module(module).run
    return fn


def resolve_config(paths: RunPaths, config_path: str | Path | None) -> Config:
    """The config given now, else the one stored with the run when it started.

    Storing it means ``content-audit dedup --run-id X`` runs with the settings the crawl of X
    used, and an Airflow task retried on another worker sees the same config.
    """
    if config_path is not None:
        config = load_config(config_path)
        atomic_write_bytes(paths.config_snapshot, snapshot(config).encode())
        return config
    if paths.config_snapshot.exists():
        return from_snapshot(paths.config_snapshot.read_text())
    raise ConfigError(
        f"no config for run {paths.run_id!r}: pass --config FILE (nothing stored at "
        f"{paths.config_snapshot})"
    )


# What each stage reads (RunPaths attribute names); their digests go into the manifest so a
# stage's output can be traced to the exact files it was computed from.
STAGE_INPUTS: dict[str, tuple[str, ...]] = {
    "crawl": ("config_snapshot",),
    "extract": ("crawl_pages",),
    "dedup": ("extract_posts",),
    "topics": ("extract_posts", "dedup_members"),
    "audit": ("extract_posts", "extract_blocks", "dedup_paragraphs"),
    "load": ("crawl_pages", "extract_posts", "audit_findings", "topics_assignments"),
    "report": ("warehouse",),
}


def stage_inputs(stage: str, paths: RunPaths) -> list[Path]:
    return [getattr(paths, name) for name in STAGE_INPUTS.get(stage, ())]


def run_stage(stage: str, paths: RunPaths, config: Config) -> StageSummary:
    with Timer() as t:
        summary = stage_function(stage)(paths, config)
    summary.elapsed_s = round(t.elapsed, 3)
    write_manifest(
        paths, summary, config_hash=config.config_hash(), inputs=stage_inputs(stage, paths)
    )
    log.info("stage %s done in %.1fs: %s", stage, t.elapsed, summary.counts)
    return summary


def run_all(
    paths: RunPaths,
    config: Config,
    stages: Iterable[str] = STAGES,
    on_done: Callable[[StageSummary], None] | None = None,
) -> dict[str, StageSummary]:
    out: dict[str, StageSummary] = {}
    for stage in stages:
        out[stage] = run_stage(stage, paths, config)
        if on_done is not None:
            on_done(out[stage])
    return out


def extract_from_warc(
    paths: RunPaths, source: Path, site: str | None = None, config_path: Path | None = None
) -> dict[str, StageSummary]:
    """``content-audit extract --from-warc``: import an archive as the run's crawl (no network),
    then extract it. The run's config is the one given, else the sites the archive holds."""
    from pipeline.crawl.warc_import import import_warcs, warc_files

    with Timer() as t:
        crawl, found = import_warcs(paths, source, site)
    crawl.elapsed_s = round(t.elapsed, 3)
    config = load_config(config_path) if config_path is not None else found
    atomic_write_bytes(paths.config_snapshot, snapshot(config).encode())
    write_manifest(paths, crawl, config_hash=config.config_hash(), inputs=warc_files(source))
    return {"crawl": crawl, "extract": run_stage("extract", paths, config)}
