"""The five partnerships a new user tried on method 1 (issue: advice officers
can trust), answered as described, every other question left unanswered.
Each must now land where an experienced officer would put it, and the
safeguards a city can take must be able to move it."""

from __future__ import annotations

import pytest

from engine import api

ALL_SAFEGUARDS = dict.fromkeys(("sg_gov", "sg_nac", "sg_academia", "sg_coconstruction", "sg_vetting", "sg_ip", "sg_screening", "sg_communication", "sg_objectives", "sg_exit", "sg_monitoring", "sg_partner_cities"), "yes")
SCREEN_CALM = {"identity_checked": "independent", "national_relations": "good", "investment_proposal": "no", "rights_record": "no"}

SCHOOL = {**SCREEN_CALM, "stage": "existing", "political_system": "democracy", "activities": ["culture"], "visibility": "moderate",
          "travel": "one_trip", "cost_published": "partly", "political_climate": "some"}
RESEARCH = {**SCREEN_CALM, "stage": "proposed", "political_system": "democracy", "activities": ["study_visits", "joint_projects"],
            "visibility": "low", "knowledge": "know_how", "competitor": "partly", "site_access": "yes", "influence_channels": ["academia"]}
DEVELOPMENT = {**SCREEN_CALM, "stage": "existing", "political_system": "democracy", "activities": ["climate_abroad"], "visibility": "high",
               "travel": "frequent", "cost_published": "no", "political_climate": "strong"}
CULTURE = {**SCREEN_CALM, "stage": "existing", "political_system": "non_democratic", "activities": ["culture"], "visibility": "moderate"}
PORT = {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
        "national_relations": "good", "activities": ["study_visits", "investment"], "investment_proposal": "proposed",
        "strategic_assets": ["port"], "visibility": "high", "rights_record": "no", "knowledge": "proprietary", "competitor": "yes",
        "site_access": "yes"}


def rec(method, answers):
    return method.rec_rank[api.assess(method, {"answers": answers})["overall"]["recommendation"]]


@pytest.fixture()
def ranks(method):
    return method.rec_rank


def test_a_school_exchange_between_democracies_is_at_most_proceed_with_safeguards(method, ranks):
    assert rec(method, SCHOOL) <= ranks["proceed_with_safeguards"]
    assert rec(method, {**SCHOOL, **ALL_SAFEGUARDS}) == ranks["proceed"]


def test_a_research_exchange_between_democracies_is_not_disengage_and_safeguards_bring_it_down(method, ranks):
    assert rec(method, RESEARCH) <= ranks["pause_and_consult"]
    assert rec(method, {**RESEARCH, **ALL_SAFEGUARDS}) <= ranks["proceed_with_safeguards"]


def test_a_criticised_development_project_is_below_disengage_and_safeguards_bring_it_down(method, ranks):
    assert rec(method, DEVELOPMENT) < ranks["disengage"]
    assert rec(method, {**DEVELOPMENT, **ALL_SAFEGUARDS}) <= ranks["proceed_with_safeguards"]


def test_a_cultural_exchange_with_a_non_democratic_city_is_below_the_strongest_level(method, ranks):
    assert rec(method, CULTURE) < ranks["disengage"]


def test_a_state_steered_port_investment_is_flagged_and_safeguards_lower_it(method, ranks):
    before = rec(method, PORT)
    assert before >= ranks["pause_and_consult"]
    assert rec(method, {**PORT, **ALL_SAFEGUARDS}) < before


def test_actions_follow_the_stage_and_the_answers(method):
    pupils = api.assess(method, {"answers": SCHOOL})
    texts = " ".join(a["text"] for a in pupils["actions"])
    assert "delegation lists" not in texts and "rights record" not in texts
    proposed = api.assess(method, {"answers": {**PORT, "national_relations": "war"}})
    ids = [a["id"] for a in proposed["actions"]]
    assert "disengage-a-proposed" in ids and "disengage-a-running" not in ids and "disengage-b" not in ids
    assert "Stop the exchanges" not in " ".join(a["text"] for a in proposed["actions"])
    running = api.assess(method, {"answers": {**PORT, "stage": "existing", "national_relations": "war"}})
    assert "disengage-a-running" in [a["id"] for a in running["actions"]]
    assert len(proposed["first_steps"]) <= 5 and proposed["first_steps"][0] == "disengage-a-proposed"


def test_an_empty_form_has_no_verdict(method):
    result = api.assess(method, {"answers": {}})
    assert result["overall"]["recommendation"] is None and result["overall"]["status"] == "screen"
    assert result["actions"] == [] and result["what_if"] is None
    assert result["screen"]["missing"] == method.screen
