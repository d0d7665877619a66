"""engine.compare: two assessments of a partnership, the answers that changed
and what each change alone moves; `python -m engine compare`."""

from __future__ import annotations

import json

import pytest

from engine import api
from engine.cases import case_requests, load_cases
from engine.compare import compare, comparison_markdown
from engine.errors import RequestError
from engine.evaluate import evaluate
from support.engine import ROOT, cli


@pytest.fixture(scope="module")
def duisburg(method):
    """A real case of the library before and after its safeguards: (before, after) documents."""
    cases = load_cases(method, str(ROOT / "scenarios" / "cases"), "scenarios/cases")
    case = next(c for c in cases if c["id"] == "duisburg-huawei")
    (_, before), (_, after) = case_requests(case)
    return (dict(before, id="v1", partnership={"id": "p-duisburg", "name": "Duisburg and Huawei", "date": "2024-05-01"}),
            dict(after, id="v2", partnership={"id": "p-duisburg", "name": "Duisburg and Huawei", "date": "2025-05-01"}))


def test_a_case_before_and_after_its_safeguards(method, duisburg):
    before, after = duisburg
    comparison = compare(method, before, after)
    old, new = api.assess(method, before), api.assess(method, after)
    assert comparison["old"] == {"id": "v1", "saved_at": "", "date": "2024-05-01", "recommendation": "pause_and_consult",
                                 "recommendation_label": "Pause and consult", "level": old["overall"]["level"],
                                 "level_label": method.level_labels[old["overall"]["level"]], "migrated_from": None}
    assert comparison["new"]["recommendation"] == new["overall"]["recommendation"] == "proceed_with_safeguards"
    # One change per question whose answer differs, in questionnaire order: here the safeguards put in place.
    changed = [q["id"] for q in method.questions if before["answers"].get(q["id"]) != after["answers"].get(q["id"])]
    assert [c["question"] for c in comparison["changes"]] == changed and changed
    assert all(method.question_by_id[c["question"]]["kind"] == "safeguard" for c in comparison["changes"])
    assert comparison["totals"]["recommendation"] == {"from": "pause_and_consult", "to": "proceed_with_safeguards",
                                                      "from_label": "Pause and consult", "to_label": "Proceed with safeguards"}
    moved = {m["scenario"]: m["after_safeguards"] for m in comparison["totals"]["scenarios"]}
    assert all((m["from"], m["to"]) == (m["after_safeguards"]["from"], m["after_safeguards"]["to"])
               for m in comparison["totals"]["scenarios"])
    for scenario in new["scenarios"]:
        was = next(s for s in old["scenarios"] if s["id"] == scenario["id"])
        if was["residual"] != scenario["residual"]:
            assert moved[scenario["id"]]["from"] == was["residual"] and moved[scenario["id"]]["to"] == scenario["residual"]
        # Safeguards never move a level before safeguards.
        assert was["inherent"] == scenario["inherent"]


def test_each_change_is_applied_alone_to_the_old_answers(method, duisburg):
    before, after = duisburg
    comparison = compare(method, before, after)
    old = api.assess(method, before)
    for change in comparison["changes"]:
        trial = dict(before["answers"], **{change["question"]: after["answers"][change["question"]]})
        alone = evaluate(method, trial, None, what_if=False)
        expected = {s["id"]: s["residual"] for s in alone["scenarios"]
                    if s["residual"] != next(o for o in old["scenarios"] if o["id"] == s["id"])["residual"]}
        assert {m["scenario"]: m["after_safeguards"]["to"] for m in change["moves"]["scenarios"]} == expected
        question = method.question_by_id[change["question"]]
        assert change["text"] == question["text"]
        assert change["new"] == [method.option_by_value[question["id"]][after["answers"][question["id"]]]["label"]]
    # No single safeguard lowers the recommendation here; together they do.
    assert all(c["moves"]["recommendation"] is None for c in comparison["changes"])


def test_an_unanswered_question_and_a_multiple_choice_change(method):
    old = {"answers": {"stage": "proposed", "activities": ["culture"]}}
    new = {"answers": {"activities": ["culture", "investment"]}}
    changes = {c["question"]: c for c in compare(method, old, new)["changes"]}
    assert changes["stage"]["old"] == ["Proposed or under discussion"] and changes["stage"]["new"] == []
    labels = method.option_by_value["activities"]
    assert changes["activities"]["new"] == [labels["culture"]["label"], labels["investment"]["label"]]


def test_the_same_answers_compare_as_no_change(method, duisburg):
    comparison = compare(method, duisburg[0], duisburg[0])
    assert comparison["changes"] == []
    assert comparison["totals"] == {"scenarios": [], "categories": [], "recommendation": None}
    assert "No answer changed." in comparison_markdown(comparison)


def test_a_bad_document_is_named(method):
    with pytest.raises(RequestError) as caught:
        compare(method, {"answers": {}}, {"answers": {"money": "lots"}})
    assert caught.value.message.startswith("new: question 'money': 'lots' is not an option;")
    with pytest.raises(RequestError) as caught:
        compare(method, [], {"answers": {}})
    assert caught.value.message == "old: an assessment must be a JSON object with an 'answers' key, got a list."


def test_markdown_names_both_sides_and_escapes_reader_text(method, duisburg):
    before, after = duisburg
    after = dict(after, id="<b>v2</b>")
    text = comparison_markdown(compare(method, before, after))
    assert text.startswith("# Comparison of two assessments\n")
    assert "- **Earlier:** v1, 2024-05-01: Pause and consult" in text
    assert "- **Later:** &lt;b&gt;v2&lt;/b&gt;, 2025-05-01: Proceed with safeguards" in text
    assert "- Recommendation: Pause and consult -> Proceed with safeguards" in text
    assert "Each change is applied alone to the earlier answers" in text
    assert "<b>" not in text


def test_cli_compare(tmp_path, duisburg):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(duisburg[0]), encoding="utf-8")
    new.write_text(json.dumps(duisburg[1]), encoding="utf-8")
    completed = cli("compare", str(old), str(new))
    assert completed.returncode == 0 and completed.stderr == ""
    result = json.loads(completed.stdout)
    assert result["format"] == "crossroads-comparison" and result["totals"]["recommendation"]["to"] == "proceed_with_safeguards"
    markdown = cli("compare", str(old), str(new), "--format", "markdown")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# Comparison of two assessments")
    piped = cli("compare", "-", str(new), stdin=json.dumps(duisburg[0]))
    assert piped.stdout == completed.stdout


def test_cli_compare_names_the_bad_file(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"answers": {}}', encoding="utf-8")
    bad.write_text('{"answers": {"money": "lots"}}', encoding="utf-8")
    completed = cli("compare", str(good), str(bad))
    assert completed.returncode == 1 and completed.stdout == ""
    assert completed.stderr.startswith(f"error: '{bad}': question 'money': 'lots' is not an option;")
    broken = cli("compare", str(tmp_path / "missing.json"), str(good))
    assert broken.returncode == 2 and "cannot read" in broken.stderr
    both = cli("compare", "-", "-")
    assert both.returncode == 2 and both.stderr == "error: only one of the two files can be standard input ('-').\n"
