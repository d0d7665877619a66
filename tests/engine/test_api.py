"""One rule for the country profile, the same through every entry point.

A document with a "profile" key keeps it (a country id, or null for none);
only a document without the key takes the default profile (the CLI's
--profile, the site's country). The table below is written out by hand.
"""

from __future__ import annotations

import json

import pytest

from engine import Engine, InputError, api
from support.engine import cli

ANSWERS = {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
           "national_relations": "good", "activities": ["investment"], "investment_proposal": "proposed",
           "strategic_assets": ["port"], "visibility": "high", "rights_record": "no", "sg_gov": "planned"}
ABSENT = object()

# (the document's "profile", the default) -> the profile the result is for
RULE = [
    pytest.param(ABSENT, None, None, id="no-key-no-default"),
    pytest.param(ABSENT, "us", "us", id="no-key-takes-the-default"),
    pytest.param("de", None, "de", id="named-no-default"),
    pytest.param("de", "us", "de", id="named-wins-over-the-default"),
    pytest.param(None, None, None, id="null-no-default"),
    pytest.param(None, "us", None, id="null-means-none-even-with-a-default"),
]


def _document(profile) -> dict:
    return {"answers": ANSWERS} if profile is ABSENT else {"answers": ANSWERS, "profile": profile}


def _contacts(result) -> set:
    return {bool(action.get("contacts")) for action in result["actions"]}


@pytest.mark.parametrize("named, default, expected", RULE)
def test_the_profile_rule_in_the_api(method, named, default, expected):
    result = api.assess(method, _document(named), default)
    assert result["profile"] == expected
    # Contacts come with a profile, and only then.
    assert _contacts(result) == ({True, False} if expected else {False})
    checked, again = api.assessment(method, _document(named), default)
    assert checked["profile"] == expected and again == result
    assert api.check(method, _document(named), default)["profile"] == expected


@pytest.mark.parametrize("named, default, expected", RULE)
def test_the_profile_rule_in_engine_handle(method, named, default, expected):
    engine = Engine(method.to_json(), default)
    for op in ("assess", "check"):
        reply = json.loads(engine.handle(json.dumps({"op": op, "request": _document(named)})))
        assert reply["ok"] and reply["result"]["profile"] == expected, op


@pytest.mark.parametrize("named, default, expected", RULE)
def test_the_profile_rule_in_the_cli(named, default, expected):
    completed = cli("assess", "-", *(["--profile", default] if default else []), stdin=json.dumps(_document(named)))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["profile"] == expected


def test_contacts_name_the_profile_s_bodies(method):
    result = api.assess(method, {"answers": ANSWERS}, "us")
    pause = next(a for a in result["actions"] if a["id"] == "pause-and-consult")
    assert [(c["stakeholder"], c["id"], c["name"]) for c in pause["contacts"]] == [
        ("Gov", "state-sdu", "U.S. Department of State, Subnational Diplomacy Unit (SDU)"),
        ("Nac", "nlc", "National League of Cities (NLC)"),
    ]
    assert pause["uncovered"] == []


def test_an_unknown_default_is_refused_like_a_named_one(method):
    with pytest.raises(InputError) as named:
        api.assess(method, {"answers": {}, "profile": "uk"})
    with pytest.raises(InputError) as default:
        api.assess(method, {"answers": {}}, "uk")
    assert default.value.message == named.value.message == (
        "unknown country profile 'uk'; expected one of: au, ca, de, fr, gb, it, jp, kr, nl, us.")


def test_a_request_that_is_not_an_object_is_refused_whatever_the_default(method):
    with pytest.raises(InputError) as caught:
        api.assess(method, ["answers"], "us")
    assert caught.value.message == "an assessment must be a JSON object with an 'answers' key, got a list."
