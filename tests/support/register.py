"""Assessment documents with the register's keys (for the engine tests of the register work),
and reader actions and readings on the register page and on the evaluator's register controls
(for the browser tests, tests/browser/test_register*.py)."""

from __future__ import annotations

from .evaluator import answer_all, settle, wait_idle

# A partnership whose result is "Pause and consult" (overall level critical).
PAUSE = {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
         "national_relations": "good", "activities": ["investment"], "investment_proposal": "proposed",
         "strategic_assets": ["port"], "visibility": "high", "rights_record": "no", "sg_gov": "planned"}

FULL = {
    "format": "crossroads-assessment",
    "method_version": "2.0.0",
    "id": "v-2026-01",
    "saved_at": "2026-01-31T10:00:00Z",
    "partnership": {"id": "p-2026-4f3a9c", "name": "Harbour twinning", "partner": "Port City", "country": "Lusitania",
                    "date": "2026-01-20"},
    "answers": PAUSE,
    "notes": {"stage": "Signed a letter of intent."},
    "decision": {"assessed_by": "International office", "decided_by": {"name": "A. Mayor", "role": "Mayor"}, "date": "2026-01-31",
                 "decision": "engage_with_conditions", "conditions": "Exit clause first.", "reason": "The council wants the port.",
                 "next_review": "2026-04-30"},
    "plan": [{"action": "pause-and-consult", "owner": "Head of office", "due": "2026-02-15", "status": "in_progress"},
             {"action": "keep-monitoring", "owner": "", "due": "", "status": "open"}],
}

REGISTER_PATH = "/register/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]


def open_register(context, site_root_url: str):
    """A new tab on the register page, once its list is shown; page errors kept in `tab.errors`."""
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(site_root_url + REGISTER_PATH)
    wait_listed(tab)
    return tab


def wait_listed(tab) -> None:
    tab.wait_for_function("() => document.querySelector('#crossroads-register').dataset.ready === 'true'")


def listed(tab) -> list[dict]:
    """What window.crossroads.register.list() gives, sorted by name."""
    return sorted(tab.evaluate("window.crossroads.register.list()"), key=lambda e: e["name"])


def rows(tab) -> list[dict]:
    """The register table as a reader sees it: one dict per row, header -> cell text."""
    return tab.evaluate("""() => {
      const heads = [...document.querySelectorAll('#cr-reg-table thead th')].map(th => th.textContent.trim());
      return [...document.querySelectorAll('#cr-reg-body tr')].map(tr =>
        Object.fromEntries([...tr.children].map((cell, i) => [heads[i], cell.innerText.trim()])));
    }""")


def row(tab, name: str):
    """The table row of the partnership called `name` (a Playwright locator)."""
    return tab.locator("#cr-reg-body tr").filter(has=tab.locator("th", has_text=name))


def wait_message(tab, *words: str, timeout: float = 30_000) -> str:
    """Wait until the page's message holds every one of `words`; return it."""
    tab.wait_for_function(
        "words => { const m = document.querySelector('#cr-message'); return m && !m.hidden && words.every(w => m.textContent.includes(w)); }",
        arg=list(words), timeout=timeout)
    return tab.inner_text("#cr-message").strip()


def new_assessment(tab, base_url: str) -> None:
    """Start an empty assessment on the evaluator page (as the register page's link does)."""
    asks = tab.evaluate("() => Object.keys(localStorage).some(k => k.startsWith('crossroads:evaluator:'))")
    if asks:  # answers in progress: the page asks before it clears them
        tab.once("dialog", lambda dialog: dialog.accept())
    tab.goto(base_url + "?new")
    tab.wait_for_function("window.crossroads !== undefined")
    tab.evaluate("window.crossroads.ready")
    wait_message(tab, "A new assessment")


def describe_partnership(tab, name: str, partner: str, country: str) -> None:
    tab.fill("#cr-p-name", name)
    tab.fill("#cr-p-partner", partner)
    tab.fill("#cr-p-country", country)


def save_in_register(tab) -> str:
    """Click "Save in the register" and wait for the page to say it is saved."""
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.click("#cr-reg-save")
    return wait_message(tab, "Saved in the register")


def assess(tab, base_url: str, name: str, partner: str, country: str, answers: dict) -> dict:
    """A new partnership assessed and saved in the register; returns the stored document."""
    new_assessment(tab, base_url)
    describe_partnership(tab, name, partner, country)
    answer_all(tab, answers)
    wait_idle(tab)
    save_in_register(tab)
    pid = tab.input_value("#cr-p-id")
    stored = tab.evaluate("id => window.crossroads.register.get(id)", pid)
    doc = stored["versions"][-1]
    assert doc["partnership"]["name"] == name and doc["id"] and doc["partnership"]["id"] == pid, doc
    return doc


def read_download(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()


def register_axe(tab, axe_path, schemes=("default", "slate")) -> list[str]:
    """axe-core (WCAG 2.1 AA) on the register, in the light and the dark palette."""
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.add_script_tag(path=str(axe_path))
    found = []
    before = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
    try:
        for scheme in schemes:
            tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            settle(tab)  # the palette's transitions
            found += tab.evaluate("""async ([scheme, tags]) => {
              const r = await axe.run('#crossroads-register', {runOnly: {type: 'tag', values: tags}});
              return r.violations.map(v => `${scheme}: ${v.id}: ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary).join(' | '));
            }""", [scheme, AXE_TAGS])
    finally:
        tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", before)
    return found
