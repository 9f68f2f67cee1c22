"""What a content-team reader sees: the overview first, findings that read, no repeated noise.

Each test pins a problem seen in the rendered demo report (named in the test) and fails without
its fix.
"""

from __future__ import annotations

import pytest

from pipeline.paths import RunPaths
from pipeline.report import run
from pipeline.report.render import clip, finding_message, signed
from tests.sql.sample_run import CONFIG, PROMO, STUFFING
from tests.unit.report.conftest import COPIED_PARAGRAPH, PROMO_MESSAGE


def _section(html: str, name: str) -> str:
    return html.split(f'<section id="{name}">')[1].split("</section>")[0]


@pytest.fixture
def busy_report(busy_run: RunPaths) -> str:
    run(busy_run, CONFIG)
    return busy_run.report_for_run.read_text(encoding="utf-8")


def test_sites_overview_comes_before_the_post_list_with_a_verdict(busy_report: str) -> None:
    # Before: "how are my sites doing" was answered only by a table after every post card.
    assert busy_report.index('<section id="sites">') < busy_report.index('<section id="fix-first">')
    assert (
        '<p class="verdict"><b>3 of 4</b> posts have findings, <b>1</b> of them critical; '
        "the site needing most work is <b>calm-mind</b> (average score 58 of 100).</p>"
    ) in busy_report
    assert 'aria-label="Average audit score per site"' in _section(busy_report, "sites")


def test_a_post_shows_one_finding_of_each_kind_before_a_second_of_any(busy_report: str) -> None:
    # Before: ranking by severity then score showed the sleep post's critical finding and then
    # two of its three promo blocks (score 0.99), hiding that it is also thin content.
    card = _section(busy_report, "fix-first").split("<article")[1]
    kinds = [part.split("</b>")[0] for part in card.split("</span> <b>")[1:]]

    assert kinds == ["keyword stuffing", "promo in body", "thin content"]
    assert '<p class="more">Also: 2 more promo in body.</p>' in card
    assert "5 findings" in card


def test_the_message_does_not_repeat_the_evidence_cut_mid_word(busy_report: str) -> None:
    # Before: "…(block 3): 'Book a free 15-minute consultation to help us…'" right above the
    # whole sentence quoted as evidence.
    card = _section(busy_report, "fix-first").split("<article")[1]

    assert "<b>promo in body</b>: promo block inside the article (block 3)\n" in card
    assert f"<blockquote>{PROMO}</blockquote>" in card
    assert PROMO[:40] + "…" not in card
    assert f"<blockquote>{STUFFING}</blockquote>" in card


@pytest.mark.parametrize(
    ("message", "evidence", "shown"),
    [
        (PROMO_MESSAGE, PROMO, "promo block inside the article (block 3)"),
        ("repeated 2 times on the page: 'Subscribe'", "Subscribe", "repeated 2 times on the page"),
        # The quote is not the evidence: it says something else, so it stays.
        ("talks about its own SEO: 'SEO-friendly'", "designed to be SEO-friendly", None),
        ("main text has 77 words (minimum 300)", "When the afternoon…", None),
        ("quoted: 'x'", None, None),
        (None, "x", ""),
    ],
)
def test_finding_message(message: str | None, evidence: str | None, shown: str | None) -> None:
    assert finding_message(message, evidence) == (message if shown is None else shown)


def test_long_evidence_is_clipped_at_a_word_boundary() -> None:
    text = "word " * 200
    clipped = clip(text, 50)

    assert len(clipped) <= 50 and clipped.endswith("word…")
    assert clip("short", 50) == "short" and clip(None) == ""


def test_repeated_paragraphs_leave_out_text_shared_only_by_copies(busy_report: str) -> None:
    # Before: 61 of 69 rows in the demo were the syndicated article's own paragraphs, already
    # shown as a duplicate group, burying the promo text repeated across different articles.
    shared = _section(busy_report, "shared")

    assert COPIED_PARAGRAPH not in shared
    assert "1 more are repeated only between copies of one post" in shared
    assert f"<blockquote>{PROMO}</blockquote>" in shared
    assert 'title="The gut-brain axis" rel="nofollow noreferrer">wellness-hub</a>' in shared


def test_changes_read_as_better_or_worse(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    # Before: "delta 10" / "-8" in plain text, and a site's own trend was not shown at all.
    _, second = loaded_runs
    run(second, CONFIG)
    html = second.report_for_run.read_text(encoding="utf-8")
    changes = _section(html, "changes")

    assert '<td class="n better">+10</td><td class="n">1 → 1</td>' in changes
    sites = _section(html, "sites")
    assert '<td class="n better" title="since run run-a">+32.5</td>' in sites  # 57.5 -> 90


@pytest.mark.parametrize(
    ("value", "text"), [(10.0, "+10"), (-8.0, "−8"), (0.0, "0"), (-0.01, "0"), (None, "–")]
)
def test_signed(value: float | None, text: str) -> None:
    assert signed(value) == text
