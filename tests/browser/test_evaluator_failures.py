"""When the engine cannot start (issue 10, item 10): the reader is told, in
plain words, which file failed and what they can do; the technical detail
(HTTP status, the runtime's own error) is kept in a collapsible part, and no
internals (Python exception names, temporary paths, "Failed to fetch",
"Program terminated") reach the message itself.

Each runtime file is made missing (HTTP 404), blocked (the request fails) or
damaged (garbage served with the file's usual type)."""

from __future__ import annotations

import re

import pytest
from support.evaluator import axe_violations, click_answer, form_state, open_evaluator, settle

pytestmark = pytest.mark.browser

TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".zip": "application/zip",
         ".wasm": "application/wasm", ".gz": "application/gzip"}
FILES = ["worker.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json", "engine.tar.gz"]
CASES = [(f, "missing") for f in FILES] + [(f, "damaged") for f in FILES] + [("engine.tar.gz", "blocked"), ("python_stdlib.zip", "blocked")]
INTERNALS = re.compile(r"shutil|ReadError|/tmp|Traceback|Program terminated|Failed to fetch|exit\(1\)|SyntaxError|TypeError|HTTP \d|undefined|null")
GARBAGE = b"\x00garbage{\x01" * 64


def break_file(context, name: str, mode: str) -> None:
    suffix = "." + name.rsplit(".", 1)[1]

    def handle(route):
        if mode == "missing":
            route.fulfill(status=404, body="Not found", headers={"content-type": "text/plain"})
        elif mode == "blocked":
            route.abort("failed")
        else:
            route.fulfill(status=200, body=GARBAGE, headers={"content-type": TYPES[suffix]})

    context.route(re.compile(rf"/{re.escape(name)}(\?|$)"), handle)


@pytest.mark.parametrize("name,mode", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_failure_names_the_file_in_plain_words(new_context, evaluator_url, artifacts, name, mode):
    context = new_context()
    break_file(context, name, mode)
    tab = open_evaluator(context, evaluator_url, wait_ready=False)
    tab.wait_for_selector(".cr-engine[data-state=failed]", state="attached", timeout=60_000)
    status = tab.inner_text("#cr-status")
    assert status.startswith("The scoring engine could not start: "), status
    assert f"“{name}”" in status, f"the message does not name {name}: {status}"
    assert "answers are kept" in status
    assert "Press Retry" in status or "Check your internet connection" in status
    if mode == "damaged":
        assert "damaged" in status
    else:
        assert "could not be downloaded" in status
    assert not INTERNALS.search(status), f"internals in the reader's message: {INTERNALS.search(status).group(0)!r} in {status}"
    # The technical detail: there, folded, and naming the file too.
    assert tab.is_visible("#cr-status-detail") and tab.inner_text("#cr-status-detail summary").startswith("Technical detail")
    assert not tab.evaluate("document.querySelector('#cr-status-detail').open")
    detail = tab.text_content("#cr-status-detail .cr-detail__text")
    assert name in detail and len(detail) <= 600
    tab.click("#cr-status-detail summary")
    assert tab.is_visible("#cr-status-detail .cr-detail__text")
    # The API says the same, and the form still works.
    reason = tab.evaluate("window.crossroads.ready.then(() => 'ready', e => e.message)")
    assert reason.startswith("the scoring engine could not start") and name in reason
    click_answer(tab, "stage", "proposed")
    assert form_state(tab)["answers"] == {"stage": "proposed"}
    assert tab.is_visible("#cr-retry") and tab.inner_text("#cr-retry") == "Retry"
    if (name, mode) == ("engine.tar.gz", "damaged"):
        assert axe_violations(tab) == []
        tab.evaluate("document.querySelector('.cr-engine').scrollIntoView()")
        settle(tab)
        tab.screenshot(path=str(artifacts / "evaluator-engine-failed.png"))
    assert tab.errors == []


def test_retry_after_a_failed_download_starts_the_engine(new_context, evaluator_url):
    context = new_context()
    break_file(context, "engine.tar.gz", "blocked")
    tab = open_evaluator(context, evaluator_url, wait_ready=False)
    tab.wait_for_selector(".cr-engine[data-state=failed]", state="attached", timeout=60_000)
    assert "“engine.tar.gz”" in tab.inner_text("#cr-status")
    context.unroute_all()
    tab.click("#cr-retry")
    tab.evaluate("window.crossroads.ready")
    assert not tab.is_visible("#cr-status-detail")
    assert tab.inner_text("#cr-status").startswith("Scoring engine ready")
