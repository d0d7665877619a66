"""Reader text is shown as text: a script-bearing payload typed, opened from a
file or received in a share link never becomes markup and never runs."""

from __future__ import annotations

import pytest
from support.evaluator import XSS, RequestLog, form_state, open_evaluator, wait_autosaved, write_json

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
    wait_autosaved(tab)  # the report and autosave follow typing after a pause
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
        "partnership": {"name": XSS, "partner": "\"'><script>window.__xss=1</script>", "country": XSS, "date": XSS, "note": XSS},
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


# --- issue 10, item 2: the Markdown export and the names of downloads ------------------------------

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1)) <script>alert(2)</script>",
    "../../etc/passwd",
    "CON",
    "line one\r\n# Heading from reader text\r\n<script>alert(3)</script>",
    "\u202eexe.md\u0000\u001b[31m",
    "x" * 5000,
]
SAFE_FILE = r"^crossroads-(report-)?[a-z0-9]+(-[a-z0-9]+)*-\d{4}-\d{2}-\d{2}\.(md|json)$"


class _LiveHtml(__import__("html.parser").parser.HTMLParser):
    """Collects what would be live in rendered Markdown: scripts, images, frames, handlers, script links."""

    def __init__(self):
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "embed", "svg", "style"):
            self.live.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.live.append(f"<{tag} {name}={value}>")


def test_report_and_file_names_are_sanitised_and_markdown_is_inert(new_context, evaluator_url, tmp_path):
    """The page adds no reader text of its own to the report (it is the engine's, byte for byte) and names files safely."""
    import re

    import markdown
    from support.evaluator import cli

    tab = open_evaluator(new_context(), evaluator_url)
    tab.click("label[for='q-stage-1']")
    for i, name in enumerate(HOSTILE_NAMES):
        tab.fill("#cr-p-name", name)
        tab.fill("#cr-p-note", f"{name}\n[link](javascript:alert(4))")
        with tab.expect_download() as saved:
            tab.click("#cr-save")
        assert re.match(SAFE_FILE, saved.value.suggested_filename), saved.value.suggested_filename
        saved_path = tmp_path / f"saved-{i}.json"
        saved.value.save_as(saved_path)
        with tab.expect_download() as report:
            tab.click("#cr-report-md")
        assert re.match(SAFE_FILE, report.value.suggested_filename), report.value.suggested_filename
        assert len(report.value.suggested_filename) < 100
        report_path = tmp_path / f"report-{i}.md"
        report.value.save_as(report_path)
        text = report_path.read_text(encoding="utf-8")
        done = cli("assess", str(saved_path), "--format", "markdown")
        assert done.returncode == 0, done.stderr
        assert text == done.stdout, "the page's report is not the engine's"
        parser = _LiveHtml()
        parser.feed(markdown.markdown(text, extensions=["tables"]))
        assert parser.live == [], f"{name[:40]!r}: live HTML in the rendered report: {parser.live}"
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text), f"{name[:40]!r}: control characters in the report"
        assert tab.get_attribute("#cr-message", "data-kind") != "error", tab.inner_text("#cr-message")
    assert tab.errors == []
