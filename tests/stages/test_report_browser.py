"""The report opened in a real headless Chromium (Debian's, driven by Playwright), at a desktop
width (1440 px) and a phone's (360 px): the demo run's report and a generated 10,000-post run.

Checked in the browser, not in the HTML text: no console error, no network request, the tables'
filters, sorting, search and paging work, a count opens the rows behind it, a link to a post on
another page of a table shows it, a hostile scraped title runs nothing, axe-core (the copy that
``axe-playwright-python`` ships) finds no serious or critical accessibility violation, and the
phone layout has no horizontal scroll. Screenshots go to ``$REPORT_ARTIFACTS`` (default
``test-artifacts/report/``) for a reader of the CI run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.paths import RunPaths
from pipeline.report import run as render
from pipeline.warehouse import run as load
from tests.sql.large_run import HOSTILE_TITLE, SHARED, real_texts, write_large_run
from tests.stages.conftest import DemoRun

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("REPORT_ARTIFACTS", "test-artifacts/report"))
WIDTHS = (1440, 360)
LARGE_POSTS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def large_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the project")
    tmp = tmp_path_factory.mktemp("large-report")
    texts = real_texts()
    first, second = (RunPaths(tmp / "data", r, tmp / "reports") for r in ("run-a", "run-b"))
    load(first, write_large_run(first, LARGE_POSTS, texts))
    config = write_large_run(second, LARGE_POSTS, texts, second=True)
    load(second, config)
    render(second, config)
    return second.report_for_run


class Opened:
    """A report open in a page, with everything the page logged and asked for."""

    def __init__(self, browser: Any, path: Path, width: int) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def status(self, table: str) -> str:
        return str(
            self.page.locator(f"#{table}")
            .locator("xpath=../following-sibling::p[1]")
            .text_content()
        )

    def visible_rows(self, table: str) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            f"#{table} tbody tr:not([hidden])",
            "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
        )

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def _assert_clean(opened: Opened) -> None:
    assert opened.console == []
    assert [u for u in opened.requests if not u.startswith("file:")] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_report_in_chromium(browser: Any, demo_run: DemoRun, width: int) -> None:
    opened = Opened(browser, demo_run.paths.report_latest, width)
    opened.screenshot(f"demo-{width}")
    _assert_clean(opened)
    assert _axe(opened.page) == []
    # Nothing overflows a phone's screen sideways (wide tables stack, charts are redrawn).
    assert opened.page.evaluate("document.documentElement.scrollWidth") <= width
    # A severity count in the overview opens the findings table filtered to those rows.
    cards = opened.page.locator("#overview a[data-filter-severity]")
    if cards.count():
        card = cards.first
        severity = card.get_attribute("data-filter-severity")
        expected = int((card.text_content() or "0").replace(",", ""))
        card.click()
        rows = opened.visible_rows("findings-table")
        assert rows and all(r[0] == severity for r in rows)
        assert f"of {expected}" in opened.status("findings-table") or len(rows) == expected
    opened.page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_ten_thousand_post_report_in_chromium(browser: Any, large_report: Path, width: int) -> None:
    size = large_report.stat().st_size
    assert size < 10_000_000, size
    opened = Opened(browser, large_report, width)
    opened.screenshot(f"large-{width}")
    _assert_clean(opened)
    page = opened.page
    assert page.evaluate("window.__pwned") is None  # the hostile title ran nothing
    assert page.evaluate("t => document.body.textContent.includes(t)", HOSTILE_TITLE)  # as text
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Paging: 50 rows at a time (10 on a phone, where a row is several lines), and the page says
    # how many rows exist beyond it.
    per_page = 50 if width == WIDTHS[0] else 10
    assert len(opened.visible_rows("posts-table")) == per_page
    assert "of 10,000" in opened.status("posts-table") or "of 10000" in opened.status("posts-table")
    page.locator("#posts-table").locator("xpath=../following-sibling::div[1]").get_by_role(
        "button", name="Next"
    ).click()
    assert opened.status("posts-table").startswith(f"Showing rows {per_page + 1}–{2 * per_page}")

    # Filter by site and kind, then search: every visible row matches all three.
    findings = page.locator("#findings-table")
    controls = findings.locator("xpath=../preceding-sibling::div[@class='controls'][1]")
    controls.locator('select[data-key="site"]').select_option("site3")
    controls.locator('select[data-key="kind"]').select_option("Keyword stuffing")
    rows = opened.visible_rows("findings-table")
    assert rows and all(r[1] == "Keyword stuffing" and r[3] == "site3" for r in rows)
    controls.get_by_role("searchbox").fill("no row has this text")
    assert opened.visible_rows("findings-table") == []

    # Sorting the posts table by score, descending: by its header on a desktop (clicked twice),
    # by the sort menu on a phone, where the headers are hidden as rows stack.
    posts = page.locator("#posts-table")
    if width == WIDTHS[0]:
        posts.get_by_role("button", name="Score").click()
        posts.get_by_role("button", name="Score").click()
    else:
        posts.locator("xpath=../preceding-sibling::div[@class='controls'][1]").get_by_label(
            "Sort the rows"
        ).select_option(label="Score, highest first")
    scores = [float(r[2]) for r in opened.visible_rows("posts-table")]
    assert scores == sorted(scores, reverse=True)

    # A topic's post count opens the posts table filtered to that topic.
    topic_link = page.locator("#topics a[data-filter-topic]").first
    topic = topic_link.get_attribute("data-filter-topic")
    topic_link.click()
    rows = opened.visible_rows("posts-table")
    assert rows and all(r[6] == topic for r in rows)

    # A link to a post's card opens it, even one a phone keeps back behind "Show more".
    card_id = page.eval_on_selector_all("#posts details.post", "cards => cards[20].id")
    page.evaluate(f"location.hash = '{card_id}'")
    page.wait_for_function(
        f"(d => !d.hidden && d.open && d.getBoundingClientRect().height > 0)"
        f"(document.getElementById('{card_id}'))"
    )

    # A link to a post whose row is on another page of the table shows that row.
    hidden_id = page.eval_on_selector("#posts-table tbody tr[hidden]", "r => r.id")
    page.evaluate(f"location.hash = '{hidden_id}'")
    page.wait_for_function(f"!document.getElementById('{hidden_id}').hidden")
    if width == WIDTHS[0]:
        assert _axe(page) == []
    page.close()
