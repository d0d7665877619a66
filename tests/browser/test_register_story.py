"""The register of partnerships, end to end in headless Chromium.

The whole story of an international office: three partnerships assessed and
saved in the register; one assessed again with changed answers; the two
assessments compared; a decision recorded with a review date in the past,
flagged as overdue in the register; the action plan as CSV, the report as
DOCX and Markdown; the register exported, erased, imported back to the same
list; a malformed and a foreign register file refused with nothing changed.
No request leaves the site's origin meanwhile. Screenshots of the register,
the comparison and the decision record (light and dark) go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from support.evaluator import CLEAR_SCREEN, RequestLog, click_answer, settle, wait_idle, watch_results
from support.register import (
    assess, listed, open_register, read_download, row, rows, save_in_register, wait_listed, wait_message,
)

pytestmark = pytest.mark.browser

PARTNERSHIPS = [
    ("Harbour twinning", "Port City", "Atlantis", {**CLEAR_SCREEN}),
    ("Student exchange", "Hill Town", "Borduria", {**CLEAR_SCREEN, "activities": ["study_visits"]}),
    ("Smart-city pilot", "Capital District", "Syldavia", {**CLEAR_SCREEN, "stage": "proposed"}),
]
PAST_DECISION = "2024-03-15"


def screenshot(tab, artifacts, name: str, selector: str) -> None:
    tab.evaluate("() => { document.querySelector('.md-header').style.visibility = 'hidden'; }")  # not over the element
    for scheme in ("default", "slate"):
        tab.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        settle(tab)
        tab.locator(selector).screenshot(path=str(artifacts / f"{name}-{'light' if scheme == 'default' else 'dark'}.png"))
    tab.evaluate("() => { document.body.setAttribute('data-md-color-scheme', 'default'); document.querySelector('.md-header').style.visibility = ''; }")


def test_the_register_from_first_assessment_to_import(new_context, evaluator_url, site_root_url, artifacts, tmp_path):
    context = new_context(accept_downloads=True)
    log = RequestLog(context)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")

    # Three partnerships, each assessed and saved in the register.
    saved = [assess(tab, evaluator_url, name, partner, country, answers) for name, partner, country, answers in PARTNERSHIPS]
    assert len({doc["partnership"]["id"] for doc in saved}) == 3

    register = open_register(context, site_root_url)
    table = rows(register)
    assert [r["Partnership"] for r in sorted(table, key=lambda r: r["Partnership"])] == sorted(p[0] for p in PARTNERSHIPS)
    harbour = next(r for r in table if r["Partnership"] == "Harbour twinning")
    assert harbour["Partner"] == "Port City" and harbour["Country"] == "Atlantis"
    assert "Proceed" in harbour["Recommendation"] and "1 assessment" in harbour["Last assessed"]
    assert harbour["Decision"] == "None recorded" and harbour["Next review"] == "Not set"

    # Assess the harbour twinning again: the evaluator starts from its last answers.
    again = row(register, "Harbour twinning").get_by_role("link", name="Assess again")
    href = again.get_attribute("href")
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.goto(href)
    wait_message(tab, "A new assessment of", "Harbour twinning")
    assert tab.input_value("#cr-p-name") == "Harbour twinning"
    assert tab.is_checked("#q-visibility input[value='low']")
    assert tab.evaluate("new URLSearchParams(location.search).has('again')") is False
    watch_results(tab)
    click_answer(tab, "visibility", "high")
    click_answer(tab, "political_system", "non_democratic")
    wait_idle(tab)
    tab.wait_for_function("() => document.querySelector('#cr-summary').textContent.includes('safeguards')")

    # The decision record: engage although the result says proceed with safeguards.
    tab.fill("#cr-d-assessed-by", "International Relations Office")
    tab.fill("#cr-d-name", "Ana Ruiz")
    tab.fill("#cr-d-role", "Deputy Mayor")
    tab.fill("#cr-d-date", PAST_DECISION)
    tab.select_option("#cr-d-decision", "engage")
    differs = tab.inner_text("#cr-d-differs")
    assert "differs from the recommendation" in differs and "Proceed with safeguards" in differs, differs
    assert tab.evaluate("document.querySelector('#cr-d-reason').required") is True
    review = tab.input_value("#cr-d-review")
    assert review == "2024-09-15", f"next review should default to the decision date plus 6 months (medium), got {review!r}"
    tab.fill("#cr-d-conditions", "Quarterly report to the council.")
    tab.click("#cr-reg-save")
    refused = wait_message(tab, "Not saved")
    assert "reason" in refused
    assert tab.evaluate("document.activeElement.id") == "cr-d-reason"
    tab.fill("#cr-d-reason", "The council wants the tie to go on; the port authority vouches for the partner.")
    # The action plan: the first action has an owner and a due date that has passed.
    assert tab.locator("#cr-plan-body tr").count() >= 1
    tab.fill("#cr-plan-1-owner", "Protocol unit")
    tab.fill("#cr-plan-1-due", "2024-06-30")
    tab.select_option("#cr-plan-1-status", "in_progress")
    screenshot(tab, artifacts, "register-decision-form", "#cr-decision")
    screenshot(tab, artifacts, "register-action-plan", "#cr-plan")
    save_in_register(tab)
    current = tab.evaluate("() => window.crossroads.register.list()")
    harbour_entry = next(e for e in current if e["name"] == "Harbour twinning")
    assert len(harbour_entry["versions"]) == 2
    assert harbour_entry["decision"]["decided_by"] == {"name": "Ana Ruiz", "role": "Deputy Mayor"}

    # The printed report has the decision record and the plan.
    tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    tab.emulate_media(media="print")
    printed = tab.inner_text("#cr-report")
    tab.emulate_media(media="screen")
    assert "Decision record" in printed and "Ana Ruiz, Deputy Mayor" in printed and "Protocol unit" in printed

    # Downloads: the action plan as CSV, the report as DOCX and Markdown.
    with tab.expect_download() as got:
        tab.click("#cr-plan-csv")
    data = read_download(got.value)
    assert got.value.suggested_filename.startswith("crossroads-actions-harbour-twinning-") and got.value.suggested_filename.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with the UTF-8 byte order mark"
    table_csv = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    plan = tab.evaluate("() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('crossroads:evaluator:')))).plan")
    assert len(table_csv) == 1 + len(plan), "a header row and one row per action"
    assert any("Protocol unit" in cell for line in table_csv[1:] for cell in line)
    with tab.expect_download() as got:
        tab.click("#cr-report-docx")
    assert got.value.suggested_filename.endswith(".docx")
    with zipfile.ZipFile(io.BytesIO(read_download(got.value))) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert "Harbour twinning" in document and "Ana Ruiz" in document
    (artifacts / "register-report.docx").write_bytes(read_download(got.value))
    with tab.expect_download() as got:
        tab.click("#cr-report-md")
    markdown = read_download(got.value).decode("utf-8")
    assert "Harbour twinning" in markdown and "Ana Ruiz" in markdown
    assert "How visible is the partnership to the public?" in markdown, "the Markdown report lists the answers"

    # The register flags the review date that has passed, in words.
    register.reload()
    wait_listed(register)
    harbour = next(r for r in rows(register) if r["Partnership"] == "Harbour twinning")
    assert harbour["Next review"].startswith("Overdue") and "2024-09-15" in harbour["Next review"], harbour
    assert "1 overdue" in harbour["Actions open"], harbour
    assert harbour["Decision"].startswith("Engage") and "2 assessments" in harbour["Last assessed"]
    screenshot(register, artifacts, "register-list", "#crossroads-register")

    # Compare the two assessments.
    row(register, "Harbour twinning").get_by_role("button", name="Compare").click()
    register.wait_for_function("() => document.querySelector('#crossroads-register').dataset.compared === 'true'", timeout=60_000)
    changes = register.evaluate("() => [...document.querySelectorAll('#cr-compare-changes tbody tr')].map(tr => tr.dataset.question)")
    assert sorted(changes) == ["political_system", "visibility"]
    totals = register.inner_text("#cr-compare-totals")
    assert "Recommendation" in totals and "Proceed with safeguards" in totals
    visibility = register.inner_text("#cr-compare-changes tr[data-question='visibility']")
    assert "Low" in visibility and "High" in visibility
    screenshot(register, artifacts, "register-comparison", "#cr-compare")

    # Export the register, erase everything, import it back: the same list.
    before = listed(register)
    with register.expect_download() as got:
        register.click("#cr-reg-export")
    exported = json.loads(read_download(got.value))
    assert exported["format"] == "crossroads-register" and len(exported["partnerships"]) == 3
    path = tmp_path / got.value.suggested_filename
    path.write_bytes(read_download(got.value))
    register.once("dialog", lambda dialog: dialog.accept())
    register.click("#cr-erase")
    wait_message(register, "erased")
    assert listed(register) == [] and rows(register) == []
    tab.wait_for_function("() => document.querySelector('#cr-p-name').value === ''")  # the evaluator tab is erased too
    register.set_input_files("#cr-reg-import-file", str(path))
    said = wait_message(register, "Imported", timeout=60_000)
    assert "4 assessments added" in said, said
    assert listed(register) == before

    # A malformed or a foreign register file is refused and changes nothing.
    shown = rows(register)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crossroads-register", "partnerships": [', encoding="utf-8")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"format": "someone-elses-list", "items": [1, 2]}), encoding="utf-8")
    mixed = tmp_path / "mixed.json"
    wrong = json.loads(path.read_text(encoding="utf-8"))
    wrong["partnerships"][1]["versions"][0]["partnership"]["id"] = "p-not-this-one"
    mixed.write_text(json.dumps(wrong), encoding="utf-8")
    for bad, words in ((broken, "not valid JSON"), (foreign, "register"), (mixed, "partnerships[1].versions[0]")):
        register.evaluate("document.querySelector('#cr-message').textContent = ''")
        register.set_input_files("#cr-reg-import-file", str(bad))
        said = wait_message(register, "could not be imported", timeout=60_000)
        assert words in said and "unchanged" in said, said
        assert register.get_attribute("#cr-message", "data-kind") == "error"
        assert listed(register) == before and rows(register) == shown

    assert not tab.errors and not register.errors, tab.errors + register.errors
    assert log.foreign(site_root_url) == [], f"requests left the origin: {log.foreign(site_root_url)}"
