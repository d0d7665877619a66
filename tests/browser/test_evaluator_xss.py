"""Reader text is shown as text: a script-bearing payload typed, opened from a
file or received in a share link never becomes markup and never runs."""

from __future__ import annotations

import pytest
from evaluator_support import XSS, RequestLog, form_state, open_evaluator, write_json

pytestmark = pytest.mark.browser

NOT_RUN = "() => window.__xss === undefined && !document.querySelector('img[src=\"x\"]')"


def assert_inert(tab, log: RequestLog):
    tab.wait_for_timeout(300)  # an injected image would have failed to load by now
    assert tab.evaluate(NOT_RUN)
    assert [url for url in log.urls if url.rstrip("/").endswith("/x")] == []


def test_typed_payload_stays_text(new_context, evaluator_url):
    context = new_context()
    log = RequestLog(context)
    tab = open_evaluator(context, evaluator_url)
    tab.fill("#cr-p-name", XSS)
    tab.fill("#cr-p-partner", XSS)
    tab.locator("#q-stage summary").click()
    tab.fill("#q-stage-note", XSS)
    tab.click("label[for='q-stage-1']")
    tab.wait_for_timeout(600)  # the report and autosave follow typing after a pause
    assert_inert(tab, log)
    assert XSS in tab.text_content("#cr-report")
    assert tab.text_content("#cr-report-name") == f": {XSS}"
    # A reload brings the payload back from storage, still as text.
    tab.reload()
    tab.evaluate("window.crossroads.ready")
    assert form_state(tab)["partnership"]["name"] == XSS
    assert form_state(tab)["notes"] == {"stage": XSS}
    assert_inert(tab, log)


def test_payload_from_a_file_or_a_link_stays_text(new_context, evaluator_url, tmp_path):
    context = new_context()
    log = RequestLog(context)
    tab = open_evaluator(context, evaluator_url)
    doc = {
        "format": "crossroads-assessment",
        "answers": {"stage": "proposed"},
        "notes": {"stage": XSS, "political_system": f"</textarea>{XSS}"},
        "partnership": {"name": XSS, "partner": f"\"'><script>window.__xss=1</script>", "date": XSS, "note": XSS},
    }
    tab.set_input_files("#cr-open-file", write_json(tmp_path / "payload.json", doc))
    tab.wait_for_function("document.querySelector('#cr-message').textContent.includes('Opened')")
    state = form_state(tab)
    assert state["notes"] == doc["notes"] and state["partnership"] == doc["partnership"]
    assert_inert(tab, log)

    tab.click("#cr-share")
    tab.check("#cr-share-notes")
    tab.click("#cr-share-copy")
    tab.wait_for_function("document.querySelector('#cr-share-url').value.includes('#a=')")
    link = tab.input_value("#cr-share-url")

    tab.check("#cr-nostore")  # empty this browser's storage: the next tab gets the answers from the link only
    receiver = context.new_page()
    receiver.goto(link)
    receiver.wait_for_function("() => !location.hash && document.querySelector('#cr-message').textContent.includes('Opened')")
    received = form_state(receiver)
    assert received["notes"] == doc["notes"] and received["partnership"] == doc["partnership"]
    receiver.emulate_media(media="print")
    assert XSS in receiver.inner_text("#cr-report")
    assert_inert(receiver, log)
