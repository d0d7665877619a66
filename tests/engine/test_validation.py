"""Every validation rule of the method, each asserting its exact message.

Structural rules (schema.py, model.py) and invariants (invariants.py) run on a
broken copy of the real method: one edit, then `compile_method` must raise a
MethodError whose problems are exactly the expected (path, message) pairs.
The strict YAML reader (source.py) runs on small method folders written to
tmp_path and must print exactly the expected `file:line: message` lines.
"""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from engine import MethodError, compile_method
from engine.source import SourceError, load_method_dir, read_method_dir
from engine_support import PYTHON, ROOT

SCENARIOS = "A1, A2, B1, C1, C2, C3, C4"
LEVELS = "critical, high, low, medium"
STAKEHOLDERS = "Aca, Civ, Com, Gov, Med, Nac, Pcc"
SOURCES = "brief-000, brief-001, general"
RECS = "disengage, escalate, proceed, proceed_with_safeguards"
STEPS = ("foresight-assess, foresight-decide, foresight-scan, manage-a-act, manage-a-detect, manage-a-disengage, "
         "manage-a-monitor, manage-a-review, manage-b-act, manage-b-detect, manage-b-disengage, manage-b-monitor, "
         "manage-b-review, manage-c-act, manage-c-detect, manage-c-disengage, manage-c-monitor, manage-c-review")
TOP_KEYS = "method, categories, scenarios, stakeholders, cooperation_levels, flowcharts, questionnaire, scoring"


def problems_of(data) -> list:
    with pytest.raises(MethodError) as caught:
        compile_method(data)
    return sorted((p.path, p.message) for p in caught.value.problems)


def qi(data, qid) -> int:
    return [q["id"] for q in data["questionnaire"]["questions"]].index(qid)


def question(data, qid) -> dict:
    return data["questionnaire"]["questions"][qi(data, qid)]


def ai(data, aid) -> int:
    return [a["id"] for a in data["scoring"]["actions"]].index(aid)


def ci(data, cid) -> int:
    return [c["id"] for c in data["countries"]].index(cid)


def Q(data, qid, *rest):
    return ("questionnaire", "questions", qi(data, qid), *rest)


def extra_question(**fields) -> dict:
    base = {"id": "extra", "section": "safeguards", "kind": "context", "type": "single", "short": "Extra",
            "text": "An extra question?", "help": "For the test.",
            "options": [{"value": "no", "label": "No"}, {"value": "yes", "label": "Yes"}]}
    base.update(fields)
    return base


# Each case: (id, edit(data) -> None, expected(data) -> [(path, message)]).
CASES = []


def case(name):
    def register(function):
        CASES.append(pytest.param(function, id=name))
        return function
    return register


# -- structure: schema.py specs and model.py's METHOD_SCHEMA ---------------------

@case("schema-top-not-a-mapping")
def _(d):
    return [], [((), f"expected a mapping with keys {TOP_KEYS}, got a list.")]


@case("schema-missing-required-key")
def _(d):
    del d["scoring"]
    return d, [((), "missing required key 'scoring'; add it.")]


@case("schema-unknown-key")
def _(d):
    d["extras"] = {}
    return d, [(("extras",), f"unknown key 'extras'; expected one of: {TOP_KEYS}, countries.")]


@case("schema-record-not-a-mapping")
def _(d):
    d["method"] = ["x"]
    return d, [(("method",), "expected a mapping with keys id, title, version, released, summary, sources, history, got a list.")]


@case("schema-text-wrong-type")
def _(d):
    d["method"]["title"] = 5
    return d, [(("method", "title"), "expected text, got the number 5.")]


@case("schema-text-empty")
def _(d):
    d["categories"][0]["name"] = "   "
    return d, [(("categories", 0, "name"), "expected text, got an empty string.")]


@case("schema-text-too-long")
def _(d):
    question(d, "money")["short"] = "x" * 121
    return d, [(Q(d, "money", "short"), "expected at most 120 characters, got 121.")]


@case("schema-ident-wrong-type")
def _(d):
    d["scenarios"][0]["category"] = None
    return d, [(("scenarios", 0, "category"), "expected an id (letters, digits, '-' or '_'), got nothing (null).")]


@case("schema-ident-bad-characters")
def _(d):
    question(d, "money")["id"] = "1st money"
    return d, [(Q(d, "1st money", "id"), "expected an id of letters, digits, '-' or '_' starting with a letter, got '1st money'.")]


@case("schema-int-wrong-type-text")
def _(d):
    d["scoring"]["base"]["A1"]["likelihood"] = "2"
    return d, [(("scoring", "base", "A1", "likelihood"), "expected a whole number, got the text '2'.")]


@case("schema-int-wrong-type-boolean")
def _(d):
    d["scoring"]["base"]["A1"]["impact"] = True
    return d, [(("scoring", "base", "A1", "impact"), "expected a whole number, got the boolean true.")]


@case("schema-int-wrong-type-decimal")
def _(d):
    d["scoring"]["safeguard_caps"]["impact"] = 1.5
    return d, [(("scoring", "safeguard_caps", "impact"), "expected a whole number, got the decimal number 1.5.")]


@case("schema-int-below-minimum")
def _(d):
    question(d, "money")["options"][1]["impact"]["A1"] = -1
    return d, [(Q(d, "money", "options", 1, "impact", "A1"), "expected a whole number of at least 0, got -1.")]


@case("schema-int-above-maximum")
def _(d):
    question(d, "money")["options"][2]["impact"]["A1"] = 21
    return d, [(Q(d, "money", "options", 2, "impact", "A1"), "expected a whole number of at most 20, got 21.")]


@case("schema-bool")
def _(d):
    question(d, "requests")["options"][0]["exclusive"] = "yes"
    return d, [(Q(d, "requests", "options", 0, "exclusive"), "expected true or false, got the text 'yes'.")]


@case("schema-one-of")
def _(d):
    question(d, "money")["kind"] = "weight"
    return d, [(Q(d, "money", "kind"), "expected one of: driver, safeguard, context; got the text 'weight'.")]


@case("schema-one-of-long-text-is-cut")
def _(d):
    question(d, "money")["type"] = "m" * 50
    return d, [(Q(d, "money", "type"), f"expected one of: single, multi; got the text '{'m' * 37}...'.")]


@case("schema-stakeholder-codes-are-fixed")
def _(d):
    d["stakeholders"][6]["id"] = "Ngo"
    return d, [(("stakeholders", 6, "id"), "expected one of: Gov, Nac, Aca, Civ, Com, Med, Pcc; got the text 'Ngo'.")]


@case("schema-list-wrong-type")
def _(d):
    d["scenarios"][0]["signals"] = "one signal"
    return d, [(("scenarios", 0, "signals"), "expected a list, got the text 'one signal'.")]


@case("schema-list-too-short")
def _(d):
    question(d, "money")["options"] = question(d, "money")["options"][:1]
    return d, [(Q(d, "money", "options"), "expected at least 2 item(s), got 1.")]


@case("schema-map-wrong-type")
def _(d):
    d["scoring"]["grid"] = "rare x minor = low"
    return d, [(("scoring", "grid"), "expected a mapping, got the text 'rare x minor = low'.")]


@case("schema-map-too-few-entries")
def _(d):
    question(d, "money")["options"][1]["impact"] = {}
    return d, [(Q(d, "money", "options", 1, "impact"), "expected at least 1 entry, got 0.")]


@case("schema-map-value-wrong-type")
def _(d):
    d["scoring"]["base"]["A1"] = 3
    return d, [(("scoring", "base", "A1"), "expected a mapping with keys likelihood, impact, got the number 3.")]


@case("schema-condition-unknown-key")
def _(d):
    d["scoring"]["actions"][0]["when"]["likelihood_at_least"] = "likely"
    return d, [(("scoring", "actions", 0, "when", "likelihood_at_least"),
                "unknown key 'likelihood_at_least'; expected one of: scenarios, inherent_at_least, residual_at_least, answers, missing, recommendation_at_least, any.")]


@case("schema-condition-any-does-not-nest")
def _(d):
    i = ai(d, "disengage-a")
    d["scoring"]["actions"][i]["when"]["any"][0] = {"any": [{"scenarios": ["A1"]}]}
    return d, [(("scoring", "actions", i, "when", "any", 0, "any"),
                "unknown key 'any'; expected one of: scenarios, inherent_at_least, residual_at_least, answers, missing, recommendation_at_least.")]


@case("schema-several-problems-at-once")
def _(d):
    del d["method"]["version"]
    d["scenarios"][2]["name"] = ""
    question(d, "travel")["options"][2]["likelihood"]["C4"] = "two"
    d["scoring"]["levels"][0]["colour"] = "green"
    return d, [
        (("method",), "missing required key 'version'; add it."),
        (("scenarios", 2, "name"), "expected text, got an empty string."),
        (Q(d, "travel", "options", 2, "likelihood", "C4"), "expected a whole number, got the text 'two'."),
        (("scoring", "levels", 0, "colour"), "unknown key 'colour'; expected one of: id, label, description."),
    ]


# -- invariants: ids --------------------------------------------------------------

@case("dup-category")
def _(d):
    d["categories"].append({"id": "A", "name": "Again", "summary": "A second A."})
    return d, [(("categories", 3, "id"), "duplicate category id 'A' (first used at index 0); ids must be unique.")]


@case("dup-scenario")
def _(d):
    twin = copy.deepcopy(d["scenarios"][0])
    for n, impact in enumerate(twin["impacts"]):
        impact["id"] = f"twin-{n}"
    d["scenarios"].append(twin)
    return d, [(("scenarios", 7, "id"), "duplicate scenario id 'A1' (first used at index 0); ids must be unique.")]


@case("dup-stakeholder")
def _(d):
    d["stakeholders"].append(dict(d["stakeholders"][0]))
    return d, [(("stakeholders", 7, "id"), "duplicate stakeholder id 'Gov' (first used at index 0); ids must be unique.")]


@case("dup-cooperation-level")
def _(d):
    d["cooperation_levels"].append(dict(d["cooperation_levels"][0]))
    return d, [(("cooperation_levels", 3, "id"), "duplicate cooperation level id 'local' (first used at index 0); ids must be unique.")]


@case("dup-source")
def _(d):
    d["method"]["sources"].append(dict(d["method"]["sources"][2]))
    return d, [(("method", "sources", 3, "id"), "duplicate source id 'general' (first used at index 2); ids must be unique.")]


@case("dup-section")
def _(d):
    d["questionnaire"]["sections"].append(dict(d["questionnaire"]["sections"][0]))
    return d, [(("questionnaire", "sections", 7, "id"), "duplicate section id 'status' (first used at index 0); ids must be unique.")]


@case("dup-question")
def _(d):
    question(d, "third_country")["id"] = "competitor"
    return d, [(("questionnaire", "questions", 13, "id"), "duplicate question id 'competitor' (first used at index 8); ids must be unique.")]


@case("dup-option-value")
def _(d):
    question(d, "money")["options"][1]["value"] = "small"
    return d, [(Q(d, "money", "options", 1, "value"),
                "duplicate option value 'small' in question 'money' (first used at index 0); values must be unique within a question.")]


@case("dup-level")
def _(d):
    d["scoring"]["levels"].append(dict(d["scoring"]["levels"][3]))
    return d, [(("scoring", "levels", 4, "id"), "duplicate level id 'critical' (first used at index 3); ids must be unique.")]


@case("dup-likelihood-level")
def _(d):
    d["scoring"]["likelihood"]["levels"].append({"id": "rare", "label": "Rare again", "min_points": 9})
    return d, [(("scoring", "likelihood", "levels", 4, "id"), "duplicate likelihood level id 'rare' (first used at index 0); ids must be unique.")]


@case("dup-impact-level")
def _(d):
    d["scoring"]["impact"]["levels"].append({"id": "minor", "label": "Minor again", "min_points": 9})
    return d, [(("scoring", "impact", "levels", 4, "id"), "duplicate impact level id 'minor' (first used at index 0); ids must be unique.")]


@case("dup-recommendation")
def _(d):
    d["scoring"]["recommendations"][1]["id"] = "proceed"
    return d, [(("scoring", "recommendations", 1, "id"), "duplicate recommendation id 'proceed' (first used at index 0); ids must be unique.")]


@case("dup-rule")
def _(d):
    d["scoring"]["recommendation_rules"].append(copy.deepcopy(d["scoring"]["recommendation_rules"][2]))
    return d, [(("scoring", "recommendation_rules", 3, "id"), "duplicate rule id 'unmanageable' (first used at index 2); ids must be unique.")]


@case("dup-action")
def _(d):
    d["scoring"]["actions"].append(copy.deepcopy(d["scoring"]["actions"][-1]))
    return d, [(("scoring", "actions", 22, "id"), "duplicate action id 'keep-monitoring' (first used at index 21); ids must be unique.")]


@case("dup-country")
def _(d):
    d["countries"].append(copy.deepcopy(d["countries"][ci(d, "us")]))
    return d, [(("countries", 5, "id"), "duplicate country id 'us' (first used at index 4); ids must be unique.")]


@case("dup-impact-across-scenarios")
def _(d):
    d["scenarios"][1]["impacts"][0]["id"] = "A1-influence"
    return d, [(("scenarios", 1, "impacts", 0, "id"), "duplicate impact id 'A1-influence' (also in scenario A1); ids must be unique.")]


@case("dup-step-across-flowcharts")
def _(d):
    steps = d["flowcharts"]["foresight"]["steps"]
    steps.append({"id": "manage-a-act", "kind": "task", "title": "Extra", "summary": "An extra step.", "stakeholders": ["Gov"], "next": []})
    steps[2]["next"] = [{"to": "manage-a-act"}]
    return d, [(("flowcharts", "management", "tracks", 0, "steps", 2, "id"),
                "duplicate step id 'manage-a-act'; ids must be unique across both flowcharts.")]


# -- invariants: references ---------------------------------------------------------

@case("ref-scenario-category")
def _(d):
    d["scenarios"][0]["category"] = "Z"
    return d, [(("scenarios", 0, "category"), "unknown category 'Z'; expected one of: A, B, C.")]


@case("ref-impact-applies-from")
def _(d):
    d["scenarios"][0]["impacts"][0]["applies_from"] = "extreme"
    return d, [(("scenarios", 0, "impacts", 0, "applies_from"), f"unknown level 'extreme'; expected one of: {LEVELS}.")]


@case("ref-evidence-source")
def _(d):
    d["scenarios"][0]["evidence"][0]["source"] = "brief-999"
    return d, [(("scenarios", 0, "evidence", 0, "source"), f"unknown source 'brief-999'; expected one of: {SOURCES}.")]


@case("ref-category-without-scenario-or-track")
def _(d):
    d["categories"].append({"id": "D", "name": "Digital Risk", "summary": "Not in the brief."})
    return d, [
        (("categories", 3), "category 'D' has no scenario; add one or remove the category."),
        (("categories", 3), "category 'D' has no management track; add one under flowcharts.management.tracks."),
    ]


@case("ref-stakeholder-level")
def _(d):
    d["stakeholders"][0]["level"] = "global"
    return d, [(("stakeholders", 0, "level"), "unknown cooperation level 'global'; expected one of: domestic, international, local.")]


@case("ref-step-stakeholder")
def _(d):
    d["flowcharts"]["foresight"]["steps"][0]["stakeholders"][0] = "Xyz"
    return d, [(("flowcharts", "foresight", "steps", 0, "stakeholders", 0), f"unknown stakeholder 'Xyz'; expected one of: {STAKEHOLDERS}.")]


@case("ref-country-role-and-sources")
def _(d):
    us = d["countries"][ci(d, "us")]
    us["roles"]["Xyz"] = dict(us["roles"]["Gov"])
    us["roles"]["Gov"]["source"] = "rumour"
    us["contacts"][0]["role"] = "Mayor"
    us["contacts"][1]["source"] = "rumour"
    us["rules"][0]["source"] = "rumour"
    i = ci(d, "us")
    return d, [
        (("countries", i, "contacts", 0, "role"), f"unknown stakeholder 'Mayor'; expected one of: {STAKEHOLDERS}."),
        (("countries", i, "contacts", 1, "source"), f"unknown source 'rumour'; expected one of: {SOURCES}."),
        (("countries", i, "roles", "Gov", "source"), f"unknown source 'rumour'; expected one of: {SOURCES}."),
        (("countries", i, "roles", "Xyz"), f"unknown stakeholder 'Xyz'; expected one of: {STAKEHOLDERS}."),
        (("countries", i, "rules", 0, "source"), f"unknown source 'rumour'; expected one of: {SOURCES}."),
    ]


# -- invariants: flowcharts ---------------------------------------------------------

@case("flow-next-unknown-step")
def _(d):
    d["flowcharts"]["foresight"]["steps"][0]["next"][0]["to"] = "nowhere"
    path = ("flowcharts", "foresight", "steps")
    return d, [
        (path + (0, "next", 0, "to"), "step 'nowhere' is not in this flowchart; expected one of: foresight-scan, foresight-assess, foresight-decide."),
        (path + (1,), "step 'foresight-assess' cannot be reached from the first step 'foresight-scan'; link it from another step."),
        (path + (2,), "step 'foresight-decide' cannot be reached from the first step 'foresight-scan'; link it from another step."),
    ]


@case("flow-unreachable-step")
def _(d):
    d["flowcharts"]["foresight"]["steps"][1]["next"] = []
    return d, [(("flowcharts", "foresight", "steps", 2),
                "step 'foresight-decide' cannot be reached from the first step 'foresight-scan'; link it from another step.")]


@case("flow-track-category-unknown")
def _(d):
    d["flowcharts"]["management"]["tracks"][0]["category"] = "Z"
    return d, [
        (("categories", 0), "category 'A' has no management track; add one under flowcharts.management.tracks."),
        (("flowcharts", "management", "tracks", 0, "category"), "unknown category 'Z'; expected one of: A, B, C."),
    ]


@case("flow-two-tracks-for-a-category")
def _(d):
    d["flowcharts"]["management"]["tracks"][1]["category"] = "A"
    return d, [
        (("categories", 1), "category 'B' has no management track; add one under flowcharts.management.tracks."),
        (("flowcharts", "management", "tracks", 1, "category"), "category 'A' already has a management track (track 0); keep one per category."),
    ]


@case("flow-track-without-disengagement")
def _(d):
    d["flowcharts"]["management"]["tracks"][2]["steps"][4]["kind"] = "task"
    return d, [(("flowcharts", "management", "tracks", 2),
                "the management track of category 'C' has no final 'disengage' step; every track must end in disengagement.")]


# -- invariants: questionnaire ------------------------------------------------------

@case("q-section-unknown")
def _(d):
    question(d, "stage")["section"] = "nowhere"
    return d, [(Q(d, "stage", "section"), "unknown section 'nowhere'; expected one of: activity, counterpart, local, relations, safeguards, stakes, status.")]


@case("q-step-unknown")
def _(d):
    question(d, "sg_gov")["step"] = "nowhere"
    return d, [(Q(d, "sg_gov", "step"), f"unknown flowchart step 'nowhere'; expected one of: {STEPS}.")]


@case("q-stakeholder-unknown")
def _(d):
    question(d, "sg_gov")["stakeholders"] = ["Gov", "Mayor"]
    return d, [(Q(d, "sg_gov", "stakeholders", 1), f"unknown stakeholder 'Mayor'; expected one of: {STAKEHOLDERS}.")]


@case("q-multi-without-combine")
def _(d):
    del question(d, "requests")["combine"]
    return d, [(Q(d, "requests"), "question 'requests' is multiple-choice and needs 'combine: sum' or 'combine: max'.")]


@case("q-single-with-combine")
def _(d):
    question(d, "money")["combine"] = "sum"
    return d, [(Q(d, "money", "combine"), "question 'money' is single-choice; 'combine' applies only to multiple-choice questions.")]


@case("q-section-without-question")
def _(d):
    d["questionnaire"]["sections"].append({"id": "later", "title": "Later", "intro": "Nothing yet."})
    return d, [(("questionnaire", "sections", 7), "section 'later' has no question; add one or remove the section.")]


@case("q-driver-option-with-reduction")
def _(d):
    question(d, "money")["options"][1]["reduce_likelihood"] = {"A1": 1}
    return d, [(Q(d, "money", "options", 1, "reduce_likelihood"),
                "'reduce_likelihood' is not allowed on a driver option; drivers use likelihood, impact and activates.")]


@case("q-safeguard-option-with-points")
def _(d):
    question(d, "sg_gov")["options"][1]["likelihood"] = {"A1": 1}
    return d, [(Q(d, "sg_gov", "options", 1, "likelihood"),
                "'likelihood' is not allowed on a safeguard option; safeguards use reduce_likelihood and reduce_impact.")]


@case("q-context-option-with-effect")
def _(d):
    question(d, "stage")["options"][1]["activates"] = ["A1-influence"]
    return d, [(Q(d, "stage", "options", 1, "activates"),
                "'activates' is not allowed on a context question option; context questions carry no points.")]


@case("q-points-for-unknown-scenario")
def _(d):
    question(d, "money")["options"][2]["impact"]["D1"] = 1
    return d, [(Q(d, "money", "options", 2, "impact", "D1"), f"unknown scenario 'D1'; expected one of: {SCENARIOS}.")]


@case("q-activates-unknown-impact")
def _(d):
    question(d, "knowledge")["options"][2]["activates"].append("B1-sabotage")
    return d, [(Q(d, "knowledge", "options", 2, "activates", 2),
                "unknown impact 'B1-sabotage'; expected one of: A1-influence, A1-propaganda, A1-security, A2-discontinuation, "
                "B1-advantage, B1-ip, C1-reputation, C2-reputation, C3-discontinuation, C4-discontinuation, C4-reputation.")]


@case("q-exclusive-on-single")
def _(d):
    question(d, "money")["options"][0]["exclusive"] = True
    return d, [(Q(d, "money", "options", 0, "exclusive"), "'exclusive' applies only to multiple-choice questions; question 'money' is single-choice.")]


@case("q-exclusive-with-points")
def _(d):
    question(d, "requests")["options"][0]["likelihood"] = {"C2": 1}
    return d, [(Q(d, "requests", "options", 0), "exclusive option 'none' of question 'requests' must carry no points; it means 'none of these'.")]


@case("q-driver-points-fall")
def _(d):
    question(d, "political_system")["options"][2]["likelihood"]["A1"] = 1
    return d, [(Q(d, "political_system", "options", 2, "likelihood"),
                "option 'non_democratic' gives A1 likelihood 1, less than the 2 of the option before it; "
                "options are listed from least to most risk, so points may not fall.")]


@case("q-driver-points-vanish")
def _(d):
    del question(d, "visibility")["options"][2]["impact"]["C3"]
    return d, [(Q(d, "visibility", "options", 2, "impact"),
                "option 'high' gives C3 impact 0, less than the 1 of the option before it; "
                "options are listed from least to most risk, so points may not fall.")]


@case("q-safeguard-protection-falls")
def _(d):
    del question(d, "sg_gov")["options"][2]["reduce_likelihood"]["A2"]
    return d, [(Q(d, "sg_gov", "options", 2, "reduce_likelihood"),
                "option 'yes' gives A2 reduce_likelihood 0, less than the 1 of the option before it; "
                "options are listed from least to most protection, so points may not fall.")]


@case("q-show-if-itself")
def _(d):
    question(d, "state_steering")["show_if"]["question"] = "state_steering"
    return d, [(Q(d, "state_steering", "show_if", "question"), "question 'state_steering' cannot depend on itself.")]


@case("q-show-if-unknown-question")
def _(d):
    question(d, "state_steering")["show_if"]["question"] = "regime"
    return d, [(Q(d, "state_steering", "show_if", "question"), "unknown question 'regime'; expected one of: 38 known ids.")]


@case("q-show-if-parent-later")
def _(d):
    question(d, "state_steering")["show_if"] = {"question": "competitor", "in": ["yes"]}
    return d, [(Q(d, "state_steering", "show_if", "question"),
                "question 'state_steering' depends on 'competitor', which comes later; put the question it depends on first.")]


@case("q-show-if-value-not-an-option")
def _(d):
    question(d, "state_steering")["show_if"]["in"].append("monarchy")
    return d, [(Q(d, "state_steering", "show_if", "in", 2),
                "'monarchy' is not an option of question 'political_system'; expected one of: democracy, hybrid, non_democratic.")]


@case("q-safeguard-under-driver")
def _(d):
    question(d, "sg_screening")["show_if"] = {"question": "investment_proposal", "in": ["discussed", "proposed"]}
    return d, [(Q(d, "sg_screening", "show_if"),
                "safeguard question 'sg_screening' cannot depend on driver 'investment_proposal'; only drivers may, or a rising driver could lower a level.")]


@case("q-child-not-on-riskiest-options")
def _(d):
    question(d, "state_steering")["show_if"]["in"] = ["hybrid"]
    return d, [(Q(d, "state_steering", "show_if", "in"),
                "question 'state_steering' is shown for hybrid of driver 'political_system' but not for non_democratic; "
                "list every option from 'hybrid' up, so a riskier answer never removes it.")]


@case("q-child-of-none-of-these")
def _(d):
    question(d, "influence_channels")["show_if"] = {"question": "strategic_assets", "in": ["none"]}
    return d, [(Q(d, "influence_channels", "show_if", "in"),
                "question 'influence_channels' cannot be shown by the 'none of these' option 'none' of 'strategic_assets'.")]


@case("q-context-under-safeguard")
def _(d):
    d["questionnaire"]["questions"].append(extra_question(show_if={"question": "sg_gov", "in": ["yes"]}))
    return d, [(("questionnaire", "questions", 38, "show_if"),
                "context question 'extra' cannot depend on safeguard 'sg_gov'; only safeguards may.")]


@case("q-safeguard-child-not-on-most-protective-options")
def _(d):
    d["questionnaire"]["questions"].append(extra_question(
        id="sg_informal_exit", kind="safeguard", show_if={"question": "sg_exit", "in": ["no"]},
        options=[{"value": "no", "label": "No"}, {"value": "yes", "label": "Yes", "reduce_impact": {"A2": 1}}]))
    return d, [(("questionnaire", "questions", 38, "show_if", "in"),
                "question 'sg_informal_exit' is shown for no of safeguard 'sg_exit' but not for planned, yes; "
                "list every option from 'no' up, so a more protective answer never removes it.")]


# -- invariants: scoring ------------------------------------------------------------

@case("score-first-threshold-not-zero")
def _(d):
    d["scoring"]["likelihood"]["levels"][0]["min_points"] = 1
    return d, [(("scoring", "likelihood", "levels", 0, "min_points"), "the first likelihood level must start at 0 points, got 1.")]


@case("score-thresholds-do-not-rise")
def _(d):
    d["scoring"]["impact"]["levels"][2]["min_points"] = 2
    return d, [(("scoring", "impact", "levels", 2, "min_points"),
                "impact level 'major' starts at 2 points, not above 'moderate' (2); thresholds must rise.")]


@case("score-base-missing")
def _(d):
    del d["scoring"]["base"]["C4"]
    return d, [(("scoring", "base"), "scenario 'C4' has no base points; add 'C4: {likelihood: 0, impact: 0}'.")]


@case("score-base-unknown-scenario")
def _(d):
    d["scoring"]["base"]["D1"] = {"likelihood": 0, "impact": 0}
    return d, [(("scoring", "base", "D1"), f"unknown scenario 'D1'; expected one of: {SCENARIOS}.")]


@case("grid-unknown-row")
def _(d):
    d["scoring"]["grid"]["sometimes"] = dict(d["scoring"]["grid"]["rare"])
    return d, [(("scoring", "grid", "sometimes"), "unknown likelihood level 'sometimes'; expected one of: rare, possible, likely, almost_certain.")]


@case("grid-missing-row")
def _(d):
    del d["scoring"]["grid"]["likely"]
    return d, [(("scoring", "grid"), "the grid has no row for likelihood 'likely'; every likelihood level needs one.")]


@case("grid-unknown-column")
def _(d):
    d["scoring"]["grid"]["rare"]["huge"] = "medium"
    return d, [(("scoring", "grid", "rare", "huge"), "unknown impact level 'huge'; expected one of: minor, moderate, major, severe.")]


@case("grid-missing-cell")
def _(d):
    del d["scoring"]["grid"]["rare"]["major"]
    return d, [(("scoring", "grid", "rare"), "the grid has no cell for likelihood 'rare' x impact 'major'; map every cell once.")]


@case("grid-unknown-level")
def _(d):
    d["scoring"]["grid"]["rare"]["minor"] = "tiny"
    return d, [(("scoring", "grid", "rare", "minor"), "unknown level 'tiny'; expected one of: low, medium, high, critical.")]


@case("grid-falls-with-impact")
def _(d):
    # Left of it, 'possible' x 'moderate' is medium; one likelihood lower, 'rare' x 'major' is low: only the impact rule breaks.
    d["scoring"]["grid"]["possible"]["major"] = "low"
    return d, [(("scoring", "grid", "possible", "major"),
                "'possible' x 'major' is 'low', lower than 'medium' at impact 'moderate'; more impact may never lower the level.")]


@case("grid-falls-with-likelihood")
def _(d):
    d["scoring"]["grid"]["almost_certain"]["minor"] = "low"
    return d, [(("scoring", "grid", "almost_certain", "minor"),
                "'almost_certain' x 'minor' is 'low', lower than 'medium' at likelihood 'likely'; more likelihood may never lower the level.")]


@case("grid-falls-both-ways")
def _(d):
    d["scoring"]["grid"]["likely"]["major"] = "low"
    return d, [
        (("scoring", "grid", "likely", "major"), "'likely' x 'major' is 'low', lower than 'medium' at impact 'moderate'; more impact may never lower the level."),
        (("scoring", "grid", "likely", "major"), "'likely' x 'major' is 'low', lower than 'medium' at likelihood 'possible'; more likelihood may never lower the level."),
    ]


@case("rec-from-level-unknown")
def _(d):
    d["scoring"]["recommendations"][1]["from_level"] = "mid"
    return d, [(("scoring", "recommendations", 1, "from_level"), f"unknown level 'mid'; expected one of: {LEVELS}.")]


@case("rec-step-unknown")
def _(d):
    d["scoring"]["recommendations"][3]["step"] = "manage-z-act"
    return d, [(("scoring", "recommendations", 3, "step"), f"unknown flowchart step 'manage-z-act'; expected one of: {STEPS}.")]


@case("rec-first-not-from-lowest")
def _(d):
    d["scoring"]["recommendations"][0]["from_level"] = "medium"
    return d, [
        (("scoring", "recommendations", 0, "from_level"), "the first recommendation must apply from the lowest level 'low', got 'medium'."),
        (("scoring", "recommendations", 1, "from_level"),
         "recommendation 'proceed_with_safeguards' applies from 'medium', not above 'medium' of 'proceed'; recommendations go mildest first."),
    ]


@case("rec-not-mildest-first")
def _(d):
    d["scoring"]["recommendations"][2]["from_level"] = "critical"
    d["scoring"]["recommendations"][3]["from_level"] = "high"
    return d, [(("scoring", "recommendations", 3, "from_level"),
                "recommendation 'disengage' applies from 'high', not above 'critical' of 'escalate'; recommendations go mildest first.")]


@case("rule-at-least-unknown")
def _(d):
    d["scoring"]["recommendation_rules"][0]["at_least"] = "panic"
    return d, [(("scoring", "recommendation_rules", 0, "at_least"), f"unknown recommendation 'panic'; expected one of: {RECS}.")]


@case("rule-names-a-safeguard")
def _(d):
    d["scoring"]["recommendation_rules"][1]["when"] = {"answers": {"sg_gov": ["no"]}}
    return d, [(("scoring", "recommendation_rules", 1, "when", "answers", "sg_gov"),
                "a recommendation rule may only name driver questions, and 'sg_gov' is a safeguard; "
                "otherwise an answer could raise the recommendation against the method's order.")]


@case("rule-not-on-riskiest-options")
def _(d):
    d["scoring"]["recommendation_rules"][1]["when"]["answers"]["sanctions_restrict"] = ["unclear"]
    return d, [(("scoring", "recommendation_rules", 1, "when", "answers", "sanctions_restrict"),
                "the rule is triggered for unclear of driver 'sanctions_restrict' but not for yes; "
                "list every option from 'unclear' up, so a riskier answer never removes it.")]


@case("rule-triggered-by-none-of-these")
def _(d):
    d["scoring"]["recommendation_rules"][2]["when"]["answers"]["unmanageable"] = ["none", "A"]
    return d, [(("scoring", "recommendation_rules", 2, "when", "answers", "unmanageable"),
                "the rule cannot be triggered by the 'none of these' option 'none' of 'unmanageable'.")]


@case("rule-answer-not-an-option")
def _(d):
    d["scoring"]["recommendation_rules"][2]["when"]["answers"]["unmanageable"] = ["A", "B", "D"]
    return d, [(("scoring", "recommendation_rules", 2, "when", "answers", "unmanageable", 2),
                "'D' is not an option of question 'unmanageable'; expected one of: none, A, B, C.")]


@case("rule-unknown-question")
def _(d):
    d["scoring"]["recommendation_rules"][1]["when"]["answers"] = {"embargo": ["yes"]}
    return d, [(("scoring", "recommendation_rules", 1, "when", "answers", "embargo"), "unknown question 'embargo'; expected one of: 38 known ids.")]


@case("rule-on-the-recommendation")
def _(d):
    d["scoring"]["recommendation_rules"][0]["when"] = {"recommendation_at_least": "escalate"}
    return d, [(("scoring", "recommendation_rules", 0, "when", "recommendation_at_least"),
                "a recommendation rule cannot depend on the recommendation itself; use levels or answers.")]


@case("action-condition-references")
def _(d):
    when = d["scoring"]["actions"][ai(d, "consult-gov")]["when"]
    when["scenarios"] = ["A1", "Z9"]
    when["inherent_at_least"] = "extreme"
    when["missing"] = ["sg_gov", "political_system", "sg_embassy"]
    i = ai(d, "consult-gov")
    path = ("scoring", "actions", i, "when")
    return d, [
        (path + ("inherent_at_least",), f"unknown level 'extreme'; expected one of: {LEVELS}."),
        (path + ("missing", 1), "'missing' names safeguards, and 'political_system' is a driver question."),
        (path + ("missing", 2), "unknown question 'sg_embassy'; expected one of: 38 known ids."),
        (path + ("scenarios", 1), f"unknown scenario 'Z9'; expected one of: {SCENARIOS}."),
    ]


@case("action-answers-and-recommendation")
def _(d):
    i = ai(d, "disengage-a")
    when = d["scoring"]["actions"][i]["when"]
    when["recommendation_at_least"] = "panic"
    when["any"][1]["answers"]["unmanageable"] = ["Z"]
    path = ("scoring", "actions", i, "when")
    return d, [
        (path + ("any", 1, "answers", "unmanageable", 0), "'Z' is not an option of question 'unmanageable'; expected one of: none, A, B, C."),
        (path + ("recommendation_at_least",), f"unknown recommendation 'panic'; expected one of: {RECS}."),
    ]


@case("action-stakeholder-and-step")
def _(d):
    d["scoring"]["actions"][0]["stakeholders"].append("Mayor")
    d["scoring"]["actions"][0]["step"] = "foresight-dream"
    return d, [
        (("scoring", "actions", 0, "stakeholders", 3), f"unknown stakeholder 'Mayor'; expected one of: {STAKEHOLDERS}."),
        (("scoring", "actions", 0, "step"), f"unknown flowchart step 'foresight-dream'; expected one of: {STEPS}."),
    ]


@case("reach-scenario-cannot-be-critical")
def _(d):
    for qid, option, points in (("dependencies", 1, 1), ("dependencies", 2, 1), ("visibility", 2, 1)):
        question(d, qid)["options"][option]["impact"]["C3"] = points
    return d, [(("scenarios", 5),
                "scenario 'C3' cannot reach level 'critical' with any answers (at most 'high': likelihood 7, impact 3 points); "
                "raise its driver points or its base.")]


@case("several-invariants-at-once")
def _(d):
    d["scenarios"][0]["category"] = "Z"
    question(d, "money")["combine"] = "max"
    d["scoring"]["grid"]["rare"]["minor"] = "tiny"
    d["scoring"]["recommendation_rules"][0]["at_least"] = "panic"
    return d, [
        (Q(d, "money", "combine"), "question 'money' is single-choice; 'combine' applies only to multiple-choice questions."),
        (("scenarios", 0, "category"), "unknown category 'Z'; expected one of: A, B, C."),
        (("scoring", "grid", "rare", "minor"), "unknown level 'tiny'; expected one of: low, medium, high, critical."),
        (("scoring", "recommendation_rules", 0, "at_least"), f"unknown recommendation 'panic'; expected one of: {RECS}."),
    ]


@pytest.mark.parametrize("make", CASES)
def test_rule(method_data, make):
    data, expected = make(method_data)
    assert problems_of(data) == sorted(expected)


# -- the real method --------------------------------------------------------------

def test_the_real_method_compiles_and_keeps_every_invariant(method):
    from engine.invariants import check_invariants
    assert check_invariants(method.data) == []
    assert compile_method(copy.deepcopy(method.data)).version == method.version


def test_engine_check_passes_on_the_real_method():
    completed = subprocess.run([PYTHON, "-m", "engine", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "method 1.0.0: 7 scenarios, 38 questions, 22 actions, 5 country profiles: OK\n"
    assert completed.stderr == ""


def test_a_safeguard_child_on_the_most_protective_options_is_accepted(method_data):
    method_data["questionnaire"]["questions"].append(extra_question(
        id="sg_exit_tested", kind="safeguard", show_if={"question": "sg_exit", "in": ["planned", "yes"]},
        options=[{"value": "no", "label": "No"}, {"value": "yes", "label": "Yes", "reduce_impact": {"A2": 1}}]))
    compile_method(method_data)


# -- problems located in the YAML files -------------------------------------------

@pytest.fixture()
def scenarios_copy(tmp_path):
    target = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", target)
    return target


def _line_of(path, text) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(matches) == 1, (text, matches)
    return matches[0]


def test_invariant_problems_name_file_and_line(scenarios_copy):
    questions = scenarios_copy / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    old = "likelihood: {A1: 4, B1: 2, C1: 2}"
    assert text.count(old) == 1
    questions.write_text(text.replace(old, "likelihood: {A1: 1, B1: 2, C1: 2}"), encoding="utf-8")
    scoring = scenarios_copy / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    old = 'at_least: "disengage"\n      reason: "Sanctions'
    assert text.count(old) == 1
    scoring.write_text(text.replace(old, 'at_least: "stop"\n      reason: "Sanctions'), encoding="utf-8")
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    q_line = _line_of(questions, "likelihood: {A1: 1, B1: 2, C1: 2}")
    s_line = _line_of(scoring, 'at_least: "stop"')
    assert caught.value.lines() == [
        f"scenarios/questions.yaml:{q_line}: questionnaire.questions[2].options[2].likelihood: option 'non_democratic' gives A1 likelihood 1, "
        "less than the 2 of the option before it; options are listed from least to most risk, so points may not fall.",
        f"scenarios/scoring.yaml:{s_line}: scoring.recommendation_rules[1].at_least: unknown recommendation 'stop'; expected one of: {RECS}.",
    ]


def test_schema_problems_name_file_and_line(scenarios_copy):
    matrix = scenarios_copy / "matrix.yaml"
    text = matrix.read_text(encoding="utf-8")
    old = 'name: "Unfair Economic Competition"'
    assert text.count(old) == 1
    matrix.write_text(text.replace(old, 'name: ""'), encoding="utf-8")
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    line = _line_of(matrix, 'name: ""')
    assert caught.value.lines() == [f"scenarios/matrix.yaml:{line}: scenarios[2].name: expected text, got an empty string."]


# -- the strict YAML reader (source.py) ----------------------------------------------

def _write(folder, files: dict):
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def source_lines(tmp_path, files: dict) -> list[str]:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    _write(folder, files)
    with pytest.raises(SourceError) as caught:
        load_method_dir(str(folder))
    return caught.value.lines()


SOURCE_CASES = [
    pytest.param({"method.yaml": 'method:\n  id: "a"\n  title: "T"\n  id: "b"\n'},
                 ["scenarios/method.yaml:4: method.id: duplicate key 'id' (first on line 2); YAML would silently keep only the last one, so remove one."],
                 id="duplicate-key"),
    pytest.param({"questions.yaml": 'questionnaire:\n  questions:\n    - options:\n        - value: no\n'},
                 ['scenarios/questions.yaml:4: questionnaire.questions[0].options[0].value: bare no is read by YAML as a boolean (false); '
                  'write "no" in quotes if you mean the word, or true/false for a boolean.'],
                 id="bare-no"),
    pytest.param({"a.yaml": "a:\n  b: yes\n  c: On\n  d: OFF\n"},
                 ['scenarios/a.yaml:2: a.b: bare yes is read by YAML as a boolean (true); write "yes" in quotes if you mean the word, or true/false for a boolean.',
                  'scenarios/a.yaml:3: a.c: bare On is read by YAML as a boolean (true); write "On" in quotes if you mean the word, or true/false for a boolean.',
                  'scenarios/a.yaml:4: a.d: bare OFF is read by YAML as a boolean (false); write "OFF" in quotes if you mean the word, or true/false for a boolean.'],
                 id="bare-yes-on-off"),
    pytest.param({"a.yaml": "a:\n  - y\n  - n\n"},
                 ['scenarios/a.yaml:2: a[0]: bare y is read by some YAML tools as a boolean; write "y" in quotes.',
                  'scenarios/a.yaml:3: a[1]: bare n is read by some YAML tools as a boolean; write "n" in quotes.'],
                 id="bare-y-n"),
    pytest.param({"a.yaml": "a:\n  sexagesimal: 1:30\n  octal: 010\n  hex: 0x1F\n  grouped: 1_000\n"},
                 ["scenarios/a.yaml:2: a.sexagesimal: 1:30 is not a plain decimal number (YAML 1.1 reads it as 90); write the number in decimal digits, or quote it as text.",
                  "scenarios/a.yaml:3: a.octal: 010 is not a plain decimal number (YAML 1.1 reads it as 8); write the number in decimal digits, or quote it as text.",
                  "scenarios/a.yaml:4: a.hex: 0x1F is not a plain decimal number (YAML 1.1 reads it as 31); write the number in decimal digits, or quote it as text.",
                  "scenarios/a.yaml:5: a.grouped: 1_000 is not a plain decimal number (YAML 1.1 reads it as 1000); write the number in decimal digits, or quote it as text."],
                 id="sexagesimal-octal-hex-grouped-ints"),
    pytest.param({"a.yaml": "a:\n  half: 1.5\n  infinite: .inf\n"},
                 ["scenarios/a.yaml:2: a.half: 1.5 is a decimal number; the method uses whole numbers only (quote it if it is text).",
                  "scenarios/a.yaml:3: a.infinite: .inf is a decimal number; the method uses whole numbers only (quote it if it is text)."],
                 id="floats"),
    pytest.param({"a.yaml": "a: [1, 2\n"},
                 ["scenarios/a.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence on line 1); "
                  "check indentation, colons and quotes near this line."],
                 id="syntax-error"),
    pytest.param({"a.yaml": 'a:\n  b: "unfinished\n'},
                 ["scenarios/a.yaml:3: invalid YAML: found unexpected end of stream (while scanning a quoted scalar on line 2); "
                  "check indentation, colons and quotes near this line."],
                 id="unterminated-quote"),
    pytest.param({"a.yaml": "a:\n\tb: 1\n"},
                 ["scenarios/a.yaml:2: invalid YAML: found character '\\t' that cannot start any token; check indentation, colons and quotes near this line."],
                 id="tab-indentation"),
    pytest.param({"a.yaml": "base: &base\n  likelihood: 0\nA1:\n  <<: *base\n  impact: 2\n"},
                 ["scenarios/a.yaml:4: A1: merge keys ('<<') are not supported; write the keys out."],
                 id="merge-key"),
    pytest.param({"a.yaml": "method:\n  id: \"a\"\n", "b.yaml": "# the same key again\nmethod:\n  id: \"b\"\n"},
                 ["scenarios/b.yaml:2: method: key 'method' is already defined in scenarios/a.yaml; each part of the method lives in one file."],
                 id="key-in-two-files"),
    pytest.param({"countries/de.yaml": 'id: "fr"\nname: "France"\n'},
                 ["scenarios/countries/de.yaml:1: countries[0].id: the profile's id must match its file name: expected 'de', got 'fr'."],
                 id="country-id-not-file-name"),
    pytest.param({"countries/de.yaml": 'name: "Germany"\n'},
                 ["scenarios/countries/de.yaml:1: countries[0].id: the profile's id must match its file name: expected 'de', got None."],
                 id="country-without-id"),
    pytest.param({"a.yaml": "? [x, z]\n: 1\n"},
                 ["scenarios/a.yaml:1: keys must be text, got ['x', 'z']; quote the key."],
                 id="non-text-key"),
    pytest.param({"a.yaml": "# nothing here\n"},
                 ["scenarios/a.yaml:1: the file is empty; expected a mapping of method keys."],
                 id="empty-file"),
    pytest.param({"a.yaml": "- one\n- two\n"},
                 ["scenarios/a.yaml:1: expected a mapping of top-level method keys, got a list or a value."],
                 id="top-level-list"),
    pytest.param({"a.yaml": 'a:\n  b: "bell\x07"\n'},
                 ["scenarios/a.yaml:2: invalid YAML: the character U+0007 is not allowed in YAML text; remove it or write it as an escape in a double-quoted string."],
                 id="control-character"),
    pytest.param({"a.yaml": b'a:\n  b: "caf\xe9"\n'},
                 ["scenarios/a.yaml:2: expected UTF-8 text, got the byte 0xe9 that UTF-8 cannot decode; save the file as UTF-8."],
                 id="not-utf8"),
    pytest.param({"a.yaml": "a: 1\n---\nb: 2\n"},
                 ["scenarios/a.yaml:2: invalid YAML: expected a single document in the stream, but found another document; check indentation, colons and quotes near this line."],
                 id="two-documents"),
]


@pytest.mark.parametrize("files, expected", SOURCE_CASES)
def test_source(tmp_path, files, expected):
    assert source_lines(tmp_path, files) == expected


def test_source_keeps_quoted_words_dates_and_decimal_ints(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    _write(folder, {"a.yaml": 'a:\n  word: "no"\n  date: 2026-11-22\n  count: 12\n  negative: -3\n  nothing: ~\n  flag: true\n  block: >-\n    yes\n'})
    data, _, problems = read_method_dir(str(folder))
    assert problems == []
    assert data == {"a": {"word": "no", "date": "2026-11-22", "count": 12, "negative": -3, "nothing": None, "flag": True, "block": "yes"}}


def test_source_missing_folder(tmp_path):
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(tmp_path / "nowhere"))
    assert [p.message for p in caught.value.problems] == [
        f"method folder {str(tmp_path / 'nowhere')!r} does not exist; expected the scenarios/ folder of a Crossroads checkout."]
