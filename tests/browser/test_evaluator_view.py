"""How the evaluator looks: the print report, the desktop and phone layouts
(screenshots kept in test-artifacts/), and an accessibility scan with axe-core
in the light and the dark scheme."""

from __future__ import annotations

import re

import pytest
from support.evaluator import (
    ROOT, click_answer, open_evaluator, settle, wait_answered, wait_autosaved, wait_panel_in_view, watch_results,
)

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def answer_for_screenshots(tab):
    watch_results(tab)
    tab.fill("#cr-p-name", "Sister-city agreement with Example City")
    tab.fill("#cr-p-partner", "Example City")
    tab.fill("#cr-p-date", "2026-11-22")
    for qid, value in [("stage", "proposed"), ("political_system", "non_democratic"), ("state_steering", "some"),
                       ("identity_checked", "documents"), ("national_relations", "dispute"), ("activities", "study_visits"),
                       ("investment_proposal", "no"), ("rights_record", "no"), ("competitor", "dont_know"),
                       ("knowledge", "know_how"), ("visibility", "moderate"), ("sg_gov", "yes"), ("sg_nac", "planned")]:
        click_answer(tab, qid, value)
    tab.locator("#q-political_system summary").click()
    tab.fill("#q-political_system-note", "Confirmed by the embassy in March.")
    return wait_answered(tab, 13)


@pytest.fixture(scope="module")
def view_page(browser, evaluator_url):
    """One answered evaluator tab whose size and colour scheme the tests change."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    tab = open_evaluator(context, evaluator_url)
    answer_for_screenshots(tab)
    yield tab
    context.close()


def test_print_view_holds_the_report(view_page, artifacts):
    tab = view_page
    result = tab.evaluate("window.__crResults[window.__crResults.length - 1]")
    wait_autosaved(tab)  # the report follows typing after a pause
    tab.emulate_media(media="print")
    try:
        assert tab.is_visible("#cr-report")
        for hidden in ("#cr-form", "#cr-results", ".cr-tools", ".md-header", ".md-sidebar--primary"):
            assert not tab.is_visible(hidden), hidden
        report = tab.inner_text("#cr-report")
        overall = result["overall"]
        assert overall["recommendation"] is not None
        for text in ("Sister-city agreement with Example City", "Example City", overall["recommendation_label"], overall["headline"],
                     "Method version", "Printed on", "First steps", "Answers and notes", "Confirmed by the embassy in March.",
                     "Non-democratic, centralised"):
            assert text in report, text
        # The same things as the panel and the Markdown report: what would lower it, what to find out, the first steps.
        assert result["what_if"] and "What would lower this result" in report
        for item in result["what_if"]["safeguards"]:
            assert item["short"] in report
        for move in result["what_if"]["moves"]:
            assert move["name"] in report
        assert result["to_find_out"], "the 'Don't know' answer must give something to find out"
        assert "To find out" in report
        for item in result["to_find_out"]:
            assert item["short"] in report and item["who"] in report
        for action in result["actions"]:
            assert action["text"] in report and action["who"] in report
        assert not re.search(r"\b(null|undefined|NaN)\b", report)
        for scenario in result["scenarios"]:
            assert scenario["name"] in report
            for reason in scenario["reasons"]:
                assert reason["text"] in report  # the reasons are printed, not folded away
        tab.screenshot(path=str(artifacts / "evaluator-print.png"), full_page=True)
        tab.pdf(path=str(artifacts / "evaluator-report.pdf"), format="A4")
    finally:
        tab.emulate_media(media="screen")
    assert not tab.is_visible("#cr-report")


SETTLE = """() => Promise.all(document.getAnimations()
  .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
  .map(a => a.finished.catch(() => null)))"""


def settle_transitions(tab) -> None:
    """Material's buttons change colour with a transition: wait for the colours they settle on."""
    tab.evaluate(SETTLE)


def use_scheme(tab, scheme: str) -> None:
    """Material picks its palette when the page loads: switch it as its toggle would."""
    tab.emulate_media(color_scheme=scheme)
    want = "slate" if scheme == "dark" else "default"
    dark = "rgb(30, 33, 41)"
    for _ in range(5):
        tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", want)
        try:
            tab.wait_for_function("([dark, want]) => (getComputedStyle(document.body).backgroundColor === dark) === want",
                                  arg=[dark, scheme == "dark"], timeout=3000)
            return
        except Exception:  # noqa: BLE001 - try again, then say what the page shows
            pass
    state = tab.evaluate("[document.body.getAttribute('data-md-color-scheme'), getComputedStyle(document.body).backgroundColor]")
    raise AssertionError(f"could not switch to the {scheme} scheme: body is {state}")


@pytest.mark.parametrize("name, viewport, scheme", [
    ("desktop", {"width": 1280, "height": 900}, "light"),
    ("desktop-dark", {"width": 1280, "height": 900}, "dark"),
    ("phone", {"width": 360, "height": 780}, "light"),
])
def test_layout_and_screenshots(view_page, artifacts, name, viewport, scheme):
    tab = view_page
    tab.set_viewport_size(viewport)
    use_scheme(tab, scheme)
    tab.evaluate("window.scrollTo(0, 0)")
    settle(tab)
    tab.screenshot(path=str(artifacts / f"evaluator-{name}.png"), full_page=True)
    tab.evaluate("document.querySelector('.cr-engine').scrollIntoView()")
    settle(tab)  # let the header finish its transition
    tab.screenshot(path=str(artifacts / f"evaluator-{name}-top.png"))
    form = tab.locator("#cr-form").bounding_box()
    results = tab.locator("#cr-results").bounding_box()
    overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    if viewport["width"] < 600:
        assert results["y"] >= form["y"] + form["height"], "on a phone the results come below the form"
        tab.locator("#q-knowledge").scroll_into_view_if_needed()
        wait_panel_in_view(tab, False)
        assert tab.is_visible(".cr-summary-bar__link"), "on a phone the summary stays at the bottom of the screen"
        tab.screenshot(path=str(artifacts / f"evaluator-{name}-scrolled.png"))
        tab.locator("#cr-results-title").scroll_into_view_if_needed()
        wait_panel_in_view(tab, True)
        assert not tab.is_visible(".cr-summary-bar__link")
    else:
        assert results["x"] >= form["x"] + form["width"], "on a wide screen the results sit beside the form"
        tab.locator("#q-sg_monitoring").scroll_into_view_if_needed()
        settle(tab)
        top = tab.locator("#cr-results").bounding_box()["y"]
        assert 0 <= top < viewport["height"] / 2, "the results panel stays in view (sticky)"
        tab.screenshot(path=str(artifacts / f"evaluator-{name}-scrolled.png"))
    assert tab.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_scan(view_page, scheme):
    assert AXE.exists(), "node_modules/axe-core is missing: run 'npm ci'"
    tab = view_page
    tab.set_viewport_size({"width": 1280, "height": 900})
    use_scheme(tab, scheme)
    tab.evaluate("document.querySelectorAll('#crossroads-evaluator details').forEach(d => d.open = true)")
    settle_transitions(tab)
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.add_script_tag(path=str(AXE))
    found = tab.evaluate("""async () => {
      const r = await axe.run('#crossroads-evaluator', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
      return r.violations.map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    assert found == []
