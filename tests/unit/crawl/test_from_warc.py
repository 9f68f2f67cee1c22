"""``content-audit extract --from-warc``: an archive re-processed with no network (issue 5)."""

from __future__ import annotations

import gzip
import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.cli import main
from pipeline.io import read_manifest, read_rows
from pipeline.paths import RunPaths

from .conftest import ScriptedServer, recording_network
from .test_incremental import _config, _page, _site

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_own_archive_reprocessed_offline_gives_the_same_posts(tmp_path: Path) -> None:
    from pipeline.runner import run_stage

    with ScriptedServer() as blog, ScriptedServer() as stable:
        _site(blog, changing=False)
        _site(stable, changing=False)
        crawled = RunPaths(tmp_path, "crawled")
        for stage in ("crawl", "extract"):
            run_stage(stage, crawled, _config(blog, stable))
    # The servers are gone: only the archive is left.
    with recording_network() as net:
        code, out = _cli(
            "extract", "--from-warc", str(tmp_path / "raw" / "crawled"),
            "--data-dir", str(tmp_path), "--run-id", "again",
        )  # fmt: skip
    assert code == 0, out
    assert not [e for e in net if e[0] == "socket.connect"]
    again = RunPaths(tmp_path, "again")
    before = {(p["site"], p["url"]): p["main_text"] for p in read_rows(crawled.extract_posts)}
    after = {(p["site"], p["url"]): p["main_text"] for p in read_rows(again.extract_posts)}
    assert after == before and len(after) == 8
    assert {r["site"] for r in read_rows(again.crawl_pages)} == {"blog", "stable"}
    assert read_manifest(again, "crawl") is not None  # later stages can run on it
    assert again.config_snapshot.exists()
    # Our own archives become the run's as they are (hard-linked), not written again...
    for site in ("blog", "stable"):
        assert os.path.samefile(crawled.warc(site), again.warc(site))
    # ...unless two files hold one site: then their records are written into one new archive.
    for part in ("a", "b"):
        shutil.copytree(tmp_path / "raw" / "crawled", tmp_path / "src" / part)
    code, out = _cli(
        "extract", "--from-warc", str(tmp_path / "src"),
        "--data-dir", str(tmp_path), "--run-id", "merged",
    )  # fmt: skip
    assert code == 0, out
    merged = RunPaths(tmp_path, "merged")
    assert not os.path.samefile(crawled.warc("blog"), merged.warc("blog"))
    posts = {(p["site"], p["url"]): p["main_text"] for p in read_rows(merged.extract_posts)}
    assert posts == before
    manifest = read_manifest(merged, "crawl")
    assert manifest is not None and manifest["dropped"]["duplicate_response"] > 0


def _cc_warc(path: Path) -> None:
    """A Common Crawl-style file: two hosts, a gzip-encoded body, a PDF, a 404, a revisit."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "cc-crawler"}))

        def response(url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
            headers = [("Content-Type", ctype)]
            if url.endswith("/gz"):
                body = gzip.compress(body)
                headers.append(("Content-Encoding", "gzip"))
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http
            )
            writer.write_record(record)

        response("https://www.alpha.example/posts/one", _page("Alpha one"), "text/html")
        response("https://www.alpha.example/gz", _page("Alpha gz"), "text/html; charset=utf-8")
        response("https://beta.example/post", _page("Beta post"), "text/html")
        response("https://beta.example/doc.pdf", b"%PDF-1.4", "application/pdf")
        response("https://beta.example/gone", b"<p>no</p>", "text/html", "404 Not Found")
        writer.write_record(
            writer.create_revisit_record(
                "https://beta.example/post", "sha1:AAAA", "https://beta.example/post",
                "2026-01-01T00:00:00Z",
            )
        )  # fmt: skip


def test_common_crawl_style_archive_is_split_by_host(tmp_path: Path) -> None:
    source = tmp_path / "CC-MAIN-x.warc.gz"
    _cc_warc(source)
    code, out = _cli(
        "extract", "--from-warc", str(source), "--data-dir", str(tmp_path / "d"), "--run-id", "cc"
    )
    assert code == 0, out
    paths = RunPaths(tmp_path / "d", "cc")
    rows = {r["url"]: r for r in read_rows(paths.crawl_pages)}
    assert {r["site"] for r in rows.values()} == {"alpha-example", "beta-example"}
    assert rows["https://beta.example/doc.pdf"]["error_class"] == "unsupported_content_type"
    assert rows["https://beta.example/gone"]["error_class"] == "http_error"
    posts = {p["url"]: p for p in read_rows(paths.extract_posts)}
    assert set(posts) == {
        "https://www.alpha.example/posts/one",
        "https://www.alpha.example/gz",
        "https://beta.example/post",
    }
    assert posts["https://www.alpha.example/gz"]["title"] == "Alpha gz"  # body was inflated
    crawl = read_manifest(paths, "crawl")
    assert crawl is not None and crawl["dropped"]["revisit_without_body"] == 1


def test_one_site_name_for_every_record(tmp_path: Path) -> None:
    source = tmp_path / "cc.warc.gz"
    _cc_warc(source)
    code, out = _cli(
        "extract", "--from-warc", str(source), "--site", "mixed",
        "--data-dir", str(tmp_path / "d"), "--run-id", "one",
    )  # fmt: skip
    assert code == 0, out
    rows = read_rows(RunPaths(tmp_path / "d", "one").crawl_pages)
    assert {r["site"] for r in rows} == {"mixed"}


@pytest.mark.parametrize("content", [None, b"not a warc"])
def test_bad_input_is_one_clear_line(tmp_path: Path, content: bytes | None) -> None:
    source = tmp_path / "empty"
    source.mkdir()
    if content is not None:
        source = tmp_path / "junk.warc.gz"
        source.write_bytes(content)
    code, out = _cli("extract", "--from-warc", str(source), "--data-dir", str(tmp_path / "d"))
    assert code == 2
    assert out.startswith("error: --from-warc") and "Traceback" not in out


def _linked_warc(
    path: Path, pages: int, links: int = 150, extra: dict[int, str] | None = None
) -> None:
    """``pages`` HTML responses of one host, each with ``links`` internal links of its own
    (and ``extra`` markup on some)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        for n in range(pages):
            anchors = "".join(
                f'<a href="/p{n}/link-{k}-with-a-longer-slug">anchor text {k}</a>'
                for k in range(links)
            )
            more = (extra or {}).get(n, "")
            body = f"<html><body><article><p>Page {n}.</p>{anchors}{more}</article></body></html>"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://linked.example/p{n}", "response",
                    payload=io.BytesIO(body.encode()), http_headers=http,
                )
            )  # fmt: skip


def test_import_memory_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    """Rows and their links are streamed to Parquet, not held to the end (at 100,000 pages the
    held links took the import to 2.5 GB)."""
    import tracemalloc

    from pipeline.crawl.warc_import import import_warcs

    peaks = {}
    for pages in (60, 240):
        source = tmp_path / f"w{pages}" / "linked.warc.gz"
        source.parent.mkdir()
        _linked_warc(source, pages)
        paths = RunPaths(tmp_path / f"d{pages}", "r")
        tracemalloc.start()
        summary, _ = import_warcs(paths, source)
        peaks[pages] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert summary.counts["pages_ok"] == pages
        assert len(read_rows(paths.crawl_links)) == pages * 150
    # Held, 180 more pages' links are ~5 MB more; streamed, the peak stays near the first.
    assert peaks[240] < peaks[60] + 2_000_000, peaks


def _links_of(paths: RunPaths) -> dict[str, list[tuple[str, str, int]]]:
    out: dict[str, list[tuple[str, str, int]]] = {}
    for r in sorted(read_rows(paths.crawl_links), key=lambda r: (r["source_url"], r["position"])):
        out.setdefault(r["source_url"], []).append(
            (r["target_url"], r["anchor_text"], r["position"])
        )
    return out


def test_unchanged_pages_take_the_previous_runs_links(tmp_path: Path) -> None:
    """A later import reuses the links of pages whose body did not change (no parse), and its
    links are those a full import of the same archive finds."""
    first, later = tmp_path / "first" / "a.warc.gz", tmp_path / "later" / "a.warc.gz"
    for path in (first, later):
        path.parent.mkdir()
    _linked_warc(first, 12, links=4)
    edited = '<a href="/new-post">A new post</a>'
    _linked_warc(later, 12, links=4, extra={3: edited})
    data, fresh = tmp_path / "d", tmp_path / "fresh"
    for source, where, run in ((first, data, "r1"), (later, data, "r2"), (later, fresh, "r2")):
        code, out = _cli(
            "extract", "--from-warc", str(source), "--data-dir", str(where), "--run-id", run
        )
        assert code == 0, out
    incremental, full = RunPaths(data, "r2"), RunPaths(fresh, "r2")
    crawl = read_manifest(incremental, "crawl")
    assert crawl is not None and crawl["counts"]["links_reused"] == 11  # all but the edited
    assert _links_of(incremental) == _links_of(full)
    assert ("https://linked.example/new-post", "A new post", 4) in _links_of(incremental)[
        "https://linked.example/p3"
    ]
    before = _links_of(RunPaths(data, "r1"))
    assert {u: v for u, v in _links_of(incremental).items() if not u.endswith("/p3")} == {
        u: v for u, v in before.items() if not u.endswith("/p3")
    }


def test_a_foreign_archive_in_any_order_keeps_the_hosts_internal_links(tmp_path: Path) -> None:
    """An archive content-audit did not write (Common Crawl's) is in no useful order: its site
    is the whole host, whatever URL comes first. Regression: the first URL's folder was the
    scope, so an archive opening on a dated post kept only that folder's links."""
    source = tmp_path / "cc.warc.gz"
    urls = [
        "https://blog.example/2024/05/magnesium",  # a post first, as in a crawl's shuffle
        "https://blog.example/",
        "https://blog.example/2023/11/sleep-hygiene",
    ]
    with source.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record("cc.warc.gz", {"software": "cc"}))
        for url in urls:
            anchors = "".join(f'<a href="{u}">to {u}</a>' for u in urls if u != url)
            body = f"<html><body><article><p>{url}</p>{anchors}</article></body></html>"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body.encode()), http_headers=http
                )
            )
    code, out = _cli(
        "extract", "--from-warc", str(source), "--data-dir", str(tmp_path / "d"), "--run-id", "r"
    )
    assert code == 0, out
    links = _links_of(RunPaths(tmp_path / "d", "r"))
    for url in urls:  # every page links to the two others, all on the host
        assert {t for t, _, _ in links[url]} == set(urls) - {url}, url
