"""Title, author and publish-date accuracy of content-audit and trafilatura on the same pages.

Match rules are ``pipeline.extract.metadata_eval`` (shared with the metadata tests): title equal
after normalization or one containing the other; author names overlapping on at least half of
the shorter side; date on the same calendar day. Two accuracies per field: over pages whose
ground truth has the field (``with_gold``), and over all pages, where "no gold, nothing
predicted" also counts as right (``all``: penalizes inventing an author or a date).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from threadpoolctl import threadpool_limits

from pipeline.extract import extract_page
from pipeline.extract.devsets import PageSet
from pipeline.extract.metadata_eval import (
    author_matches,
    date_matches,
    field_accuracy,
    title_matches,
)

Fields = dict[str, str | None]
MATCHERS: dict[str, Callable[[Any, Any], bool]] = {
    "title": title_matches,
    "author": author_matches,
    "publish_date": date_matches,
}


def _content_audit(html: str, url: str | None) -> Fields:
    meta = extract_page(html, url).metadata
    published = meta.published_at.date().isoformat() if meta.published_at else None
    return {
        "title": meta.title,
        "author": ", ".join(meta.authors) or None,
        "publish_date": published,
    }


def _trafilatura(html: str, url: str | None) -> Fields:
    import trafilatura

    doc = trafilatura.extract_metadata(html, default_url=url)
    if doc is None:
        return {"title": None, "author": None, "publish_date": None}
    return {"title": doc.title, "author": doc.author, "publish_date": doc.date}


METADATA_EXTRACTORS: dict[str, Callable[[str, str | None], Fields]] = {
    "content-audit": _content_audit,
    "trafilatura": _trafilatura,
}


def metadata_accuracy(
    pageset: PageSet, ids: Sequence[str]
) -> dict[str, dict[str, dict[str, float]]]:
    """extractor -> field -> ``field_accuracy`` report."""
    truth = pageset.truth
    predicted: dict[str, list[Fields]] = {name: [] for name in METADATA_EXTRACTORS}
    with threadpool_limits(limits=1):  # single-threaded, as in worker.py
        for page_id in ids:
            html = pageset.html(page_id)
            url = truth[page_id].get("url") or None
            for name, extract in METADATA_EXTRACTORS.items():
                predicted[name].append(extract(html, url))
    return {
        name: {
            field: field_accuracy(
                ((truth[i].get(field), got[field]) for i, got in zip(ids, rows, strict=True)),
                matches,
            )
            for field, matches in MATCHERS.items()
        }
        for name, rows in predicted.items()
    }
