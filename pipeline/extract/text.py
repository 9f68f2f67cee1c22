"""Scoring the blocks of a parsed page and assembling the kept blocks into plain text."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from pipeline.extract.blocks import Block, document_title, segment
from pipeline.extract.features import page_features
from pipeline.extract.model import BlockClassifier

MAIN_THRESHOLD = 0.5
# Items of these tags are lines of one list/table/definition; anything else is a paragraph.
_LINE_TAGS = frozenset({"li", "dt", "dd", "td", "th"})


def score_blocks(root: etree._Element, model: BlockClassifier) -> tuple[list[Block], list[float]]:
    """Blocks of the page and each one's probability of being main content."""
    blocks = segment(root)
    if not blocks:
        return [], []
    scores = model.main_scores(page_features(blocks, document_title(root)))
    return blocks, [float(s) for s in scores]


def assemble_text(blocks: Sequence[Block]) -> str:
    """Blocks as plain text: paragraphs and headings separated by a blank line, consecutive
    list items / table cells of one container by a single newline."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if parts and previous is not None:
            same_list = (
                block.tag in _LINE_TAGS
                and previous.tag in _LINE_TAGS
                and previous.depth == block.depth
            )
            parts.append("\n" if same_list else "\n\n")
        parts.append(text)
        previous = block
    return "".join(parts)
