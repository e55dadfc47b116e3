"""The dashboard in a real browser: what a person sees and what the buttons do.

Headless Chromium (``tests/browser.py``) opens ``/_omics_mock/`` of the test's server,
which holds ``dashboard_world``'s state with virtual time standing still, so what
the page shows moves only when the page (or the test) moves it. Skipped when no
Chromium is installed.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from omics_mock.server import ThreadedServer

from .browser import Browser, Page, find_chromium
from .dashboard_world import TASKS, World, many_runs, populate, start_run
from .server_http import call

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium, or set OMICS_MOCK_CHROMIUM "
    "to a Chrome or Chromium executable): the dashboard's browser tests need one",
)
RED = "rgb(220, 38, 38)"
"""FAILED's colour (``display.palette``), as the browser computes it."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    running = Browser(CHROMIUM)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def world(omics_server: ThreadedServer, omics_server_client: Any) -> World:
    return populate(omics_server_client, omics_server.control)


@pytest.fixture
def page(browser: Browser, omics_server: ThreadedServer, world: World) -> Iterator[Page]:
    opened = browser.open(omics_server.url + "/_omics_mock/")
    opened.wait_for("document.querySelectorAll('tr.run').length > 0")
    try:
        yield opened
        assert errors(browser, opened) == []
    finally:
        opened.close()


def errors(browser: Browser, page: Page) -> list[str]:
    """JavaScript exceptions the page raised so far."""
    found = []
    while not browser.events.empty():
        event = browser.events.get()
        if event.get("sessionId") == page.session and event["method"] == "Runtime.exceptionThrown":
            found.append(json.dumps(event["params"]["exceptionDetails"])[:500])
    return found


def rows(page: Page) -> dict[str, dict[str, Any]]:
    """What each run's row shows: status, its colour, failure reason, timeline bars."""
    shown: dict[str, dict[str, Any]] = page.evaluate(
        """Object.fromEntries([...document.querySelectorAll("tr.run")].map((row) => {
             const badge = row.querySelector(".badge");
             return [row.dataset.run, {
               status: badge.textContent,
               colour: getComputedStyle(badge).backgroundColor,
               reason: row.querySelector(".reason").textContent,
               bars: row.querySelectorAll(".track .bar").length,
               name: row.querySelector(".name").textContent}];
           }))"""
    )
    return shown


def run_selector(run_id: str, inside: str) -> str:
    return f'tr.run[data-run="{run_id}"] {inside}'


def test_every_run_shows_its_status(page: Page, world: World) -> None:
    shown = rows(page)
    assert len(shown) == 10
    for status, run_id in world.runs.items():
        assert shown[run_id]["status"] == status
    assert shown[world.runs["FAILED"]]["colour"] == RED
    assert shown[world.runs["FAILED"]]["reason"] == "OutOfMemory"
    colours = {row["colour"] for row in shown.values()}
    assert len(colours) == len(world.runs)  # one colour per status
    counts = page.evaluate("document.getElementById('filters').textContent")
    assert "COMPLETED 4" in counts and "FAILED 1" in counts


def test_the_other_resources_are_listed(page: Page, world: World) -> None:
    cards = page.evaluate(
        """Object.fromEntries([...document.querySelectorAll(".card")].map(
             (card) => [card.dataset.kind, card.textContent]))"""
    )
    assert "one-at-a-time" in cards["Run groups"] and world.group in cards["Run groups"]
    assert "cohort" in cards["Batches"] and "PROCESSED" in cards["Batches"]
    assert "v2" in cards["Workflows"]
    assert "grch38" in cards["Reference stores"] and "cohort" in cards["Sequence stores"]
    assert cards["Jobs"].startswith("Jobs (0)")


def test_a_reset_empties_the_page_and_its_account_selector(
    page: Page, omics_server: ThreadedServer
) -> None:
    options = "document.querySelectorAll('#scope option').length"
    assert page.evaluate(options) == 2  # every account and Region, and the one used
    status, _, _ = call(omics_server, "POST", "/_omics_mock/reset")
    assert status == 200
    page.wait_for(f"document.querySelectorAll('tr.run').length === 0 && {options} === 1")
    assert "No account or Region has been used yet" in page.evaluate(
        "document.getElementById('backends').textContent"
    )


def test_a_timeline_has_one_bar_per_task(page: Page, world: World) -> None:
    done = world.runs["COMPLETED"]
    assert rows(page)[done]["bars"] == TASKS
    page.click(run_selector(done, "a[data-action=select]"))
    page.wait_for("document.querySelectorAll('.gantt .task-bar').length > 0")
    bars = page.evaluate(
        "[...document.querySelectorAll('.gantt .task-bar')].map((bar) => bar.title)"
    )
    assert len(bars) == TASKS
    assert bars[0].startswith("align (task ") or bars[0].startswith("align: COMPLETED")
    assert "call_variants" in bars[1]
    heading = page.evaluate("document.querySelector('#detail h3').textContent")
    assert f"Timeline of run {done}" in heading


def test_the_clock_advances_when_its_button_is_pressed(
    page: Page, omics_server: ThreadedServer
) -> None:
    before = page.evaluate("document.getElementById('clock-now').textContent")
    page.click('button[data-action=advance][data-seconds="3600"]')
    after = page.wait_for(
        f"(() => {{ const now = document.getElementById('clock-now').textContent;"
        f" return now !== {json.dumps(before)} && now; }})()"
    )
    assert parse(after) - parse(before) == _dt.timedelta(hours=1)
    assert parse(after) == omics_server.control.clock.now()


def test_a_run_fails_when_its_action_is_used(
    page: Page, world: World, omics_server_client: Any
) -> None:
    running = world.runs["RUNNING"]
    page.evaluate("document.getElementById('fail-reason').value = 'DiskFull'")
    page.click(run_selector(running, "button[data-action=fail]"))
    page.wait_for(
        f"document.querySelector('{run_selector(running, '')}').dataset.status === 'FAILED'"
    )
    shown = rows(page)[running]
    assert (shown["status"], shown["reason"], shown["colour"]) == ("FAILED", "DiskFull", RED)
    got = omics_server_client.get_run(id=running)
    assert (got["status"], got["failureReason"]) == ("FAILED", "DiskFull")
    message = page.evaluate("document.getElementById('message').textContent")
    assert message == f"Run {running}: FAILED"


def test_a_run_completes_when_its_action_is_used(page: Page, world: World) -> None:
    starting = world.runs["STARTING"]
    page.click(run_selector(starting, "button[data-action=complete]"))
    page.wait_for(
        f"document.querySelector('{run_selector(starting, '')}').dataset.status === 'COMPLETED'"
    )
    assert (
        page.evaluate(f"document.querySelector('{run_selector(starting, '.actions')}').textContent")
        == ""
    )


def test_a_status_filter_keeps_those_runs(page: Page, world: World) -> None:
    page.click('#filters button[data-status="COMPLETED"]')
    page.wait_for("document.querySelectorAll('tr.run').length === 4")
    assert {row["status"] for row in rows(page).values()} == {"COMPLETED"}
    assert page.evaluate("document.getElementById('page-info').textContent") == "1-4 of 4"


def test_ten_thousand_runs_are_shown_a_page_at_a_time(
    browser: Browser, omics_server: ThreadedServer, omics_server_client: Any, world: World
) -> None:
    many_runs(omics_server_client, omics_server.control, world.workflow, 10_000)
    opened = browser.open(omics_server.url + "/_omics_mock/")
    try:
        opened.wait_for("document.getElementById('page-info').textContent.includes('of 10010')")
        assert opened.evaluate("document.querySelectorAll('tr.run').length") == 100
        opened.click("#next")
        opened.wait_for("document.getElementById('page-info').textContent === '101-200 of 10010'")
        opened.click('#filters button[data-status="FAILED"]')
        opened.wait_for("document.getElementById('page-info').textContent === '1-100 of 1001'")
        assert {row["status"] for row in rows(opened).values()} == {"FAILED"}
        assert errors(browser, opened) == []
    finally:
        opened.close()


def test_names_are_shown_as_text(
    browser: Browser, omics_server: ThreadedServer, omics_server_client: Any, world: World
) -> None:
    evil = '<img src=x onerror="document.body.dataset.pwned = 1">'
    run = start_run(omics_server_client, world.workflow, evil)
    opened = browser.open(omics_server.url + "/_omics_mock/")
    try:
        opened.wait_for(f"document.querySelector('{run_selector(run, '.name')}') !== null")
        assert rows(opened)[run]["name"] == evil
        assert opened.evaluate("document.body.dataset.pwned === undefined")
        assert opened.evaluate("document.querySelectorAll('img').length") == 0
    finally:
        opened.close()


def test_a_screenshot_is_a_png(page: Page) -> None:
    assert page.screenshot().startswith(b"\x89PNG\r\n\x1a\n")


def parse(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
