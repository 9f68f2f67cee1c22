"""One page in, one ``ExtractedPage`` out: blocks, scores, main text, metadata, page type."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pipeline.extract.blocks import Block
from pipeline.extract.categories import categorize
from pipeline.extract.inference import BlockScorer, shipped_model
from pipeline.extract.layout import PageContext
from pipeline.extract.markup import document_title, parse_html
from pipeline.extract.metadata import PageMetadata, extract_metadata
from pipeline.extract.metadata_sources import declared_types
from pipeline.extract.pagetype import decide, page_facts
from pipeline.extract.pagetype import shipped_model as shipped_pagetype_model
from pipeline.extract.text import assemble_text, decide_main, score_blocks
from pipeline.pickling import compact_state


@compact_state
@dataclass(frozen=True, slots=True)
class ScoredBlock:
    block: Block
    score: float  # model probability of being main content
    is_main: bool
    category: str  # "content" when main, else a boilerplate category


@compact_state
@dataclass(frozen=True, slots=True)
class ExtractedPage:
    url: str | None
    metadata: PageMetadata
    blocks: tuple[ScoredBlock, ...]
    main_text: str
    headings: tuple[tuple[int, str], ...]  # headings of the main text, in order
    h1_count: int  # <h1> elements of the whole page (an SEO check, not a content one)
    links_internal: int  # links of the main text to the page's own host
    links_external: int
    outbound_links: tuple[str, ...] = field(default=())  # distinct external URLs, in order
    word_count: int = 0  # words of main_text
    page_words: int = 0  # words of all blocks
    page_type: str = "other"  # post | listing | other
    reason: str | None = None  # why it is not a post (snake_case); None for posts
    article_elements: int = 0  # <article> elements of the page (teasers hint at a listing)


def _host(url: str | None) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def classify_blocks(blocks: list[Block], scores: list[float]) -> list[ScoredBlock]:
    out = []
    for block, score, main in zip(blocks, scores, decide_main(blocks, scores), strict=True):
        out.append(ScoredBlock(block, score, main, "content" if main else categorize(block)))
    return out


def _links(blocks: list[Block], url: str | None) -> tuple[int, int, tuple[str, ...]]:
    own = _host(url)
    internal = external = 0
    outbound: dict[str, None] = {}
    for block in blocks:
        for href in block.hrefs:
            try:
                target = urljoin(url or "", href.strip())
            except ValueError:  # e.g. "http://[bad" (an unclosed IPv6 bracket)
                continue
            if not target.startswith(("http://", "https://")):
                continue  # mailto:, tel:, javascript:, fragments of a page without a URL
            host = _host(target)
            if host and own and host != own and not host.endswith("." + own):
                external += 1
                outbound.setdefault(target, None)
            else:
                internal += 1
    return internal, external, tuple(outbound)


def page_type(
    meta: PageMetadata, n_articles: int, scored: list[ScoredBlock], url: str | None
) -> tuple[str, str | None]:
    """(page_type, reason): post, listing (``listing_page``) or other with a reason.

    The decision and its features live in ``pagetype``; reasons: ``no_main_text``,
    ``listing_page``, ``product_page``, ``forum_thread``, ``documentation_page``,
    ``service_page``, ``not_article``.
    """
    facts = page_facts(
        meta, n_articles, [s.block for s in scored], [s.is_main for s in scored], url
    )
    return decide(facts, shipped_pagetype_model())


def page_context(
    root: etree._Element, url: str | None, metadata: PageMetadata | None = None
) -> PageContext:
    """What the block classifier is told about the page as a whole. The declared types come
    from ``metadata`` when the caller has it, else from the page's meta and JSON-LD tags alone
    (the same values: ``test_text_path``)."""
    if metadata is not None:
        og_type, jsonld_types = metadata.og_type, list(metadata.jsonld_types)
    else:
        og_type, jsonld_types = declared_types(root)
    types = set(jsonld_types)
    if og_type:
        types.add(og_type.lower())
    articles = sum(1 for _ in root.iter("article"))
    return PageContext(document_title(root), url, frozenset(types), articles)


def _empty(url: str | None, reason: str) -> ExtractedPage:
    return ExtractedPage(url, PageMetadata(), (), "", (), 0, 0, 0, reason=reason)


def extract_page(
    html: str, url: str | None = None, model: BlockScorer | None = None
) -> ExtractedPage:
    """Everything extract knows about one page. Never raises on bad markup."""
    root = parse_html(html)
    if root is None:
        return _empty(url, "parse_error")
    # Metadata first: the kind of page it declares is a feature of every block.
    metadata = extract_metadata(root, url)
    context = page_context(root, url, metadata)
    blocks, scores = score_blocks(root, model or shipped_model(), context)
    scored = classify_blocks(blocks, scores)
    base = ExtractedPage(
        url=url,
        metadata=metadata,
        blocks=(),
        main_text="",
        headings=(),
        h1_count=sum(1 for _ in root.iter("h1")),
        links_internal=0,
        links_external=0,
        article_elements=context.article_elements,
    )
    return with_blocks(base, scored)


def page_text(html: str, url: str | None = None, model: BlockScorer | None = None) -> str:
    """``extract_page(html, url, model).main_text``, without what the text does not depend on:
    the full metadata scan (only the declared page types feed the classifier), the categories of
    boilerplate blocks, the page type and the link counts. ``main_text`` runs this; the stage,
    which keeps all of those, runs ``extract_page``."""
    root = parse_html(html)
    if root is None:
        return ""
    blocks, scores = score_blocks(root, model or shipped_model(), page_context(root, url))
    keep = decide_main(blocks, scores)
    return assemble_text([b for b, main in zip(blocks, keep, strict=True) if main])


def with_blocks(page: ExtractedPage, scored: list[ScoredBlock]) -> ExtractedPage:
    """``page`` with main text, counts and page type rebuilt from final block decisions.

    The run uses it again after site-level evidence has overruled some decisions.
    """
    if page.reason == "parse_error":
        return page
    main = [s.block for s in scored if s.is_main]
    text = assemble_text(main)
    all_blocks = [s.block for s in scored]
    word_count = len(text.split())
    kind, reason = page_type(page.metadata, page.article_elements, scored, page.url)
    internal, external, outbound = _links(main, page.url)
    return replace(
        page,
        blocks=tuple(scored),
        main_text=text,
        headings=tuple((b.heading_level, b.text) for b in main if b.heading_level),
        links_internal=internal,
        links_external=external,
        outbound_links=outbound,
        word_count=word_count,
        page_words=sum(b.word_count for b in all_blocks),
        page_type=kind,
        reason=reason,
    )
