"""Promise: every page passes axe-core in the light and the dark palette, and
the evaluator can be used with the keyboard alone, with visible focus."""

from __future__ import annotations

import pytest

from support.promises import EVALUATOR
from support.steps import answer_questions, settle, wait_for_result
from support.promises import wait_for_engine, wait_for_first_result

SCHEMES = {"light": "default", "dark": "slate"}

# Material remembers the reader's palette in localStorage under the site
# root's path; its inline script applies it before the first paint. Storing
# the dark palette exactly as the palette toggle does makes every later page
# load open in it.
SET_PALETTE = """
scheme => {
  const inputs = [...document.querySelectorAll('form[data-md-component=palette] input[name=__palette]')];
  const index = inputs.findIndex(input => input.dataset.mdColorScheme === scheme);
  if (index < 0) return inputs.map(input => input.dataset.mdColorScheme);
  const input = inputs[index];
  __md_set('__palette', {index, color: {
    media: input.dataset.mdColorMedia, scheme: input.dataset.mdColorScheme,
    primary: input.dataset.mdColorPrimary, accent: input.dataset.mdColorAccent}});
  return true;
}
"""


def run_axe(page, axe_path) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_path))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe(where: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:6]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:300]
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 6:
            lines.append(f"    ... and {len(v['nodes']) - 6} more")
    return lines


@pytest.mark.browser
@pytest.mark.parametrize("palette", SCHEMES)
def test_axe_finds_nothing_on_any_page(browser, site_url, site_pages, axe_path, palette):
    scheme = SCHEMES[palette]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url + "/", wait_until="load")
        stored = page.evaluate(SET_PALETTE, scheme)
        assert stored is True, f"no '{scheme}' palette in the palette toggle (found {stored}); mkdocs.yml should define light and dark palettes"
        problems: list[str] = []
        for path in site_pages + ["/404.html"]:
            page.goto(site_url + path, wait_until="load")
            actual = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
            assert actual == scheme, f"{path} opened in palette {actual!r}, not {scheme!r}"
            if path in (EVALUATOR, *(f"/{language}{EVALUATOR}" for language in EDITIONS)):
                wait_for_engine(page)
                problems += describe(f"{path} ({palette}, before answers)", run_axe(page, axe_path))
                answer_questions(page)
                wait_for_result(page)
                settle(page)
                problems += describe(f"{path} ({palette}, with a result)", run_axe(page, axe_path))
            else:
                problems += describe(f"{path} ({palette})", run_axe(page, axe_path))
        assert not problems, "axe-core violations:\n" + "\n".join(problems)
    finally:
        context.close()


def _holder(held: list):
    """A route handler that holds each request back (Playwright passes the route alone to a one-argument handler)."""

    def hold(route):
        held.append(route)

    return hold


@pytest.mark.browser
@pytest.mark.parametrize("palette", SCHEMES)
def test_axe_finds_nothing_while_the_engine_loads(browser, site_url, axe_path, palette):
    """The progress bars, their labels and the results panel's note, on a wide screen and on a phone
    (the bottom bar), with the runtime's download held back."""
    problems: list[str] = []
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 760}):
        context = browser.new_context(viewport=viewport, color_scheme="light")
        held = []
        try:
            context.route("**/pyodide.asm.wasm", _holder(held))
            page = context.new_page()
            page.goto(site_url + "/", wait_until="load")
            assert page.evaluate(SET_PALETTE, SCHEMES[palette]) is True
            page.goto(site_url + EVALUATOR, wait_until="load")
            page.wait_for_selector("#cr-load:not([hidden])")
            if viewport["width"] < 600:
                page.evaluate("document.querySelector('#q-stage').scrollIntoView()")
                page.wait_for_selector("#cr-load-mobile-bar", state="visible")
            settle(page)
            problems += describe(f"{EVALUATOR} ({palette}, {viewport['width']} px, engine loading)", run_axe(page, axe_path))
        finally:
            for route in held:
                route.abort()
            context.close()
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


# --- the evaluator with the keyboard alone ---------------------------------

# Marks every evaluator control a reader can use now and returns a summary.
# A control's key survives a redraw of the panel it sits in (a new result can
# arrive while the walk goes on): its id, else its kind, link target and text.
KEY_OF = """el => el.id ? '#' + el.id : [el.tagName, el.getAttribute('href') || '', el.name || '', (el.textContent || '').trim().slice(0, 80)].join('|')"""

MARK_CONTROLS = """
() => {
  const keyOf = """ + KEY_OF + """;
  const root = document.querySelector('#crossroads-evaluator');
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      && getComputedStyle(el).visibility !== 'hidden';
  const label = el => (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || el.id).trim().slice(0, 60);
  const items = [];
  let n = 0;
  for (const el of root.querySelectorAll('input, button, textarea, select, summary, a[href], [tabindex]')) {
    if (el.disabled || el.type === 'hidden' || el.closest('[hidden]') || el.closest('[aria-hidden=true]')) continue;
    const native = ['INPUT', 'BUTTON', 'TEXTAREA', 'SELECT', 'SUMMARY', 'A'].includes(el.tagName);
    if (!native && el.tabIndex < 0) continue;  // focused by script only (e.g. a status message)
    const hiddenInput = el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox');
    if (!visible(el) && !(hiddenInput && el.labels && el.labels[0] && visible(el.labels[0]))) continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    const key = keyOf(el);
    el.dataset.kbd = items.some(item => item.kbd === key) ? key + '\\u0001' + n : key;
    n++;
    items.push({kbd: el.dataset.kbd, tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
                id: el.id, label: label(el)});
  }
  return items;
}
"""

# What has focus now, and does it show?
FOCUS_STATE = """
() => {
  const keyOf = """ + KEY_OF + """;
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const wrapped = window.__firstFocus === el;
  if (!window.__firstFocus) window.__firstFocus = el;
  const shows = node => {
    if (!node) return false;
    const s = getComputedStyle(node);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    return outline || shadow;
  };
  const rect = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const tiny = rect.width <= 2 || rect.height <= 2 || parseFloat(style.opacity) === 0 || style.clipPath !== 'none' && style.clipPath !== '';
  const label = el.labels && el.labels[0];
  return {
    wrapped,
    kbd: el.dataset.kbd || (el.closest('#crossroads-evaluator') ? keyOf(el) : null),
    tag: el.tagName.toLowerCase(), id: el.id,
    // A date field's calendar button (the browser's own part of the field) never matches :focus-visible.
    focusVisible: el.matches(':focus-visible') || (el.type === 'date' && el.matches(':focus-within')),
    indicator: (!tiny && shows(el)) || shows(label) || (tiny && shows(el.parentElement)),
  };
}
"""


# The language editions besides the English one at the root.
EDITIONS = ("de", "ja")


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", *(f"/{language}" for language in EDITIONS)])
def test_the_evaluator_works_with_the_keyboard_alone(page, site_url, edition):
    page.goto(site_url + edition + EVALUATOR, wait_until="load")
    wait_for_first_result(page)  # the controls are marked once the panel is drawn
    controls = page.evaluate(MARK_CONTROLS)
    assert len(controls) > 20, f"expected the evaluator's controls, found {len(controls)}"

    # Walk the whole page with Tab, from the top, and note what gets focus.
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: dict[str, dict] = {}
    no_indicator: list[str] = []
    # Focus that leaves for the page's body before the walk is back at its start
    # (past the last control, or when a redraw on a slow machine takes the
    # focused element away) costs one more pass, not the controls after it.
    passes = 0
    left = False
    walked: list = []
    for _ in range(len(controls) * 4 + 2400):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        walked.append(None if state is None else f"{state['tag']}#{state['id']} {state['kbd']}")
        if state is None:
            left = True
            continue
        if state["wrapped"]:
            passes += 1
            if passes >= 2 or not left:
                break  # back at the first element that had focus
            left = False
            continue
        if state["kbd"] is not None:
            reached[state["kbd"]] = state
            if not (state["focusVisible"] and state["indicator"]):
                no_indicator.append(f"{state['tag']}#{state['id']}")

    by_kbd = {c["kbd"]: c for c in controls}
    radio_groups = {c["name"] for c in controls if c["type"] == "radio"}
    groups_reached = {by_kbd[k]["name"] for k in reached if by_kbd.get(k, {}).get("type") == "radio"}
    missing_groups = sorted(radio_groups - groups_reached)
    others = [c for c in controls if c["type"] != "radio"]
    # A redrawn element has lost its mark: it counts by its key (its id, or its kind, target
    # and text), which a second copy of the same link shares (marked with a number after U+0001).
    reached_keys = {k.split("\u0001")[0] for k in reached}
    missing = [f"{c['tag']}#{c['id']} ({c['label']})" for c in others
               if c["kbd"] not in reached and c["kbd"].split("\u0001")[0] not in reached_keys]
    assert not missing_groups, f"radio groups never reached with Tab: {missing_groups}"
    assert not missing, "controls never reached with Tab:\n  " + "\n  ".join(missing) + "\nthe walk's last steps:\n  " + "\n  ".join(map(str, walked[-45:]))
    assert not no_indicator, "controls without a visible focus indicator (outline or box-shadow on :focus-visible):\n  " + "\n  ".join(sorted(set(no_indicator)))

    # Operate each kind of control with the keyboard.
    def focus(selector):
        page.focus(selector)
        return page.evaluate("() => document.activeElement.id")

    radio = next(c for c in controls if c["type"] == "radio")
    group = radio["name"]
    values = page.eval_on_selector_all(f"#cr-form input[name='{group}']", "els => els.map(e => e.id)")
    assert focus(f"#{values[0]}") == values[0]
    page.keyboard.press("Space")
    assert page.is_checked(f"#{values[0]}"), f"Space did not select the focused option of '{group}'"
    page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#{values[1]}"), f"ArrowDown did not move the choice in '{group}'"
    assert page.evaluate("() => document.activeElement.id") == values[1]

    checkbox = next(c for c in controls if c["type"] == "checkbox" and c["name"] and not c["id"].startswith("cr-"))
    before = page.is_checked(f"#{checkbox['id']}")
    focus(f"#{checkbox['id']}")
    page.keyboard.press("Space")
    assert page.is_checked(f"#{checkbox['id']}") != before, f"Space did not toggle #{checkbox['id']}"

    text = next(c for c in controls if c["tag"] == "input" and c["type"] == "text")
    focus(f"#{text['id']}")
    page.keyboard.type("Keyboard test")
    assert page.input_value(f"#{text['id']}") == "Keyboard test"

    summary = next(c for c in controls if c["tag"] == "summary")
    marked = "k => [...document.querySelectorAll('[data-kbd]')].find(e => e.dataset.kbd === k)"
    page.evaluate_handle(marked, summary["kbd"]).as_element().focus()
    page.keyboard.press("Enter")
    assert page.evaluate(f"k => ({marked})(k).parentElement.open", summary["kbd"]), "Enter did not open a note"

    buttons = [c for c in controls if c["tag"] == "button"]
    assert buttons, "no buttons found"
    page.focus("#cr-share")
    page.keyboard.press("Enter")
    assert page.get_attribute("#cr-share", "aria-expanded") == "true", "Enter on 'Share link' did not open its panel"
    page.focus("#cr-share")  # opening the panel may move focus into it
    page.keyboard.press("Space")
    assert page.get_attribute("#cr-share", "aria-expanded") == "false", "Space on 'Share link' did not close its panel"

    # The result is announced: the summary is a live region, and it changes.
    live = page.evaluate("""() => [...document.querySelectorAll('#cr-results [aria-live], #cr-results [role=status], #cr-results [role=alert]')]
                             .map(e => ({id: e.id, live: e.getAttribute('aria-live') || e.getAttribute('role')}))""")
    assert any(item["id"] == "cr-summary" for item in live), f"the result summary is not a live region: {live}"
    wait_for_result(page)


@pytest.mark.browser
@pytest.mark.parametrize("palette", SCHEMES)
def test_axe_finds_nothing_on_the_register_with_partnerships(browser, site_url, axe_path, palette):
    """The register page listing a partnership, as well as empty (the test of every page)."""
    from support.register import REGISTER_PATH, wait_listed

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url + REGISTER_PATH, wait_until="load")
        assert page.evaluate(SET_PALETTE, SCHEMES[palette]) is True
        version = page.evaluate("window.crossroads.method_version")
        doc = {"format": "crossroads-assessment", "method_version": version, "id": "v-axe-1",
               "saved_at": "2026-01-05T10:00:00.000Z",
               "partnership": {"id": "p-axe", "name": "Sister city", "partner": "Far Town", "country": "Elsewhere"},
               "answers": {"stage": "existing", "visibility": "high"},
               "decision": {"decision": "pause_and_consult", "date": "2024-01-10", "next_review": "2024-02-10"},
               "plan": []}
        assert page.evaluate("d => window.crossroads.register.save(d)", doc)["saved"]
        page.reload(wait_until="load")
        wait_listed(page)
        settle(page)
        problems = describe(f"/register/ ({palette}, with a partnership)", run_axe(page, axe_path))
        assert not problems, "axe-core violations:\n" + "\n".join(problems)
    finally:
        context.close()
