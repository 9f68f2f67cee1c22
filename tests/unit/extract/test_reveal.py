"""Pages that ship their text hidden and reveal it with a script (issue 18).

Before the reveal fallback the segmenter read nothing of these pages: a React streaming page
whose article sits in ``<div hidden id="S:0">`` (swapped in by ``$RC``), and an anti-flicker
wrapper that hides the whole body with ``visibility:hidden`` until the scripts run; trafilatura
extracted both. Real pages of ``extraction-more``, read from ``../shared``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.blocks import segment, segment_html
from pipeline.extract.evaluate import normalize
from pipeline.extract.markup import parse_html


def _page(directory: Path, page_id: str) -> tuple[str, str]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))[page_id]
    html = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
    return html.decode("utf-8", errors="replace"), truth["articleBody"]


@pytest.mark.parametrize(
    "page_id",
    [
        "4416",  # Next.js streaming: the article in <div hidden id="S:0">
        "4020",  # the body under a visibility:hidden anti-flicker wrapper
    ],
)
def test_a_script_revealed_article_is_segmented(more_dir: Path, page_id: str) -> None:
    html, gold = _page(more_dir, page_id)
    root = parse_html(html)
    assert root is not None
    text = normalize(" ".join(b.text for b in segment(root)))
    gold_words = normalize(gold).split()
    # Three stretches of the annotated article, from its start, middle and end.
    for start in (10, len(gold_words) // 2, len(gold_words) - 12):
        assert " ".join(gold_words[start : start + 8]) in text


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)


@settings(max_examples=40, deadline=None)
@given(
    visible=st.lists(_WORD, min_size=5, max_size=60),
    hidden=st.lists(_WORD, min_size=1, max_size=120),
)
def test_a_hidden_menu_smaller_than_the_page_stays_hidden(
    visible: list[str], hidden: list[str]
) -> None:
    """A hidden element under the reveal margin (3x the visible words and 200 more) is a
    collapsed menu or a modal: never shown."""
    html = (
        f"<html><body><article><p>{' '.join(visible)}</p></article>"
        f"<div hidden><p>{' '.join(hidden)}</p></div></body></html>"
    )
    words = [w for b in segment_html(html) for w in b.text.split()]
    assert words == visible


@pytest.mark.parametrize(("visible", "hidden", "shown"), [(500, 900, False), (500, 1100, True)])
def test_hidden_text_is_shown_only_when_it_outweighs_the_page(
    visible: int, hidden: int, shown: bool
) -> None:
    """Shown when the page with it holds three times the visible words (and 200 more)."""
    html = (
        f"<html><body><p>{' '.join(['word'] * visible)}</p>"
        f"<div style='display: none'><p>{' '.join(['secret'] * hidden)}</p>"
        "<script>var a = 'not words of the page';</script></div></body></html>"
    )
    assert ("secret" in " ".join(b.text for b in segment_html(html))) is shown
