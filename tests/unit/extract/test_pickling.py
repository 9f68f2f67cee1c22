"""``pipeline.pickling.compact_state``: the same objects back, and the dataclasses' own state."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import extract_page
from pipeline.extract.blocks import Block
from pipeline.extract.copies import decision_of
from pipeline.extract.devsets import PageSet
from pipeline.pickling import compact_state

words = st.text(max_size=30)
tokens = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), max_size=4).map(tuple)
blocks = st.builds(
    Block,
    index=st.integers(0, 10_000),
    tag=st.sampled_from(["p", "h2", "li", "div"]),
    tag_path=words,
    own_tokens=tokens,
    ancestor_tokens=tokens,
    text=st.text(max_size=200),
    word_count=st.integers(0, 500),
    link_chars=st.integers(0, 500),
    position=st.floats(0, 1),
    depth=st.integers(0, 200),
    parent_key=st.integers(-(2**63), 2**63 - 1),
    regions=st.frozensets(st.sampled_from(["header", "footer", "nav", "aside", "main"])),
    heading_level=st.integers(0, 6),
    hrefs=st.lists(words, max_size=3).map(tuple),
)


@given(blocks)
def test_a_block_comes_back_equal(block: Block) -> None:
    again = pickle.loads(pickle.dumps(block, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == block and type(again) is Block


@given(blocks)
def test_the_state_is_the_dataclass_state(block: Block) -> None:
    # dataclasses' own pickling gives the field values in order: pickles written either way
    # load either way.
    own = [getattr(block, f.name) for f in dataclasses.fields(Block)]
    assert list(block.__getstate__()) == own  # type: ignore[attr-defined]
    rebuilt = object.__new__(Block)
    rebuilt.__setstate__(own)  # type: ignore[attr-defined]
    assert rebuilt == block


def test_real_pages_and_their_decisions_come_back_equal(dev_set: PageSet) -> None:
    for i in sorted(dev_set.truth)[:15]:
        page = extract_page(dev_set.html(i), dev_set.url(i))
        assert pickle.loads(pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)) == page
        decision = decision_of(page)
        assert pickle.loads(pickle.dumps(decision)) == decision


@compact_state
@dataclasses.dataclass(frozen=True, slots=True)
class One:
    value: int


def test_the_state_stays_frozen_and_complete() -> None:
    one = pickle.loads(pickle.dumps(One(3)))
    assert one == One(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.value = 4  # type: ignore[misc]
    with pytest.raises(ValueError):
        object.__new__(One).__setstate__((1, 2))  # type: ignore[attr-defined]


def test_a_class_without_slots_is_refused() -> None:
    with pytest.raises(TypeError, match="slotted dataclass"):

        @compact_state
        @dataclasses.dataclass(frozen=True)
        class Loose:
            value: int
