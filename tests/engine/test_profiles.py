"""Country profiles route each action to the bodies competent for it.

An action names a body of the chosen profile when the body's role is one of
the action's stakeholders and one of its topics is one the action needs
(scenarios/topics.yaml); a topic no such body covers is reported instead of a
wrong body. Duties that are law in a country are listed first, with their
deadline. The checks run over every shipped profile and every action.
"""

from __future__ import annotations

import copy
import json

import pytest

from engine import Engine, InputError, api, compile_method
from engine.cases import default_cases_dir, load_cases
from engine.evaluate import route
from engine.report import markdown_report
from support.engine import load_vector, vector_files, vector_request


# A proposed cultural twinning with a partner in a hybrid regime (the answers of vector 04).
PROPOSED = {"answers": {"stage": "proposed", "political_system": "hybrid", "identity_checked": "independent", "national_relations": "good",
                        "activities": ["culture"], "investment_proposal": "no", "visibility": "low", "rights_record": "no"}}


def _bodies(country):
    return {body["id"]: (code, body) for code, role in country["roles"].items() for body in role["bodies"]}


def _requests(method):
    """Many different assessments: every vector that is not an error, and every case of the library."""
    requests = []
    for path in vector_files():
        vector = load_vector(path)
        if "error" not in vector["expect"]:
            requests.append(vector_request(vector))
    for case in load_cases(method, default_cases_dir()):
        requests.append(case["assessment"])
    return requests


def _assert_fits(method, country, action, entry):
    """Every contact of `entry` is a body of `country` in one of the action's roles with a topic it needs,
    every body that fits is named, and `uncovered` lists exactly the topics none of them covers."""
    bodies = _bodies(country)
    needed = set(action["topics"])
    named = []
    for contact in entry["contacts"]:
        assert contact["id"] in bodies, f"{country['id']}: {action['id']} names {contact['id']}, not a body of the profile"
        code, body = bodies[contact["id"]]
        assert contact["stakeholder"] == code and contact["name"] == body["name"]
        assert code in action["stakeholders"], f"{country['id']}: {action['id']} names {body['id']} of role {code}"
        assert needed & set(body["topics"]), f"{country['id']}: {action['id']} names {body['id']}, whose topics {body['topics']} do not fit {action['topics']}"
        assert contact.get("url") == body.get("url") and contact["verified"] == body["verified"]
        named.append(body["id"])
    fitting = [b["id"] for code, b in bodies.values() if code in action["stakeholders"] and needed & set(b["topics"])]
    assert sorted(named) == sorted(fitting), f"{country['id']}: {action['id']} leaves out a competent body"
    covered = {t for bid in named for t in bodies[bid][1]["topics"]}
    assert entry["uncovered"] == [t for t in action["topics"] if t not in covered]


def test_every_action_of_every_profile_names_only_competent_bodies(method):
    assert len(method.countries) >= 10
    for country in method.countries.values():
        for action in method.actions:
            contacts, uncovered = route(country, action["stakeholders"], action["topics"])
            _assert_fits(method, country, action, {"contacts": contacts, "uncovered": uncovered})


def test_assessments_under_every_profile_route_their_actions(method):
    by_id = {a["id"]: a for a in method.actions}
    requests = _requests(method)
    assert len(requests) > 60
    for profile, country in method.countries.items():
        seen = set()
        for request in requests:
            result = api.assess(method, dict(request, profile=profile))
            for entry in result["actions"]:
                if entry.get("duty"):
                    continue
                _assert_fits(method, country, by_id[entry["id"]], entry)
                seen.add(entry["id"])
        assert len(seen) > 20, f"{profile}: the assessments list only {len(seen)} different actions"


def test_an_action_without_a_competent_body_says_so(method):
    de = copy.deepcopy(method.countries["de"])
    del de["roles"]["Gov"]["bodies"][[b["id"] for b in de["roles"]["Gov"]["bodies"]].index("bmwe")]
    contacts, uncovered = route(de, ["Gov", "Com"], ["investment-screening"])
    assert contacts == [] and uncovered == ["investment-screening"]
    # A body of the right topic in another role is not named either.
    contacts, uncovered = route(method.countries["de"], ["Nac"], ["investment-screening"])
    assert contacts == [] and uncovered == ["investment-screening"]


def _duisburg(method):
    case = next(c for c in load_cases(method, default_cases_dir()) if c["id"] == "duisburg-huawei")
    assert case["assessment"]["answers"]["investment_proposal"] == "discussed"
    return case["assessment"]


def test_the_duisburg_case_routes_screening_to_the_economics_ministry(method):
    result = api.assess(method, dict(_duisburg(method), profile="de"))
    actions = {a["id"]: a for a in result["actions"]}
    assert "screen-investment" in actions and "vet-delegations" in actions
    screening = [c["id"] for c in actions["screen-investment"]["contacts"]]
    assert screening == ["bmwe"]
    assert actions["screen-investment"]["contacts"][0]["name"].startswith("Bundesministerium für Wirtschaft und Energie")
    vetting = [c["id"] for c in actions["vet-delegations"]["contacts"]]
    assert vetting == ["bfv"]
    for action in ("screen-investment", "vet-delegations"):
        assert "aa" not in [c["id"] for c in actions[action]["contacts"]]
    # Foreign-policy advice still goes to the Federal Foreign Office.
    assert [c["id"] for c in actions["map-state-ties"]["contacts"]] == ["aa", "bfv"]


def test_an_australian_assessment_lists_the_notification_duties_first(method):
    request = dict(PROPOSED, profile="au")
    result = api.assess(method, request)
    duties = [a for a in result["actions"] if a.get("duty")]
    assert [d["id"] for d in duties] == ["au-fas-before-negotiating", "au-fas-after-entering"]
    assert result["actions"][:2] == duties
    assert [d["deadline"] for d in duties] == ["before negotiations start", "within 14 days of entering the arrangement"]
    for duty in duties:
        assert duty["first"] and duty["contacts"][0]["id"] == "dfat-fas" and duty["stakeholders"] == ["Gov"]
        assert duty["verified"] is False  # the deadlines are marked unverified in the profile
    running = api.assess(method, dict(request, answers=dict(PROPOSED["answers"], stage="existing")))
    assert [a["id"] for a in running["actions"] if a.get("duty")] == ["au-fas-after-entering"]
    # The regular first steps are still all shown as first steps.
    regular = [a for a in result["actions"] if not a.get("duty")]
    assert sum(a["first"] for a in regular) == min(method.first_steps, len(regular))
    # Another profile has no such duty.
    assert not [a for a in api.assess(method, dict(request, profile="gb"))["actions"] if a.get("duty")]


def test_a_duty_can_be_planned_and_stays_in_the_report_when_no_longer_listed(method):
    plan = [{"action": "au-fas-before-negotiating", "owner": "International office", "due": "2027-01-15", "status": "open"}]
    document = {"answers": dict(PROPOSED["answers"], stage="existing"), "profile": "au", "plan": plan}
    checked = api.check(method, document)
    report = markdown_report(method, checked, api.run(method, checked))
    assert "## Planned actions no longer called for" in report
    tail = report.split("## Planned actions no longer called for", 1)[1]
    assert "Notify the Minister for Foreign Affairs" in tail and "owner: International office" in tail
    with pytest.raises(InputError) as refused:
        api.check(method, dict(document, plan=[dict(plan[0], action="au-fas-sometime")]))
    assert "is not an action of this method" in refused.value.message


def test_the_markdown_report_names_bodies_links_deadlines_and_gaps(method):
    checked = api.check(method, dict(_duisburg(method), profile="de"))
    report = markdown_report(method, checked, api.run(method, checked))
    assert "- **Country profile:** Germany" in report
    line = next(row for row in report.splitlines() if "screened by the competent national authorities" in row)
    assert "Contacts: Gov: Bundesministerium für Wirtschaft und Energie (BMWE" in line
    assert "Auswärtiges Amt" not in line
    assert "Gov: Bundesamt für Verfassungsschutz (BfV, Federal Office for the Protection of the Constitution) <https://www.verfassungsschutz.de> (not verified)" in report

    au = api.check(method, dict(PROPOSED, profile="au"))
    text = markdown_report(method, au, api.run(method, au))
    first = next(row for row in text.splitlines() if row.startswith("1. "))
    assert "Legal duty; deadline: before negotiations start." in first
    assert "Foreign Arrangements Scheme" in first

    # A profile without a body for a topic says so in the report.
    broken = copy.deepcopy(method.data)
    for country in broken["countries"]:
        if country["id"] == "de":
            gov = country["roles"]["Gov"]["bodies"]
            gov[:] = [b for b in gov if b["id"] != "bmwe"]
    smaller = compile_method(broken)
    checked = api.check(smaller, dict(_duisburg(method), profile="de"))
    report = markdown_report(smaller, checked, api.run(smaller, checked))
    line = next(row for row in report.splitlines() if "screened by the competent national authorities" in row)
    assert "No body in this country profile is recorded for: Investment screening." in line
    assert "Contacts:" not in line


def test_contacts_and_duties_are_the_same_through_the_json_api(method):
    """The browser's engine (Engine.handle on the compiled method) returns the same routed contacts and duties."""
    engine = Engine(json.dumps(method.data))
    for request in (dict(_duisburg(method), profile="de"), dict(PROPOSED, profile="au")):
        reply = json.loads(engine.handle(json.dumps({"op": "assess", "request": request})))
        assert reply["ok"] and reply["result"]["actions"] == api.assess(method, request)["actions"]


@pytest.mark.parametrize("profile", ["au", "ca", "de", "fr", "gb", "it", "jp", "kr", "nl", "us"])
def test_every_shipped_profile_is_complete(method, profile):
    country = method.countries[profile]
    bodies = _bodies(country)
    topics = {t for _, body in bodies.values() for t in body["topics"]}
    # Each profile covers the national topics the method's core actions need.
    for needed in ("foreign-policy-advice", "investment-screening", "municipal-association", "sanctions-export-control"):
        assert needed in topics, f"{profile} has no body for {needed}"
    for _, body in bodies.values():
        assert body["source"] in {s["id"] for s in method.sources} and len(body["checked"]) == 7
        assert "url" not in body or body["url"].startswith("https://")
