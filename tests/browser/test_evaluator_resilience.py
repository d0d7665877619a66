"""Never a stale verdict (issue 10, item 1): when the engine stops, hangs or
fails, a result computed for earlier answers is marked out of date the
moment the answers change, is never printed, the API settles instead of
hanging, and a restart brings the engine back with the answers untouched.

The worker is stopped from Playwright, inside worker.js: `self.close()`, a
busy loop, or an uncaught error. Screenshots of the out-of-date panel go to
test-artifacts/."""

from __future__ import annotations

import re
import time

import pytest
from support.evaluator import (
    CLEAR_SCREEN, answer_all, axe_violations, click_answer, count_prints, engine_worker, form_state, message, open_evaluator,
    printed_report, settle, stale, summary, wait_new_result, wait_panel_in_view, watch_results,
)

pytestmark = pytest.mark.browser

TIMEOUT_S = 10  # REQUEST_TIMEOUT_MS in evaluator.js
# Settles (here: within 20 s, twice the engine's time limit) or says it never did.
SETTLE = """() => Promise.race([
  window.crossroads.evaluate({stage: 'existing'}).then(() => 'resolved', e => `${e.type}: ${e.message}`),
  new Promise(resolve => setTimeout(() => resolve('never settled'), 20000)),
])"""


def proceed_shown(tab) -> dict:
    result = answer_all(tab, CLEAR_SCREEN)
    assert result["overall"]["recommendation"] == "proceed"
    assert "Proceed" in tab.inner_text("#cr-rec")
    assert not stale(tab)
    return result


def assert_out_of_date_at_once(tab) -> None:
    """Right after the change, before any reply could have come."""
    assert stale(tab), "the result for the earlier answers is not marked out of date"
    assert tab.text_content("#cr-rec .cr-rec__kicker").startswith("Out of date")
    assert tab.get_attribute("#cr-results", "aria-busy") == "true" or tab.is_visible("#cr-restart")
    # The notice follows within a moment (at once when the engine is known to be down).
    tab.wait_for_selector("#cr-stale:visible", timeout=1_000)
    assert tab.text_content("#cr-stale-text").startswith("Out of date")


def assert_print_refused(tab) -> None:
    count_prints(tab)
    tab.click("#cr-print")
    assert tab.evaluate("window.__prints") == 0, "a stale result was sent to the printer"
    assert message(tab).startswith("Not printed")
    report = printed_report(tab)
    assert not re.search(r"\bProceed\b", report), f"the print report keeps the stale verdict: {report[:400]}"
    assert "No result" in report


def test_closed_worker_result_goes_out_of_date_and_restart_keeps_the_answers(new_context, evaluator_url, artifacts, cli_assess, site_config):
    tab = open_evaluator(new_context(), evaluator_url)
    proceed_shown(tab)
    worker = engine_worker(tab)
    with worker.expect_event("close"):
        worker.evaluate("() => { setTimeout(() => self.close(), 0); }")
    click_answer(tab, "unmanageable", "A")  # Geopolitical risk, unmanageable
    assert_out_of_date_at_once(tab)
    assert_print_refused(tab)

    # The API settles: rejected when the page's own request times out.
    started = time.monotonic()
    outcome = tab.evaluate(SETTLE)
    assert outcome.startswith("stopped: "), outcome
    assert time.monotonic() - started < TIMEOUT_S + 3
    tab.wait_for_selector("#cr-restart:visible", timeout=(TIMEOUT_S + 3) * 1000)
    status = tab.inner_text("#cr-status")
    assert "stopped working" in status and "no reply within 10 seconds" in status and "answers are kept" in status
    assert tab.get_attribute(".cr-engine", "data-state") == "stopped"
    assert tab.inner_text("#cr-retry") == "Restart the engine"
    assert "Restart the engine" in tab.inner_text("#cr-stale-text")
    assert summary(tab).startswith("Out of date"), summary(tab)
    # The technical detail is there, folded.
    assert tab.is_visible("#cr-stale-detail") and not tab.evaluate("document.querySelector('#cr-stale-detail').open")
    assert "assess" in tab.text_content("#cr-stale-detail .cr-detail__text")
    assert_print_refused(tab)
    tab.evaluate("document.querySelector('#cr-results').scrollIntoView()")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-out-of-date-restart.png"))
    tab.evaluate("document.querySelectorAll('#crossroads-evaluator details').forEach(d => d.open = true)")
    assert axe_violations(tab) == []

    # Restart: the answers stay, the result is computed for them.
    before = form_state(tab)
    watch_results(tab)
    n = tab.evaluate("window.__crResults.length")
    tab.click("#cr-restart")
    assert tab.evaluate("document.activeElement.id") == "cr-results-title"
    result = wait_new_result(tab, n, timeout=60_000)
    assert form_state(tab) == before
    assert result == cli_assess({"answers": before["answers"]}, site_config["profile"])
    assert result["overall"]["recommendation"] != "proceed"
    assert not stale(tab) and not tab.is_visible("#cr-stale")
    assert tab.inner_text("#cr-rec .cr-rec__label") == result["overall"]["recommendation_label"] != "Proceed"
    assert tab.get_attribute(".cr-engine", "data-state") == "ready"
    count_prints(tab)
    tab.click("#cr-print")
    assert tab.evaluate("window.__prints") == 1
    assert tab.errors == []


def test_hung_worker_is_found_by_the_request_timeout(new_context, evaluator_url, artifacts):
    tab = open_evaluator(new_context(), evaluator_url)
    proceed_shown(tab)
    engine_worker(tab).evaluate("() => { setTimeout(() => { for (;;) {} }, 0); }")
    started = time.monotonic()
    outcome = tab.evaluate(SETTLE)
    elapsed = time.monotonic() - started
    assert outcome.startswith("stopped: ") and "no reply" in outcome, outcome
    assert TIMEOUT_S - 1 <= elapsed < TIMEOUT_S + 3, elapsed
    # The answers did not change: the result shown is still theirs.
    assert not stale(tab)
    assert tab.is_visible("#cr-retry") and tab.inner_text("#cr-retry") == "Restart the engine"
    # Now they change: out of date at once, restart offered at once.
    click_answer(tab, "unmanageable", "B")
    assert_out_of_date_at_once(tab)
    assert tab.is_visible("#cr-restart")
    assert summary(tab).startswith("Out of date")
    # Later calls fail at once.
    assert tab.evaluate(SETTLE).startswith("stopped: ")
    assert_print_refused(tab)
    # On a phone, the bar at the bottom says it too.
    tab.set_viewport_size({"width": 360, "height": 780})
    tab.locator("#q-knowledge").scroll_into_view_if_needed()
    wait_panel_in_view(tab, False)
    bar = tab.inner_text(".cr-summary-bar")
    assert bar.startswith("Out of date") and "Restart the engine" in bar, bar
    tab.screenshot(path=str(artifacts / "evaluator-out-of-date-phone.png"))
    tab.set_viewport_size({"width": 1280, "height": 900})
    watch_results(tab)
    n = tab.evaluate("window.__crResults.length")
    tab.click("#cr-retry")
    result = wait_new_result(tab, n, timeout=60_000)
    assert result["overall"]["recommendation"] != "proceed"
    assert not stale(tab)
    assert tab.errors == []


def stopped_by_an_error(new_context, evaluator_url, text: str):
    """A tab showing "Proceed" whose worker then throws an uncaught error."""
    tab = open_evaluator(new_context(), evaluator_url)
    proceed_shown(tab)
    engine_worker(tab).evaluate("t => { setTimeout(() => { throw new Error(t); }, 0); }", text)
    tab.wait_for_selector("#cr-retry:visible", timeout=5_000)
    return tab


def test_worker_error_event_stops_the_engine_and_withdraws_the_verdict(new_context, evaluator_url):
    tab = stopped_by_an_error(new_context, evaluator_url, "boom from the test")
    assert tab.get_attribute(".cr-engine", "data-state") == "stopped"
    status = tab.inner_text("#cr-status")
    assert "stopped working" in status and "boom" not in status, status
    assert "boom from the test" in tab.text_content("#cr-status-detail")
    assert tab.evaluate(SETTLE).startswith("stopped: ")
    click_answer(tab, "unmanageable", "C")
    assert_out_of_date_at_once(tab)
    assert tab.is_visible("#cr-restart")
    assert_print_refused(tab)
    assert tab.errors == []


def test_restart_is_keyboard_reachable_and_announced(new_context, evaluator_url):
    tab = stopped_by_an_error(new_context, evaluator_url, "stop")
    click_answer(tab, "unmanageable", "A")
    # The panel's live region says so, and the restart button is a real button.
    live = tab.evaluate("document.querySelector('#cr-summary').getAttribute('aria-live')")
    assert live == "polite" and summary(tab).startswith("Out of date")
    tab.focus("#cr-restart")
    watch_results(tab)
    n = tab.evaluate("window.__crResults.length")
    tab.keyboard.press("Enter")
    wait_new_result(tab, n, timeout=60_000)
    assert not stale(tab)
