"""Saving and opening assessment files, and the Markdown report.

Every file in fixtures/bad/ is refused with a visible message while the
answers already in the form stay exactly as they were: once when the engine
is ready, and once opened before it has started (the file waits for the
engine, which alone checks it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.evaluator import (
    clear_form, cli, click_answer, form_state, message, open_evaluator, wait_answered, watch_results, write_json,
)

pytestmark = pytest.mark.browser

BAD = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.json"))


def test_there_are_enough_bad_files():
    assert len(BAD) >= 10


def fill(tab):
    watch_results(tab)
    click_answer(tab, "stage", "existing")
    click_answer(tab, "unmanageable", "none")
    click_answer(tab, "identity_checked", "self")
    tab.fill("#cr-p-name", "Delegation visit")
    tab.locator("#q-identity_checked summary").click()
    tab.fill("#q-identity_checked-note", "Only their own letterhead so far.")
    wait_answered(tab, 3)


@pytest.fixture(scope="module")
def filled_page(shared_page):
    clear_form(shared_page)
    fill(shared_page)
    state = form_state(shared_page)
    yield shared_page, state
    clear_form(shared_page)


def refuse(tab, path: Path, before: dict) -> str:
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.set_input_files("#cr-open-file", str(path))
    tab.wait_for_function("document.querySelector('#cr-message').textContent !== ''")
    text = message(tab)
    assert tab.is_visible("#cr-message")
    assert "could not be opened" in text and "unchanged" in text, text
    assert tab.get_attribute("#cr-message", "data-kind") == "error"
    assert form_state(tab) == before
    return text


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_is_refused(filled_page, path):
    tab, before = filled_page
    refuse(tab, path, before)


def test_huge_file_is_refused(filled_page, tmp_path):
    tab, before = filled_page
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"answers": {}, "notes": {"stage": "x" * 3_000_000}}), encoding="utf-8")
    assert "larger than any Crossroads assessment" in refuse(tab, huge, before)


def test_bad_files_opened_before_the_engine_is_ready_are_refused(new_context, evaluator_url):
    """The engine checks every file: opened while it starts, a file waits for it
    (the reader is told), the form does not change, and each bad file is then refused."""
    context = new_context()
    held = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    tab = open_evaluator(context, evaluator_url, wait_ready=False)
    click_answer(tab, "political_system", "hybrid")
    click_answer(tab, "state_steering", "close")
    before = form_state(tab)
    tab.evaluate("""() => {
      window.__said = [];
      new MutationObserver(() => window.__said.push(document.querySelector('#cr-message').textContent))
        .observe(document.querySelector('#cr-message'), {childList: true, characterData: true, subtree: true});
    }""")
    for path in BAD:
        tab.set_input_files("#cr-open-file", str(path))
        tab.wait_for_function("name => window.__said.some(s => s.includes(name))", arg=path.name)
        assert form_state(tab) == before
    assert tab.evaluate("document.querySelector('#crossroads-evaluator').dataset.engine") == "loading"
    tab.wait_for_function("() => window.__said.length > 0")
    for route in held:
        route.continue_()
    tab.evaluate("window.crossroads.ready")
    for path in BAD:
        tab.wait_for_function("name => window.__said.some(s => s.includes(`“${name}” could not be opened`))", arg=path.name)
    said = tab.evaluate("window.__said")
    for path in BAD:
        refused = [s for s in said if f"“{path.name}” could not be opened" in s]
        assert len(refused) == 1 and "unchanged" in refused[0], (path.name, said)
    assert form_state(tab) == before
    assert tab.errors == []


def test_save_then_open_round_trip(filled_page, tmp_path, site_config, cli_assess):
    tab, before = filled_page
    with tab.expect_download() as download:
        tab.click("#cr-save")
    assert download.value.suggested_filename.startswith("crossroads-delegation-visit-")
    path = tmp_path / "saved.json"
    download.value.save_as(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert set(saved) == {"format", "method_version", "profile", "partnership", "answers", "notes", "saved_at"}
    assert saved["format"] == "crossroads-assessment"
    assert saved["method_version"] == site_config["method_version"]
    assert saved["profile"] == site_config["profile"]
    assert saved["answers"] == before["answers"] and saved["notes"] == before["notes"]
    assert saved["partnership"] == before["partnership"]

    clear_form(tab)
    tab.set_input_files("#cr-open-file", str(path))  # an empty form: no question asked
    tab.wait_for_function("document.querySelector('#cr-message').textContent.includes('Opened')")
    assert form_state(tab) == before
    shown = wait_answered(tab, 3)
    assert shown == cli_assess(saved, None)


def test_opening_asks_before_replacing(filled_page, tmp_path):
    tab, before = filled_page
    other = write_json(tmp_path / "other.json", {"answers": {"stage": "proposed"}})
    tab.once("dialog", lambda dialog: dialog.dismiss())
    tab.set_input_files("#cr-open-file", other)
    tab.wait_for_function("document.querySelector('#cr-message').textContent.includes('cancelled')")
    assert form_state(tab) == before


def test_markdown_report_is_the_engines(filled_page, tmp_path):
    tab, _ = filled_page
    with tab.expect_download() as saved:
        tab.click("#cr-save")
    saved_path = tmp_path / "saved.json"
    saved.value.save_as(saved_path)
    with tab.expect_download() as report:
        tab.click("#cr-report-md")
    assert report.value.suggested_filename.endswith(".md")
    report_path = tmp_path / "report.md"
    report.value.save_as(report_path)
    done = cli("assess", str(saved_path), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert report_path.read_text(encoding="utf-8") == done.stdout
    assert "# City diplomacy risk assessment: Delegation visit" in done.stdout
