"""Two tabs editing the register at once lose nothing.

A save of an assessment replaces the stored one only if that is the version
the saving tab last read; otherwise the reader is asked, and choosing not to
replace keeps both (this tab's answers become a new assessment of the same
partnership). The API never replaces a newer version unasked, and importing
a file whose assessment differs from the stored one asks first."""

from __future__ import annotations

import json

import pytest
from support.evaluator import CLEAR_SCREEN, wait_idle
from support.register import assess, open_register, save_in_register, wait_message

pytestmark = pytest.mark.browser


class Dialogs:
    """Answer the page's dialogs with the next prepared answer; keep what they said."""

    def __init__(self, tab):
        self.said: list[str] = []
        self.answers: list[bool] = []
        tab.on("dialog", self.handle)

    def handle(self, dialog):
        self.said.append(dialog.message)
        if self.answers and self.answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()


def versions(register, partnership_id: str) -> list[dict]:
    got = register.evaluate("id => window.crossroads.register.get(id)", partnership_id)
    return got["versions"] if got else []


def test_a_save_over_a_version_changed_in_another_tab_asks_and_loses_nothing(new_context, evaluator_url, site_root_url):
    context = new_context()
    tab = context.new_page()
    dialogs = Dialogs(tab)
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    dialogs.answers = [True] * 3
    doc = assess(tab, evaluator_url, "Shared tie", "Twin Town", "Elbonia", dict(CLEAR_SCREEN))
    pid, vid = doc["partnership"]["id"], doc["id"]

    # Another tab saves a newer state of the same assessment.
    register = open_register(context, site_root_url)
    theirs = dict(doc, partnership=dict(doc["partnership"], note="Written in the other tab."))
    theirs["saved_at"] = register.evaluate("new Date().toISOString()")
    done = register.evaluate("([d, at]) => window.crossroads.register.save(d, {expect: at})", [theirs, doc["saved_at"]])
    assert done["saved"] is True

    # This tab, which read the earlier state, saves its own change: it is asked.
    tab.fill("#cr-p-partner", "Twin Town (renamed here)")
    dialogs.said.clear()
    dialogs.answers = [False]  # keep both
    save_in_register(tab)
    assert len(dialogs.said) == 1 and "another tab" in dialogs.said[0], dialogs.said
    stored = versions(register, pid)
    assert len(stored) == 2, stored
    by_id = {v["id"]: v for v in stored}
    assert by_id[vid]["partnership"]["note"] == "Written in the other tab."
    mine = next(v for v in stored if v["id"] != vid)
    assert mine["partnership"]["partner"] == "Twin Town (renamed here)"

    # Again, and this time the reader replaces the other tab's version.
    newer = dict(mine, notes={"stage": "Changed in the other tab again."})
    newer["saved_at"] = register.evaluate("new Date().toISOString()")
    assert register.evaluate("([d, at]) => window.crossroads.register.save(d, {expect: at})", [newer, mine["saved_at"]])["saved"]
    tab.fill("#cr-p-partner", "Twin Town (final)")
    dialogs.said.clear()
    dialogs.answers = [True]
    save_in_register(tab)
    assert len(dialogs.said) == 1
    stored = versions(register, pid)
    assert len(stored) == 2
    assert {v["partnership"]["partner"] for v in stored} == {"Twin Town", "Twin Town (final)"}

    # Saving again with nothing changed elsewhere asks nothing, after a reload too.
    dialogs.said.clear()
    tab.fill("#cr-p-note", "One more line.")
    save_in_register(tab)
    tab.reload()
    tab.wait_for_function("window.crossroads !== undefined")
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function("() => document.querySelector('#cr-p-note').value === 'One more line.'")
    wait_idle(tab)
    tab.fill("#cr-p-note", "And a line after the reload.")
    save_in_register(tab)
    assert dialogs.said == []
    assert {v["partnership"].get("note") for v in versions(register, pid)} == {"Written in the other tab.", "And a line after the reload."}


def test_the_api_and_an_import_never_replace_a_version_unasked(new_context, evaluator_url, site_root_url, tmp_path):
    context = new_context(accept_downloads=True)
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    doc = assess(tab, evaluator_url, "Archive loan", "Museum City", "Ruritania", dict(CLEAR_SCREEN))
    register = open_register(context, site_root_url)
    dialogs = Dialogs(register)

    # An older save through the API is not written over a newer one.
    older = dict(doc, partnership=dict(doc["partnership"], note="stale"), saved_at="2020-01-01T00:00:00.000Z")
    result = register.evaluate("d => window.crossroads.register.save(d)", older)
    assert result.get("conflict", {}).get("saved_at") == doc["saved_at"], result
    assert versions(register, doc["partnership"]["id"])[0]["partnership"].get("note", "") == ""

    # Export, change the stored assessment, import the file: the page asks.
    exported = register.evaluate("window.crossroads.register.export()")
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    changed = dict(doc, partnership=dict(doc["partnership"], note="Changed after the export."))
    changed["saved_at"] = register.evaluate("new Date().toISOString()")
    assert register.evaluate("([d, at]) => window.crossroads.register.save(d, {expect: at})", [changed, doc["saved_at"]])["saved"]

    dialogs.answers = [False]
    register.set_input_files("#cr-reg-import-file", str(path))
    said = wait_message(register, "Imported", timeout=60_000)
    assert "1 kept as they were" in said, said
    assert len(dialogs.said) == 1 and "Archive loan" in dialogs.said[0] and "in this browser is newer" in dialogs.said[0], dialogs.said
    assert versions(register, doc["partnership"]["id"])[0]["partnership"]["note"] == "Changed after the export."

    dialogs.answers = [True]
    register.evaluate("document.querySelector('#cr-message').textContent = ''")
    register.set_input_files("#cr-reg-import-file", str(path))
    said = wait_message(register, "Imported", timeout=60_000)
    assert "1 replaced" in said, said
    assert versions(register, doc["partnership"]["id"])[0]["partnership"].get("note", "") == ""

    # Through the API the same import keeps the stored one unless asked to replace.
    assert register.evaluate("d => window.crossroads.register.import(d)", exported)["unchanged"] == 1
