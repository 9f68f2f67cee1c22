"""Every path of a run, built in one place.

Layout under the data directory::

    raw/<run_id>/<site>.warc.gz          crawl: WARC archive per site
    runs/<run_id>/config.json            the validated config the run was started with
    runs/<run_id>/<stage>/*.parquet      stage outputs
    runs/<run_id>/<stage>/_manifest.json counts, config hash; written last (completion marker)
    runs/<run_id>/run.json               the run's status and each stage's (``pipeline.runstate``)
    runs/.parts/<run_id>/crawl/<site>/   one site crawled by its own task (Airflow's mapped crawl)
    runs/.staging/<run_id>/...           a run or stage being (re)computed, moved into place on
    raw/.staging/<run_id>/...            success only (``RunPaths.staging``, ``runstate.publish``)
    warehouse.duckdb                     the DuckDB warehouse (only the load stage writes it)

Reports go to a separate directory (default ``reports/``): ``latest.html``, ``<run_id>.html`` and
the run's CSV files in ``<run_id>/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

STAGES: tuple[str, ...] = ("crawl", "extract", "dedup", "topics", "audit", "load", "report")
# The stages whose success makes a run's data good (up to the load); the report renders it.
DATA_STAGES: tuple[str, ...] = STAGES[: STAGES.index("load") + 1]
# What can be staged besides the stages' directories: the run's config snapshot.
CONFIG = "config"
STAGING = ".staging"  # a dot name: never a valid run id, so never taken for a run
PARTS = ".parts"  # runs/.parts/<run_id>/crawl/<site>/: one site's crawl, before the run's crawl

# Run ids become directory names and SQL values; keep them boring so they can never escape the
# data directory ("../x") or need quoting anywhere.
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$")
_SITE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_run_id(run_id: str) -> str:
    if not _RUN_ID.match(run_id) or ".." in run_id:
        raise ValueError(
            f"invalid run id {run_id!r}: use letters, digits and _ . : + - (max 128 characters)"
        )
    return run_id


def check_site_name(name: str) -> str:
    if not _SITE.match(name):
        raise ValueError(
            f"invalid site name {name!r}: use lowercase letters, digits, '-' and '_' (max 64)"
        )
    return name


@dataclass(frozen=True, slots=True)
class RunPaths:
    """Paths of one run. ``staged`` names the stages (and ``config``) whose outputs go to the
    run's staging directory instead: a rerun writes there and replaces the good output only
    when it succeeds (``pipeline.runstate``); everything else is read from the published run.
    """

    data_dir: Path
    run_id: str
    reports_dir: Path = Path("reports")
    staged: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        check_run_id(self.run_id)
        unknown = set(self.staged) - {*STAGES, CONFIG}
        if unknown:
            raise ValueError(f"cannot stage {sorted(unknown)}: not a stage or {CONFIG!r}")

    def staging(self, items: frozenset[str] | set[str] | tuple[str, ...]) -> RunPaths:
        """These paths with ``items`` written to the staging directory."""
        return replace(self, staged=frozenset(items))

    def published(self) -> RunPaths:
        return replace(self, staged=frozenset())

    def published_path(self, path: Path | str) -> Path:
        """Where ``path``, written under this run's staging directories, is once published
        (what to tell others, e.g. in an Airflow Asset event); other paths are returned as is."""
        path = Path(path)
        for staging, final in (
            (self.staging_dir, self.run_dir),
            (self.staging_raw_dir, self.published_raw_dir),
        ):
            if path.is_relative_to(staging):
                return final / path.relative_to(staging)
        return path

    # -- whole run ---------------------------------------------------------------------------
    @property
    def run_dir(self) -> Path:
        """The published run directory (what readers see)."""
        return self.data_dir / "runs" / self.run_id

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "runs" / STAGING / self.run_id

    @property
    def status_file(self) -> Path:
        return self.run_dir / "run.json"

    @property
    def config_snapshot(self) -> Path:
        return (self.staging_dir if CONFIG in self.staged else self.run_dir) / "config.json"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def stage_dir(self, stage: str) -> Path:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
        return (self.staging_dir if stage in self.staged else self.run_dir) / stage

    def manifest(self, stage: str) -> Path:
        return self.stage_dir(stage) / "_manifest.json"

    # -- crawl -------------------------------------------------------------------------------
    @property
    def raw_dir(self) -> Path:
        return self.staging_raw_dir if "crawl" in self.staged else self.published_raw_dir

    @property
    def staging_raw_dir(self) -> Path:
        return self.data_dir / "raw" / STAGING / self.run_id

    @property
    def published_raw_dir(self) -> Path:
        return self.data_dir / "raw" / self.run_id

    def warc(self, site: str) -> Path:
        return self.raw_dir / f"{check_site_name(site)}.warc.gz"

    def warc_file(self, site: str) -> str:
        """The WARC's path relative to the data directory once published: what ``pages``
        rows record, so they stay true after a staged crawl is moved into place."""
        published = self.published_raw_dir / f"{check_site_name(site)}.warc.gz"
        return published.relative_to(self.data_dir).as_posix()

    def crawl_part_dir(self, site: str) -> Path:
        """One site's crawl when sites are crawled by separate tasks (``crawl.run_site``): its
        WARC, pages and links, assembled into the run's crawl by ``crawl.assemble``."""
        return self.data_dir / "runs" / PARTS / self.run_id / "crawl" / check_site_name(site)

    @property
    def crawl_pages(self) -> Path:
        return self.stage_dir("crawl") / "pages.parquet"

    @property
    def crawl_links(self) -> Path:
        """The internal link graph: (page, in-scope link target, anchor text) rows."""
        return self.stage_dir("crawl") / "links.parquet"

    # -- extract -----------------------------------------------------------------------------
    @property
    def extract_documents(self) -> Path:
        return self.stage_dir("extract") / "documents.parquet"

    @property
    def extract_posts(self) -> Path:
        return self.stage_dir("extract") / "posts.parquet"

    @property
    def extract_blocks(self) -> Path:
        return self.stage_dir("extract") / "blocks.parquet"

    # -- dedup -------------------------------------------------------------------------------
    @property
    def dedup_pairs(self) -> Path:
        return self.stage_dir("dedup") / "pairs.parquet"

    @property
    def dedup_members(self) -> Path:
        return self.stage_dir("dedup") / "members.parquet"

    @property
    def dedup_paragraphs(self) -> Path:
        return self.stage_dir("dedup") / "shared_paragraphs.parquet"

    @property
    def dedup_signatures(self) -> Path:
        return self.stage_dir("dedup") / "signatures.parquet"

    # -- topics ------------------------------------------------------------------------------
    @property
    def topics_topics(self) -> Path:
        return self.stage_dir("topics") / "topics.parquet"

    @property
    def topics_assignments(self) -> Path:
        return self.stage_dir("topics") / "post_topics.parquet"

    @property
    def topics_cannibalization(self) -> Path:
        return self.stage_dir("topics") / "cannibalization.parquet"

    @property
    def topics_centroids(self) -> Path:
        return self.stage_dir("topics") / "centroids.parquet"

    @property
    def topics_model(self) -> Path:
        return self.stage_dir("topics") / "model.npz"

    @property
    def topics_state(self) -> Path:
        return self.stage_dir("topics") / "state.json"

    # -- audit -------------------------------------------------------------------------------
    @property
    def audit_findings(self) -> Path:
        return self.stage_dir("audit") / "findings.parquet"

    @property
    def audit_scores(self) -> Path:
        return self.stage_dir("audit") / "post_scores.parquet"

    # -- report ------------------------------------------------------------------------------
    @property
    def report_latest(self) -> Path:
        return self.reports_dir / "latest.html"

    @property
    def report_for_run(self) -> Path:
        return self.reports_dir / f"{self.run_id}.html"

    @property
    def report_exports(self) -> Path:
        """The run's CSV files (fix list, findings, ...), linked from its report as
        ``<run_id>/<name>.csv`` (the same relative link works from ``latest.html``)."""
        return self.reports_dir / self.run_id
