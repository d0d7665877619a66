"""The register's keys of an assessment document: ids, the partnership's id
and country, the decision record and the action plan; and what the result
says about them (when to review, whether the decision differs)."""

from __future__ import annotations

import json

import pytest

from engine import api
from engine.errors import RequestError
from engine.evaluate import add_months, check_request
from support.engine import ROOT
from support.register import FULL, PAUSE

SAVED = ROOT / "tests" / "engine" / "saved"

def test_a_full_document_is_checked_and_kept(method):
    checked = check_request(method, FULL)
    assert checked["id"] == "v-2026-01" and checked["saved_at"] == "2026-01-31T10:00:00Z"
    assert checked["partnership"] == FULL["partnership"]
    assert checked["decision"] == FULL["decision"]
    assert checked["plan"] == FULL["plan"]


def test_plan_entries_take_defaults(method):
    checked = check_request(method, {"answers": {}, "plan": [{"action": "keep-monitoring"}]})
    assert checked["plan"] == [{"action": "keep-monitoring", "owner": "", "due": "", "status": "open"}]


def test_a_document_without_the_new_keys_is_checked_as_before(method):
    checked = check_request(method, {"answers": {"stage": "proposed"}, "partnership": {"name": "x"}})
    assert set(checked) == {"answers", "profile", "partnership", "notes"}
    result = api.assess(method, {"answers": {"stage": "proposed"}})
    assert "decision" not in result and set(result["review"]) == {"months"}


@pytest.mark.parametrize("path", sorted(SAVED.glob("*.json")), ids=lambda p: p.stem)
def test_files_saved_earlier_still_open(method, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    result = api.assess(method, document)
    assert result["migrated_from"] and result["review"]["months"] in method.review_months.values()


BAD = [
    ({"id": 7}, "'id' must be a string, got a number."),
    ({"id": "  "}, "'id' is empty; give the id as text, such as 'p-2026-4f3a9c'."),
    ({"id": "v" * 201}, "'id' is 201 characters long; an id has at most 200."),
    ({"partnership": {"id": ""}}, "partnership.id is empty; give the id as text, such as 'p-2026-4f3a9c'."),
    ({"partnership": {"country": ["PT"]}}, "partnership.country must be a string, got a list."),
    ({"partnership": {"region": "x"}}, "unknown key 'region' in 'partnership'; expected only: id, name, partner, country, date, note."),
    ({"decision": "engage"}, "'decision' must be an object with the decision record, got a string."),
    ({"decision": {"decided": "x"}}, "unknown key 'decided' in 'decision'; expected only: assessed_by, decided_by, date, decision, "
                                     "conditions, reason, next_review."),
    ({"decision": {"decision": "proceed"}}, "decision.decision is 'proceed'; expected one of: engage, engage_with_conditions, "
                                            "pause_and_consult, do_not_engage."),
    ({"decision": {"decision": None}}, "decision.decision is null; expected one of: engage, engage_with_conditions, "
                                       "pause_and_consult, do_not_engage."),
    ({"decision": {"date": "2026-02-30"}}, "decision.date: 2026-02-30 is not a date of the calendar; check the month and the day."),
    ({"decision": {"date": "30/01/2026"}}, "decision.date must be a date written YYYY-MM-DD, such as 2026-03-31, got '30/01/2026'."),
    ({"decision": {"next_review": "2026-1-5"}}, "decision.next_review must be a date written YYYY-MM-DD, such as 2026-03-31, "
                                               "got '2026-1-5'."),
    ({"decision": {"next_review": "２０２６-01-05"}}, "decision.next_review must be a date written YYYY-MM-DD, such as 2026-03-31, "
                                                   "got '２０２６-01-05'."),
    ({"decision": {"date": 20260105}}, "decision.date must be a date written as text YYYY-MM-DD, such as 2026-03-31, got a number."),
    ({"decision": {"decided_by": "A. Mayor"}}, "decision.decided_by must be an object {\"name\": ..., \"role\": ...}, got a string."),
    ({"decision": {"decided_by": {"title": "Mayor"}}}, "unknown key 'title' in decision.decided_by; expected only: name, role."),
    ({"decision": {"reason": "x" * 5001}}, "decision.reason is 5001 characters long; the limit is 5000."),
    ({"plan": {"action": "keep-monitoring"}}, "'plan' must be a list of actions, got an object."),
    ({"plan": ["keep-monitoring"]}, "plan[0] must be an object {\"action\", \"owner\", \"due\", \"status\"}, got a string."),
    ({"plan": [{"owner": "x"}]}, "plan[0] has no 'action'; give the id of one of the method's actions."),
    ({"plan": [{"action": "keep-monitoring"}, {"action": "keep-monitorng"}]},
     "plan[1].action: 'keep-monitorng' is not an action of this method (did you mean 'keep-monitoring'?); "
     "the result lists the actions with their ids."),
    ({"plan": [{"action": "keep-monitoring"}, {"action": "keep-monitoring"}]},
     "plan[1].action: 'keep-monitoring' is already planned in plan[0]; plan each action once."),
    ({"plan": [{"action": "keep-monitoring"}, {"action": "exit-clause"}, {"action": "consult-nac", "due": "2026-13-01"}]},
     "plan[2].due: 2026-13-01 is not a date of the calendar; check the month and the day."),
    ({"plan": [{"action": "keep-monitoring", "status": "finished"}]},
     "plan[0].status is 'finished'; expected one of: open, in_progress, done, dropped."),
    ({"plan": [{"action": "keep-monitoring", "owner": 3}]}, "plan[0].owner must be a string, got a number."),
    ({"plan": [{"action": "keep-monitoring", "priority": 1}]}, "unknown key 'priority' in plan[0]; expected only: action, owner, due, status."),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[m[:50] for _, m in BAD])
def test_bad_register_keys_are_refused_with_the_place(method, extra, message):
    with pytest.raises(RequestError) as caught:
        check_request(method, {"answers": {}, **extra})
    assert caught.value.message == message


@pytest.mark.parametrize(("date", "months", "expected"), [
    ("2026-01-15", 1, "2026-02-15"),
    ("2026-01-31", 1, "2026-02-28"),
    ("2028-01-31", 1, "2028-02-29"),
    ("2026-11-30", 3, "2027-02-28"),
    ("2026-08-31", 6, "2027-02-28"),
    ("2026-12-31", 12, "2027-12-31"),
    ("2026-03-31", 1, "2026-04-30"),
])
def test_add_months_keeps_the_day_or_the_last_of_the_month(date, months, expected):
    assert add_months(date, months) == expected


def test_the_review_interval_follows_the_level(method):
    result = api.assess(method, {"answers": PAUSE})
    assert result["overall"]["level"] == "critical" and result["review"] == {"months": method.review_months["critical"]}
    low = api.assess(method, {"answers": {}})
    assert low["review"] == {"months": method.review_months[low["overall"]["level"]]}
    months = [method.review_months[level] for level in method.levels]
    assert months == sorted(months, reverse=True) and months[0] > months[-1]


def test_the_default_review_date_is_the_decision_date_plus_the_interval(method):
    result = api.assess(method, {"answers": PAUSE, "decision": {"date": "2026-01-31"}})
    assert result["review"] == {"months": 1, "default": "2026-02-28"}
    assert result["decision"] == {"date": "2026-01-31", "differs": False}


@pytest.mark.parametrize(("decision", "differs"), [
    ("pause_and_consult", False), ("engage", True), ("engage_with_conditions", True), ("do_not_engage", True)])
def test_differs_says_whether_the_decision_is_not_the_recommendation(method, decision, differs):
    result = api.assess(method, {"answers": PAUSE, "decision": {"decision": decision}})
    assert result["overall"]["recommendation"] == "pause_and_consult"
    assert result["decision"] == {"decision": decision, "differs": differs}


def test_no_recommendation_means_nothing_to_differ_from(method):
    result = api.assess(method, {"answers": {"stage": "proposed"}, "decision": {"decision": "engage"}})
    assert result["overall"]["recommendation"] is None and result["decision"]["differs"] is False


def test_every_recommendation_has_its_decision(method):
    matched = {d["matches"]: d["id"] for d in method.decisions}
    assert set(matched) == {r["id"] for r in method.recommendations}
    assert [d["id"] for d in method.decisions] == ["engage", "engage_with_conditions", "pause_and_consult", "do_not_engage"]
