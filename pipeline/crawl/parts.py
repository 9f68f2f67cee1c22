"""The crawl split by site, for Airflow's mapped crawl: one task per site, then one assembly.

Why: a crawl of every site in one task recrawls every site when it is retried, and one site that
hangs or fails fails them all. Mapped over sites, a failed site is retried (or cleared) alone and
the others keep what they fetched.

``run_site(paths, config, site)`` crawls one site exactly as ``crawl.run`` crawls it (same
fetcher, politeness, incremental state and rows) into ``RunPaths.crawl_part_dir(site)``: its WARC,
``pages.parquet``, ``links.parquet`` and a ``_manifest.json`` written last. The directory is
replaced as a whole, so a killed or retried task never leaves half a site behind.

``assemble(paths, config)`` is the crawl stage when the sites were crawled that way: it checks
every configured site has a finished part, links (or copies) each WARC to ``RunPaths.warc(site)``
and concatenates the parts' rows in config order into ``crawl_pages`` and ``crawl_links``, so
later stages cannot tell the two ways apart. The parts stay, so clearing the assembly alone
rebuilds it from them.

What differs from one ``crawl.run``: two configured sites on one origin are polite to it each on
their own (a deployment limits the crawl tasks that run at once with the ``crawl`` pool).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections import Counter
from pathlib import Path

from pipeline.config import Config, ConfigError
from pipeline.io import MissingInputError, StageSummary, atomic_write_bytes, link_or_copy
from pipeline.paths import RunPaths

__all__ = ["assemble", "run_site", "site_config"]

PAGES = "pages.parquet"
LINKS = "links.parquet"
MANIFEST = "_manifest.json"


def site_config(config: Config, site: str) -> Config:
    """The config restricted to the named site; raise ``ConfigError`` if it is not there."""
    for candidate in config.sites:
        if candidate.name == site:
            return config.model_copy(update={"sites": [candidate]})
    names = ", ".join(s.name for s in config.sites)
    raise ConfigError(f"site {site!r} is not in the run's config (its sites: {names})")


def run_site(paths: RunPaths, config: Config, site: str) -> StageSummary:
    """Crawl one configured site into its part directory; the site's counts."""
    from pipeline.crawl import crawl_to_files

    one = site_config(config, site)
    final = paths.crawl_part_dir(site)
    work = final.with_name(f".{site}.tmp-{uuid.uuid4().hex[:8]}")
    work.mkdir(parents=True)
    try:
        # The WARC is written in the part directory; its rows name the published place the
        # assembly links it to (``RunPaths.warc_file``).
        warc = work / _warc_name(site)
        summary = crawl_to_files(
            paths, one, work / PAGES, work / LINKS, outputs=[str(final)], warc_of=lambda _: warc
        )
        atomic_write_bytes(work / MANIFEST, json.dumps(summary.as_dict(), indent=2).encode())
        _replace_dir(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return summary


def assemble(paths: RunPaths, config: Config) -> StageSummary:
    """The run's crawl from the finished parts of every configured site."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.io import write_table
    from pipeline.records import LINKS as LINKS_SCHEMA
    from pipeline.records import PAGES as PAGES_SCHEMA

    parts = [(site.name, paths.published().crawl_part_dir(site.name)) for site in config.sites]
    missing = [name for name, part in parts if not (part / MANIFEST).exists()]
    if missing:
        raise MissingInputError(
            f"no finished crawl of site(s) {', '.join(missing)} for run {paths.run_id!r}: crawl "
            "them first (the DAG's crawl_site task for each, or `content-audit crawl` for all)"
        )
    counts: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for name, part in parts:
        manifest = json.loads((part / MANIFEST).read_text())
        counts.update(manifest["counts"])
        dropped.update(manifest["dropped"])
        link_or_copy(part / _warc_name(name), paths.warc(name))
    counts["sites"] = len(parts)
    for file, target, schema in (
        (PAGES, paths.crawl_pages, PAGES_SCHEMA),
        (LINKS, paths.crawl_links, LINKS_SCHEMA),
    ):
        table = pa.concat_tables(pq.read_table(part / file, schema=schema) for _, part in parts)
        write_table(target, table, schema)
    return StageSummary(
        stage="crawl",
        run_id=paths.run_id,
        counts=dict(counts),
        dropped=dict(sorted(dropped.items())),
        outputs=[
            str(paths.crawl_pages),
            str(paths.crawl_links),
            *(str(paths.warc(name)) for name, _ in parts),
        ],
    )


def _warc_name(site: str) -> str:
    # The published file's name: the WARC's own warcinfo record names the file it is in.
    return f"{site}.warc.gz"


def _replace_dir(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``; an older ``final`` is moved aside first and then removed, so a
    crash in between leaves no part (crawled again) rather than a mixed one."""
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
