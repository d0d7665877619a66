"""The reader's country on the evaluator page: a selector of every shipped
profile (the site's as default, or none), which re-scores at once and travels
with the saved file, the share link, the answers kept in this browser, the
print report and the register."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest
from support.evaluator import cli, click_answer, form_state, open_evaluator, results_count, wait_answered, wait_new_result, watch_results

pytestmark = pytest.mark.browser

PICKS = [("stage", "existing"), ("unmanageable", "none"), ("political_system", "non_democratic"), ("state_steering", "close"),
         ("identity_checked", "self"), ("national_relations", "dispute"), ("investment_proposal", "proposed"),
         ("activities", "study_visits"), ("visibility", "high"), ("rights_record", "documented")]


def answer(tab) -> dict:
    watch_results(tab)
    for qid, value in PICKS:
        click_answer(tab, qid, value)
    wait_answered(tab, len(PICKS))
    return form_state(tab)["answers"]


def choose(tab, profile: str) -> dict:
    """Pick a country in the selector as a reader does; the result that follows."""
    before = results_count(tab)
    tab.select_option("#cr-profile", profile)
    return wait_new_result(tab, before)


def shown_contacts(tab) -> list[str]:
    tab.evaluate("document.querySelectorAll('#cr-actions details').forEach(d => d.open = true)")
    return tab.eval_on_selector_all("#cr-actions .cr-action__contacts", "els => els.map(e => e.textContent)")


def contacts(result: dict) -> list:
    return [[c["name"] for c in a.get("contacts") or []] for a in result["actions"]]


def test_selector_lists_every_profile_and_defaults_to_the_site(shared_page, site_config):
    tab = shared_page
    label = tab.inner_text("label[for='cr-profile']")
    assert label == "Your country (for contacts and duties)"
    assert tab.inner_text("label[for='cr-p-country']") == "Partner's country"
    options = tab.eval_on_selector_all("#cr-profile option", "els => els.map(o => [o.value, o.textContent])")
    assert [value for value, _ in options[:-1]] and options[-1] == ["", "No country profile"]
    assert dict(options[:-1]) == site_config["profiles"]
    assert tab.input_value("#cr-profile") == site_config["profile"]


def test_switching_country_rescores_with_the_cli_result(new_context, evaluator_url, site_config, cli_assess, tmp_path, artifacts):
    tab = open_evaluator(new_context(accept_downloads=True), evaluator_url)
    answers = answer(tab)
    home = site_config["profile"]
    assert home and home != "de"
    first = tab.evaluate("window.__crResults[window.__crResults.length - 1]")
    assert first == cli_assess({"answers": answers}, home)

    german = choose(tab, "de")
    expected = cli_assess({"answers": answers}, "de")
    assert german == expected
    assert contacts(german) != contacts(first) and any(contacts(german))
    names = " ".join(shown_contacts(tab))
    for action in german["actions"]:
        for contact in action.get("contacts") or []:
            assert contact["name"] in names
    assert f"in {site_config['profiles']['de']}" in names and f"in {site_config['profiles'][home]}" not in names
    tab.locator("#cr-partnership").screenshot(path=str(artifacts / "evaluator-country-selector.png"))
    tab.locator("#cr-actions").screenshot(path=str(artifacts / "evaluator-country-contacts-de.png"))
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert site_config["profiles"]["de"] in tab.inner_text("#cr-report-body")

    back = choose(tab, home)
    assert back == cli_assess({"answers": answers}, home)
    none = choose(tab, "")
    assert none == cli_assess({"answers": answers, "profile": None}, None)
    assert not any(contacts(none))

    # Saved to a file, the choice is the document's "profile" (an id), and opens again.
    choose(tab, "de")
    with tab.expect_download() as download:
        tab.click("#cr-save")
    saved = tmp_path / "saved.json"
    download.value.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["profile"] == "de" and doc["answers"] == answers

    other = open_evaluator(new_context(), evaluator_url)
    watch_results(other)
    assert other.input_value("#cr-profile") == home
    before = results_count(other)
    other.set_input_files("#cr-open-file", str(saved))
    reopened = wait_new_result(other, before)
    assert other.input_value("#cr-profile") == "de"
    assert reopened == expected

    # The answers kept in this browser keep it across a reload.
    tab.reload()
    tab.wait_for_function("window.crossroads !== undefined")
    tab.evaluate("window.crossroads.ready")
    tab.wait_for_function("() => document.querySelector('#cr-profile').value === 'de'")


def test_share_link_carries_the_country(new_context, evaluator_url, site_config, cli_assess):
    sender = open_evaluator(new_context(permissions=["clipboard-read", "clipboard-write"]), evaluator_url)
    answers = answer(sender)
    choose(sender, "de")
    sender.click("#cr-share")
    sender.click("#cr-share-copy")
    sender.wait_for_function("document.querySelector('#cr-share-url').value.includes('#a=')")
    link = sender.input_value("#cr-share-url")
    code = urlsplit(link).fragment[2:]
    payload = json.loads(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    assert payload["profile"] == "de"

    receiver = open_evaluator(new_context(), link)
    receiver.wait_for_function("() => document.querySelector('#cr-profile').value === 'de'")
    watch_results(receiver)
    receiver.wait_for_function("() => window.__crResults.length > 0 || document.querySelector('.cr-action__contacts')")
    assert form_state(receiver)["answers"] == answers
    expected = cli_assess({"answers": answers}, "de")
    shown = " ".join(shown_contacts(receiver))
    assert f"in {site_config['profiles']['de']}" in shown
    for action in expected["actions"]:
        for contact in action.get("contacts") or []:
            assert contact["name"] in shown


def test_a_file_naming_an_unknown_profile_leaves_the_answers(new_context, evaluator_url, site_config, tmp_path):
    tab = open_evaluator(new_context(), evaluator_url)
    answer(tab)
    choose(tab, "de")
    before = form_state(tab)
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps({"format": "crossroads-assessment", "method_version": site_config["method_version"],
                                "profile": "zz", "answers": {"stage": "proposed"}}), encoding="utf-8")
    tab.evaluate("document.querySelector('#cr-message').textContent = ''")
    tab.set_input_files("#cr-open-file", str(path))
    tab.wait_for_function("document.querySelector('#cr-message').textContent !== ''")
    text = tab.inner_text("#cr-message")
    assert "could not be opened" in text and "zz" in text and "unchanged" in text, text
    assert form_state(tab) == before and tab.input_value("#cr-profile") == "de"


def german_page(context, evaluator_url: str):
    """The evaluator page as a German edition hands it over: <html lang="de"> and the
    German catalog in #cr-strings (the form's labels stay as built: their German
    rendering is tested in tests/site/test_strings.py)."""
    from site_plugins.crossroads.strings import catalog

    strings = json.dumps(catalog("de"), ensure_ascii=False).replace("</", "<\\/")

    def german(route):
        response = route.fetch()
        body = response.text()
        body = body.replace('<html lang="en"', '<html lang="de"', 1)
        start = body.index('<script type="application/json" id="cr-strings">') + len('<script type="application/json" id="cr-strings">')
        body = body[:start] + strings + body[body.index("</script>", start):]
        route.fulfill(response=response, body=body)

    context.route(evaluator_url, german)
    return open_evaluator(context, evaluator_url)


def test_the_pages_scripts_speak_the_pages_language(new_context, evaluator_url, site_config, cli_assess, artifacts, tmp_path):
    tab = german_page(new_context(accept_downloads=True), evaluator_url)
    assert tab.evaluate("document.documentElement.lang") == "de"
    answers = answer(tab)
    assert tab.evaluate("window.__crResults[window.__crResults.length - 1]") == cli_assess({"answers": answers}, site_config["profile"])
    choose(tab, "de")
    summary = tab.inner_text("#cr-summary")
    assert f"{len(answers)} von" in summary and "Fragen beantwortet" in summary, summary
    contacts_text = " ".join(shown_contacts(tab))
    assert f"Ansprechstellen in {site_config['profiles']['de']}:" in contacts_text
    assert "Beteiligte:" in tab.inner_text("#cr-actions")
    assert "Zutreffende Auswirkungen:" in tab.inner_text("#cr-scenarios")
    with tab.expect_download() as download:
        tab.click("#cr-save")
    download.value.save_as(tmp_path / "de.json")
    assert tab.inner_text("#cr-message") == f"Als {download.value.suggested_filename} in Ihren Downloads gespeichert."
    # The saved file is language-neutral: ids only.
    doc = json.loads((tmp_path / "de.json").read_text(encoding="utf-8"))
    assert doc["profile"] == "de" and doc["answers"] == answers
    tab.locator("#cr-results").screenshot(path=str(artifacts / "evaluator-results-de.png"))


def _cli_in(document: dict, profile: str | None, language: str) -> dict:
    args = ["assess", "--language", language, "-"] + (["--profile", profile] if profile else [])
    done = cli(*args, stdin=json.dumps(document))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _ids(result: dict) -> dict:
    """What a result decides, without its words: recommendation, levels, scenario and action ids."""
    return {
        "overall": {k: result["overall"][k] for k in ("recommendation", "level", "status")},
        "scenarios": [(s["id"], s["inherent"], s["residual"]) for s in result["scenarios"]],
        "actions": [a["id"] for a in result["actions"]],
        "contacts": contacts(result),
    }


def test_a_german_assessment_opens_on_the_japanese_evaluator_with_the_same_result(new_context, site_root_url, site_config, tmp_path):
    """The issue's story: a reader on the German evaluator answers, switches the country from the
    site's to Germany and back, saves; the file opens on the Japanese evaluator with the same ids,
    and every result equals the command line's in that language and country."""
    home = site_config["profile"]
    german_page = open_evaluator(new_context(accept_downloads=True), site_root_url + "/de/evaluator/")
    assert german_page.get_attribute("html", "lang") == "de"
    answers = answer(german_page)
    first = german_page.evaluate("window.__crResults[window.__crResults.length - 1]")
    assert first == _cli_in({"answers": answers}, home, "de")
    in_germany = choose(german_page, "de")
    assert in_germany == _cli_in({"answers": answers}, "de", "de")
    assert contacts(in_germany) != contacts(first)
    back = choose(german_page, home)
    assert back == first
    with german_page.expect_download() as download:
        german_page.click("#cr-save")
    saved = tmp_path / "saved-de.json"
    download.value.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["answers"] == answers and doc.get("profile", home) == home

    japanese_page = open_evaluator(new_context(), site_root_url + "/ja/evaluator/")
    assert japanese_page.get_attribute("html", "lang") == "ja"
    watch_results(japanese_page)
    before = results_count(japanese_page)
    japanese_page.set_input_files("#cr-open-file", str(saved))
    japanese = wait_new_result(japanese_page, before)
    assert japanese == _cli_in(doc, home, "ja")
    assert _ids(japanese) == _ids(back), "the same answers give the same result ids in every language"
    assert japanese["scenarios"][0]["name"] != back["scenarios"][0]["name"], "the Japanese result is in Japanese"
    assert japanese["overall"]["recommendation_label"] != back["overall"]["recommendation_label"]
