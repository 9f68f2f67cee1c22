"""A run's lifecycle on disk: staging, publishing, and its status record.

A stage (or a whole run) writes into ``runs/.staging/<run_id>/`` (and ``raw/.staging/<run_id>/``
for the crawl's WARCs) and is moved into ``runs/<run_id>/`` only when it succeeds, so a failed or
killed rerun leaves the good run's files as they were. ``run.json`` in the published run directory
records the run's status and each stage's, for people, the CLI and the warehouse's ``runs`` row.

Statuses: ``running``, ``succeeded``, ``failed`` (a stage raised) and ``empty`` (the crawl fetched
no page: nothing to audit, and nothing that should replace the latest report).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io import atomic_write_bytes
from pipeline.paths import CONFIG, STAGES, RunPaths

RUNNING, SUCCEEDED, FAILED, EMPTY = "running", "succeeded", "failed", "empty"
NOT_RUN = "not_run"


class EmptyRunError(RuntimeError):
    """The crawl fetched no page (dead site, robots.txt 5xx, every URL failed)."""


@dataclass(slots=True)
class RunStatus:
    run_id: str
    status: str = RUNNING
    stages: dict[str, str] = field(default_factory=dict)  # stage -> succeeded | failed | ...
    error: str | None = None  # one line: why the run did not succeed

    def as_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()


def read_status(paths: RunPaths) -> RunStatus | None:
    """The published run's status, or None for a run without one (or an unreadable one)."""
    try:
        data: dict[str, Any] = json.loads(paths.status_file.read_text(encoding="utf-8"))
        return RunStatus(
            run_id=str(data["run_id"]),
            status=str(data["status"]),
            stages={str(k): str(v) for k, v in dict(data.get("stages") or {}).items()},
            error=data.get("error"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_status(paths: RunPaths, status: RunStatus) -> None:
    atomic_write_bytes(paths.status_file, status.as_json())


def has_good_output(paths: RunPaths) -> bool:
    """Whether the published run is a good one a failed rerun must not replace: its status
    says succeeded, or (runs from before ``run.json``) any stage of it finished."""
    published = paths.published()
    status = read_status(published)
    if status is not None:
        return status.status == SUCCEEDED
    return any(published.manifest(s).exists() for s in STAGES)


def begin(paths: RunPaths, items: set[str] | frozenset[str]) -> RunPaths:
    """Staged paths for ``items``, with any leftover staging of an interrupted attempt removed."""
    staged = paths.staging(frozenset(items))
    for target in _targets(staged, staged.staged):
        _remove(target)
    return staged


def publish(paths: RunPaths, items: set[str] | frozenset[str] | None = None) -> RunPaths:
    """Move the staged ``items`` (default: all of ``paths.staged``) into the published run.

    Each item is one rename; the old output is renamed aside first and removed after, so a
    crash in between leaves either the old or the new output in place, never a mix of both.
    """
    chosen = paths.staged if items is None else frozenset(items) & paths.staged
    part = paths.staging(chosen)
    pub = paths.published()
    for source, target in zip(_targets(part, chosen), _targets(pub, chosen), strict=True):
        if not source.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        aside = target.with_name(f".{target.name}.old")
        _remove(aside)
        if target.exists():
            target.rename(aside)
        source.rename(target)
        _remove(aside)
    _prune(paths)
    return paths.staging(paths.staged - chosen)


def discard(paths: RunPaths) -> None:
    for target in _targets(paths, paths.staged):
        _remove(target)
    _prune(paths)


def _prune(paths: RunPaths) -> None:
    """Remove the run's staging directories once nothing is left in them."""
    for directory in (paths.staging_dir, paths.staging_raw_dir):
        for empty in (directory, directory.parent):  # <run_id>/, then .staging/ itself
            try:
                empty.rmdir()
            except FileNotFoundError:
                continue
            except OSError:  # something else is still staged there
                break


def _targets(where: RunPaths, items: frozenset[str]) -> list[Path]:
    """The directories and files ``items`` occupy in ``where`` (staged or published paths),
    in one order, so staged and published targets pair up."""
    out = [where.stage_dir(s) for s in STAGES if s in items]
    if CONFIG in items:
        out.append(where.config_snapshot)
    if "crawl" in items:
        out.append(where.raw_dir)
    return out


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
