"""Both annotated sets as one collection, and the untouched slice fixed before tuning (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.blocks import segment
from pipeline.extract.devsets import PageSet
from pipeline.extract.features import page_features
from pipeline.extract.markup import parse_html

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def both(dev_dir: Path, more_dir: Path) -> PageSet:
    return PageSet.load([dev_dir, more_dir])


def test_a_collection_prefixes_ids_and_reads_each_page_from_its_set(both: PageSet) -> None:
    assert len(both.truth) == 1416
    # Four ids occur in both sets; prefixed, they are eight pages.
    assert {"dev/0001", "more/0661"} <= set(both.truth)
    assert both.set_name("more/0661") == "extraction-more"
    assert "<" in both.html("dev/0001") and "<" in both.html("more/0661")


def test_a_single_set_keeps_its_own_ids(dev_dir: Path) -> None:
    dev = PageSet.load(dev_dir)
    assert "0001" in dev.truth and not dev.untouched_ids()
    assert dev.tuning_ids() == sorted(dev.truth)


def test_the_untouched_slice_is_the_one_recorded_before_tuning(both: PageSet) -> None:
    recorded = json.loads((ROOT / "benchmarks/extraction/untouched.json").read_text())
    assert both.untouched_ids() == recorded["ids"]
    assert len(recorded["ids"]) >= 200  # the minimum


def test_no_site_of_the_untouched_slice_is_in_the_tuning_part(both: PageSet) -> None:
    held = {both.domain(i) for i in both.untouched_ids()}
    tuning = both.tuning_ids()
    assert not held & {both.domain(i) for i in tuning}
    assert len(tuning) + len(both.untouched_ids()) <= len(both.truth)
    assert all(both.set_name(i) == "extraction-more" for i in both.untouched_ids())


def test_select_names_the_part_and_rejects_an_unknown_one(both: PageSet) -> None:
    assert both.select(None, "untouched") == both.untouched_ids()
    assert both.select(["more/0661", "dev/0001"]) == ["dev/0001", "more/0661"]
    with pytest.raises(ValueError, match="part='test'"):
        both.select(None, "test")


def _features(html: str) -> list[dict[str, float]]:
    root = parse_html(html)
    assert root is not None
    return page_features(segment(root))


def test_landmark_roles_and_body_properties_are_regions_like_the_html5_tags() -> None:
    rows = _features(
        "<html><body><div role='navigation'><a href='/'>Home</a></div>"
        "<div itemprop='articleBody'><p>One paragraph of the article body here.</p></div>"
        "<div role='main'><p>Another paragraph inside the main landmark.</p></div></body></html>"
    )
    assert rows[0]["in_nav"] == 1.0
    assert rows[1]["in_articlebody"] == 1.0 and rows[1]["in_main"] == 0.0
    assert rows[2]["in_main"] == 1.0 and rows[2]["in_articlebody"] == 0.0


def test_continuity_and_place_relative_to_the_prose_region() -> None:
    prose = " ".join(["word"] * 30) + "."
    rows = _features(
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<div class='post'><p>{prose}</p><p>{prose}</p><p>{prose}</p></div>"
        "<div class='comments'><p>Nice post, thanks.</p></div></body></html>"
    )
    menu, first, second, _, comment = rows
    assert second["prev_same_parent"] == 1.0 and second["next_same_path"] == 1.0
    assert first["prev_same_parent"] == 0.0
    assert menu["prose_before"] > 0 and menu["prose_after"] == 0
    assert comment["prose_after"] > 0 and comment["prose_before"] == 0
    assert first["prose_before"] == first["prose_after"] == 0
