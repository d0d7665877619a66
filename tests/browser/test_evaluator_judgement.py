"""What the results panel says, method 2: no verdict before the short screen
is answered, "Proceed" recorded on a clear screen, the recommendation in
words, what would lower it, what to find out, stage-aware first steps, and
answers carried over from an earlier method version. Screenshots of the
empty form, the clear screen and the port case go to test-artifacts/."""

from __future__ import annotations

import json
import re

import pytest
from support.evaluator import (
    clear_form, click_answer, form_state, message, open_evaluator, settle, stored, wait_answered, wait_idle, wait_new_result,
    wait_panel_in_view, watch_results, write_json,
)

pytestmark = pytest.mark.browser

# The short screen of an ordinary school exchange (issue 9).
SCHOOL_SCREEN = {"stage": "existing", "political_system": "democracy", "identity_checked": "independent",
                 "national_relations": "good", "activities": ["culture"], "investment_proposal": "no",
                 "visibility": "moderate", "rights_record": "no"}

# A proposed port investment from a state-steered partner, no sanctions (issue 9).
PORT = {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
        "national_relations": "good", "activities": ["investment"], "investment_proposal": "proposed",
        "strategic_assets": ["port"], "visibility": "moderate", "rights_record": "no"}

NO_CODES = re.compile(r"\b(null|undefined|NaN)\b|\[object Object\]")


def click_all(tab, answers: dict) -> dict:
    """Answer by clicking labels, as a reader does; return the panel's result for them."""
    watch_results(tab)
    count = 0
    for qid, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            click_answer(tab, qid, item)
        count += 1
    return wait_answered(tab, count)


def open_file(tab, tmp_path, doc: dict, name: str = "assessment.json") -> None:
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.set_input_files("#cr-open-file", write_json(tmp_path / name, doc))
    tab.wait_for_function("document.querySelector('#cr-message').textContent !== ''")


def panel_text(tab) -> str:
    tab.evaluate("document.querySelectorAll('#cr-results details').forEach(d => d.open = true)")
    return tab.inner_text("#cr-results")


def screen_ids(questions) -> list[str]:
    return [q["id"] for q in questions if q.get("screen")]


def test_empty_form_gives_no_recommendation(new_context, evaluator_url, questions, artifacts):
    """(a) An empty questionnaire: no verdict in the panel, nor in the phone's summary bar."""
    screen = screen_ids(questions)
    assert 1 <= len(screen) <= 8
    tab = open_evaluator(new_context(), evaluator_url)
    rec = tab.inner_text("#cr-rec")
    assert "No recommendation yet" in rec
    assert f"Answer the {len(screen)} screening questions to see a recommendation" in rec
    links = tab.eval_on_selector_all("#cr-rec a", "els => els.map(a => a.getAttribute('href'))")
    assert links == [f"#q-{qid}" for qid in screen]
    panel = panel_text(tab)
    for verdict in ("Proceed", "Pause", "Disengage", "Low", "Medium", "High", "Critical"):
        assert not re.search(rf"\b{verdict}\b", panel), f"an empty form shows {verdict!r}"
    assert not tab.is_visible("#cr-levels") and not tab.is_visible("#cr-whatif-section")
    assert "No recommendation yet" in tab.inner_text("#cr-summary")
    assert not NO_CODES.search(panel)
    # The screen questions are marked in the form, and listed at its top.
    marked = tab.eval_on_selector_all(".cr-question:has(.cr-screen-badge)", "els => els.map(e => e.dataset.question)")
    assert marked == screen
    assert tab.eval_on_selector_all("#cr-screen-intro a", "els => els.length") == len(screen)
    tab.evaluate("document.querySelector('#cr-screen-intro').scrollIntoView()")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-empty.png"))
    # A missing question's link takes the reader to it.
    tab.click("#cr-rec a[href='#q-identity_checked']")
    assert tab.evaluate("document.activeElement.name") == "identity_checked"

    # On a phone the summary bar stays at the bottom: it says what is missing, not a verdict.
    tab.set_viewport_size({"width": 360, "height": 780})
    tab.locator("#q-knowledge").scroll_into_view_if_needed()
    wait_panel_in_view(tab, False)
    assert tab.is_visible(".cr-summary-bar__link")
    bar = tab.inner_text(".cr-summary-bar")
    assert "No recommendation yet" in bar and f"Answer the {len(screen)} screening questions" in bar
    assert not re.search(r"\b(Proceed|Low)\b", bar)
    tab.screenshot(path=str(artifacts / "evaluator-empty-phone.png"))
    tab.click(".cr-summary-bar__link")
    assert tab.evaluate("document.activeElement.name") == screen[0]
    assert tab.errors == []


def test_partial_screen_names_what_is_missing(shared_page):
    tab = shared_page
    clear_form(tab)
    answers = dict(SCHOOL_SCREEN)
    del answers["rights_record"], answers["visibility"]
    result = click_all(tab, answers)
    assert result["overall"]["recommendation"] is None
    assert result["screen"]["missing"] == ["visibility", "rights_record"]
    rec = tab.inner_text("#cr-rec")
    assert "No recommendation yet" in rec and "Answer the 2 remaining screening questions" in rec
    assert tab.eval_on_selector_all("#cr-rec a", "els => els.map(a => a.getAttribute('href'))") == ["#q-visibility", "#q-rights_record"]
    # Two missing: the summary (and the phone's bar) names them.
    summary = tab.inner_text("#cr-summary")
    assert "No recommendation yet" in summary and "Public visibility" in summary
    assert not re.search(r"\bProceed\b", tab.inner_text("#cr-results"))
    clear_form(tab)


def test_school_exchange_screen_gives_proceed(shared_page):
    """(b) Only the short screen of an ordinary school exchange: 'Proceed', in words."""
    tab = shared_page
    clear_form(tab)
    result = click_all(tab, SCHOOL_SCREEN)
    assert result["screen"]["complete"] and result["overall"]["recommendation"] == "proceed"
    label = tab.inner_text("#cr-rec .cr-rec__label")
    assert label == "Proceed" == result["overall"]["recommendation_label"]
    assert result["overall"]["headline"] in tab.inner_text("#cr-rec")
    assert "Proceed" in tab.inner_text("#cr-summary")
    # The panel follows the engine's reading of the screen: clear, or what it flagged.
    if result["screen"]["clear"]:
        assert tab.is_visible("#cr-record-proceed")
    else:
        assert not tab.is_visible("#cr-record-proceed")
        flagged = panel_text(tab)
        assert result["screen"]["text"] in flagged
        for concern in result["screen"]["concerns"]:
            assert concern in flagged
    clear_form(tab)


def test_clear_screen_records_proceed(new_context, evaluator_url, artifacts):
    """(b) A screen with nothing of concern: the reader can record 'Proceed' and stop, or go on."""
    tab = open_evaluator(new_context(), evaluator_url)
    result = click_all(tab, dict(SCHOOL_SCREEN, visibility="low"))
    assert result["screen"]["clear"] is True
    assert result["overall"]["recommendation"] == "proceed"
    panel = tab.inner_text("#cr-rec")
    assert "Proceed" in panel and result["screen"]["text"] in panel
    assert tab.is_visible("#cr-record-proceed")
    go_on = tab.get_attribute("#cr-rec a:text('full questionnaire')", "href")
    assert go_on.startswith("#q-") and go_on[3:] not in SCHOOL_SCREEN
    tab.evaluate("document.querySelector('#cr-results').scrollIntoView()")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-screen-clear.png"))
    # Keyboard: the control is a button reached and pressed like any other.
    tab.focus("#cr-record-proceed")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#cr-proceed-recorded")
    assert tab.evaluate("document.activeElement.id") == "cr-proceed-recorded"
    note = tab.input_value("#cr-p-note")
    assert note.startswith("Decision recorded on ") and "Proceed" in note and "short screen" in note
    assert note in tab.inner_text("#cr-proceed-recorded")
    assert "recorded" in message(tab)
    tab.wait_for_function("() => Object.values(localStorage).some(v => v.includes('Decision recorded on'))")
    saved = [json.loads(v) for k, v in stored(tab).items() if k.startswith("crossroads")]
    assert saved and saved[0]["partnership"]["note"] == note
    assert not tab.is_visible("#cr-record-proceed"), "once recorded, the panel says so instead of offering it again"
    tab.emulate_media(media="print")
    assert note in tab.inner_text("#cr-report")
    tab.emulate_media(media="screen")
    assert tab.errors == []


@pytest.mark.parametrize("kind", ["first", "riskiest"])
def test_complete_assessment_prints_no_null(shared_page, questions, tmp_path, kind):
    """(c) A complete assessment: every section filled, never a literal null."""
    tab = shared_page
    clear_form(tab)
    watch_results(tab)
    if kind == "first":
        answers = {q["id"]: q["options"][0]["value"] if q["type"] == "single" else [q["options"][0]["value"]] for q in questions}
    else:
        answers = {q["id"]: q["options"][-1]["value"] if q["type"] == "single" else [o["value"] for o in q["options"] if not o.get("exclusive")]
                   for q in questions}
    open_file(tab, tmp_path, {"answers": answers})
    tab.wait_for_function("() => window.__crResults.length && window.__crResults[window.__crResults.length - 1].complete")
    result = tab.evaluate("window.__crResults[window.__crResults.length - 1]")
    assert result["overall"]["status"] == "complete" and result["overall"]["recommendation"] is not None
    panel = panel_text(tab)
    assert f"{result['answered']} of {result['visible']} questions answered. The assessment is complete." in panel
    assert not NO_CODES.search(panel), NO_CODES.search(panel)
    assert not NO_CODES.search(tab.inner_text("#cr-summary"))
    if kind == "riskiest":
        assert result["overall"]["recommendation"] == "disengage"
        assert result["what_if"]["status"] == "floor"
        assert "No safeguard can lower this recommendation" in tab.inner_text("#cr-whatif")
        for floor in result["what_if"]["floors"]:
            assert floor["text"] in tab.inner_text("#cr-whatif")
    clear_form(tab)


def test_port_investment_actions_fit_the_stage(shared_page, artifacts):
    """(d) A proposed port investment: nothing to stop or secure yet, at most five first steps, in words."""
    tab = shared_page
    clear_form(tab)
    result = click_all(tab, PORT)
    assert result["overall"]["recommendation"] == "pause_and_consult"
    rec = tab.inner_text("#cr-rec")
    assert "Pause and consult" in rec and result["overall"]["headline"] in rec
    assert "Escalate" not in panel_text(tab)
    actions = tab.inner_text("#cr-actions")
    assert not re.search(r"stop the exchanges|secure what was shared", actions, re.I)
    first = tab.query_selector_all("#cr-actions > ol > li")
    assert 1 <= len(first) <= 5
    assert [li.inner_text().split("\n")[0] for li in first] == [a["text"] for a in result["actions"] if a["first"]]
    assert tab.inner_text("#cr-actions-title") == "First steps"
    rest = [a for a in result["actions"] if not a["first"]]
    if rest:
        assert f"All actions ({len(rest)} more)" in tab.inner_text("#cr-actions summary")
    for action in result["actions"]:
        assert f"With: {action['who']}" in actions
    tab.evaluate("document.querySelector('#cr-results').scrollIntoView(); document.querySelector('#cr-results').scrollTop = 0")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-port.png"))
    tab.evaluate("document.querySelector('#cr-whatif-section').scrollIntoView()")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-port-whatif.png"))

    # The same partner, running, with economic risk reported unmanageable: now there is something to stop.
    click_answer(tab, "stage", "existing")
    click_answer(tab, "unmanageable", "B")
    running = wait_answered(tab, len(PORT) + 1)
    assert running["overall"]["recommendation"] == "disengage"
    assert re.search(r"stop the exchanges", tab.inner_text("#cr-actions"), re.I)
    clear_form(tab)


def test_port_investment_what_if_lists_safeguards(shared_page):
    """(e) What would lower the port case: its safeguards, as links to their questions, and the levels that move."""
    tab = shared_page
    clear_form(tab)
    result = click_all(tab, PORT)
    what_if = result["what_if"]
    assert what_if["status"] == "lowers" and what_if["safeguards"]
    assert tab.is_visible("#cr-whatif-section")
    assert tab.inner_text("#cr-whatif-title") == "What would lower this result"
    text = tab.inner_text("#cr-whatif")
    assert what_if["target_label"] in text
    links = tab.eval_on_selector_all("#cr-whatif a", "els => els.map(a => [a.getAttribute('href'), a.textContent])")
    assert links == [[f"#q-{s['question']}", s["short"]] for s in what_if["safeguards"]]
    assert {s["question"] for s in what_if["safeguards"]} >= {"sg_gov", "sg_screening"}
    for move in what_if["moves"]:
        assert f"{move['scenario']} {move['name']}" in text
    # Following a link lands on the safeguard's question.
    first = what_if["safeguards"][0]["question"]
    tab.click(f"#cr-whatif a[href='#q-{first}']")
    assert tab.evaluate("document.activeElement.name") == first
    # Putting those safeguards in place lowers the recommendation, as announced.
    for item in what_if["safeguards"]:
        click_answer(tab, item["question"], item["to"])
    lowered = wait_answered(tab, len(PORT) + len(what_if["safeguards"]))
    assert lowered["overall"]["recommendation"] == what_if["target"]
    assert what_if["target_label"] in tab.inner_text("#cr-rec .cr-rec__label")
    clear_form(tab)


def test_dont_know_answers_are_things_to_find_out(shared_page):
    tab = shared_page
    clear_form(tab)
    result = click_all(tab, dict(SCHOOL_SCREEN, political_system="dont_know"))
    assert result["to_find_out"]
    assert tab.is_visible("#cr-findout-section")
    text = tab.inner_text("#cr-findout")
    for item in result["to_find_out"]:
        assert item["short"] in text and item["answer_label"] in text and item["who"] in text
    assert tab.eval_on_selector_all("#cr-findout a", "els => els.map(a => a.getAttribute('href'))") == \
        [f"#q-{item['question']}" for item in result["to_find_out"]]
    clear_form(tab)
    assert not tab.is_visible("#cr-findout-section")


OLD_FILE = {
    "format": "crossroads-assessment",
    "method_version": "1.0.0",
    "partnership": {"name": "Twinning saved in 2025"},
    "answers": {"stage": "existing", "unmanageable": ["none"], "political_system": "hybrid", "state_steering": "some",
                "identity_checked": "documents", "national_relations": "sanctions", "sanctions_restrict": "unclear",
                "activities": ["study_visits"], "investment_proposal": "no", "visibility": "low", "rights_record": "no"},
    "notes": {"sanctions_restrict": "Asked the ministry in 2025."},
}


def test_old_saved_file_is_carried_over(new_context, evaluator_url, tmp_path, cli_assess, site_config):
    """(f) A file of method version 1.0.0 opens; the panel says it was carried over."""
    tab = open_evaluator(new_context(), evaluator_url)
    watch_results(tab)
    open_file(tab, tmp_path, OLD_FILE, "old.json")
    assert "Opened" in message(tab) and "carried over from method version 1.0.0" in message(tab)
    state = form_state(tab)
    assert state["answers"]["sanctions_restrict"] == "dont_know"
    assert state["notes"] == OLD_FILE["notes"]
    result = wait_answered(tab, len(OLD_FILE["answers"]))
    assert result == cli_assess({"answers": state["answers"]}, site_config["profile"])
    rec = tab.inner_text("#cr-rec")
    assert "Carried over from method version 1.0.0" in rec
    expected = cli_assess(OLD_FILE, None)
    assert expected["migrated_from"] == "1.0.0"
    for line in expected["migration"]:
        assert line in rec
    # The "Don't know" it became is something to find out, with who can tell.
    found = {item["question"]: item for item in result["to_find_out"]}
    assert "sanctions_restrict" in found
    assert found["sanctions_restrict"]["short"] in tab.inner_text("#cr-findout")
    assert found["sanctions_restrict"]["who"] in tab.inner_text("#cr-findout")
    # Printed too.
    tab.emulate_media(media="print")
    assert "Carried over from method version" in tab.inner_text("#cr-report")
    tab.emulate_media(media="screen")
    # Saved again, it is a file of this version.
    with tab.expect_download() as download:
        tab.click("#cr-save")
    path = tmp_path / "again.json"
    download.value.save_as(path)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["method_version"] == result["method_version"] and again["answers"]["sanctions_restrict"] == "dont_know"
    assert tab.errors == []


def test_old_share_link_and_stored_answers_are_carried_over(new_context, evaluator_url):
    import base64

    context = new_context()
    code = base64.urlsafe_b64encode(json.dumps({k: OLD_FILE[k] for k in ("format", "method_version", "answers")}).encode()).decode().rstrip("=")
    tab = open_evaluator(context, evaluator_url + "#a=" + code)
    tab.wait_for_function("() => !location.hash && document.querySelector('#cr-message').textContent.includes('Opened')")
    assert "carried over from method version 1.0.0" in message(tab)
    assert form_state(tab)["answers"]["sanctions_restrict"] == "dont_know"
    tab.wait_for_function("() => document.querySelector('#cr-rec').textContent.includes('Carried over from method version 1.0.0')")

    # Answers stored in this browser by the earlier version come back once, carried over, under the new key.
    tab.evaluate("""doc => { localStorage.clear(); localStorage.setItem('crossroads:evaluator:1.0.0', JSON.stringify(doc)); }""", OLD_FILE)
    tab.reload()
    tab.evaluate("window.crossroads.ready")
    assert form_state(tab)["answers"]["sanctions_restrict"] == "dont_know"
    assert "carried over from method version 1.0.0" in message(tab)
    keys = [k for k in stored(tab) if k.startswith("crossroads")]
    assert keys == [f"crossroads:evaluator:{tab.evaluate('window.crossroads.method_version')}"]
    tab.wait_for_function("() => document.querySelector('#cr-rec').textContent.includes('Carried over from method version 1.0.0')")
    assert tab.errors == []


def test_markdown_report_without_a_verdict(shared_page, tmp_path):
    tab = shared_page
    clear_form(tab)
    with tab.expect_download() as report:
        tab.click("#cr-report-md")
    path = tmp_path / "report.md"
    report.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "No recommendation yet" in text
    tab.emulate_media(media="print")
    assert "No recommendation yet" in tab.inner_text("#cr-report")
    tab.emulate_media(media="screen")


def test_result_is_never_shown_for_other_answers(shared_page):
    """Answers given faster than the engine: each result shown matches the form at that moment."""
    tab = shared_page
    clear_form(tab)
    tab.evaluate("""() => {
      window.__crMismatch = [];
      document.querySelector('#crossroads-evaluator').addEventListener('crossroads:result', e => {
        const shown = [...document.querySelectorAll('#cr-form .cr-question:not([hidden])')]
          .filter(q => q.querySelector('.cr-options input:checked')).length;
        if (shown !== e.detail.result.answered) window.__crMismatch.push([shown, e.detail.result.answered]);
      });
    }""")
    # Dispatch every change at once, without waiting for the engine in between.
    tab.evaluate("""answers => {
      for (const [qid, values] of Object.entries(answers)) {
        for (const value of [].concat(values)) {
          const input = document.querySelector(`#q-${qid} input[value="${value}"]`);
          input.checked = true;
          input.dispatchEvent(new Event('change', {bubbles: true}));
        }
      }
    }""", PORT)
    wait_answered(tab, len(PORT))
    wait_idle(tab)
    assert tab.evaluate("window.__crMismatch") == []
    assert "Pause and consult" in tab.inner_text("#cr-rec")
    clear_form(tab)


def case_links(site_root_url) -> dict[str, str]:
    """Every case page's "open in the evaluator" fragment, by case page."""
    import urllib.request

    def get(url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")

    index = get(site_root_url + "/cases/")
    pages = sorted(set(re.findall(r'href="([a-z0-9-]+/)"', index)))
    links = {}
    for page in pages:
        found = re.search(r'evaluator/(#a=[A-Za-z0-9_-]+)"', get(f"{site_root_url}/cases/{page}"))
        if found:
            links[page.rstrip("/")] = found.group(1)
    return links


def test_case_pages_open_in_the_evaluator(shared_page, site_root_url, evaluator_url, site_config, cli_assess):
    """Each case page's link loads its answers here, with the same result as the command line."""
    import base64

    links = case_links(site_root_url)
    assert links, "no case page links to the evaluator"
    tab = shared_page
    for case, fragment in links.items():
        clear_form(tab)
        n = tab.evaluate("window.__crResults.length")
        tab.goto(evaluator_url + fragment)
        tab.wait_for_function("() => !location.hash")
        assert "Opened the answers from the link" in message(tab), case
        code = fragment[3:]
        doc = json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)).decode("utf-8"))
        shown = wait_new_result(tab, n)
        expected = cli_assess(doc, site_config["profile"])
        assert shown["overall"] == expected["overall"], case
        assert not NO_CODES.search(tab.inner_text("#cr-results")), case
    clear_form(tab)
    assert tab.errors == []
