"""What a content-team reader sees: the overview first, findings that read, no repeated noise.

Each test pins a problem seen in the rendered demo report (named in the test) and fails without
its fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import read_rows
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


def test_overview_and_sites_come_before_the_post_list_with_a_verdict(
    busy_run: RunPaths, busy_report: str
) -> None:
    # Before: "how are my sites doing" was answered only by a table after every post card, and
    # "3 of 4 posts have findings" counted notes, true of every post of every run.
    assert busy_report.index('<section id="overview">') < busy_report.index('<section id="sites">')
    assert busy_report.index('<section id="sites">') < busy_report.index('<section id="fix-first">')
    verdict = _section(busy_report, "overview").split('<p class="verdict">')[1].split("</p>")[0]
    scores = [row["audit_score"] for row in read_rows(busy_run.audit_scores)]
    health = sum(scores) / len(scores)  # the run's health: the average of its posts' scores
    assert f'<b class="fair">{health:.0f} of 100</b>' in verdict
    assert "<b>1</b> critical problem and <b>6</b> warnings on 4 posts" in verdict
    assert 'aria-label="Health score per site"' in _section(busy_report, "sites")


def test_the_three_things_to_fix_first_are_ranked_by_what_they_cost(busy_report: str) -> None:
    # One critical keyword stuffing (20 points) outranks three promo warnings (24) only by
    # cost: promo first, then stuffing; each names its posts' count and links to their rows.
    actions = _section(busy_report, "overview").split('<ol class="actions">')[1].split("</ol>")[0]
    kinds = [part.split("</b>")[0] for part in actions.split("<li><b>")[1:]]

    assert kinds[:2] == ["Promotion inside the article", "Keyword stuffing"]
    assert 'data-filter-kind="Promotion inside the article">1</a> post across 1 site' in actions
    assert "Fix: Move the promo block below the article." in actions


def test_a_post_shows_one_finding_of_each_kind_before_a_second_of_any(busy_report: str) -> None:
    # Before: ranking by severity then score showed the sleep post's critical finding and then
    # two of its three promo blocks (score 0.99), hiding that it is also thin content.
    card = _section(busy_report, "fix-first").split("<article")[1]
    kinds = [part.split("</b>")[0] for part in card.split("</span> <b>")[1:]]

    assert kinds == ["Keyword stuffing", "Promotion inside the article", "Thin content"]
    # Before: "Also: 2 more promo in body." could not be opened.
    assert (
        '<p class="more">Also: 2 more promotion inside the article: '
        '<a href="#post-p_sleep">see all of this post\'s findings</a>.</p>'
    ) in card
    every = busy_report.split('<details class="post" id="post-p_sleep">')[1].split("</details>")[0]
    assert every.count("<li>") == 5  # its two findings of run-a and the three promo blocks
    assert "5 findings" in card


def test_the_message_does_not_repeat_the_evidence_cut_mid_word(busy_report: str) -> None:
    # Before: "…(block 3): 'Book a free 15-minute consultation to help us…'" right above the
    # whole sentence quoted as evidence.
    card = _section(busy_report, "fix-first").split("<article")[1]

    assert "<b>Promotion inside the article</b>: promo block inside the article (block 3)\n" in card
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
    # Before: the posts were only site names, the titles shown on hover.
    assert 'rel="nofollow noreferrer">The gut-brain axis</a> <span class="meta">(wellness-hub)' in (
        shared
    )


def test_topics_show_each_sites_coverage(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    # Before: a topic's "sites" count said how many sites wrote about it, not how much of each
    # site it is, so a site's gap (a topic its competitor covers and it does not) was invisible.
    _, second = loaded_runs
    run(second, CONFIG)
    topics = _section(second.report_for_run.read_text(encoding="utf-8"), "topics")
    coverage = topics.split("<caption>Share of each site's posts per topic</caption>")[1]
    gut = coverage.split("1: gut, brain, microbiome</th>")[1].split("</tr>")[0]

    assert gut == (
        '<td class="n" data-label="calm-mind">–</td>'
        '<td class="n" data-label="wellness-hub">33%</td>'
    )


def test_changes_read_as_better_or_worse(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    # Before: "delta 10" / "-8" in plain text, and a site's own trend was not shown at all.
    _, second = loaded_runs
    run(second, CONFIG)
    html = second.report_for_run.read_text(encoding="utf-8")
    changes = _section(html, "changes")

    assert '<td class="n better" data-label="Difference">+10</td>' in changes
    sites = _section(html, "sites")
    assert '<td class="n better" data-label="Change">+32.5</td>' in sites  # 57.5 -> 90


@pytest.mark.parametrize(
    ("value", "text"), [(10.0, "+10"), (-8.0, "−8"), (0.0, "0"), (-0.01, "0"), (None, "–")]
)
def test_signed(value: float | None, text: str) -> None:
    assert signed(value) == text


def test_robots_exclusions_are_not_counted_as_a_sites_errors(tmp_path: Path) -> None:
    # Before: the Sites table's "errors / pages" counted robots.txt exclusions as errors while
    # the header said they were not.
    from pipeline.io import write_table
    from pipeline.records import PAGES
    from pipeline.warehouse import run as load
    from tests.sql.sample_run import CALM, write_sample_run

    paths = RunPaths(tmp_path / "data", "run-a", tmp_path / "reports")
    write_sample_run(paths)
    pages = read_rows(paths.crawl_pages)
    template = next(p for p in pages if p["url"] == f"{CALM}/blog/missing")
    pages.append({**template, "url": f"{CALM}/private/", "status": None,
                  "error_class": "robots_disallowed", "error_message": "disallowed",
                  "robots_allowed": False})  # fmt: skip
    write_table(paths.crawl_pages, pages, PAGES)
    load(paths, CONFIG)
    run(paths, CONFIG)
    sites = _section(paths.report_for_run.read_text(encoding="utf-8"), "sites")
    calm = sites.split('data-label="Site">')[1].split("</tr>")[0]

    assert ('data-filter-site="calm-mind">1</a> of 5 <small>(+1 robots.txt)</small></td>') in calm
