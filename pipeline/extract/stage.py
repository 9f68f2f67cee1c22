"""The extract stage's edge: read the crawl's WARCs, extract every HTML page, write Parquet.

Per site: every archived 2xx HTML response is extracted (``extract_page``), then site-level
repeat evidence overrules block decisions (``site.apply_site_evidence``) and the pages are
written. Responses that are not HTML pages are counted in ``dropped`` and get no row; HTML
pages that are not posts get a DOCUMENTS row with their reason. Pages the input guard refuses
(``empty_document``, ``not_html``, ``extract_error``: see ``pipeline.extract.guard``) get such a
row too and stay out of the site evidence; truncated pages are extracted and counted. Each
page's extraction time is recorded (``slow_pages``, ``max_page_ms``), never used to decide.
Once every site is extracted, copies of one page (same visible text, any site or URL) are
decided alike (``copies.align_copies``; counted as ``copies_aligned``); sites whose previous
output is reused take no part in that.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from itertools import chain
from typing import Any

from pipeline.config import Config
from pipeline.crawl.archive import ArchivedResponse, iter_responses
from pipeline.crawl.encoding import decode_html
from pipeline.crawl.fetch import media_type
from pipeline.crawl.site import HTML_TYPES
from pipeline.extract import reuse
from pipeline.extract.copies import align_copies
from pipeline.extract.extractor import ExtractedPage
from pipeline.extract.guard import SLOW_PAGE_SECONDS, guarded_page
from pipeline.extract.inference import BlockScorer, shipped_model
from pipeline.extract.site import apply_site_evidence, text_hash
from pipeline.io import StageSummary, read_rows, write_table
from pipeline.paths import RunPaths
from pipeline.records import BLOCKS, DOCUMENTS, POSTS


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
    run_id: str, site: str, page: ExtractedPage, repeats: list[int]
) -> Iterator[dict[str, Any]]:
    pid = post_id(page.url or "")
    for scored, repeat in zip(page.blocks, repeats, strict=True):
        b = scored.block
        yield {
            "run_id": run_id,
            "post_id": pid,
            "site": site,
            "block_index": b.index,
            "tag": b.tag,
            "tag_path": b.tag_path,
            "class_tokens": b.class_tokens,
            "text": b.text,
            "word_count": b.word_count,
            "link_density": b.link_density,
            "position": b.position,
            "main_score": scored.score,
            "site_repeat": repeat,
            "is_main": scored.is_main,
            "category": scored.category,
            "text_hash": text_hash(b.text),
        }


class _Output:
    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.documents: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.blocks: list[dict[str, Any]] = []
        self.reasons: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()  # truncated, slow_pages, copies_aligned
        # Extracted pages wait here until every site is done: copies across sites are
        # decided alike (``copies.align_copies``) before any row is written.
        self.pending: list[tuple[str, ExtractedPage, datetime, list[int]]] = []
        self.max_page_s = 0.0

    def _extract(self, html: str, url: str, model: BlockScorer) -> ExtractedPage:
        started = time.perf_counter()
        page, truncated = guarded_page(html, url, model)
        elapsed = time.perf_counter() - started  # recorded only: reruns must not depend on it
        self.max_page_s = max(self.max_page_s, elapsed)
        self.counts["truncated"] += truncated
        self.counts["slow_pages"] += elapsed > SLOW_PAGE_SECONDS
        return page

    def add_site(self, site: str, model: BlockScorer, warc_pages: Iterator[Any]) -> None:
        fetched, pages, refused = [], [], []
        for resp, html in warc_pages:
            page = self._extract(html, resp.url, model)
            if page.reason is not None and not page.blocks:
                refused.append(page)  # guard reasons: no blocks, no evidence to share
                continue
            fetched.append(resp.fetched_at)
            pages.append(page)
        final, repeats = apply_site_evidence(pages)
        for page in refused:
            self._add_document(site, page)
        self.pending.extend(
            (site, page, at, rep) for page, at, rep in zip(final, fetched, repeats, strict=True)
        )

    def flush(self) -> None:
        """Rows of the pages extracted this run, copies across sites decided alike first."""
        pages, self.counts["copies_aligned"] = align_copies([p[1] for p in self.pending])
        for (site, _, at, rep), page in zip(self.pending, pages, strict=True):
            self._add_document(site, page)
            if page.page_type == "post":
                self.posts.append(_post_row(self.run_id, site, page, at))
                self.blocks.extend(_block_rows(self.run_id, site, page, rep))
        self.pending = []

    def copy_site(self, site: str, prev: RunPaths) -> None:
        """The site's output of an earlier run with the same pages and extractor."""
        documents = reuse.copied_rows(prev.extract_documents, site, self.run_id)
        self.documents.extend(documents)
        self.posts.extend(reuse.copied_rows(prev.extract_posts, site, self.run_id))
        self.blocks.extend(reuse.copied_rows(prev.extract_blocks, site, self.run_id))
        for doc in documents:
            if doc["page_type"] != "post":
                self.reasons[doc["reason"] or "not_article"] += 1
        self.counts["sites_reused"] += 1
        self.counts["documents_reused"] += len(documents)

    def _add_document(self, site: str, page: ExtractedPage) -> None:
        is_post = page.page_type == "post"
        self.documents.append(
            {"run_id": self.run_id, "site": site, "url": page.url, "page_type": page.page_type,
             "post_id": post_id(page.url or "") if is_post else None, "reason": page.reason}
        )  # fmt: skip
        if not is_post:
            self.reasons[page.reason or "not_article"] += 1


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Extract every archived HTML page of the run's crawl (see ``reuse`` for unchanged sites)."""
    crawl_rows = read_rows(paths.crawl_pages, stage_hint="crawl")
    sites = sorted({row["site"] for row in crawl_rows if row["ok"]})
    dropped: Counter[str] = Counter()
    out = _Output(paths.run_id)
    model = shipped_model()
    for site in sites:
        site_rows = [row for row in crawl_rows if row["site"] == site]
        prev = reuse.reusable_run(paths, site_rows)
        if prev is not None:
            out.copy_site(site, prev)
            continue
        warc = paths.warc(site)
        if not warc.exists():
            dropped["missing_warc"] += 1
            continue
        responses = chain(
            iter_responses(warc), reuse.revisited_responses(paths.data_dir, site_rows)
        )
        out.add_site(site, model, _html_responses(responses, dropped))
    out.flush()
    reuse.write_fingerprint(paths)
    write_table(paths.extract_documents, out.documents, DOCUMENTS)
    write_table(paths.extract_posts, out.posts, POSTS)
    write_table(paths.extract_blocks, out.blocks, BLOCKS)
    return StageSummary(
        stage="extract",
        run_id=paths.run_id,
        counts={
            "sites": len(sites),
            "documents": len(out.documents),
            "posts": len(out.posts),
            "blocks": len(out.blocks),
            "main_blocks": sum(1 for b in out.blocks if b["is_main"]),
            "truncated": out.counts["truncated"],
            "slow_pages": out.counts["slow_pages"],
            "max_page_ms": round(out.max_page_s * 1000),
            "sites_reused": out.counts["sites_reused"],
            "documents_reused": out.counts["documents_reused"],
            "copies_aligned": out.counts["copies_aligned"],
        },
        dropped=dict(sorted((dropped + out.reasons).items())),
        outputs=[
            str(p) for p in (paths.extract_documents, paths.extract_posts, paths.extract_blocks)
        ],
    )
