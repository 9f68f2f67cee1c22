"""A crawl from an archive: WARC files in, the crawl stage's outputs out, no network.

``content-audit extract --from-warc PATH`` re-processes an archive (one of ours, or Common Crawl
style) as if it had just been crawled: every HTTP response record becomes a ``pages`` row, the
HTML/XML responses are written to the run's per-site WARCs (``raw/<run_id>/<site>.warc.gz``,
the same layout a crawl leaves), and the run's config names the sites found. Every later stage
then runs unchanged on the run, so an old crawl can be re-audited after the extractor improves.

Site of a response: the ``--site`` given; else, for a WARC written by content-audit
(``<site>.warc.gz`` with our warcinfo), that site; else the response's host ("blog.example.com"
-> "blog-example-com"), since a Common Crawl file mixes thousands of sites. Revisit records
carry no body and are counted, not imported.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline import parallel
from pipeline.config import Config, ConfigError, SiteConfig, from_snapshot
from pipeline.crawl import rows
from pipeline.crawl.archive import Exchange, WarcArchive, parse_warc_date, response_records
from pipeline.crawl.discover import page_links
from pipeline.crawl.encoding import decode_html
from pipeline.crawl.fetch import FetchResult, media_type
from pipeline.crawl.incremental import Previous, previous_pages, previous_run_id
from pipeline.crawl.site import HTML_TYPES, accepts
from pipeline.crawl.urls import origin
from pipeline.io import StageSummary, TableWriter, input_dataset, link_or_copy, site_filter
from pipeline.paths import RunPaths, check_site_name
from pipeline.records import LINKS, PAGES

log = logging.getLogger(__name__)
_NOT_NAME = re.compile(r"[^a-z0-9_-]+")
WARC_SUFFIXES = (".warc", ".warc.gz")
# Smaller archives are imported in this process: starting a pool costs more than it saves.
POOL_MIN_BYTES = 8_000_000


class WarcInputError(ConfigError):
    """The --from-warc path holds no WARC file (a user error: the CLI prints one line)."""


def warc_files(source: Path) -> list[Path]:
    """``source`` itself, or the WARC files under a directory, sorted."""
    if source.is_dir():
        found = sorted(p for p in source.rglob("*") if p.name.endswith(WARC_SUFFIXES))
    elif source.is_file():
        found = [source]
    else:
        raise WarcInputError(f"--from-warc {source}: no such file or directory")
    if not found:
        raise WarcInputError(f"--from-warc {source}: no *.warc or *.warc.gz file there")
    return found


def site_of_host(url: str) -> str:
    host = (urlsplit(url).hostname or "unknown").lower().removeprefix("www.")
    name = _NOT_NAME.sub("-", host).strip("-_")[:64] or "unknown"
    return name if name[0].isalnum() else f"s{name}"[:64]


def _own_site(path: Path, software: str | None) -> str | None:
    """The site name of a WARC content-audit wrote, from its file name."""
    if not (software or "").startswith("content-audit"):
        return None
    name = path.name.removesuffix(".gz").removesuffix(".warc")
    try:
        return check_site_name(name)
    except ValueError:
        return None


def _software(record: Any) -> str | None:
    fields = record.content_stream().read().decode("utf-8", "replace")
    return next(
        (ln.split(":", 1)[1].strip() for ln in fields.splitlines()
         if ln.lower().startswith("software:")),
        None,
    )  # fmt: skip


def own_site_of(path: Path) -> str | None:
    """The site of a WARC file content-audit wrote (its first record says so), else None."""
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                return _own_site(path, _software(record)) if record.rec_type == "warcinfo" else None
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error):
        return None
    return None


def _exchanges(path: Path, dropped: Counter[str]) -> Iterator[tuple[str | None, Exchange, int]]:
    """(our site name or None, exchange, record offset) for every HTTP response record of one
    file."""
    own: str | None = None
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type == "warcinfo":
                own = _own_site(path, _software(record))
                continue
            if record.rec_type == "revisit":
                dropped["revisit_without_body"] += 1
                continue
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not (status and status.isdigit() and url.startswith(("http://", "https://"))):
                dropped["not_http"] += 1
                continue
            statusline = record.http_headers.statusline or status
            exchange = Exchange(
                url=url,
                method="GET",
                request_headers=[],
                http_version=record.http_headers.protocol or "HTTP/1.1",
                status=int(status),
                reason=statusline.split(" ", 1)[1] if " " in statusline else "",
                headers=[
                    (k, v)
                    for k, v in record.http_headers.headers
                    if not k.lower().startswith("x-crawler-")
                ],
                body=record.content_stream().read(),
                started_at=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
            )
            # After the body is read: warcio finds the offset by reading the record to its end.
            yield own, exchange, records.get_record_offset()


def _in_place(files: list[Path]) -> dict[Path, str]:
    """The files that become their site's WARC for the run as they are: content-audit's own
    gzipped WARCs, each the only file of its site. Their records are read where they are, not
    written again (recompressing every page was half the import's work)."""
    own = {path: own_site_of(path) for path in files if path.name.endswith(".warc.gz")}
    names = Counter(name for name in own.values() if name is not None)
    return {path: name for path, name in own.items() if name is not None and names[name] == 1}


def _usable(result: FetchResult) -> str | None:
    """Why a response is not imported as a page body (the crawl's own rules), or None."""
    if result.status is None or not 200 <= result.status < 300:
        return "http_error"
    return None if accepts("page")(result.content_type) else "unsupported_content_type"


def import_warcs(
    paths: RunPaths, source: Path, site: str | None = None
) -> tuple[StageSummary, Config]:
    """Write the run's crawl outputs from the WARC files at ``source``; return the crawl
    summary and the config naming the sites found (stored as the run's config)."""
    if site is not None:
        check_site_name(site)
    files = warc_files(source)
    dropped: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    starts: dict[str, str] = {}  # site -> its start URL (``_read``), the scope of its links
    workers = parallel.workers_for(sum(p.stat().st_size for p in files) >= POOL_MIN_BYTES)
    in_place = _in_place(files) if site is None else {}
    with ExitStack() as stack:
        # Rows are streamed out as they come: a page's internal links are ~20 KB of Python
        # objects, and holding every row to the end took the import to 2.5 GB at 100,000 pages.
        # Both files are replaced only if the whole import succeeds.
        pages_out = stack.enter_context(TableWriter(paths.crawl_pages, PAGES))
        links_out = stack.enter_context(TableWriter(paths.crawl_links, LINKS))
        archives: dict[str, WarcArchive] = {}
        earlier = PreviousLinks(paths)
        read = _read(paths, files, site, dropped, starts, in_place, earlier)
        # Parsing each page for its links and compressing its records are most of an
        # import's work: the pool does them, in order, while this process reads the archives
        # and appends the records to the run's WARCs.
        for row, records in parallel.ordered_map(_prepared, read, workers):
            if records is not None:
                name = row["site"]
                if name not in archives:
                    archives[name] = stack.enter_context(WarcArchive(paths.warc(name)))
                row["warc_offset"] = archives[name].append(records)
            if row.pop(_LINKS_UNPARSED, False):
                row[rows.LINKS_KEY] = earlier.of(row["site"], row["url"])
                counts["links_reused"] += 1
            links_out.write(rows.link_rows([row]))
            row.pop(rows.LINKS_KEY, None)
            pages_out.write([row])
            counts["pages_ok" if row["ok"] else "errors"] += 1
            if row["error_class"]:
                dropped[row["error_class"]] += 1
        if not starts:
            raise WarcInputError(
                f"--from-warc {source}: no HTTP response record in {len(files)} file(s)"
            )
        for path, name in in_place.items():
            link_or_copy(path, paths.warc(name))
    sites = sorted(starts)
    config = Config(sites=[SiteConfig(name=s, url=starts[s]) for s in sites])
    summary = StageSummary(
        stage="crawl",
        run_id=paths.run_id,
        counts={
            "warc_files": len(files),
            "sites": len(sites),
            "urls_attempted": counts["pages_ok"] + counts["errors"],
            "pages_ok": counts["pages_ok"],
            "errors": counts["errors"],
            "links_reused": counts["links_reused"],
        },
        dropped=dict(sorted(dropped.items())),
        outputs=[
            str(paths.crawl_pages),
            str(paths.crawl_links),
            *(str(paths.warc(s)) for s in sites),
        ],
    )
    return summary, config


def _read(
    paths: RunPaths,
    files: list[Path],
    site: str | None,
    dropped: Counter[str],
    starts: dict[str, str],
    in_place: dict[Path, str],
    earlier: PreviousLinks,
) -> Iterator[_Item]:
    """Every new response of the files, with its site, the site's start URL and what the
    previous run had at its URL (an unchanged page is then marked as a crawl marks it, and
    extraction and the audit reuse their work on it)."""
    previous = previous_pages(paths)
    seen: set[tuple[str, str]] = set()
    for path in files:
        log.info("importing %s", path)
        try:
            kept = path in in_place
            for own, ex, offset in _exchanges(path, dropped):
                name = site or own or site_of_host(ex.url)
                if (name, ex.url) in seen:
                    dropped["duplicate_response"] += 1
                    continue
                seen.add((name, ex.url))
                # A content-audit archive opens with its site's start URL. Any other archive
                # (Common Crawl's) is in no useful order, so its site is the whole host: the
                # first URL's folder scoped out nearly every link when a post came first (41 real
                # pages: 29 link rows with the home page first, 1 with a post first).
                starts.setdefault(name, ex.url if own else f"{origin(ex.url)}/")
                before = previous.get((name, ex.url))
                yield _Item(
                    paths.run_id,
                    name,
                    starts[name],
                    paths.warc_file(name),
                    ex,
                    before,
                    offset if kept else None,
                    earlier.usable(name, starts[name], before),
                )
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
            # A truncated or corrupt file keeps the records read before the damage.
            log.warning("%s: unreadable from here on (%s); records before kept", path, exc)
            dropped["unreadable_warc"] += 1


@dataclass(frozen=True, slots=True)
class _Item:
    run_id: str
    site: str
    start_url: str  # the site's start URL: its links outside that scope are not internal
    warc_file: str
    exchange: Exchange
    previous: Previous | None  # the previous run's page at this URL, if it had a body
    in_place: int | None = None  # its record's offset, when the file becomes the run's WARC
    # The previous run's links of this URL may stand for its own if its body is unchanged.
    earlier_links: bool = False


_LINKS_UNPARSED = "_links_unparsed"  # a row whose links are the previous run's (PreviousLinks)


class PreviousLinks:
    """The internal links of the previous run's pages, read a site at a time, for pages whose
    body is unchanged: parsing every page for its links was most of an incremental import's
    work (36 s of 96 s at 10,000 pages), and the same body under the same site scope has the
    same links."""

    def __init__(self, paths: RunPaths) -> None:
        self.run_id = previous_run_id(paths)
        self.scope: dict[str, str] = {}  # site -> the start URL its links were scoped by
        self._site: str | None = None
        self._links: dict[str, list[tuple[str, str]]] = {}
        self._same_scope: dict[str, bool] = {}  # per site: its start URL is fixed for the run
        if self.run_id is None:
            return
        self.paths = RunPaths(paths.data_dir, self.run_id)
        try:
            config = from_snapshot(self.paths.config_snapshot.read_text())
        except (OSError, ValueError) as exc:  # pages are then parsed, as in a first run
            log.warning("run %s: no usable config (%s); every page parsed", self.run_id, exc)
            return
        if self.paths.crawl_links.exists():
            self.scope = {s.name: str(s.url) for s in config.sites}

    def usable(self, site: str, start_url: str, previous: Previous | None) -> bool:
        """Whether an unchanged body at a URL the previous run had may take its links."""
        if previous is None or previous.run_id != self.run_id or site not in self.scope:
            return False
        if site not in self._same_scope:
            try:  # compared as the run's config stores it (pydantic normalises the URL)
                same = str(SiteConfig(name=site, url=start_url).url) == self.scope[site]
            except ValueError:
                same = False
            self._same_scope[site] = same
        return self._same_scope[site]

    def of(self, site: str, url: str) -> list[tuple[str, str]]:
        if site != self._site:
            columns = ["source_url", "target_url", "anchor_text"]
            table = input_dataset(self.paths.crawl_links).to_table(
                filter=site_filter(site), columns=[*columns, "position"]
            )
            table = table.sort_by([("source_url", "ascending"), ("position", "ascending")])
            self._links = {}
            for source, target, text in zip(
                *(table.column(c).to_pylist() for c in columns), strict=True
            ):
                self._links.setdefault(source, []).append((target, text))
            self._site = site
        return self._links.get(url, [])


def _prepared(item: _Item) -> tuple[dict[str, Any], bytes | None]:
    """The response's pages row (its internal links included) and its gzipped WARC records,
    or None when it is not archived (the row's ``warc_offset`` is set once they are written)."""
    ex = item.exchange
    result = FetchResult(url=ex.url, final_url=ex.url, status=ex.status, exchanges=[ex])
    result.fetched_at = ex.started_at
    result.content_type = result.header("content-type")
    reason = _usable(result)
    if reason is not None:
        result.error_class, result.error_message = reason, f"archived response: HTTP {ex.status}"
    row = rows.fetched_row(
        {"run_id": item.run_id, "site": item.site},
        url=ex.url,
        depth=0,
        via="archive",
        result=result,
        warc_file=item.warc_file,
        warc_offset=None if reason is not None else -1,
        previous=item.previous,
    )
    if reason is not None:
        return row, None
    if item.in_place is not None:
        row["warc_offset"] = item.in_place
    records = None if item.in_place is not None else response_records(ex)
    if media_type(row["content_type"]) in HTML_TYPES:
        if item.earlier_links and row["unchanged"]:
            row[_LINKS_UNPARSED] = True  # the parent takes the previous run's
        else:
            found = page_links(decode_html(ex.body, row["content_type"]), ex.url)
            row[rows.LINKS_KEY] = rows.internal_links(found.anchors, ex.url, item.start_url)
    return row, records
