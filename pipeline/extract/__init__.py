"""Extract stage: main text, metadata, blocks and page type of every fetched HTML page.

Reads
    ``paths.crawl_pages`` (which URLs were fetched and archived) and the crawl's WARC archives
    ``paths.warc(site)``.
Writes
    ``paths.extract_documents`` (DOCUMENTS: one row per HTML page, page type and reason),
    ``paths.extract_posts`` (POSTS) and ``paths.extract_blocks`` (BLOCKS, for posts).

Public entry points
    ``main_text(html, url=None) -> str``: the main content as plain text (never raises).
    ``extract_page(html, url=None) -> ExtractedPage``: blocks, scores, metadata, page type.
    ``guarded_page(html, url=None) -> (ExtractedPage, truncated)``: behind the input guard.
    ``run(paths, config) -> StageSummary``: the stage over a whole run.

Bad input (empty, binary, huge, deeply nested, badly encoded pages) has a documented outcome
and never raises: the limits and the outcome table are in ``pipeline.extract.guard``.

Blocks are scored by gradient-boosted trees trained as a scikit-learn ``BlockClassifier`` by
``python -m pipeline.extract.train`` on the extraction development set and shipped in ``models/``
as plain arrays, which ``inference`` scores with numpy (extraction never imports scikit-learn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.extract.extractor import ExtractedPage, ScoredBlock, extract_page
from pipeline.extract.guard import guarded_page, guarded_text

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.io import StageSummary
    from pipeline.paths import RunPaths

__all__ = ["ExtractedPage", "ScoredBlock", "extract_page", "guarded_page", "main_text", "run"]


def main_text(html: str, url: str | None = None) -> str:
    """Main content of a page as plain text: paragraphs separated by blank lines, headings and
    list items on their own lines, no markup. Empty string when there is none (or the input is
    empty or binary); pages over ``guard.MAX_HTML_CHARS`` are truncated first. Never raises on
    bad markup and never touches the network."""
    return guarded_text(html, url)


def run(paths: RunPaths, config: Config) -> StageSummary:
    """Extract every archived HTML page of the run (see ``pipeline.extract.stage``)."""
    from pipeline.extract.stage import run as run_stage

    return run_stage(paths, config)
