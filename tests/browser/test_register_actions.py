"""The register's row actions and its limits: open a version, duplicate,
delete (only once confirmed); "Erase my data" and "Don't store anything" on
the evaluator page empty the register too, in every tab; a browser with no
room left says so and stores nothing."""

from __future__ import annotations

import pytest
from support.evaluator import CLEAR_SCREEN
from support.register import assess, listed, open_register, row, rows, wait_listed, wait_message

pytestmark = pytest.mark.browser


def test_open_duplicate_and_delete(new_context, evaluator_url, site_root_url):
    context = new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    first = assess(tab, evaluator_url, "Water utility twinning", "Lake City", "Genovia", dict(CLEAR_SCREEN))
    assess(tab, evaluator_url, "Festival exchange", "Sea Town", "Genovia", {**CLEAR_SCREEN, "stage": "proposed"})
    register = open_register(context, site_root_url)

    # Open: the evaluator shows that assessment, with its ids.
    tab.goto(row(register, "Water utility twinning").get_by_role("link", name="Open").get_attribute("href"))
    tab.once("dialog", lambda dialog: dialog.accept())  # the answers in progress are another partnership's
    wait_message(tab, "Opened the assessment", "Water utility twinning")
    assert tab.input_value("#cr-p-name") == "Water utility twinning" and tab.input_value("#cr-p-id") == first["partnership"]["id"]
    assert "1 assessment in the register; this is one of them" in tab.inner_text("#cr-reg-status")

    # Duplicate: a new partnership with the same answers and no decision.
    row(register, "Water utility twinning").get_by_role("button", name="Duplicate").click()
    wait_message(register, "Duplicated as", timeout=60_000)
    copy = next(e for e in listed(register) if e["name"] == "Copy of Water utility twinning")
    assert copy["id"] != first["partnership"]["id"] and copy["decision"] is None
    assert register.evaluate("id => window.crossroads.register.get(id)", copy["id"])["versions"][0]["answers"] == first["answers"]

    # Delete: nothing goes unless the reader confirms.
    register.once("dialog", lambda dialog: dialog.dismiss())
    row(register, "Festival exchange").get_by_role("button", name="Delete").click()
    assert len(rows(register)) == 3
    register.once("dialog", lambda dialog: dialog.accept())
    row(register, "Festival exchange").get_by_role("button", name="Delete").click()
    wait_message(register, "was deleted")
    assert sorted(r["Partnership"] for r in rows(register)) == ["Copy of Water utility twinning", "Water utility twinning"]


def test_erase_and_dont_store_on_the_evaluator_empty_the_register(new_context, evaluator_url, site_root_url):
    context = new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    assess(tab, evaluator_url, "Museum loan", "Art City", "Latveria", dict(CLEAR_SCREEN))
    register = open_register(context, site_root_url)
    assert len(rows(register)) == 1

    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("#cr-erase")
    wait_message(tab, "from the register")
    wait_message(register, "erased in another tab")
    assert rows(register) == [] and listed(register) == []

    assess(tab, evaluator_url, "Museum loan", "Art City", "Latveria", dict(CLEAR_SCREEN))
    register.reload()
    wait_listed(register)
    assert len(rows(register)) == 1
    tab.check("#cr-nostore")
    wait_message(register, "Storing was turned off")
    assert listed(register) == []
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.click("#cr-reg-save")
    said = wait_message(tab, "Nothing is stored")
    assert "register" in said and listed(register) == []


def test_a_full_browser_says_so_and_stores_nothing(new_context, evaluator_url):
    context = new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    assess(tab, evaluator_url, "Quota check", "Full Town", "Nowhere", dict(CLEAR_SCREEN))
    tab.evaluate("""() => {
      IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    }""")
    tab.fill("#cr-p-note", "A change that cannot be stored.")
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.click("#cr-reg-save")
    said = wait_message(tab, "Not saved in the register")
    assert "no room left" in said and "Export the register" in said, said
    assert tab.get_attribute("#cr-message", "data-kind") == "error"
    stored = tab.evaluate("() => window.crossroads.register.list()")
    assert len(stored) == 1 and stored[0]["versions"][0]["id"]
    assert tab.evaluate("id => window.crossroads.register.get(id)", stored[0]["id"])["versions"][0]["partnership"].get("note", "") == ""
