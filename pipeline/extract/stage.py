"""The extract stage's edge: read the crawl's WARCs, extract every HTML page, write Parquet.

Per site: every archived 2xx HTML response is extracted (``extract_page``), then site-level
repeat evidence overrules block decisions (``site.apply_site_evidence``) and the pages are
written. Responses that are not HTML pages are counted in ``dropped`` and get no row; HTML
pages that are not posts get a DOCUMENTS row with their reason. Pages the input guard refuses
(``empty_document``, ``not_html``, ``extract_error``: see ``pipeline.extract.guard``) get such a
row too and stay out of the site evidence; truncated pages are extracted and counted. Each
page's extraction time is recorded (``slow_pages``, ``max_page_ms``), never used to decide.
Once every site is extracted, copies of one page (same visible text, any site or URL) are
decided alike (``copies.CopyAligner``; counted as ``copies_aligned``); sites whose previous
output is reused take no part in that.

At scale: a site is one unit of work for the process pool (``pipeline.parallel``,
``--workers``). A worker extracts the site, writes its rows to Parquet parts and spills its
pages beside them; the parent keeps only each page's visible-text key and compact decisions
(``copies.Decision``), then copies each site's rows into the outputs, re-deriving from the
spill only the pages whose copies elsewhere decide otherwise. Memory follows the largest site
(in a worker), not the run; rows are the same for any worker count.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from pipeline import parallel
from pipeline.config import Config
from pipeline.crawl.archive import ArchivedResponse, iter_responses
from pipeline.crawl.encoding import decode_html
from pipeline.crawl.fetch import NOT_MODIFIED, media_type
from pipeline.crawl.site import HTML_TYPES
from pipeline.extract import pagecache, reuse
from pipeline.extract.copies import CopyAligner, Decision, decision_of, visible_key
from pipeline.extract.extractor import ExtractedPage, with_blocks
from pipeline.extract.guard import SLOW_PAGE_SECONDS, guarded_page
from pipeline.extract.inference import shipped_model
from pipeline.extract.site import apply_site_evidence, block_hashes, text_hash
from pipeline.io import StageSummary, TableWriter, read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import BLOCKS, DOCUMENTS, POSTS

# Below this many pages extraction runs in this process (a pool costs ~1 s to start).
POOL_MIN_PAGES = 200


def post_id(final_url: str) -> str:
    return hashlib.sha1(final_url.encode("utf-8")).hexdigest()[:16]


def _html_responses(
    responses: Iterator[ArchivedResponse], dropped: Counter[str]
) -> Iterator[tuple[ArchivedResponse, str]]:
    """2xx HTML responses, first one per URL, decoded; the rest counted by reason."""
    seen: set[str] = set()
    for resp in responses:
        content_type = resp.headers.get("content-type", "")
        if not 200 <= resp.status < 300:
            dropped["http_status"] += 1
        elif media_type(content_type) not in HTML_TYPES:
            dropped["not_html"] += 1
        elif resp.url in seen:
            dropped["duplicate_response"] += 1
        else:
            seen.add(resp.url)
            yield resp, decode_html(resp.body, content_type)


def _post_row(run_id: str, site: str, page: ExtractedPage, fetched_at: datetime) -> dict[str, Any]:
    meta = page.metadata
    url = page.url or ""
    return {
        "run_id": run_id,
        "post_id": post_id(url),
        "site": site,
        "url": url,
        "canonical_url": meta.canonical_url,
        "title": meta.title,
        "author": meta.author,
        "published_at": meta.published_at,
        "updated_at": meta.updated_at,
        "description": meta.description,
        "lang": meta.lang,
        "site_name": meta.site_name,
        "headings": [{"level": lvl, "text": text} for lvl, text in page.headings],
        "h1_count": page.h1_count,
        "links_internal": page.links_internal,
        "links_external": page.links_external,
        "outbound_links": list(page.outbound_links),
        "word_count": page.word_count,
        "page_words": page.page_words,
        "boilerplate_words": page.page_words - page.word_count,
        "main_text": page.main_text,
        "text_hash": text_hash(page.main_text),
        "fetched_at": fetched_at,
    }


def _block_rows(
    run_id: str, site: str, page: ExtractedPage, repeats: list[int], hashes: list[str]
) -> Iterator[dict[str, Any]]:
    pid = post_id(page.url or "")
    # Siblings share their ancestors' tokens: the column is joined once per distinct pair
    # (joining it for every block was 6 % of a rerun's extraction CPU).
    tokens: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    for scored, repeat, digest in zip(page.blocks, repeats, hashes, strict=True):
        b = scored.block
        pair = (b.own_tokens, b.ancestor_tokens)
        class_tokens = tokens.get(pair)
        if class_tokens is None:
            class_tokens = tokens[pair] = b.class_tokens
        yield {
            "run_id": run_id,
            "post_id": pid,
            "site": site,
            "block_index": b.index,
            "tag": b.tag,
            "tag_path": b.tag_path,
            "class_tokens": class_tokens,
            "text": b.text,
            "word_count": b.word_count,
            "link_density": b.link_density,
            "position": b.position,
            "main_score": scored.score,
            "site_repeat": repeat,
            "is_main": scored.is_main,
            "category": scored.category,
            "text_hash": digest,
        }


@dataclass(slots=True)
class SiteTask:
    """One site to extract: its WARC, the rows of its pages the crawl revalidated (their bodies
    are in earlier runs' WARCs) and where to spill the extracted pages."""

    site: str
    warc: Path
    revisited: list[dict[str, Any]]
    data_dir: Path
    spill: Path
    run_id: str
    cache_to: Path  # this run's page cache for the site (``pagecache``)
    cache_from: Path | None = None  # the previous run's, for the pages in ``unchanged``
    unchanged: set[str] = field(default_factory=set)


@dataclass(slots=True)
class SiteResult:
    site: str
    parts: Path  # the site's rows as extracted (``_parts``) and its pages (``_spill``)
    keys: list[str | None]  # per page kept, in order: visible-text key (``copies``)
    decisions: list[Decision | None]  # per page kept: its decisions if it has a key
    offsets: list[int]  # per page kept: where it starts in the spill file
    dropped: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)  # truncated, slow_pages, ...
    max_page_s: float = 0.0


OUTPUTS = {"documents": DOCUMENTS, "posts": POSTS, "blocks": BLOCKS}


def _part(parts: Path, name: str) -> Path:
    return parts.with_name(f"{parts.name}.{name}.parquet")


def extract_site(task: SiteTask) -> SiteResult:
    """Extract every HTML page of one site's archive, apply the site's repeat evidence and
    write the site's rows beside ``task.spill``, with the pages themselves (the few whose
    copies elsewhere decide otherwise are redone by the parent); keys and decisions come back.
    """
    model = shipped_model()
    dropped: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    max_page_s = 0.0
    responses = chain(
        iter_responses(task.warc), reuse.revisited_responses(task.data_dir, task.revisited)
    )
    cached = pagecache.load(task.cache_from, task.unchanged)
    cache: dict[str, bytes] = {}
    fetched, pages, hashes, blobs, refused = [], [], [], [], []
    for resp, html in _html_responses(responses, dropped):
        blob = cached.get(resp.url)
        if blob is not None:
            page, truncated, page_hashes = pagecache.unpack(blob)
            counts["pages_cached"] += 1
        else:
            started = time.perf_counter()
            page, truncated = guarded_page(html, resp.url, model)
            elapsed = time.perf_counter() - started  # recorded only: never used to decide
            max_page_s = max(max_page_s, elapsed)
            counts["slow_pages"] += elapsed > SLOW_PAGE_SECONDS
            page_hashes = block_hashes(page)
            blob = pagecache.pack(page, truncated, page_hashes)
        cache[resp.url] = blob
        counts["truncated"] += truncated
        if page.reason is not None and not page.blocks:
            refused.append(page)  # guard reasons: no blocks, no evidence to share
            continue
        fetched.append(resp.fetched_at)
        pages.append(page)
        hashes.append(page_hashes)
        blobs.append(blob)
    pagecache.save(task.cache_to, cache)
    final, repeats = apply_site_evidence(pages, hashes)
    keys = [visible_key(page) for page in final]
    decisions = [
        decision_of(p) if k is not None else None for p, k in zip(final, keys, strict=True)
    ]
    rows = _SiteRows(task.run_id, task.site)
    for page in refused:
        rows.add(page)
    offsets = []
    with task.spill.open("wb") as fh:
        for page, done, at, page_repeats, page_hashes, blob in zip(
            pages, final, fetched, repeats, hashes, blobs, strict=True
        ):
            offsets.append(_spill(fh, page, done, at, page_repeats, blob))
            rows.add(done, at, page_repeats, page_hashes)
    for name, schema in OUTPUTS.items():
        write_table(_part(task.spill, name), getattr(rows, name), schema)
    return SiteResult(task.site, task.spill, keys, decisions, offsets, dropped, counts, max_page_s)


class _SiteRows:
    """DOCUMENTS, POSTS and BLOCKS rows of one site's pages."""

    def __init__(self, run_id: str, site: str) -> None:
        self.run_id, self.site = run_id, site
        self.documents: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.blocks: list[dict[str, Any]] = []

    def add(
        self,
        page: ExtractedPage,
        at: datetime | None = None,
        repeats: list[int] | None = None,
        hashes: list[str] | None = None,
    ) -> None:
        """A page's rows; a refused page (no ``at``) has only its document row."""
        is_post = page.page_type == "post" and at is not None
        self.documents.append(
            {"run_id": self.run_id, "site": self.site, "url": page.url,
             "page_type": page.page_type,
             "post_id": post_id(page.url or "") if is_post else None, "reason": page.reason}
        )  # fmt: skip
        if is_post:
            assert at is not None and repeats is not None and hashes is not None
            self.posts.append(_post_row(self.run_id, self.site, page, at))
            self.blocks.extend(_block_rows(self.run_id, self.site, page, repeats, hashes))


# A page is spilled as its page-cache blob (already packed) and, when the site's evidence
# overruled some of its blocks, the final page's compact decisions (``copies.Decision``):
# pickling each final page again was 8 % of a rerun's extraction CPU, for the few pages the
# parent re-derives.
def _spill(
    fh: BinaryIO,
    page: ExtractedPage,
    final: ExtractedPage,
    at: datetime,
    repeats: list[int],
    blob: bytes,
) -> int:
    """Write a page to the spill file: ``blob`` is its page-cache entry (``page`` packed),
    ``final`` the page the site's evidence left. Where it starts (``_page_at`` reads it)."""
    offset = fh.tell()
    decisions = None if final is page else decision_of(final)
    pickle.dump((blob, decisions, at, repeats), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return offset


def _page_at(spill: Path, offset: int) -> tuple[ExtractedPage, datetime, list[int], list[str]]:
    """The spilled page as the site's evidence left it, its fetch time, repeats and hashes."""
    with spill.open("rb") as fh:
        fh.seek(offset)
        blob, decisions, at, repeats = pickle.load(fh)
    page, _, hashes = pagecache.unpack(blob)
    if decisions is not None:
        blocks = [
            s
            if (s.is_main, s.category) == (bool(m), c)
            else replace(s, is_main=bool(m), category=c)
            for s, m, c in zip(page.blocks, decisions.is_main, decisions.categories, strict=True)
        ]
        page = with_blocks(page, blocks)  # what ``apply_site_evidence`` built (tested)
    return page, at, repeats, hashes


class _Writer:
    """The stage's three outputs, written a site at a time, and its counters."""

    def __init__(self, paths: RunPaths) -> None:
        self.run_id = paths.run_id
        self.writers = {
            name: TableWriter(getattr(paths, f"extract_{name}"), schema)
            for name, schema in OUTPUTS.items()
        }
        self.reasons: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()

    def __enter__(self) -> _Writer:
        for w in self.writers.values():
            w.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        # All three are closed (and replaced only if there was no error) whatever happens.
        errors = []
        for w in self.writers.values():
            try:
                w.__exit__(*exc)
            except Exception as e:  # re-raised below, once the others are closed
                errors.append(e)
        if errors and exc[0] is None:
            raise errors[0]

    def rows(self, name: str) -> int:
        return self.writers[name].rows

    def site(self, result: SiteResult, aligner: CopyAligner) -> None:
        """The site's rows as its worker wrote them, but for the pages whose copies elsewhere
        decided otherwise (``copies``): those are re-derived from the spilled pages."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        redo = _SiteRows(self.run_id, result.site)
        urls: list[str | None] = []
        for key, decision, offset in zip(
            result.keys, result.decisions, result.offsets, strict=True
        ):
            if not aligner.needs(key, decision):
                continue
            page, at, repeats, hashes = _page_at(result.parts, offset)
            aligned, _ = aligner.align(page, key)  # the same blocks, so the same hashes
            urls.append(page.url)
            redo.add(aligned, at, repeats, hashes)
        self.counts["copies_aligned"] += len(urls)
        replaced_urls = pa.array(urls, pa.string())
        replaced_ids = pa.array([post_id(u or "") for u in urls], pa.string())
        for name, schema in OUTPUTS.items():
            table = pq.read_table(_part(result.parts, name))
            if urls:
                column, values = (
                    ("url", replaced_urls) if name == "documents" else ("post_id", replaced_ids)
                )
                table = table.filter(pc.invert(pc.is_in(table.column(column), values)))
            self.writers[name].write(table)
            self.writers[name].write(getattr(redo, name))
            self._count(name, table)
            self._count(name, pa.Table.from_pylist(getattr(redo, name), schema=schema))
        for name in OUTPUTS:
            _part(result.parts, name).unlink()
        result.parts.unlink()

    def _count(self, name: str, table: Any) -> None:
        import pyarrow.compute as pc

        if name == "blocks":
            self.counts["main_blocks"] += int(pc.sum(table.column("is_main")).as_py() or 0)
        elif name == "documents":
            for doc in table.select(["page_type", "reason"]).to_pylist():
                if doc["page_type"] != "post":
                    self.reasons[doc["reason"] or "not_article"] += 1

    def copy_site(self, site: str, prev: RunPaths) -> None:
        """The site's output of an earlier run with the same pages and extractor."""
        for name in OUTPUTS:
            table = reuse.copied_table(getattr(prev, f"extract_{name}"), site, self.run_id)
            self.writers[name].write(table)
            self._count(name, table)
            if name == "documents":
                self.counts["documents_reused"] += table.num_rows
        self.counts["sites_reused"] += 1


def _add_cached(task: SiteTask, paths: RunPaths, site_rows: list[dict[str, Any]]) -> None:
    """Point the task at the previous run's page cache, for the site's unchanged pages."""
    unchanged = [r for r in site_rows if r["ok"] and r["unchanged"] and r["previous_run_id"]]
    if not unchanged:
        return
    # One earlier run per site: the one most of its unchanged pages were compared with.
    previous = Counter(r["previous_run_id"] for r in unchanged).most_common(1)[0][0]
    task.cache_from = pagecache.cache_file(RunPaths(paths.data_dir, previous), task.site)
    task.unchanged = {
        r["final_url"] or r["url"] for r in unchanged if r["previous_run_id"] == previous
    }


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Extract every archived HTML page of the run's crawl (see ``reuse`` for unchanged sites)."""
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_rows(paths.crawl_pages, stage_hint="crawl"):
        by_site[row["site"]].append(row)  # once: a scan per site was 10 M row visits at 100 sites
    sites = sorted(site for site, site_rows in by_site.items() if any(r["ok"] for r in site_rows))
    dropped: Counter[str] = Counter()
    out_dir = paths.stage_dir("extract")
    out_dir.mkdir(parents=True, exist_ok=True)
    plan: list[tuple[str, RunPaths | None]] = []  # (site, previous run to copy from)
    pages = 0  # HTML pages to extract
    tasks: list[SiteTask] = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".pages-") as spill_dir:
        for site in sites:
            site_rows = by_site.pop(site)
            prev = reuse.reusable_run(paths, site_rows)
            if prev is None and not paths.warc(site).exists():
                dropped["missing_warc"] += 1
                continue
            plan.append((site, prev))
            if prev is None:
                revisited = [r for r in site_rows if r["ok"] and r["status"] == NOT_MODIFIED]
                pages += sum(1 for r in site_rows if r["ok"])
                spill = Path(spill_dir) / f"{len(tasks)}.pickle"
                task = SiteTask(
                    site,
                    paths.warc(site),
                    revisited,
                    paths.data_dir,
                    spill,
                    paths.run_id,
                    pagecache.cache_file(paths, site),
                )
                _add_cached(task, paths, site_rows)
                tasks.append(task)
        del by_site
        workers = parallel.workers_for(pages >= POOL_MIN_PAGES, len(tasks))
        # Pass 1: extract (in the pool); every page's key and decisions seen in site order.
        aligner = CopyAligner()
        results: dict[str, SiteResult] = {}
        max_page_s = 0.0
        counts: Counter[str] = Counter()
        for result in parallel.ordered_map(extract_site, tasks, workers):
            for key, decision in zip(result.keys, result.decisions, strict=True):
                aligner.see(key, decision if decision and decision.page_type == "post" else None)
            results[result.site] = result
            dropped.update(result.dropped)
            counts.update(result.counts)
            max_page_s = max(max_page_s, result.max_page_s)
        # Pass 2: rows, a site at a time, copies decided alike.
        with _Writer(paths) as out:
            for site, prev in plan:
                if prev is not None:
                    out.copy_site(site, prev)
                    pagecache.carry(
                        pagecache.cache_file(prev, site), pagecache.cache_file(paths, site)
                    )
                else:
                    out.site(results.pop(site), aligner)
    reuse.write_fingerprint(paths)
    return StageSummary(
        stage="extract",
        run_id=paths.run_id,
        counts={
            "sites": len(sites),
            "documents": out.rows("documents"),
            "posts": out.rows("posts"),
            "blocks": out.rows("blocks"),
            "main_blocks": out.counts["main_blocks"],
            "truncated": counts["truncated"],
            "slow_pages": counts["slow_pages"],
            "max_page_ms": round(max_page_s * 1000),
            "sites_reused": out.counts["sites_reused"],
            "documents_reused": out.counts["documents_reused"],
            "copies_aligned": out.counts["copies_aligned"],
            "pages_cached": counts["pages_cached"],
            "workers": workers,
        },
        dropped=dict(sorted((dropped + out.reasons).items())),
        outputs=[
            str(p) for p in (paths.extract_documents, paths.extract_posts, paths.extract_blocks)
        ],
    )
