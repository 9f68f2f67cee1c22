"""Page elements from BLOCKS rows: runs of non-main blocks inside the article that form one box.

A CTA box or promo banner is several blocks (a heading, a sub-line, a button); reporting each
block would give one finding per line of the same element. Blocks join one group when they are
consecutive candidates with no main block between them and either

* adjacent (``block_index`` differs by one), or
* inside a shared container deeper than the article's content container (their ``tag_path``
  parents share more elements than the parents of the main blocks do), so a caption or a
  spacer block inside the box does not split it.

Only blocks strictly between the first and the last main block count: page chrome before or
after the article (header, footer, newsletter forms, cookie bars) is template boilerplate,
reported through the boilerplate share, not as an element of the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class BlockGroup:
    """One element of the page: the indexes of its blocks and their texts, one per line."""

    block_indexes: tuple[int, ...]
    text: str

    @property
    def key(self) -> str:
        """Whitespace- and case-insensitive identity of the element's text."""
        return " ".join(self.text.lower().split())

    @property
    def label(self) -> str:
        first, last = self.block_indexes[0], self.block_indexes[-1]
        return f"block {first}" if first == last else f"blocks {first}-{last}"


def article_bounds(blocks: Sequence[Row]) -> tuple[float, float] | None:
    """Positions of the first and the last main block, or None when no block is main."""
    pos = [float(b["position"]) for b in blocks if b.get("is_main") and _has_position(b)]
    return (min(pos), max(pos)) if pos else None


def article_groups(blocks: Sequence[Row], categories: frozenset[str]) -> list[BlockGroup]:
    """Groups of non-main blocks of ``categories`` strictly inside the article, in page order."""
    bounds = article_bounds(blocks)
    if bounds is None:
        return []
    lo, hi = bounds
    depth = _content_depth(blocks)
    runs: list[list[Row]] = []
    open_run = False  # a main block closes the current run
    for b in sorted(blocks, key=_index):
        if b.get("is_main"):
            open_run = False
            continue
        inside = _has_position(b) and lo < float(b["position"]) < hi
        if not inside or b.get("category") not in categories or not str(b.get("text") or ""):
            continue
        if open_run and _joins(runs[-1][-1], b, depth):
            runs[-1].append(b)
        else:
            runs.append([b])
            open_run = True
    return [
        BlockGroup(tuple(_index(b) for b in run), "\n".join(str(b["text"]).strip() for b in run))
        for run in runs
    ]


def _joins(previous: Row, block: Row, content_depth: int) -> bool:
    if _index(block) == _index(previous) + 1:
        return True
    shared = _common_prefix(_parent(previous), _parent(block))
    return shared > content_depth


def _content_depth(blocks: Sequence[Row]) -> int:
    """Elements shared by the parents of every main block (the article's content container)."""
    parents = [_parent(b) for b in blocks if b.get("is_main")]
    if not parents:
        return 0
    depth = len(parents[0])
    for p in parents[1:]:
        depth = min(depth, _common_prefix(parents[0], p))
    return depth


def _parent(block: Row) -> tuple[str, ...]:
    path = block.get("tag_path")
    return tuple(str(path).split(">")[:-1]) if path else ()


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _index(block: Row) -> int:
    return int(block.get("block_index") or 0)


def _has_position(block: Row) -> bool:
    return block.get("position") is not None
