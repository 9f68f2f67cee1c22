"""Run stages by name: the one entry point the CLI, the DAGs and the tests share."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline import runstate
from pipeline.config import Config, ConfigError, from_snapshot, load_config, snapshot
from pipeline.io import StageSummary, Timer, atomic_write_bytes, run_started, write_manifest
from pipeline.paths import CONFIG, DATA_STAGES, STAGES, RunPaths
from pipeline.runstate import EMPTY, FAILED, SUCCEEDED, EmptyRunError, RunStatus

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
        run_started(paths)  # the run's place in the run order, kept by reruns
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


def run_stage(
    stage: str, paths: RunPaths, config: Config | None, fn: StageFn | None = None
) -> StageSummary:
    """Run one stage on ``paths`` as they are (no staging) and write its manifest. ``fn`` does
    the stage's work instead of its ``run`` (``crawl.parts.assemble`` for a mapped crawl).

    Raises ``EmptyRunError`` after a crawl that fetched no page: its rows are written (they
    say why), but nothing downstream has anything to work on.
    """
    with Timer() as t:
        summary = (fn or stage_function(stage))(paths, config)  # type: ignore[arg-type]
    summary.elapsed_s = round(t.elapsed, 3)
    config_hash = config.config_hash() if config is not None else ""
    write_manifest(paths, summary, config_hash=config_hash, inputs=stage_inputs(stage, paths))
    log.info("stage %s done in %.1fs: %s", stage, t.elapsed, summary.counts)
    if stage == "crawl" and summary.counts.get("pages_ok", 0) == 0:
        raise EmptyRunError(_empty_reason(summary))
    return summary


def _empty_reason(summary: StageSummary) -> str:
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(summary.dropped.items(), key=_by_count))
    attempted = summary.counts.get("urls_attempted", 0)
    return f"the crawl fetched no page ({attempted} URLs attempted: {reasons or 'none'})"


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def execute_stage(
    stage: str, paths: RunPaths, config: Config | None, fn: StageFn | None = None
) -> StageSummary:
    """One stage of an existing run, as the CLI's stage commands and Airflow tasks run it.

    The stage writes to staging and replaces its published output only when it succeeds, so a
    failed or killed rerun leaves the good output (and what the warehouse says of it) as it was.
    """
    staged = runstate.begin(paths, {stage})
    try:
        summary = run_stage(stage, staged, config, fn)
    except BaseException as exc:
        if stage == "report" or not (stage == "crawl" or paths.run_dir.is_dir()):
            # Nothing to record: the report only renders a run, and a run that does not exist
            # is not created by a stage that failed on it.
            runstate.discard(staged)
            raise
        state = EMPTY if isinstance(exc, EmptyRunError) else FAILED
        status = RunStatus(paths.run_id, state, {stage: state}, _one_line(stage, exc))
        good = paths.published().manifest(stage).exists()  # this stage succeeded before
        _settle_failure(staged, status, {stage} if state == EMPTY else set(), keep=good)
        raise
    runstate.publish(staged)
    status = runstate.read_status(paths) or RunStatus(paths.run_id)
    status.stages[stage] = SUCCEEDED
    if all(status.stages.get(s) == SUCCEEDED for s in DATA_STAGES):
        status.status, status.error = SUCCEEDED, None
    runstate.write_status(paths, status)
    return summary


def run_all(
    paths: RunPaths,
    config: Config,
    stages: Iterable[str] = STAGES,
    on_done: Callable[[StageSummary], None] | None = None,
) -> dict[str, StageSummary]:
    """Every stage of a run, staged as a whole: the run's published files are replaced only
    once the load has committed, so a failed rerun leaves the previous good run untouched.

    A first run that fails publishes what it finished (to inspect, or to resume stage by stage)
    with ``run.json`` saying which stage failed and why; the warehouse's ``runs`` row records
    the status too. The exception is re-raised: the caller's exit code tells the truth.
    """
    order = list(stages)
    staged = runstate.begin(paths, {*order, CONFIG} - {"report"})
    atomic_write_bytes(staged.config_snapshot, snapshot(config).encode())
    status = RunStatus(paths.run_id, runstate.RUNNING, {s: runstate.NOT_RUN for s in order})
    out: dict[str, StageSummary] = {}
    current = ""
    try:
        for current in order:
            if current == "report":
                staged = _publish_run(staged, status)
            out[current] = run_stage(current, staged, config)
            status.stages[current] = SUCCEEDED
            if on_done is not None:
                on_done(out[current])
    except BaseException as exc:
        empty = isinstance(exc, EmptyRunError)
        status.stages[current] = EMPTY if empty else FAILED
        status.status, status.error = (EMPTY if empty else FAILED), _one_line(current, exc)
        if staged.staged:
            done = {s for s, v in status.stages.items() if v in (SUCCEEDED, EMPTY)}
            keep = runstate.has_good_output(staged)
            _settle_failure(staged, status, done | {CONFIG}, keep=keep)
        else:  # already published: only the report failed; the data stays good and loaded
            runstate.write_status(paths, status)
        raise
    if staged.staged:
        _publish_run(staged, status)
    status.status = SUCCEEDED
    runstate.write_status(paths, status)
    return out


def _publish_run(staged: RunPaths, status: RunStatus) -> RunPaths:
    """Publish the run once its load has committed: its data is good from here on (as the
    warehouse's ``runs.status`` says), even if the report then fails or the process dies."""
    published = runstate.publish(staged)
    status.status = SUCCEEDED
    runstate.write_status(staged.published(), status)
    return published


def _one_line(stage: str, exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{stage}: {text}"[:500]


def _settle_failure(staged: RunPaths, status: RunStatus, finished: set[str], *, keep: bool) -> None:
    """With ``keep`` (there is a good output), drop the failed attempt and change nothing;
    else publish what the attempt finished and record the failure (``run.json``, ``runs``)."""
    if keep:
        runstate.discard(staged)
        return
    runstate.publish(staged, finished)
    runstate.discard(staged)
    previous = runstate.read_status(staged.published())
    if previous is not None:
        status.stages = {**previous.stages, **status.stages}
    runstate.write_status(staged.published(), status)
    _record_in_warehouse(staged.published(), status)


def _record_in_warehouse(paths: RunPaths, status: RunStatus) -> None:
    """The ``runs`` row of a failed or empty run; best effort (the failure may be the
    warehouse itself, e.g. a lock held by another writer)."""
    from pipeline.warehouse import WarehouseError, record_run_status

    try:
        record_run_status(paths, status)
    except (WarehouseError, OSError) as exc:
        log.warning("could not record run %s as %s in the warehouse: %s", paths.run_id,
                    status.status, exc)  # fmt: skip


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
