"""Reader actions and readings on the evaluator page, shared by the browser tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]

XSS = "<img src=x onerror=window.__xss=1>"


class RequestLog:
    """Every request of a browser context, pages and workers alike."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.page_urls: list[str] = []  # the pages' and their workers' own requests, not the service worker's
        context.on("request", self._add)

    def _add(self, request) -> None:
        self.urls.append(request.url)
        if request.service_worker is None:
            self.page_urls.append(request.url)

    def foreign(self, base_url: str) -> list[str]:
        origin = urlsplit(base_url)
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                out.append(url)
        return out

    def matching(self, text: str) -> list[str]:
        return [url for url in self.urls if text in url]

    def page_matching(self, text: str) -> list[str]:
        """The pages' own requests containing `text` (the service worker keeps the site's files for offline use)."""
        return [url for url in self.page_urls if text in url]

FORM_STATE = """() => {
  const answers = {}, notes = {}, partnership = {};
  for (const q of document.querySelectorAll('#cr-form .cr-question')) {
    const values = [...q.querySelectorAll('.cr-options input:checked')].map(i => i.value);
    if (values.length) answers[q.dataset.question] = q.dataset.type === 'multi' ? values : values[0];
    const note = q.querySelector('textarea[data-note]').value;
    if (note) notes[q.dataset.question] = note;
  }
  for (const el of document.querySelectorAll('[data-partnership]')) {
    if (el.type !== 'hidden' || el.value) partnership[el.dataset.partnership] = el.value;  // the register's id, once given
  }
  return {answers, notes, partnership};
}"""

STORED = """() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]))"""


def open_evaluator(context, url: str, wait_ready: bool = True):
    """A new tab on the evaluator page; its page errors are kept in `tab.errors`."""
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(url)
    tab.wait_for_function("window.crossroads !== undefined")
    if wait_ready:
        tab.evaluate("window.crossroads.ready")
        wait_scored(tab)
    return tab


def wait_scored(tab, timeout: float = 30_000) -> None:
    """Wait until the results panel shows a result."""
    tab.wait_for_selector("#cr-results-body:not([hidden])", state="attached", timeout=timeout)


def clear_form(tab) -> None:
    """Empty the form through the page's own change handling (a shared tab's reset)."""
    watch_results(tab)
    n = results_count(tab)
    ready = tab.evaluate("document.querySelector('#crossroads-evaluator').dataset.engine === 'ready'")
    tab.evaluate("""() => {
      for (const el of document.querySelectorAll('#cr-form input[type=radio], #cr-form input[type=checkbox]')) el.checked = false;
      for (const el of document.querySelectorAll('#cr-form textarea, #cr-form input[type=text]')) el.value = '';
      document.querySelector('#cr-form .cr-options input').dispatchEvent(new Event('change', {bubbles: true}));
    }""")
    if ready:
        wait_new_result(tab, n)


def form_state(tab) -> dict:
    """Answers (every checked input, shown or not), notes and partnership fields in the form."""
    return tab.evaluate(FORM_STATE)


def stored(tab) -> dict:
    """Everything in this origin's localStorage."""
    return tab.evaluate(STORED)


def evaluator_keys(tab) -> list[str]:
    return [key for key in stored(tab) if key.startswith("crossroads")]


def option_id(tab, qid: str, value: str) -> str:
    return tab.eval_on_selector(f"#q-{qid} input[value='{value}']", "el => el.id")


def click_answer(tab, qid: str, value: str) -> None:
    """Click the label of one option, as a reader does."""
    tab.click(f"label[for='{option_id(tab, qid, value)}']")


def watch_results(tab) -> None:
    """Keep every result the panel shows in window.__crResults."""
    tab.evaluate("""() => {
      if (window.__crResults) return;
      window.__crResults = [];
      document.querySelector('#crossroads-evaluator')
        .addEventListener('crossroads:result', e => window.__crResults.push(e.detail.result));
    }""")


def results_count(tab) -> int:
    return tab.evaluate("window.__crResults.length")


def wait_new_result(tab, before: int, timeout: float = 10_000) -> dict:
    tab.wait_for_function("n => window.__crResults.length > n", arg=before, timeout=timeout)
    wait_idle(tab, timeout)  # a queued re-score (answers given faster than the engine) too
    return tab.evaluate("window.__crResults[window.__crResults.length - 1]")


IDLE = """() => document.querySelector('#crossroads-evaluator').dataset.stale !== 'true'
  && !document.querySelector('#cr-results').hasAttribute('aria-busy')"""


def wait_idle(tab, timeout: float = 10_000) -> None:
    """Wait until the result on the panel is the one for the answers in the form."""
    tab.wait_for_function(IDLE, timeout=timeout)


def wait_autosaved(tab) -> None:
    """Wait until the autosave that follows typing has run (stored, or refused)."""
    tab.wait_for_function("() => !('autosave' in document.querySelector('#crossroads-evaluator').dataset)")


def settle(tab) -> None:
    """Wait for layout and every running transition (the header, a fade) to finish: before a screenshot or a measure."""
    tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    tab.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def wait_panel_in_view(tab, in_view: bool) -> None:
    """Wait for the results panel to be seen in view, or out of it (the phone's bottom bar follows)."""
    tab.wait_for_function("v => document.querySelector('#crossroads-evaluator').dataset.panelInView === v", arg=str(in_view).lower())


def wait_answered(tab, count: int, timeout: float = 10_000) -> dict:
    """Wait for the panel's result of `count` answered questions; return it."""
    tab.wait_for_function(
        "k => { const r = window.__crResults; return r.length && r[r.length - 1].answered === k; }",
        arg=count, timeout=timeout)
    return tab.evaluate("window.__crResults[window.__crResults.length - 1]")


def summary(tab) -> str:
    return tab.inner_text("#cr-summary").strip()


def message(tab) -> str:
    return tab.inner_text("#cr-message").strip()


def assessment(answers: dict, notes: dict | None = None, partnership: dict | None = None, version: str = "1.0.0") -> dict:
    doc = {"format": "crossroads-assessment", "method_version": version, "answers": answers}
    if notes is not None:
        doc["notes"] = notes
    if partnership is not None:
        doc["partnership"] = partnership
    return doc


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the engine's command line (`python -m engine ...`) in the repository."""
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, encoding="utf-8")


def write_json(path, value) -> str:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


# A short screen with nothing of concern: "Proceed" (issue 9's school exchange, low visibility).
CLEAR_SCREEN = {"stage": "existing", "political_system": "democracy", "identity_checked": "independent",
                "national_relations": "good", "activities": ["culture"], "investment_proposal": "no",
                "visibility": "low", "rights_record": "no"}


def answer_all(tab, answers: dict) -> dict:
    """Answer by clicking labels, as a reader does; return the panel's result for them."""
    watch_results(tab)
    for qid, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            click_answer(tab, qid, item)
    return wait_answered(tab, len(answers))


def engine_worker(tab):
    """The evaluator's background worker (worker.js), as Playwright sees it."""
    workers = [w for w in tab.workers if "/worker.js" in w.url]
    assert len(workers) == 1, f"expected one engine worker, found {[w.url for w in tab.workers]}"
    return workers[0]


def stale(tab) -> bool:
    return tab.get_attribute("#crossroads-evaluator", "data-stale") == "true"


def count_prints(tab) -> None:
    """Replace window.print with a counter (window.__prints)."""
    tab.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")


def printed_report(tab) -> str:
    """The text of the print report as the printer would get it."""
    tab.emulate_media(media="print")
    try:
        return tab.inner_text("#cr-report")
    finally:
        tab.emulate_media(media="screen")


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(tab, schemes: tuple[str, ...] = ("default", "slate")) -> list[str]:
    """axe-core (WCAG 2.1 AA) on the evaluator as it is now, in the light and the dark palette."""
    assert AXE.exists(), "node_modules/axe-core is missing: run 'npm ci'"
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.add_script_tag(path=str(AXE))
    before = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
    found = []
    try:
        for scheme in schemes:
            tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            settle(tab)  # the fade of an out-of-date result, and the palette's transitions
            found += tab.evaluate("""async scheme => {
              const r = await axe.run('#crossroads-evaluator', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
              return r.violations.map(v => `${scheme}: ${v.id}: ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary).join(' | '));
            }""", scheme)
    finally:
        tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", before)
    return found
