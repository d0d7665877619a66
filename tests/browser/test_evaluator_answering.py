"""Answering the questionnaire: by mouse and by keyboard, before and after the
engine is ready, conditional questions, "none of these", and an engine that
fails to start."""

from __future__ import annotations

import pytest
from support.evaluator import clear_form, click_answer, form_state, open_evaluator, results_count, summary, wait_answered, wait_new_result

pytestmark = pytest.mark.browser

# The short screen of an ordinary partnership, less the question a test answers itself.
CALM_SCREEN = {"stage": "proposed", "political_system": "democracy", "identity_checked": "independent", "national_relations": "good",
               "activities": "culture", "investment_proposal": "no", "visibility": "low", "rights_record": "no"}


def answer_screen(tab, skip=()):
    for qid, value in CALM_SCREEN.items():
        if qid not in skip:
            click_answer(tab, qid, value)


def test_mouse_answers_change_the_result(shared_page):
    tab = shared_page
    clear_form(tab)
    first = summary(tab)
    assert "0 of" in first and "questions answered" in first
    n = results_count(tab)
    click_answer(tab, "political_system", "non_democratic")
    result = wait_new_result(tab, n)
    assert result["answered"] == 1
    n = results_count(tab)
    click_answer(tab, "national_relations", "armed_conflict")
    click_answer(tab, "knowledge", "proprietary")
    result = wait_answered(tab, 3)
    assert summary(tab) != first
    # Three answers leave the short screen unanswered: no verdict, and the summary says what is missing.
    assert result["overall"]["recommendation"] is None and result["overall"]["status"] == "screen"
    assert "No recommendation yet" in summary(tab)
    assert f"Answer the {len(result['screen']['missing'])} remaining screening questions" in summary(tab)
    assert "3 of" in summary(tab)
    assert tab.is_visible("#q-state_steering"), "a question shown by an answer must appear"
    clear_form(tab)
    assert tab.errors == []


def test_keyboard_only_answering(shared_page):
    tab = shared_page
    clear_form(tab)
    answer_screen(tab, skip=("stage",))
    wait_answered(tab, len(CALM_SCREEN) - 1)
    n = results_count(tab)
    # From the last partnership field, Tab reaches the first question's options.
    tab.focus("#cr-p-note")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.name") == "stage"
    tab.keyboard.press("Space")
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate("document.activeElement.value") == "existing"
    result = wait_answered(tab, len(CALM_SCREEN))
    assert form_state(tab)["answers"]["stage"] == "existing"
    assert tab.is_visible("#q-unmanageable")
    # Tab onwards until the checkbox of the question that just appeared.
    for _ in range(6):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.name") == "unmanageable":
            break
    assert tab.evaluate("document.activeElement.name") == "unmanageable"
    n = results_count(tab)
    tab.keyboard.press("Tab")  # "None of these" -> Geopolitical Risk
    tab.keyboard.press("Space")
    result = wait_new_result(tab, n)
    assert result["overall"]["recommendation"] == "disengage"
    assert "Disengage" in summary(tab)
    # The focused control shows a visible focus ring.
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    clear_form(tab)
    assert tab.errors == []


def test_buttons_and_fields_are_labelled(shared_page):
    unlabelled = shared_page.evaluate("""() => {
      const out = [];
      for (const el of document.querySelectorAll('#crossroads-evaluator :is(input, textarea, button, select)')) {
        if (el.type === 'file') continue;  // opened by the labelled "Open a file" button
            if (el.type === 'hidden') continue;  // not a control (the register's id of the partnership)
        const name = el.labels && el.labels.length ? el.labels[0].textContent.trim()
          : (el.getAttribute('aria-label') || el.textContent || '').trim();
        if (!name) out.push(el.id || el.outerHTML.slice(0, 80));
      }
      return out;
    }""")
    assert unlabelled == []


def test_questionnaire_is_usable_before_the_engine(new_context, evaluator_url):
    """Hold back the WebAssembly download: the form must work meanwhile."""
    context = new_context()
    held = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    tab = open_evaluator(context, evaluator_url, wait_ready=False)
    tab.wait_for_function("() => document.querySelector('#crossroads-evaluator').dataset.engine === 'loading'")
    assert "Loading the scoring engine" in tab.inner_text("#cr-status")
    assert not tab.is_visible("#q-state_steering")
    click_answer(tab, "political_system", "hybrid")
    assert tab.is_visible("#q-state_steering"), "show_if must work without the engine"
    click_answer(tab, "activities", "study_visits")
    click_answer(tab, "activities", "investment")
    assert tab.is_disabled("#cr-report-md")
    assert held, "the runtime download was not intercepted"
    for route in held:
        route.continue_()
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function("() => /2 of \\d+ questions answered/.test(document.querySelector('#cr-summary').textContent)")
    assert "ready" in tab.inner_text("#cr-status")
    assert tab.is_enabled("#cr-report-md")
    assert tab.errors == []


def test_none_of_these_is_exclusive(shared_page):
    tab = shared_page
    click_answer(tab, "requests", "visa_letters")
    click_answer(tab, "requests", "fees")
    assert form_state(tab)["answers"]["requests"] == ["visa_letters", "fees"]
    click_answer(tab, "requests", "none")
    assert form_state(tab)["answers"]["requests"] == ["none"]
    click_answer(tab, "requests", "haste")
    assert form_state(tab)["answers"]["requests"] == ["haste"]
    tab.click("#q-requests [data-clear]")
    assert "requests" not in form_state(tab)["answers"]


def test_hidden_questions_do_not_count(shared_page):
    tab = shared_page
    clear_form(tab)
    answer_screen(tab, skip=("national_relations",))
    wait_answered(tab, len(CALM_SCREEN) - 1)
    click_answer(tab, "national_relations", "sanctions")
    click_answer(tab, "sanctions_restrict", "yes")
    result = wait_answered(tab, len(CALM_SCREEN) + 1)
    assert result["overall"]["recommendation"] == "disengage"
    assert "Disengage" in tab.inner_text("#cr-rec")
    click_answer(tab, "national_relations", "good")
    result = wait_answered(tab, len(CALM_SCREEN))
    assert not tab.is_visible("#q-sanctions_restrict")
    assert "sanctions_restrict" not in result["unanswered"]
    assert result["overall"]["recommendation"] not in (None, "disengage")
    click_answer(tab, "national_relations", "sanctions")
    tab.click("#q-sanctions_restrict [data-clear]")
    tab.click("#q-national_relations [data-clear]")
    assert "sanctions_restrict" not in form_state(tab)["answers"] and "national_relations" not in form_state(tab)["answers"]
    clear_form(tab)
    assert form_state(tab)["answers"] == {}


def test_unanswered_links_jump_to_the_question(shared_page):
    tab = shared_page
    tab.evaluate("document.querySelectorAll('#cr-results details').forEach(d => d.open = true)")
    link = tab.locator("#cr-progress a[href='#q-identity_checked']")
    link.click()
    assert tab.evaluate("document.activeElement.name") == "identity_checked"


def test_failed_engine_says_why_and_retries(new_context, evaluator_url):
    context = new_context()
    context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    tab = open_evaluator(context, evaluator_url, wait_ready=False)
    tab.wait_for_selector("#cr-retry:visible", timeout=30_000)
    status = tab.inner_text("#cr-status")
    assert "could not start" in status
    assert tab.evaluate("window.crossroads.ready.then(() => 'ready', e => e.message)").startswith("the scoring engine could not start")
    click_answer(tab, "stage", "proposed")  # the form still works
    context.unroute("**/pyodide.asm.wasm")
    tab.click("#cr-retry")
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function("() => /1 of \\d+ questions answered/.test(document.querySelector('#cr-summary').textContent)")
    assert not tab.is_visible("#cr-retry")
