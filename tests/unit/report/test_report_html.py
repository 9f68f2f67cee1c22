"""The HTML report rendered from a real warehouse: sections, evidence, escaping, no remote loads."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from html.parser import HTMLParser

import pytest

from pipeline.io import MissingInputError
from pipeline.paths import RunPaths
from pipeline.report import fetch_report_data, render_report, run
from pipeline.warehouse import connect_readonly
from tests.sql.sample_run import CONFIG, POST_SPECS, PROMO, STUFFING

SECTIONS = ["fix-first", "sites", "duplicates", "topics", "findings", "shared", "errors", "changes"]
POST_URLS = {url for _, url, _, _ in POST_SPECS.values()}
SITE_URLS = {"http://127.0.0.1:8001/", "http://127.0.0.1:8002/"}


class _Refs(HTMLParser):
    """Every tag, and every src/href/style attribute value, as the browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "style", "srcset", "action"):
                self.refs.append((tag, name, value or ""))


def _parse(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


@pytest.fixture
def report_a(loaded_runs: tuple[RunPaths, RunPaths]) -> str:
    first, _ = loaded_runs
    run(first, CONFIG)
    return first.report_for_run.read_text(encoding="utf-8")


def test_report_has_every_section_and_header_numbers(report_a: str) -> None:
    for section in SECTIONS:
        assert f'<section id="{section}">' in report_a
    assert "Run <code>run-a</code> · crawl started 2025-06-01 08:00 UTC" in report_a
    overview = report_a.split('<section id="overview">')[1].split("</section>")[0]
    assert (
        '<b><a href="#errors">2</a></b>crawl errors<small>2 broken links on the sites\' pages; '
        "0 URLs excluded"
    ) in overview
    assert '<b><a href="#orphans">1</a></b>orphan posts' in overview
    assert "posts audited<small>3 with findings</small>" in overview
    # The critical count links to its rows: the findings table, filtered by severity.
    assert (
        '<b><a href="#findings-table" data-table-target="findings-table" '
        'data-filter-severity="Critical">1</a></b>critical problems'
    ) in overview
    assert "first run: nothing to compare" in overview


def test_fix_first_ranks_by_score_with_evidence_and_hints(report_a: str) -> None:
    fix_first = report_a.split('<section id="fix-first">')[1].split("</section>")[0]
    order = [fix_first.index(u) for u in (
        "/blog/sleep-anxiety", "/posts/intimacy-copy", "/blog/intimacy-and-mental-health"
    )]  # fmt: skip
    assert order == sorted(order)  # scores 35, 70, 80
    assert f"<blockquote>{STUFFING}</blockquote>" in fix_first
    assert f"<blockquote>{PROMO}</blockquote>" in fix_first
    assert "Fix: Rewrite to remove keyword_stuffing." in fix_first
    assert (
        '<span class="sev sev-critical" title="Fix now: harms readers or search visibility.">'
        "Critical</span> <b>Keyword stuffing</b>"
    ) in fix_first


def test_other_sections_show_their_rows(report_a: str) -> None:
    assert "original on calm-mind (published first: it has the earliest publication date.)" in (
        report_a
    )
    assert "· 2 posts on 2 sites" in report_a
    assert (
        '<td data-label="Role">copy on another site</td><td data-label="Match">nearly the same</td>'
        '<td class="n" data-label="Similarity">93%</td>'
    ) in report_a
    assert '<td class="terms" data-label="Top terms">intimacy, relationship, trust</td>' in report_a
    assert (
        '>http://127.0.0.1:8001/blog/missing</td><td class="n" data-label="Status">404</td>'
        '<td data-label="Problem" title="">http 404 <small class="meta">(Not Found)</small></td>'
    ) in report_a
    assert '>Timed out <small class="meta">(read timed out after 20s)</small></td>' in report_a
    assert "First run for these sites: nothing to compare yet." in report_a
    # site scores, boilerplate, topic sizes, findings by kind twice (desktop and phone), the map
    assert report_a.count('<svg class="chart"') == 9


def test_a_broken_link_names_the_pages_to_edit_and_orphans_are_listed(report_a: str) -> None:
    # Before: "a 404 is listed without the page that links to it", and posts linked from nowhere
    # were not reported at all.
    from tests.sql.sample_run import BROKEN_LINK_TEXT

    errors = report_a.split('<section id="errors">')[1].split("</section>")[0]
    missing = errors.split("/blog/missing</td>")[1].split("</tr>")[0]
    assert '<td class="n" data-label="Linked from">1 page</td>' in missing
    assert (
        f'>http://127.0.0.1:8001/</a> <span class="meta">(“{BROKEN_LINK_TEXT}”)</span>' in missing
    )
    orphans = report_a.split('<section id="orphans">')[1].split("</section>")[0]
    assert ">The gut-brain axis</a>" in orphans and "Intimacy matters" not in orphans


def test_changes_since_the_previous_run(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    _, second = loaded_runs
    run(second, CONFIG)
    html = second.report_for_run.read_text(encoding="utf-8")
    changes = html.split('<section id="changes">')[1].split("</section>")[0]

    assert "First run" not in changes
    # Before: findings fixed or new since the previous run were only in the warehouse.
    fixed = changes.split('id="finding-changes-table"')[1].split("</tr>")[1]
    assert (
        '<td class="better" data-label="Change">fixed</td><td data-label="Severity" '
        'data-sort="0">Critical</td><td data-label="Kind">Keyword stuffing</td>'
    ) in fixed
    assert '<td class="change-new" data-label="Change">new</td>' in changes
    assert '<td class="change-removed" data-label="Change">removed</td>' in changes
    assert (
        '<td class="change-score_changed" data-label="Change">score changed</td>'
        '<td class="n" data-label="Score before">80</td>'
    ) in changes


def test_scraped_markup_is_escaped(report_a: str) -> None:
    # The page's one script is its own, the last element of the body; nothing scraped is one.
    assert report_a.count("<script") == 1
    assert report_a.index("<script>") > report_a.index("</main>")
    assert "Sleep &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; anxiety" in report_a
    assert _parse(report_a).tags.count("script") == 1


def test_report_is_self_contained(report_a: str) -> None:
    parsed = _parse(report_a)
    remote = [
        (tag, name, value)
        for tag, name, value in parsed.refs
        if re.match(r"\s*(https?:)?//", value) or "url(" in value
    ]
    # The only remote references are links to the audited posts.
    assert remote
    assert {(tag, name) for tag, name, _ in remote} == {("a", "href")}
    assert {value for _, _, value in remote} <= POST_URLS | SITE_URLS
    assert not {"link", "img", "iframe", "object", "embed"} & set(parsed.tags)
    assert "@import" not in report_a and "url(" not in report_a
    # CSP: nothing loads, and no script runs but the page's own, allowed by its hash.
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report_a)
    assert csp and "default-src 'none'" in csp.group(1)
    script = report_a.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("script-src")[1].split(";")[0]


def test_only_http_urls_become_links(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    first, _ = loaded_runs
    with connect_readonly(first.warehouse) as con:
        data = fetch_report_data(con, "run-a")
    post = {**data.fix_first[0], "url": "javascript:alert(1)"}
    html = render_report(dataclasses.replace(data, fix_first=[post]), title="t")

    assert not [v for _, _, v in _parse(html).refs if "javascript" in v.lower()]
    assert "<h3>Sleep &lt;script&gt;" in html  # shown as text instead


def test_both_files_are_written_and_rendering_is_deterministic(
    loaded_runs: tuple[RunPaths, RunPaths],
) -> None:
    first, second = loaded_runs
    summary = run(first, CONFIG)
    once = first.report_for_run.read_bytes()
    run(first, CONFIG)

    assert first.report_for_run.read_bytes() == once
    assert summary.counts["posts_ranked"] == 3
    assert summary.counts["html_bytes"] == len(once)
    # latest.html is the latest succeeded run's: re-rendering an older run leaves it alone.
    assert not first.report_latest.exists()
    run(second, CONFIG)
    assert second.report_latest.read_bytes() == second.report_for_run.read_bytes()
    run(first, CONFIG)
    assert second.report_latest.read_bytes() == second.report_for_run.read_bytes()


def test_the_report_needs_no_config(loaded_runs: tuple[RunPaths, RunPaths]) -> None:
    from pipeline.config import ReportConfig, snapshot
    from pipeline.warehouse import run as load
    from tests.sql.sample_run import write_sample_run

    _, second = loaded_runs
    third = RunPaths(second.data_dir, "run-c", second.reports_dir)
    write_sample_run(third, second=True)
    custom = CONFIG.model_copy(update={"report": ReportConfig(title="Weekly wellness audit")})
    third.config_snapshot.write_text(snapshot(custom))
    load(third, custom)
    run(third)  # the title comes from the config stored with the run in the warehouse
    assert "<title>Weekly wellness audit – run run-c" in third.report_for_run.read_text()


def test_a_run_missing_from_the_warehouse_is_reported(
    loaded_runs: tuple[RunPaths, RunPaths],
) -> None:
    first, _ = loaded_runs
    other = RunPaths(first.data_dir, "never-loaded", first.reports_dir)

    with pytest.raises(MissingInputError, match="run 'never-loaded' is not in the warehouse"):
        run(other, CONFIG)
    assert not other.report_for_run.exists()


def test_pages_left_out_are_listed_per_site_with_reason_and_examples(
    loaded_runs: tuple[RunPaths, RunPaths],
) -> None:
    from tests.sql.sample_run import CALM

    _, second = loaded_runs
    run(second, CONFIG)
    html = second.report_for_run.read_text()
    section = html[html.index('<section id="left-out">') :]
    section = section[: section.index("</section>")]
    # The calm-mind home page was fetched, is a listing, and is shown with its reason.
    assert (
        '<td data-label="Site">calm-mind</td><td data-label="Why" title="A category, tag or '
        'archive page listing posts.">List of posts</td><td class="n" data-label="Pages">1</td>'
    ) in section
    assert f"{CALM}/" in section
