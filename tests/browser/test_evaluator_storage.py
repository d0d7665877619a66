"""What the evaluator stores in this browser is never lost silently (issue
10, items 3 and 4).

* A stored record that cannot be read in full (an option that no longer
  exists, a broken note, not JSON at all) is kept aside exactly as it was,
  offered for download, and never overwritten until the reader downloads or
  discards it; what can be read of it is opened.
* Two tabs on the page: a tab with no changes of its own follows the other
  and says so; a tab with changes of its own stops storing and lets the
  reader choose, so neither side is lost; "Erase my data" and "Don't store"
  reach every open tab. Tabs are two pages of one browser context.
Screenshots of the record kept aside and of the other-tab notice go to
test-artifacts/."""

from __future__ import annotations

import json

import pytest
from support.evaluator import (
    axe_violations, click_answer, form_state, message, open_evaluator, settle, stored, wait_answered, wait_autosaved,
    wait_scored, watch_results,
)

pytestmark = pytest.mark.browser

ASIDE = "crossroads:evaluator-aside:"
# Storage that refuses some writes: keys starting with one of window.__refuse (or all, with "*").
REFUSE_WRITES = """
(() => {
  const setItem = Storage.prototype.setItem;
  window.__refuse = window.__refuse || [];
  Storage.prototype.setItem = function (key, value) {
    if (window.__refuse.some(p => p === '*' || String(key).startsWith(p))) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return setItem.call(this, key, value);
  };
})();
"""


def key(site_config) -> str:
    return f"crossroads:evaluator:{site_config['method_version']}"


def kept_aside(tab) -> list[dict]:
    return [json.loads(v) for k, v in sorted(stored(tab).items()) if k.startswith(ASIDE)]


def seed(tab, storage_key: str, text: str) -> None:
    """Put a record in storage as an earlier visit left it, then reload."""
    tab.evaluate("([k, v]) => { localStorage.clear(); localStorage.setItem(k, v); }", [storage_key, text])
    tab.reload()
    tab.wait_for_function("window.crossroads !== undefined")


def unreadable_record(site_config) -> dict:
    return {
        "format": "crossroads-assessment", "method_version": site_config["method_version"],
        "partnership": {"name": "Port deal", "partner": "Example City", "date": "", "note": "Met the mayor twice."},
        "answers": {"stage": "existing", "political_system": "was_an_option_once", "activities": ["culture"]},
        "notes": {"stage": "Signed in 2019, renewed 2024.", "political_system": "See the embassy's note."},
        "saved_at": "2026-11-01T10:00:00.000Z",
    }


# --- item 3: unreadable stored answers ------------------------------------------------------------

def test_unreadable_record_is_kept_aside_and_never_overwritten(new_context, evaluator_url, site_config, tmp_path, artifacts):
    tab = open_evaluator(new_context(), evaluator_url)
    record = unreadable_record(site_config)
    text = json.dumps(record, indent=1)
    seed(tab, key(site_config), text)
    wait_scored(tab)
    said = message(tab)
    assert "could not all be read" in said and "was_an_option_once" in said and "kept aside" in said, said
    assert tab.get_attribute("#cr-message", "data-kind") == "error"
    # What can be read is open.
    state = form_state(tab)
    assert state["answers"] == {"stage": "existing", "activities": ["culture"]}
    assert state["notes"] == record["notes"]
    assert state["partnership"]["name"] == "Port deal" and state["partnership"]["note"] == "Met the mayor twice."
    # The record itself is kept aside, byte for byte.
    aside = kept_aside(tab)
    assert len(aside) == 1 and aside[0]["text"] == text and aside[0]["key"] == key(site_config)
    assert tab.is_visible("#cr-kept")
    assert "kept aside, unchanged" in tab.inner_text("#cr-kept")
    tab.evaluate("document.querySelector('#cr-kept details').open = true")
    assert "was_an_option_once" in tab.inner_text("#cr-kept")
    tab.evaluate("document.querySelector('#cr-tools-title').scrollIntoView()")
    settle(tab)
    tab.screenshot(path=str(artifacts / "evaluator-record-kept-aside.png"))
    assert axe_violations(tab) == []

    # Answering goes on; the record kept aside does not change.
    watch_results(tab)
    click_answer(tab, "political_system", "democracy")
    wait_answered(tab, 3)
    tab.wait_for_function("k => (localStorage.getItem(k) || '').includes('democracy')", arg=key(site_config))
    assert kept_aside(tab)[0]["text"] == text
    # It can be downloaded as it was.
    with tab.expect_download() as download:
        tab.click("#cr-kept button[data-action=download]")
    assert download.value.suggested_filename.startswith("crossroads-stored-answers-")
    path = tmp_path / "kept.json"
    download.value.save_as(path)
    assert path.read_text(encoding="utf-8") == text
    # After a reload it is still kept aside, and the answers given since are there.
    tab.reload()
    tab.evaluate("window.crossroads.ready")
    assert form_state(tab)["answers"]["political_system"] == "democracy"
    assert tab.is_visible("#cr-kept") and kept_aside(tab)[0]["text"] == text
    # Discarding asks first; cancelled, nothing happens.
    tab.once("dialog", lambda dialog: dialog.dismiss())
    tab.click("#cr-kept button[data-action=discard]")
    assert kept_aside(tab)[0]["text"] == text
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("#cr-kept button[data-action=discard]")
    assert kept_aside(tab) == [] and not tab.is_visible("#cr-kept")
    assert "discarded" in message(tab)
    assert tab.errors == []


def test_record_that_is_not_json_is_kept_aside(new_context, evaluator_url, site_config):
    tab = open_evaluator(new_context(), evaluator_url)
    text = '{"answers": {"stage": "existing"'  # cut short
    seed(tab, key(site_config), text)
    wait_scored(tab)
    assert "could not all be read" in message(tab) and "Nothing in them could be opened" in message(tab)
    assert form_state(tab)["answers"] == {}
    click_answer(tab, "stage", "proposed")
    tab.wait_for_function("k => (localStorage.getItem(k) || '').includes('proposed')", arg=key(site_config))
    assert [r["text"] for r in kept_aside(tab)] == [text]
    assert tab.errors == []


def test_stored_record_waits_for_the_engines_check(new_context, evaluator_url, site_config):
    """The engine alone checks a stored record: while it starts, the record is
    shown as far as the form can hold it and never written over; answers given
    meanwhile are kept; once it is ready, an unreadable record is kept aside."""
    context = new_context()
    tab = open_evaluator(context, evaluator_url)
    record = unreadable_record(site_config)
    text = json.dumps(record)
    held = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    seed(tab, key(site_config), text)
    assert tab.get_attribute("#crossroads-evaluator", "data-engine") == "loading"
    assert form_state(tab)["answers"] == {"stage": "existing", "activities": ["culture"]}
    click_answer(tab, "political_system", "democracy")
    tab.fill("#cr-p-partner", "Another City")
    tab.wait_for_function("() => document.querySelector('#cr-p-partner').value === 'Another City'")
    assert stored(tab)[key(site_config)] == text and kept_aside(tab) == []
    for route in held:
        route.continue_()
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function("() => document.querySelector('#cr-message').textContent.includes('could not all be read')")
    assert "given since, are kept" in message(tab)
    assert [r["text"] for r in kept_aside(tab)] == [text]
    state = form_state(tab)
    assert state["answers"]["political_system"] == "democracy" and state["partnership"]["partner"] == "Another City"
    tab.wait_for_function("k => (localStorage.getItem(k) || '').includes('Another City')", arg=key(site_config))
    assert tab.errors == []


def test_record_is_held_when_storage_refuses_a_copy(new_context, evaluator_url, site_config, tmp_path):
    """Storage full: the record cannot be copied aside, so nothing is written over it until the reader decides."""
    context = new_context()
    context.add_init_script(REFUSE_WRITES + f"window.__refuse.push({json.dumps(ASIDE)});")
    tab = open_evaluator(context, evaluator_url)
    text = json.dumps(unreadable_record(site_config))
    seed(tab, key(site_config), text)
    wait_scored(tab)
    assert "not being stored" in tab.inner_text("#cr-kept")
    watch_results(tab)
    click_answer(tab, "political_system", "hybrid")
    tab.fill("#cr-p-name", "Typed after opening")
    wait_autosaved(tab)
    assert stored(tab)[key(site_config)] == text, "the unreadable record was overwritten before the reader decided"
    with tab.expect_download() as download:
        tab.click("#cr-kept button[data-action=download]")
    path = tmp_path / "held.json"
    download.value.save_as(path)
    assert path.read_text(encoding="utf-8") == text
    # Downloaded: the reader has it, storing resumes.
    tab.wait_for_function("k => (localStorage.getItem(k) || '').includes('Typed after opening')", arg=key(site_config))
    assert not tab.is_visible("#cr-kept")
    assert tab.errors == []


def test_storage_that_throws_on_every_write(new_context, evaluator_url):
    context = new_context()
    context.add_init_script(REFUSE_WRITES + "window.__refuse.push('*');")
    tab = open_evaluator(context, evaluator_url)
    watch_results(tab)
    click_answer(tab, "stage", "proposed")
    wait_answered(tab, 1)
    assert "did not let the page store your answers" in message(tab)
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("#cr-erase")
    assert form_state(tab)["answers"] == {}
    assert tab.errors == []


# --- item 4: two tabs -------------------------------------------------------------------------------

def two_tabs(new_context, evaluator_url):
    context = new_context()
    a = open_evaluator(context, evaluator_url)
    b = open_evaluator(context, evaluator_url)
    watch_results(a)
    watch_results(b)
    return context, a, b


def test_a_tab_without_changes_of_its_own_follows_the_other(new_context, evaluator_url, site_config):
    _, a, b = two_tabs(new_context, evaluator_url)
    click_answer(a, "stage", "existing")
    b.wait_for_function("() => document.querySelector('#q-stage input[value=existing]').checked")
    assert "changed in another tab" in message(b)
    wait_answered(b, 1)
    click_answer(b, "political_system", "democracy")
    a.wait_for_function("() => document.querySelector('#q-political_system input[value=democracy]').checked")
    assert "changed in another tab" in message(a)
    a.fill("#cr-p-name", "Typed in A")
    b.wait_for_function("() => document.querySelector('#cr-p-name').value === 'Typed in A'")
    saved = json.loads(stored(a)[key(site_config)])
    assert saved["answers"] == {"stage": "existing", "political_system": "democracy"}
    assert saved["partnership"]["name"] == "Typed in A"
    assert form_state(a) == form_state(b)
    assert a.errors == [] and b.errors == []


def test_tabs_with_changes_of_their_own_lose_neither(new_context, evaluator_url, site_config, tmp_path, artifacts):
    _, a, b = two_tabs(new_context, evaluator_url)
    click_answer(a, "stage", "existing")
    b.wait_for_function("() => document.querySelector('#q-stage input[value=existing]').checked")
    # B changes something it cannot store for a moment (storage full): B now has changes of its own.
    b.evaluate(REFUSE_WRITES + "window.__refuse.push('crossroads:evaluator:');")
    click_answer(b, "political_system", "democracy")
    b.evaluate("window.__refuse.length = 0")
    # A stores other changes. B keeps its own, tells the reader, and stops storing.
    click_answer(a, "identity_checked", "independent")
    b.wait_for_selector("#cr-conflict:visible")
    assert form_state(b)["answers"] == {"stage": "existing", "political_system": "democracy"}
    assert "changed in another tab" in message(b) and "neither is lost" in message(b)
    a_version = stored(a)[key(site_config)]
    assert json.loads(a_version)["answers"] == {"stage": "existing", "identity_checked": "independent"}
    click_answer(b, "visibility", "low")
    b.fill("#cr-p-name", "Typed in B")
    wait_autosaved(b)
    assert stored(b)[key(site_config)] == a_version, "B wrote over A's answers"
    b.evaluate("document.querySelector('#cr-tools-title').scrollIntoView()")
    settle(b)
    b.screenshot(path=str(artifacts / "evaluator-changed-in-another-tab.png"))
    assert axe_violations(b) == []
    # The other version can be downloaded; then B keeps its own version.
    with b.expect_download() as download:
        b.click("#cr-conflict-download")
    path = tmp_path / "other.json"
    download.value.save_as(path)
    assert path.read_text(encoding="utf-8") == a_version
    b.click("#cr-conflict-keep")
    assert not b.is_visible("#cr-conflict")
    b_version = json.loads(stored(b)[key(site_config)])
    assert b_version["answers"] == {"stage": "existing", "political_system": "democracy", "visibility": "low"}
    assert b_version["partnership"]["name"] == "Typed in B"
    # A had no changes of its own since: it follows, and says so.
    a.wait_for_function("() => document.querySelector('#cr-p-name').value === 'Typed in B'")
    assert "changed in another tab" in message(a)
    assert a.errors == [] and b.errors == []


def test_use_the_other_version(new_context, evaluator_url, site_config):
    _, a, b = two_tabs(new_context, evaluator_url)
    b.evaluate(REFUSE_WRITES + "window.__refuse.push('crossroads:evaluator:');")
    click_answer(b, "stage", "proposed")
    b.evaluate("window.__refuse.length = 0")
    click_answer(a, "stage", "existing")
    b.wait_for_selector("#cr-conflict:visible")
    b.once("dialog", lambda dialog: dialog.accept())
    b.click("#cr-conflict-use")
    assert form_state(b)["answers"] == {"stage": "existing"}
    assert not b.is_visible("#cr-conflict")
    assert b.evaluate("document.activeElement.id") == "cr-message"
    click_answer(b, "political_system", "hybrid")
    a.wait_for_function("() => document.querySelector('#q-political_system input[value=hybrid]').checked")
    assert json.loads(stored(a)[key(site_config)])["answers"] == {"stage": "existing", "political_system": "hybrid"}


def test_erase_reaches_every_open_tab(new_context, evaluator_url, site_config):
    context, a, b = two_tabs(new_context, evaluator_url)
    c = open_evaluator(context, evaluator_url)
    c.evaluate(REFUSE_WRITES + "window.__refuse.push('*');")  # a tab whose answers are stored nowhere is reached too
    click_answer(a, "stage", "existing")
    a.fill("#cr-p-name", "Secret partnership")
    b.wait_for_function("() => document.querySelector('#cr-p-name').value === 'Secret partnership'")
    click_answer(c, "stage", "proposed")
    a.once("dialog", lambda dialog: dialog.accept())
    a.click("#cr-erase")
    for tab in (b, c):
        tab.wait_for_function("() => document.querySelector('#cr-message').textContent.includes('erased in another tab')")
        state = form_state(tab)
        assert state["answers"] == {} and set(state["partnership"].values()) == {""}
    # Typing in B afterwards stores only what is typed now.
    b.locator("#q-stage summary").click()
    b.fill("#q-stage-note", "A new note")
    b.wait_for_function("k => (localStorage.getItem(k) || '').includes('A new note')", arg=key(site_config))
    saved = json.loads(stored(b)[key(site_config)])
    assert saved["answers"] == {} and saved["partnership"]["name"] == ""
    assert "Secret partnership" not in json.dumps(stored(b))
    assert a.errors == [] and b.errors == [] and c.errors == []


def test_dont_store_reaches_every_open_tab(new_context, evaluator_url, site_config):
    _, a, b = two_tabs(new_context, evaluator_url)
    click_answer(b, "stage", "existing")
    a.wait_for_function("() => document.querySelector('#q-stage input[value=existing]').checked")
    a.check("#cr-nostore")
    b.wait_for_function("() => document.querySelector('#cr-nostore').checked")
    assert "turned off in another tab" in message(b)
    assert form_state(b)["answers"] == {"stage": "existing"}, "B keeps its answers on the page"
    click_answer(b, "political_system", "democracy")
    b.fill("#cr-p-name", "Not to be stored")
    wait_autosaved(b)
    assert [k for k in stored(b) if k.startswith("crossroads")] == []
