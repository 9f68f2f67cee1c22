"""The crawl split by site (Airflow's mapped crawl): the same rows as one crawl of every site,
a site recrawled alone replaces only its own part, a failed site crawl leaves the previous part,
and an incremental run over parts revisits the previous run's archive. Demo sites on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline.crawl
from pipeline.crawl.archive import iter_responses, read_response_at
from pipeline.crawl.parts import assemble, run_site
from pipeline.io import read_manifest
from pipeline.paths import RunPaths
from pipeline.runner import execute_stage, run_stage

# Differ between any two crawls of the same pages (records are archived as answers arrive).
VOLATILE = {"fetched_at", "elapsed_ms", "run_id", "warc_file", "warc_offset", "previous_run_id"}


def _rows(path: Path) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k not in VOLATILE}
        for row in pq.read_table(path).to_pylist()
    ]


def _mapped_crawl(paths: RunPaths, config) -> None:  # type: ignore[no-untyped-def]
    for site in config.sites:
        run_site(paths, config, site.name)
    execute_stage("crawl", paths, config, assemble)


def test_mapped_crawl_gives_the_rows_of_one_crawl(demo_sites: list, tmp_path: Path) -> None:
    from pipeline.demo import demo_config

    config = demo_config(demo_sites)
    # Separate data directories: a second run in one directory would be incremental.
    whole = RunPaths(tmp_path / "a", "whole")
    execute_stage("crawl", whole, config)
    mapped = RunPaths(tmp_path / "b", "mapped")
    _mapped_crawl(mapped, config)

    for a, b in zip(_rows(mapped.crawl_pages), _rows(whole.crawl_pages), strict=True):
        assert a == b, {k: (a[k], b[k]) for k in a if a[k] != b[k]}  # same rows, same order
    assert _rows(mapped.crawl_links) == _rows(whole.crawl_links)
    assert read_manifest(mapped, "crawl")["counts"] == read_manifest(whole, "crawl")["counts"]
    # The rows point at the published WARCs, and each record is where its row says.
    rows = [r for r in pq.read_table(mapped.crawl_pages).to_pylist() if r["ok"]]
    assert {r["warc_file"] for r in rows} == {mapped.warc_file(s.name) for s in config.sites}
    for row in rows:
        archived = read_response_at(mapped.data_dir / row["warc_file"], row["warc_offset"])
        assert archived.url == row["final_url"], row
    for site in config.sites:
        n = len(list(iter_responses(mapped.warc(site.name))))
        assert n == len(list(iter_responses(whole.warc(site.name)))), site.name
    # Later stages cannot tell: extraction finds the same posts.
    assert _extracted(mapped, config) == _extracted(whole, config)


def _extracted(paths: RunPaths, config) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = run_stage("extract", paths, config).counts
    return {k: v for k, v in counts.items() if not k.endswith("_ms")}  # timings differ


def test_a_site_recrawled_alone_replaces_only_its_part(
    demo_sites: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.demo import demo_config

    config = demo_config(demo_sites)
    paths = RunPaths(tmp_path / "data", "r1")
    _mapped_crawl(paths, config)
    first, second = (s.name for s in config.sites[:2])
    kept = paths.crawl_part_dir(second).stat().st_ino
    before = _rows(paths.crawl_pages)

    run_site(paths, config, first)  # a retried or cleared mapped task
    assert paths.crawl_part_dir(second).stat().st_ino == kept
    execute_stage("crawl", paths, config, assemble)
    assert _rows(paths.crawl_pages) == before

    # A site crawl that dies leaves the previous part whole and no scratch directory.
    async def dies(*args: object, **kwargs: object) -> None:
        raise OSError("worker lost its disk")

    monkeypatch.setattr(pipeline.crawl, "crawl_sites", dies)
    part = paths.crawl_part_dir(first)
    with pytest.raises(OSError, match="worker lost its disk"):
        run_site(paths, config, first)
    assert {p.name for p in part.iterdir()} == {
        "_manifest.json", "links.parquet", "pages.parquet", f"{first}.warc.gz",
    }  # fmt: skip
    assert [p.name for p in part.parent.iterdir() if p.name.startswith(".")] == []


def test_incremental_run_over_parts_revisits_the_previous_archive(
    demo_sites: list, tmp_path: Path
) -> None:
    from pipeline.demo import demo_config

    config = demo_config(demo_sites)
    first = RunPaths(tmp_path / "data", "r1")
    _mapped_crawl(first, config)
    first_posts = _extracted(first, config)
    second = RunPaths(tmp_path / "data", "r2")
    _mapped_crawl(second, config)

    manifest = read_manifest(second, "crawl")
    assert manifest["counts"]["pages_unchanged"] > 0, manifest["counts"]
    rows = pq.read_table(second.crawl_pages).to_pylist()
    unchanged = [r for r in rows if r["unchanged"]]
    assert unchanged and all(r["previous_run_id"] == "r1" for r in unchanged)
    # Unchanged pages keep what extraction needs: the second run finds the same posts.
    again = _extracted(second, config)
    assert again.pop("sites_reused") == len(config.sites)  # whole sites skipped, as designed
    assert again.pop("documents_reused") > 0
    assert again == {k: v for k, v in first_posts.items() if not k.endswith("_reused")}
