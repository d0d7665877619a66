"""The register page as a reader meets it: hostile text shown as text
everywhere, every control reachable and usable with the keyboard with a
visible focus, and no axe-core violation in the light or the dark palette
(with partnerships listed and a comparison open)."""

from __future__ import annotations

import pytest
from support.evaluator import CLEAR_SCREEN, XSS, answer_all, wait_idle
from support.register import listed, new_assessment, open_register, register_axe, rows, save_in_register, wait_listed

pytestmark = pytest.mark.browser


def document(site_config, pid: str, vid: str, name: str, answers: dict, saved_at: str, **extra) -> dict:
    doc = {"format": "crossroads-assessment", "method_version": site_config["method_version"], "id": vid, "saved_at": saved_at,
           "partnership": {"id": pid, "name": name, "partner": f"{name} partner", "country": "Freedonia"},
           "answers": answers, "notes": {}}
    doc.update(extra)
    return doc


def seed(register, site_config) -> None:
    """Two partnerships, one with two assessments, saved through the API."""
    docs = [
        document(site_config, "p-kbd-1", "v-kbd-1a", "Port twinning", dict(CLEAR_SCREEN), "2025-01-10T09:00:00.000Z"),
        document(site_config, "p-kbd-1", "v-kbd-1b", "Port twinning", {**CLEAR_SCREEN, "visibility": "high"}, "2026-02-10T09:00:00.000Z",
                 decision={"decision": "engage", "date": "2025-01-20", "next_review": "2025-07-20"}),
        document(site_config, "p-kbd-2", "v-kbd-2a", "Library exchange", {**CLEAR_SCREEN, "stage": "proposed"}, "2026-03-01T09:00:00.000Z"),
    ]
    for doc in docs:
        result = register.evaluate("d => window.crossroads.register.save(d)", doc)
        assert result.get("saved"), result
    register.reload()
    wait_listed(register)


def test_hostile_text_in_every_field_is_shown_as_text(new_context, evaluator_url, site_root_url):
    context = new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    new_assessment(tab, evaluator_url)
    for selector in ("#cr-p-name", "#cr-p-partner", "#cr-p-country", "#cr-p-date", "#cr-p-note", "#cr-d-assessed-by", "#cr-d-name",
                     "#cr-d-role", "#cr-d-conditions", "#cr-d-reason"):
        tab.fill(selector, XSS)
    answer_all(tab, dict(CLEAR_SCREEN))
    wait_idle(tab)
    tab.fill("#cr-plan-1-owner", XSS)
    tab.select_option("#cr-d-decision", "do_not_engage")
    save_in_register(tab)
    tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    tab.emulate_media(media="print")
    printed = tab.inner_text("#cr-report")
    tab.emulate_media(media="screen")
    assert printed.count(XSS) >= 10, printed

    pid = tab.input_value("#cr-p-id")
    doc = tab.evaluate("id => window.crossroads.register.get(id)", pid)["versions"][-1]
    again = dict(doc, id="v-hostile-2", answers={**doc["answers"], "visibility": "high"})
    again["saved_at"] = tab.evaluate("new Date().toISOString()")
    assert tab.evaluate("d => window.crossroads.register.save(d)", again)["saved"]

    register = open_register(context, site_root_url)
    [shown] = rows(register)
    assert shown["Partnership"] == XSS and shown["Partner"] == XSS and shown["Country"] == XSS, shown
    register.fill("#cr-reg-filter", XSS[:12])
    assert len(rows(register)) == 1
    register.get_by_role("button", name="Compare").click()
    register.wait_for_function("() => document.querySelector('#crossroads-register').dataset.compared === 'true'", timeout=60_000)
    assert XSS in register.inner_text("#cr-compare-of")
    for page in (tab, register):
        assert page.evaluate("window.__xss") is None
        assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0


# What has focus now, and does it show? (as in tests/promises/test_accessibility.py)
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {id: el.id, tag: el.tagName.toLowerCase(), text: el.textContent.trim().slice(0, 40),
          inRegister: !!el.closest('#crossroads-register'), visible: el.matches(':focus-visible')
            && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none'))};
}"""


def test_the_register_works_with_the_keyboard_alone(new_context, site_root_url, site_config, artifacts):
    context = new_context()
    register = open_register(context, site_root_url)
    seed(register, site_config)
    controls = register.evaluate("""() => [...document.querySelectorAll('#crossroads-register :is(a[href], button, input, select)')]
      .filter(el => !el.closest('[hidden]') && el.type !== 'file').length""")
    register.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached, unseen = [], []
    for _ in range(200):
        register.keyboard.press("Tab")
        state = register.evaluate(FOCUS)
        if state is None or not state["inRegister"]:
            if reached:
                break
            continue
        reached.append(state)
        if not state["visible"]:
            unseen.append(f"{state['tag']}#{state['id']} {state['text']}")
    assert len(reached) == controls, f"reached {len(reached)} of {controls} controls with Tab: {[r['text'] for r in reached]}"
    assert not unseen, f"focus not visible on: {unseen}"

    # Sort with the keyboard: Enter on a column heading's button.
    register.focus("th[data-sort='assessed'] button")
    register.keyboard.press("Enter")
    assert register.get_attribute("th[data-sort='assessed']", "aria-sort") == "ascending"
    assert [r["Partnership"] for r in rows(register)] == ["Port twinning", "Library exchange"]
    register.keyboard.press("Enter")
    assert register.get_attribute("th[data-sort='assessed']", "aria-sort") == "descending"
    assert [r["Partnership"] for r in rows(register)] == ["Library exchange", "Port twinning"]

    # Filter with the keyboard: type, and choose what to show.
    register.focus("#cr-reg-filter")
    register.keyboard.type("library")
    assert [r["Partnership"] for r in rows(register)] == ["Library exchange"]
    assert "1 of 2" in register.inner_text("#cr-reg-count")
    register.keyboard.press("Control+a")
    register.keyboard.press("Backspace")
    register.focus("#cr-reg-show")
    register.select_option("#cr-reg-show", "review")
    assert [r["Partnership"] for r in rows(register)] == ["Port twinning"]  # its review date has passed
    register.select_option("#cr-reg-show", "all")

    # Compare with the keyboard: focus moves to the comparison.
    register.focus("#cr-reg-body tr[data-partnership='p-kbd-1'] button[data-act='compare']")
    register.keyboard.press("Enter")
    register.wait_for_function("() => document.querySelector('#crossroads-register').dataset.compared === 'true'", timeout=60_000)
    assert register.evaluate("document.activeElement.id") == "cr-compare-title"
    assert register.locator("#cr-compare-changes tbody tr").count() == 1

    violations = register_axe(register, artifacts.parent / "node_modules" / "axe-core" / "axe.min.js")
    assert not violations, "\n".join(violations)
    assert len(listed(register)) == 2
    assert not register.errors, register.errors


def test_the_decision_record_and_plan_pass_axe(new_context, evaluator_url):
    """The evaluator with a decision that differs from the recommendation and the action plan shown."""
    from support.evaluator import axe_violations

    context = new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    tab.evaluate("window.crossroads.ready")
    answer_all(tab, {**CLEAR_SCREEN, "visibility": "high", "political_system": "non_democratic"})
    wait_idle(tab)
    tab.fill("#cr-d-date", "2026-01-15")
    tab.select_option("#cr-d-decision", "do_not_engage")
    assert tab.is_visible("#cr-d-differs") and tab.locator("#cr-plan-body tr").count() >= 1
    assert tab.input_value("#cr-d-review") == "2026-07-15"
    assert axe_violations(tab) == []
