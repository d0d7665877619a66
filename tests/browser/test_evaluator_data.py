"""The reader's data stays theirs: autosave and reload, erase, "don't store",
share links in the URL fragment, and no request to any other origin."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest
from support.evaluator import (
    RequestLog, click_answer, evaluator_keys, form_state, message, open_evaluator, stored, wait_answered, wait_autosaved,
    wait_scored, watch_results,
)

pytestmark = pytest.mark.browser


def answer_some(tab):
    watch_results(tab)
    click_answer(tab, "political_system", "non_democratic")
    click_answer(tab, "activities", "study_visits")
    click_answer(tab, "activities", "funding")
    click_answer(tab, "sg_gov", "planned")
    tab.fill("#cr-p-name", "Twinning with Example City")
    tab.fill("#cr-p-partner", "Example City")
    tab.locator("#q-political_system summary").click()
    tab.fill("#q-political_system-note", "Checked with the embassy.\nSecond line.")
    return wait_answered(tab, 3)


def wait_stored(tab):
    tab.wait_for_function("""() => Object.keys(localStorage).some(k => k.startsWith('crossroads')
        && localStorage.getItem(k).includes('Second line'))""")


def test_reload_restores_then_erase_removes(new_context, evaluator_url, site_config):
    tab = open_evaluator(new_context(), evaluator_url)
    result = answer_some(tab)
    wait_stored(tab)
    before = form_state(tab)
    shown = tab.inner_text("#cr-summary")
    keys = evaluator_keys(tab)
    assert keys == [f"crossroads:evaluator:{site_config['method_version']}"]
    saved = json.loads(stored(tab)[keys[0]])
    assert saved["format"] == "crossroads-assessment" and saved["answers"] == before["answers"]

    tab.reload()
    tab.evaluate("window.crossroads.ready")
    wait_scored(tab)
    assert form_state(tab) == before
    assert tab.is_visible("#q-state_steering")
    assert tab.evaluate("document.querySelector('#q-political_system details').open")
    tab.wait_for_function("s => document.querySelector('#cr-summary').textContent === s", arg=shown)
    # These answers leave the short screen open: the summary says so, and no verdict is shown.
    assert result["overall"]["recommendation"] is None
    assert "No recommendation yet" in shown

    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("#cr-erase")
    tab.wait_for_function("() => !Object.keys(localStorage).some(k => k.startsWith('crossroads'))")
    empty = form_state(tab)
    assert empty["answers"] == {} and empty["notes"] == {} and set(empty["partnership"].values()) == {""}
    assert "erased" in message(tab)
    tab.reload()
    tab.wait_for_function("window.crossroads !== undefined")
    assert form_state(tab) == empty
    assert evaluator_keys(tab) == []


def test_erase_can_be_cancelled(shared_page):
    tab = shared_page
    click_answer(tab, "stage", "proposed")
    tab.once("dialog", lambda dialog: dialog.dismiss())
    tab.click("#cr-erase")
    assert form_state(tab)["answers"].get("stage") == "proposed"
    tab.click("#q-stage [data-clear]")


def test_dont_store_writes_nothing(new_context, evaluator_url):
    tab = open_evaluator(new_context(), evaluator_url)
    snapshot = stored(tab)
    session = tab.evaluate("JSON.stringify(sessionStorage)")
    tab.check("#cr-nostore")
    answer_some(tab)
    wait_autosaved(tab)
    assert stored(tab) == snapshot
    assert tab.evaluate("JSON.stringify(sessionStorage)") == session
    # Turning it off stores again; turning it on removes what was stored.
    tab.uncheck("#cr-nostore")
    wait_stored(tab)
    tab.check("#cr-nostore")
    assert evaluator_keys(tab) == []
    assert "Nothing is stored" in message(tab)
    tab.fill("#q-political_system-note", "More text, still not stored.")
    wait_autosaved(tab)
    assert evaluator_keys(tab) == []
    # The choice is not remembered, and nothing comes back after a reload.
    tab.reload()
    tab.wait_for_function("window.crossroads !== undefined")
    assert not tab.is_checked("#cr-nostore")
    assert form_state(tab)["answers"] == {}


def decode_fragment(link: str) -> dict:
    fragment = urlsplit(link).fragment
    assert fragment.startswith("a=")
    code = fragment[2:]
    return json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)).decode("utf-8"))


def share_link(tab, with_notes: bool) -> str:
    if tab.get_attribute("#cr-share", "aria-expanded") != "true":
        tab.click("#cr-share")
    assert "Anyone who has this link can see the answers" in tab.inner_text("#cr-share-panel")
    tab.set_checked("#cr-share-notes", with_notes)
    tab.click("#cr-share-copy")
    tab.wait_for_function("document.querySelector('#cr-share-url').value.includes('#a=')")
    return tab.input_value("#cr-share-url")


def test_share_link_round_trip(new_context, evaluator_url, site_config):
    sender = open_evaluator(new_context(permissions=["clipboard-read", "clipboard-write"]), evaluator_url)
    answer_some(sender)
    original = form_state(sender)

    link = share_link(sender, with_notes=False)
    payload = decode_fragment(link)
    assert payload == {"format": "crossroads-assessment", "method_version": site_config["method_version"],
                       "profile": site_config["profile"], "answers": original["answers"]}
    assert sender.evaluate("navigator.clipboard.readText()") == link
    with_notes = share_link(sender, with_notes=True)
    assert decode_fragment(with_notes)["notes"] == original["notes"]
    assert decode_fragment(with_notes)["partnership"]["name"] == "Twinning with Example City"

    receiver = open_evaluator(new_context(), link)
    receiver.wait_for_function("() => !location.hash")
    assert form_state(receiver)["answers"] == original["answers"]
    assert form_state(receiver)["notes"] == {}
    assert "#" not in receiver.url
    assert "Opened the answers from the link" in message(receiver)
    receiver.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('crossroads'))")

    # The same tab, given the link with notes: it asks before replacing.
    receiver.once("dialog", lambda dialog: dialog.accept())
    receiver.goto(with_notes)
    receiver.wait_for_function("() => !location.hash")
    assert form_state(receiver) == original


def test_broken_share_links_are_refused(shared_page, evaluator_url):
    tab = shared_page
    click_answer(tab, "stage", "existing")
    before = form_state(tab)
    bad = {
        "not base64": "#a=%%%",
        "not JSON": "#a=" + base64.urlsafe_b64encode(b"{not json").decode().rstrip("="),
        "unknown question": "#a=" + base64.urlsafe_b64encode(json.dumps({"answers": {"nope": "x"}}).encode()).decode().rstrip("="),
        "old version": "#a=" + base64.urlsafe_b64encode(json.dumps({"method_version": "0.1", "answers": {}}).encode()).decode().rstrip("="),
    }
    for name, fragment in bad.items():
        tab.goto(evaluator_url + fragment)
        tab.wait_for_function("() => !location.hash")
        assert "could not be opened" in message(tab), name
        assert form_state(tab) == before, name
    tab.click("#q-stage [data-clear]")


def test_no_request_leaves_the_site(new_context, evaluator_url, site_root_url, tmp_path):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    log = RequestLog(context)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(site_root_url + "/")
    tab.wait_for_load_state("networkidle")
    assert log.page_matching("/assets/pyodide/") == [] and log.page_matching("/assets/evaluator/") == [], \
        "a handbook page must not load the evaluator"
    tab.goto(evaluator_url)
    tab.evaluate("window.crossroads.ready")
    answer_some(tab)
    with tab.expect_download() as saved:
        tab.click("#cr-save")
    saved.value.save_as(tmp_path / "saved.json")
    with tab.expect_download() as report:
        tab.click("#cr-report-md")
    report.value.save_as(tmp_path / "report.md")
    share_link(tab, with_notes=True)
    tab.once("dialog", lambda dialog: dialog.accept())  # replace the current answers
    tab.set_input_files("#cr-open-file", str(tmp_path / "saved.json"))
    tab.wait_for_function("document.querySelector('#cr-message').textContent.includes('Opened')")
    tab.emulate_media(media="print")
    tab.emulate_media(media="screen")
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("#cr-erase")
    tab.goto(site_root_url + "/foresight/")
    assert log.matching("pyodide.asm.wasm"), "worker requests must be recorded for this check to mean anything"
    assert log.matching("engine.tar.gz")
    assert log.foreign(site_root_url) == []
    assert tab.errors == []
