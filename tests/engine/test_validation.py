"""Every validation rule of the method, each asserting its exact message.

Structural rules (schema.py, validate.py) and invariants (invariants.py) run on a
broken copy of the real method: one edit, then `compile_method` must raise a
MethodError whose problems are exactly the expected (path, message) pairs.
The strict YAML reader (source.py) runs on small method folders written to
tmp_path and must print exactly the expected `file:line: message` lines.
"""

from __future__ import annotations

import copy
import shutil

import pytest

from engine import MethodError, compile_method
from engine.source import SourceError, load_method_dir, read_method_dir
from support.engine import ROOT, cli

SCENARIOS = "A1, A2, B1, C1, C2, C3, C4"
LEVELS = "critical, high, low, medium"
STAKEHOLDERS = "Aca, Civ, Com, Gov, Med, Nac, Pcc"
SOURCES = ("au-fata-1975, au-fras-2020, brief-000, brief-001, ca-ftaaa, ca-ica, de-awg, de-bverfschg, fr-cmf-l151, general, "
           "it-golden-power, it-l124-2007, jp-fefta, nl-vifo, uk-nsa-2023, uk-nsia-2021, us-dpa-721")
RECS = "disengage, pause_and_consult, proceed, proceed_with_safeguards"
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


def ri(data, rid) -> int:
    return [r["id"] for r in data["scoring"]["recommendation_rules"]].index(rid)


def rule(data, rid) -> dict:
    return data["scoring"]["recommendation_rules"][ri(data, rid)]


def ci(data, cid) -> int:
    return [c["id"] for c in data["countries"]].index(cid)


def known_questions(data) -> str:
    """How an unknown-question message counts the known ids (the questionnaire keeps growing)."""
    return f"{len({q['id'] for q in data['questionnaire']['questions']})} known ids"


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


# -- structure: schema.py specs and validate.py's METHOD_SCHEMA ---------------------

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
    return d, [(("extras",), f"unknown key 'extras'; expected one of: {TOP_KEYS}, topics, countries, migrations, additions, language, strings.")]


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
    d["scoring"]["safeguard_steps"]["impact"][0]["steps"] = 1.5
    return d, [(("scoring", "safeguard_steps", "impact", 0, "steps"), "expected a whole number, got the decimal number 1.5.")]


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
    i = ai(d, "disengage-a-running")
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
    last = len(d["method"]["sources"]) - 1
    return d, [(("method", "sources", last, "id"), "duplicate source id 'general' (first used at index 2); ids must be unique.")]


@case("dup-section")
def _(d):
    d["questionnaire"]["sections"].append(dict(d["questionnaire"]["sections"][0]))
    return d, [(("questionnaire", "sections", 7, "id"), "duplicate section id 'status' (first used at index 0); ids must be unique.")]


@case("dup-question")
def _(d):
    question(d, "third_country")["id"] = "competitor"
    # The renamed question is gone under its old id, so everything naming 'third_country' fails too.
    unknown = f"unknown question 'third_country'; expected one of: {known_questions(d)}."
    first, second = [i for i, q in enumerate(d["questionnaire"]["questions"]) if q["id"] == "competitor"]
    assert first < second
    return d, [
        (("questionnaire", "questions", second, "id"), f"duplicate question id 'competitor' (first used at index {first}); ids must be unique."),
        (("scoring", "recommendation_rules", ri(d, "standing-dispute"), "when", "any", 1, "answers", "third_country"), unknown),
        (("scoring", "actions", ai(d, "handle-dispute"), "when", "any", 1, "answers", "third_country"), unknown),
        (("scoring", "actions", ai(d, "find-out"), "when", "any", 6, "answers", "third_country"), unknown),
    ]


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
    # The floors that raise to 'proceed_with_safeguards' lose their target; each known id is listed once.
    unknown = "unknown recommendation 'proceed_with_safeguards'; expected one of: disengage, pause_and_consult, proceed."
    return d, [
        (("scoring", "recommendations", 1, "id"), "duplicate recommendation id 'proceed' (first used at index 0); ids must be unique."),
        (("scoring", "recommendation_rules", ri(d, "standing-dispute"), "at_least"), unknown),
        (("scoring", "recommendation_rules", ri(d, "standing-system"), "at_least"), unknown),
        (("scoring", "decisions", 1, "matches"), unknown),
    ]


@case("dup-rule")
def _(d):
    rules = d["scoring"]["recommendation_rules"]
    rules.append(copy.deepcopy(rule(d, "unmanageable")))
    return d, [(("scoring", "recommendation_rules", len(rules) - 1, "id"),
                f"duplicate rule id 'unmanageable' (first used at index {ri(d, 'unmanageable')}); ids must be unique.")]


@case("dup-action")
def _(d):
    d["scoring"]["actions"].append(copy.deepcopy(d["scoring"]["actions"][-1]))
    return d, [(("scoring", "actions", 26, "id"), "duplicate action id 'keep-monitoring' (first used at index 25); ids must be unique.")]


@case("dup-country")
def _(d):
    d["countries"].append(copy.deepcopy(d["countries"][ci(d, "us")]))
    last = len(d["countries"]) - 1
    return d, [(("countries", last, "id"), f"duplicate country id 'us' (first used at index {ci(d, 'us')}); ids must be unique.")]


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
    us["roles"]["Xyz"] = copy.deepcopy(us["roles"]["Pcc"])
    for body in us["roles"]["Xyz"]["bodies"]:
        body["id"] += "-x"
    us["roles"]["Gov"]["bodies"][0]["source"] = "rumour"
    us["rules"][0]["source"] = "rumour"
    i = ci(d, "us")
    return d, [
        (("countries", i, "roles", "Gov", "bodies", 0, "source"), f"unknown source 'rumour'; expected one of: {SOURCES}."),
        (("countries", i, "roles", "Xyz"), f"unknown stakeholder 'Xyz'; expected one of: {STAKEHOLDERS}."),
        (("countries", i, "rules", 0, "source"), f"unknown source 'rumour'; expected one of: {SOURCES}."),
    ]


TOPICS = ("city-networks, foreign-interference, foreign-policy-advice, investment-screening, municipal-association, "
          "partnership-registration, partnership-support, protective-security-advice, sanctions-export-control, visitor-vetting")


@case("country-body-topic-url-month")
def _(d):
    i = ci(d, "de")
    body = d["countries"][i]["roles"]["Gov"]["bodies"][0]
    body["topics"] = ["foreign-policy-advice", "visas"]
    body["url"] = "http://www.auswaertiges-amt.de"
    body["checked"] = "11/2026"
    d["countries"][i]["checked"] = "2026-13"
    path = ("countries", i, "roles", "Gov", "bodies", 0)
    return d, [
        (("countries", i, "checked"), "expected the month the fact was checked as YYYY-MM (for example 2026-11), got '2026-13'."),
        (path + ("checked",), "expected the month the fact was checked as YYYY-MM (for example 2026-11), got '11/2026'."),
        (path + ("topics", 1), f"unknown topic 'visas'; expected one of: {TOPICS}."),
        (path + ("url",), "expected an official web address starting with https:// and without spaces, got 'http://www.auswaertiges-amt.de'."),
    ]


@case("country-duplicate-body")
def _(d):
    i = ci(d, "de")
    d["countries"][i]["roles"]["Nac"]["bodies"][0]["id"] = "aa"
    return d, [(("countries", i, "roles", "Nac", "bodies", 0, "id"),
                "duplicate body id 'aa' (first used under role Gov); ids must be unique in a profile.")]


@case("country-duty-without-deadline")
def _(d):
    i = ci(d, "au")
    del d["countries"][i]["duties"][0]["deadline"]
    return d, [(("countries", i, "duties", 0), "missing required key 'deadline'; add it.")]


@case("country-duty-references")
def _(d):
    i = ci(d, "au")
    duty = d["countries"][i]["duties"][0]
    duty["body"] = "firb-x"
    duty["id"] = "consult-gov"
    duty["when"] = {"answers": {"stage": ["maybe"]}}
    d["countries"][ci(d, "de")]["duties"] = [dict(d["countries"][i]["duties"][1], body="aa")]
    path = ("countries", i, "duties", 0)
    bodies = ", ".join(sorted(b["id"] for role in d["countries"][i]["roles"].values() for b in role["bodies"]))
    return d, [
        (("countries", ci(d, "de"), "duties", 0, "id"), "duty id 'au-fas-after-entering' is also used by profile 'au'; duty ids must be unique across profiles (start them with the country id)."),
        (path + ("body",), f"unknown body of this profile 'firb-x'; expected one of: {bodies}."),
        (path + ("id",), "duty id 'consult-gov' is also an action's id in scoring.yaml; give the duty its own id."),
        (path + ("when", "answers", "stage", 0), "'maybe' is not an option of question 'stage'; expected one of: proposed, existing."),
    ]


@case("action-unknown-topic")
def _(d):
    d["scoring"]["actions"][0]["topics"] = ["lobbying"]
    return d, [(("scoring", "actions", 0, "topics", 0), f"unknown topic 'lobbying'; expected one of: {TOPICS}.")]


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
    question(d, "political_system")["options"][3]["likelihood"]["A1"] = 1
    return d, [(Q(d, "political_system", "options", 3, "likelihood"),
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
    return d, [(Q(d, "state_steering", "show_if", "question"), f"unknown question 'regime'; expected one of: {known_questions(d)}.")]


@case("q-show-if-parent-later")
def _(d):
    question(d, "state_steering")["show_if"] = {"question": "competitor", "in": ["yes"]}
    return d, [(Q(d, "state_steering", "show_if", "question"),
                "question 'state_steering' depends on 'competitor', which comes later; put the question it depends on first.")]


@case("q-show-if-value-not-an-option")
def _(d):
    question(d, "state_steering")["show_if"]["in"].append("monarchy")
    return d, [(Q(d, "state_steering", "show_if", "in", 2),
                "'monarchy' is not an option of question 'political_system'; expected one of: democracy, dont_know, hybrid, non_democratic.")]


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
    return d, [(Q(d, "extra", "show_if"),
                "context question 'extra' cannot depend on safeguard 'sg_gov'; only safeguards may.")]


@case("q-safeguard-child-not-on-most-protective-options")
def _(d):
    d["questionnaire"]["questions"].append(extra_question(
        id="sg_informal_exit", kind="safeguard", show_if={"question": "sg_exit", "in": ["no"]},
        options=[{"value": "no", "label": "No"}, {"value": "yes", "label": "Yes", "reduce_impact": {"A2": 1}}]))
    return d, [(Q(d, "sg_informal_exit", "show_if", "in"),
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
                "recommendation 'disengage' applies from 'high', not above 'critical' of 'pause_and_consult'; recommendations go mildest first.")]


@case("rule-at-least-unknown")
def _(d):
    rule(d, "war")["at_least"] = "panic"
    return d, [(("scoring", "recommendation_rules", ri(d, "war"), "at_least"), f"unknown recommendation 'panic'; expected one of: {RECS}.")]


@case("rule-names-a-safeguard")
def _(d):
    rule(d, "sanctions-restrict")["when"] = {"answers": {"sg_gov": ["no"]}}
    return d, [(("scoring", "recommendation_rules", ri(d, "sanctions-restrict"), "when", "answers", "sg_gov"),
                "a recommendation rule may only name driver questions, and 'sg_gov' is a safeguard; "
                "otherwise an answer could raise the recommendation against the method's order.")]


@case("rule-not-on-riskiest-options")
def _(d):
    # 1.0.0's 'unclear' is 2.0.0's 'dont_know' (scenarios/migrations.yaml).
    rule(d, "sanctions-restrict")["when"]["answers"]["sanctions_restrict"] = ["dont_know"]
    return d, [(("scoring", "recommendation_rules", ri(d, "sanctions-restrict"), "when", "answers", "sanctions_restrict"),
                "the rule is triggered for dont_know of driver 'sanctions_restrict' but not for yes; "
                "list every option from 'dont_know' up, so a riskier answer never removes it.")]


@case("rule-war-not-on-riskiest-options")
def _(d):
    rule(d, "war")["when"]["answers"]["national_relations"] = ["armed_conflict"]
    return d, [(("scoring", "recommendation_rules", ri(d, "war"), "when", "answers", "national_relations"),
                "the rule is triggered for armed_conflict of driver 'national_relations' but not for war; "
                "list every option from 'armed_conflict' up, so a riskier answer never removes it.")]


@case("rule-war-names-a-1.0.0-value")
def _(d):
    rule(d, "war")["when"]["answers"]["national_relations"] = ["conflict"]
    return d, [(("scoring", "recommendation_rules", ri(d, "war"), "when", "answers", "national_relations", 0),
                "'conflict' is not an option of question 'national_relations'; "
                "expected one of: good, trade_friction, dont_know, dispute, sanctions, armed_conflict, war.")]


@case("rule-triggered-by-none-of-these")
def _(d):
    rule(d, "unmanageable")["when"]["answers"]["unmanageable"] = ["none", "A"]
    return d, [(("scoring", "recommendation_rules", ri(d, "unmanageable"), "when", "answers", "unmanageable"),
                "the rule cannot be triggered by the 'none of these' option 'none' of 'unmanageable'.")]


@case("rule-answer-not-an-option")
def _(d):
    rule(d, "unmanageable")["when"]["answers"]["unmanageable"] = ["A", "B", "D"]
    return d, [(("scoring", "recommendation_rules", ri(d, "unmanageable"), "when", "answers", "unmanageable", 2),
                "'D' is not an option of question 'unmanageable'; expected one of: none, A, B, C.")]


@case("rule-unknown-question")
def _(d):
    rule(d, "sanctions-restrict")["when"]["answers"] = {"embargo": ["yes"]}
    return d, [(("scoring", "recommendation_rules", ri(d, "sanctions-restrict"), "when", "answers", "embargo"),
                f"unknown question 'embargo'; expected one of: {known_questions(d)}.")]


@case("rule-on-the-recommendation")
def _(d):
    rule(d, "war")["when"] = {"recommendation_at_least": "pause_and_consult"}
    return d, [(("scoring", "recommendation_rules", ri(d, "war"), "when", "recommendation_at_least"),
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
        (path + ("missing", 2), f"unknown question 'sg_embassy'; expected one of: {known_questions(d)}."),
        (path + ("scenarios", 1), f"unknown scenario 'Z9'; expected one of: {SCENARIOS}."),
    ]


@case("action-answers-and-recommendation")
def _(d):
    i = ai(d, "disengage-a-running")
    when = d["scoring"]["actions"][i]["when"]
    when["recommendation_at_least"] = "panic"
    when["any"][0]["answers"]["unmanageable"] = ["Z"]
    path = ("scoring", "actions", i, "when")
    return d, [
        (path + ("any", 0, "answers", "unmanageable", 0), "'Z' is not an option of question 'unmanageable'; expected one of: none, A, B, C."),
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
    rule(d, "war")["at_least"] = "panic"
    return d, [
        (Q(d, "money", "combine"), "question 'money' is single-choice; 'combine' applies only to multiple-choice questions."),
        (("scenarios", 0, "category"), "unknown category 'Z'; expected one of: A, B, C."),
        (("scoring", "grid", "rare", "minor"), "unknown level 'tiny'; expected one of: low, medium, high, critical."),
        (("scoring", "recommendation_rules", ri(d, "war"), "at_least"), f"unknown recommendation 'panic'; expected one of: {RECS}."),
    ]


# -- method 2.0.0: structure of the new keys ----------------------------------------

SCORING_KEYS = "levels, likelihood, impact, base, combine, safeguard_steps, grid, recommendations, first_steps, recommendation_rules, actions, decisions, review_months"
SCREEN = "stage, political_system, identity_checked, national_relations, activities, investment_proposal, visibility, rights_record"


@case("schema-screen-not-a-boolean")
def _(d):
    question(d, "stage")["screen"] = "yes"
    return d, [(Q(d, "stage", "screen"), "expected true or false, got the text 'yes'.")]


@case("schema-ask-not-a-list")
def _(d):
    question(d, "political_system")["ask"] = "Gov"
    return d, [(Q(d, "political_system", "ask"), "expected a list, got the text 'Gov'.")]


@case("schema-ask-empty")
def _(d):
    question(d, "political_system")["ask"] = []
    return d, [(Q(d, "political_system", "ask"), "expected at least 1 item(s), got 0.")]


@case("schema-ask-item-not-an-id")
def _(d):
    question(d, "political_system")["ask"] = ["Gov", 3, "the ministry"]
    return d, [
        (Q(d, "political_system", "ask", 1), "expected an id (letters, digits, '-' or '_'), got the number 3."),
        (Q(d, "political_system", "ask", 2), "expected an id of letters, digits, '-' or '_' starting with a letter, got 'the ministry'."),
    ]


@case("schema-unknown-not-a-boolean")
def _(d):
    question(d, "political_system")["options"][1]["unknown"] = "true"
    return d, [(Q(d, "political_system", "options", 1, "unknown"), "expected true or false, got the text 'true'.")]


@case("schema-headline-missing")
def _(d):
    del d["scoring"]["recommendations"][2]["headline"]
    return d, [(("scoring", "recommendations", 2), "missing required key 'headline'; add it.")]


@case("schema-headline-not-text")
def _(d):
    d["scoring"]["recommendations"][0]["headline"] = ["Proceed"]
    return d, [(("scoring", "recommendations", 0, "headline"), "expected text, got a list.")]


@case("schema-headline-too-long")
def _(d):
    d["scoring"]["recommendations"][3]["headline"] = "x" * 201
    return d, [(("scoring", "recommendations", 3, "headline"), "expected at most 200 characters, got 201.")]


@case("schema-from-level-not-an-id")
def _(d):
    d["scoring"]["recommendations"][1]["from_level"] = 2
    return d, [(("scoring", "recommendations", 1, "from_level"), "expected an id (letters, digits, '-' or '_'), got the number 2.")]


@case("schema-recommendation-unknown-key")
def _(d):
    d["scoring"]["recommendations"][3]["to_level"] = "critical"
    return d, [(("scoring", "recommendations", 3, "to_level"),
                "unknown key 'to_level'; expected one of: id, label, headline, description, from_level, step.")]


@case("schema-combine-unknown-mode")
def _(d):
    d["scoring"]["combine"] = "average"
    return d, [(("scoring", "combine"), "expected one of: strongest_plus_half, sum; got the text 'average'.")]


@case("schema-combine-not-text")
def _(d):
    d["scoring"]["combine"] = 2
    return d, [(("scoring", "combine"), "expected one of: strongest_plus_half, sum; got the number 2.")]


@case("schema-combine-missing")
def _(d):
    del d["scoring"]["combine"]
    return d, [(("scoring",), "missing required key 'combine'; add it.")]


@case("schema-safeguard-caps-of-1.0.0-refused")
def _(d):
    del d["scoring"]["safeguard_steps"]
    d["scoring"]["safeguard_caps"] = {"likelihood": 4, "impact": 2}
    return d, [
        (("scoring",), "missing required key 'safeguard_steps'; add it."),
        (("scoring", "safeguard_caps"), f"unknown key 'safeguard_caps'; expected one of: {SCORING_KEYS}."),
    ]


@case("schema-safeguard-steps-not-a-mapping")
def _(d):
    d["scoring"]["safeguard_steps"] = [1, 2]
    return d, [(("scoring", "safeguard_steps"), "expected a mapping with keys likelihood, impact, got a list.")]


@case("schema-safeguard-steps-axis-missing")
def _(d):
    del d["scoring"]["safeguard_steps"]["impact"]
    return d, [(("scoring", "safeguard_steps"), "missing required key 'impact'; add it.")]


@case("schema-safeguard-steps-axis-not-a-list")
def _(d):
    d["scoring"]["safeguard_steps"]["likelihood"] = 2
    return d, [(("scoring", "safeguard_steps", "likelihood"), "expected a list, got the number 2.")]


@case("schema-safeguard-steps-axis-empty")
def _(d):
    d["scoring"]["safeguard_steps"]["impact"] = []
    return d, [(("scoring", "safeguard_steps", "impact"), "expected at least 1 item(s), got 0.")]


@case("schema-safeguard-steps-out-of-range")
def _(d):
    steps = d["scoring"]["safeguard_steps"]
    steps["likelihood"][0]["steps"] = 0
    steps["likelihood"][1]["steps"] = 6
    steps["impact"][0]["min_points"] = 0
    steps["likelihood"][1]["min_points"] = "5"
    path = ("scoring", "safeguard_steps")
    return d, [
        (path + ("impact", 0, "min_points"), "expected a whole number of at least 1, got 0."),
        (path + ("likelihood", 0, "steps"), "expected a whole number of at least 1, got 0."),
        (path + ("likelihood", 1, "min_points"), "expected a whole number, got the text '5'."),
        (path + ("likelihood", 1, "steps"), "expected a whole number of at most 5, got 6."),
    ]


@case("schema-safeguard-steps-entry-keys")
def _(d):
    steps = d["scoring"]["safeguard_steps"]
    steps["impact"][0] = {"steps": 1}
    steps["likelihood"][0]["cap"] = 3
    steps["likelihood"][1] = "two steps from 5"
    path = ("scoring", "safeguard_steps")
    return d, [
        (path + ("impact", 0), "missing required key 'min_points'; add it."),
        (path + ("likelihood", 0, "cap"), "unknown key 'cap'; expected one of: steps, min_points."),
        (path + ("likelihood", 1), "expected a mapping with keys steps, min_points, got the text 'two steps from 5'."),
    ]


@case("schema-migrations-not-a-list")
def _(d):
    d["migrations"] = dict(d["migrations"][0])
    return d, [(("migrations",), "expected a list, got a mapping.")]


@case("schema-migration-fields")
def _(d):
    step = d["migrations"][0]
    del step["to"]
    step["from"] = 1
    step["summary"] = ""
    step["rename_options"]["sanctions_restrict"] = "dont_know"
    step["drop_questions"] = []
    step["rename_answers"] = {}
    path = ("migrations", 0)
    return d, [
        (path, "missing required key 'to'; add it."),
        (path + ("drop_questions",), "expected at least 1 item(s), got 0."),
        (path + ("from",), "expected text, got the number 1."),
        (path + ("rename_answers",),
         "unknown key 'rename_answers'; expected one of: from, to, summary, rename_questions, rename_options, drop_questions."),
        (path + ("rename_options", "sanctions_restrict"), "expected a mapping, got the text 'dont_know'."),
        (path + ("summary",), "expected text, got an empty string."),
    ]


@case("schema-migration-renamed-question-ids")
def _(d):
    d["migrations"][0]["rename_questions"] = {"old question": "new_question", "regime": 5}
    path = ("migrations", 0, "rename_questions")
    return d, [
        (path + ("old question",), "expected an id of letters, digits, '-' or '_' starting with a letter, got 'old question'."),
        (path + ("regime",), "expected an id (letters, digits, '-' or '_'), got the number 5."),
    ]


# -- method 2.0.0: the short screen and "don't know" answers ------------------------

@case("screen-question-with-show-if")
def _(d):
    question(d, "state_steering")["screen"] = True
    del question(d, "rights_record")["screen"]
    return d, [(Q(d, "state_steering", "screen"),
                "screen question 'state_steering' has 'show_if'; the short screen must always be shown.")]


@case("screen-question-is-a-safeguard")
def _(d):
    question(d, "sg_gov")["screen"] = True
    del question(d, "rights_record")["screen"]
    return d, [(Q(d, "sg_gov", "screen"),
                "safeguard 'sg_gov' cannot be a screen question; the screen asks what the partnership is, not what the city has done.")]


@case("screen-more-than-eight")
def _(d):
    question(d, "money")["screen"] = True
    listed = SCREEN.replace("visibility", "money, visibility")
    return d, [(("questionnaire", "questions"), f"9 questions are marked 'screen: true' ({listed}); the short screen has at most 8.")]


@case("screen-none")
def _(d):
    for q in d["questionnaire"]["questions"]:
        q.pop("screen", None)
    return d, [(("questionnaire", "questions"), "no question is marked 'screen: true'; the short screen needs at least one.")]


@case("screen-marked-false-does-not-count")
def _(d):
    for q in d["questionnaire"]["questions"]:
        if q.get("screen"):
            q["screen"] = False
    return d, [(("questionnaire", "questions"), "no question is marked 'screen: true'; the short screen needs at least one.")]


@case("unknown-option-without-ask")
def _(d):
    del question(d, "political_system")["ask"]
    return d, [(Q(d, "political_system"),
                "question 'political_system' has a \"don't know\" option but no 'ask'; name who can tell (for example ask: [\"Gov\"]).")]


@case("ask-unknown-stakeholder")
def _(d):
    question(d, "political_system")["ask"] = ["Gov", "Mayor"]
    return d, [(Q(d, "political_system", "ask", 1), f"unknown stakeholder 'Mayor'; expected one of: {STAKEHOLDERS}.")]


@case("unknown-option-first")
def _(d):
    d["questionnaire"]["questions"].append(extra_question(
        kind="driver", section="relations", ask=["Gov"],
        options=[{"value": "dont_know", "label": "Don't know", "unknown": True, "likelihood": {"A2": 1}},
                 {"value": "yes", "label": "Yes", "likelihood": {"A2": 1}}]))
    return d, [(Q(d, "extra", "options", 0),
                "\"don't know\" option 'dont_know' of 'extra' is the first, safest answer; "
                "\"don't know\" counts with precaution, so list it after the safest option.")]


@case("unknown-option-without-points")
def _(d):
    del question(d, "third_country")["options"][1]["likelihood"]
    return d, [(Q(d, "third_country", "options", 1),
                "\"don't know\" option 'not_sure' of 'third_country' carries no points; it must count with precaution, never as the safest answer.")]


@case("unknown-option-with-impact-only-counts")
def _(d):
    # Impact points are points too: the option still counts with precaution, so only the monotonic rule speaks.
    option = question(d, "third_country")["options"][1]
    option["impact"] = option.pop("likelihood")
    return d, [(Q(d, "third_country", "options", 2, "impact"),
                "option 'yes' gives A2 impact 0, less than the 1 of the option before it; "
                "options are listed from least to most risk, so points may not fall.")]


# -- method 2.0.0: safeguards buy steps ---------------------------------------------

@case("sg-first-option-lowers")
def _(d):
    question(d, "sg_gov")["options"][0]["reduce_likelihood"] = {"A1": 1}
    return d, [(Q(d, "sg_gov", "options", 0, "reduce_likelihood"),
                "the first option of safeguard 'sg_gov' means 'not in place' and must lower nothing.")]


@case("sg-planned-counts-as-much-as-yes")
def _(d):
    question(d, "sg_gov")["options"][1]["reduce_likelihood"]["A1"] = 2
    return d, [(Q(d, "sg_gov", "options", 1, "reduce_likelihood"),
                "option 'planned' of safeguard 'sg_gov' gives A1 reduce_likelihood 2; "
                "a partial answer must count for more than 'no' (0) and less than 'yes' (2).")]


@case("sg-planned-counts-nothing")
def _(d):
    del question(d, "sg_exit")["options"][1]["reduce_impact"]["C3"]
    return d, [(Q(d, "sg_exit", "options", 1, "reduce_impact"),
                "option 'planned' of safeguard 'sg_exit' gives C3 reduce_impact 0; "
                "a partial answer must count for more than 'no' (0) and less than 'yes' (2).")]


@case("sg-planned-counts-nothing-on-either-axis")
def _(d):
    options = question(d, "sg_ip")["options"]
    del options[1]["reduce_likelihood"]
    del options[1]["reduce_impact"]
    return d, [
        (Q(d, "sg_ip", "options", 1, "reduce_impact"),
         "option 'planned' of safeguard 'sg_ip' gives B1 reduce_impact 0; a partial answer must count for more than 'no' (0) and less than 'yes' (2)."),
        (Q(d, "sg_ip", "options", 1, "reduce_likelihood"),
         "option 'planned' of safeguard 'sg_ip' gives B1 reduce_likelihood 0; a partial answer must count for more than 'no' (0) and less than 'yes' (2)."),
    ]


@case("sg-top-of-one-leaves-no-room-for-planned")
def _(d):
    question(d, "sg_ip")["options"][2]["reduce_impact"]["B1"] = 1
    return d, [(Q(d, "sg_ip", "options", 1, "reduce_impact"),
                "option 'planned' of safeguard 'sg_ip' gives B1 reduce_impact 1; "
                "a partial answer must count for more than 'no' (0) and less than 'yes' (1).")]


@case("sg-every-middle-option-is-checked")
def _(d):
    options = question(d, "sg_monitoring")["options"]
    options.insert(2, {"value": "started", "label": "Started", "reduce_likelihood": {"A1": 2, "A2": 1, "B1": 1, "C1": 1}})
    return d, [(Q(d, "sg_monitoring", "options", 2, "reduce_likelihood"),
                "option 'started' of safeguard 'sg_monitoring' gives A1 reduce_likelihood 2; "
                "a partial answer must count for more than 'no' (0) and less than 'yes' (2).")]


@case("sg-scenario-without-safeguards")
def _(d):
    for q in d["questionnaire"]["questions"]:
        if q["kind"] == "safeguard":
            for option in q["options"]:
                for key in ("reduce_likelihood", "reduce_impact"):
                    option.get(key, {}).pop("C3", None)
                    if key in option and not option[key]:
                        del option[key]
    return d, [(("scenarios", 5),
                "with all its safeguards in place, scenario 'C3' goes down 0 likelihood and 0 impact step(s), which leaves "
                "'possible' x 'severe' at 'high'; safeguards must lower a high or critical level by at least one step "
                "(add safeguard points or steps).")]


@case("sg-steps-too-few")
def _(d):
    # One likelihood step and no impact step leave 'almost_certain' x 'severe' critical for every scenario.
    d["scoring"]["safeguard_steps"] = {"likelihood": [{"steps": 1, "min_points": 2}], "impact": [{"steps": 1, "min_points": 100}]}
    return d, [(("scenarios", i),
                f"with all its safeguards in place, scenario '{sid}' goes down 1 likelihood and 0 impact step(s), which leaves "
                "'almost_certain' x 'severe' at 'critical'; safeguards must lower a high or critical level by at least one step "
                "(add safeguard points or steps).")
               for i, sid in enumerate(["A1", "A2", "B1", "C1", "C2", "C3", "C4"])]


@case("sg-impact-steps-alone-too-few")
def _(d):
    d["scoring"]["safeguard_steps"]["likelihood"] = [{"steps": 1, "min_points": 100}]
    return d, [(("scenarios", i),
                f"with all its safeguards in place, scenario '{sid}' goes down 0 likelihood and 1 impact step(s), which leaves "
                "'almost_certain' x 'severe' at 'critical'; safeguards must lower a high or critical level by at least one step "
                "(add safeguard points or steps).")
               for i, sid in enumerate(["A1", "A2", "B1", "C1", "C2", "C3", "C4"])]


@case("sg-grid-lowered-onto-an-unknown-level")
def _(d):
    # 'almost_certain' x 'moderate' (high) goes down two likelihood and one impact step onto this cell:
    # the unknown level is reported once, and the safeguard check does not stumble on it.
    d["scoring"]["grid"]["possible"]["minor"] = "tiny"
    return d, [(("scoring", "grid", "possible", "minor"), "unknown level 'tiny'; expected one of: low, medium, high, critical.")]


# -- method 2.0.0: recommendations reached only through rules -----------------------

@case("rec-rule-only-not-last")
def _(d):
    recs = d["scoring"]["recommendations"]
    recs.insert(2, recs.pop(3))
    return d, [(("scoring", "recommendations", 2),
                "recommendation 'disengage' has no 'from_level' but comes before 'pause_and_consult', which has one; "
                "list those reached only through rules last.")]


@case("rec-rule-only-not-reached")
def _(d):
    for r in d["scoring"]["recommendation_rules"]:
        if r["at_least"] == "disengage":
            r["at_least"] = "pause_and_consult"
    return d, [(("scoring", "recommendations", 3),
                "recommendation 'disengage' has no 'from_level' and no rule reaches it; give it a 'from_level' or add a recommendation rule.")]


@case("rec-first-without-from-level")
def _(d):
    del d["scoring"]["recommendations"][0]["from_level"]
    return d, [
        (("scoring", "recommendations", 0), "the first recommendation 'proceed' needs 'from_level: low'."),
        (("scoring", "recommendations", 0),
         "recommendation 'proceed' has no 'from_level' but comes before 'pause_and_consult', which has one; list those reached only through rules last."),
        (("scoring", "recommendations", 0),
         "recommendation 'proceed' has no 'from_level' and no rule reaches it; give it a 'from_level' or add a recommendation rule."),
    ]


# -- method 2.0.0: migrations ---------------------------------------------------------

@case("migration-chain-ends-early")
def _(d):
    d["migrations"][0]["to"] = "1.5.0"
    return d, [(("migrations", 0), "the migrations from version '1.0.0' end at '1.5.0', not at the current version '2.0.0'.")]


@case("migration-from-the-current-version")
def _(d):
    d["migrations"][0]["from"] = "2.0.0"
    return d, [(("migrations", 0, "from"), "a migration cannot start from the current version '2.0.0'.")]


@case("migration-twice-from-a-version")
def _(d):
    d["migrations"].append(copy.deepcopy(d["migrations"][0]))
    return d, [(("migrations", 1, "from"), "version '1.0.0' is migrated twice; keep one entry per version.")]


@case("migration-problem-points-at-its-own-entry")
def _(d):
    d["migrations"].append({"from": "1.0.0", "to": "1.5.0", "summary": "A second way out of 1.0.0."})
    d["migrations"].append({"from": "0.9.0", "to": "0.8.0", "summary": "Backwards."})
    return d, [
        (("migrations", 1), "the migrations from version '1.0.0' end at '1.5.0', not at the current version '2.0.0'."),
        (("migrations", 1, "from"), "version '1.0.0' is migrated twice; keep one entry per version."),
        (("migrations", 2), "the migrations from version '0.9.0' end at '0.8.0', not at the current version '2.0.0'."),
    ]


@case("migration-loop")
def _(d):
    d["migrations"].append({"from": "0.8.0", "to": "0.9.0", "summary": "Forwards."})
    d["migrations"].append({"from": "0.9.0", "to": "0.8.0", "summary": "And back."})
    return d, [
        (("migrations", 1), "the migrations from version '0.8.0' go round in a loop and never reach the current version '2.0.0'."),
        (("migrations", 2), "the migrations from version '0.9.0' go round in a loop and never reach the current version '2.0.0'."),
    ]


@case("migration-renamed-option-missing")
def _(d):
    d["migrations"][0]["rename_options"]["national_relations"]["conflict"] = "armed_clash"
    return d, [(("migrations", 0, "rename_options", "national_relations", "conflict"),
                "'armed_clash' is not an option of question 'national_relations'; "
                "expected one of: good, trade_friction, dont_know, dispute, sanctions, armed_conflict, war.")]


@case("migration-renamed-option-of-unknown-question")
def _(d):
    d["migrations"][0]["rename_options"]["regime"] = {"unclear": "dont_know"}
    return d, [(("migrations", 0, "rename_options", "regime"), f"unknown question 'regime'; expected one of: {known_questions(d)}.")]


@case("migration-renamed-question-missing")
def _(d):
    d["migrations"][0]["rename_questions"] = {"regime": "political_regime", "sanctions": "sanctions_restrict"}
    return d, [(("migrations", 0, "rename_questions", "regime"), f"unknown question 'political_regime'; expected one of: {known_questions(d)}.")]


@case("migration-new-names-are-not-checked-on-the-way")
def _(d):
    # Only the last step lands on this version's questions: names on the way belong to versions in between.
    d["migrations"][0]["from"] = "1.5.0"
    d["migrations"].insert(0, {"from": "1.0.0", "to": "1.5.0", "summary": "An intermediate version.",
                               "rename_questions": {"regime": "political_regime"},
                               "rename_options": {"political_regime": {"unclear": "not_sure"}}})
    d["migrations"][1]["rename_options"]["national_relations"]["conflict"] = "armed_clash"
    return d, [(("migrations", 1, "rename_options", "national_relations", "conflict"),
                "'armed_clash' is not an option of question 'national_relations'; "
                "expected one of: good, trade_friction, dont_know, dispute, sanctions, armed_conflict, war.")]


# -- decisions and review intervals (scoring.decisions, scoring.review_months) ----------

@case("decision-matches-unknown-recommendation")
def _(d):
    d["scoring"]["decisions"][0]["matches"] = "go_ahead"
    return d, [
        (("scoring", "decisions", 0, "matches"),
         "unknown recommendation 'go_ahead'; expected one of: disengage, pause_and_consult, proceed, proceed_with_safeguards."),
        (("scoring", "decisions"), "no decision matches recommendation 'proceed'; add a decision with 'matches: proceed'."),
    ]


@case("decision-two-match-one-recommendation")
def _(d):
    d["scoring"]["decisions"][1]["matches"] = "proceed"
    return d, [
        (("scoring", "decisions", 1, "matches"),
         "decision 'engage_with_conditions' matches recommendation 'proceed', which decision 'engage' already matches; "
         "each recommendation has exactly one matching decision."),
        (("scoring", "decisions"),
         "no decision matches recommendation 'proceed_with_safeguards'; add a decision with 'matches: proceed_with_safeguards'."),
    ]


@case("decision-duplicate-id")
def _(d):
    d["scoring"]["decisions"][1]["id"] = "engage"
    return d, [(("scoring", "decisions", 1, "id"), "duplicate decision id 'engage' (first used at index 0); ids must be unique.")]


@case("decision-without-label")
def _(d):
    del d["scoring"]["decisions"][2]["label"]
    return d, [(("scoring", "decisions", 2), "missing required key 'label'; add it.")]


@case("review-months-missing-level")
def _(d):
    del d["scoring"]["review_months"]["high"]
    return d, [(("scoring", "review_months"), "level 'high' has no review interval; add 'high: <months>'.")]


@case("review-months-unknown-level")
def _(d):
    d["scoring"]["review_months"]["severe"] = 1
    return d, [(("scoring", "review_months", "severe"), "unknown level 'severe'; expected one of: critical, high, low, medium.")]


@case("review-months-later-for-a-higher-level")
def _(d):
    d["scoring"]["review_months"]["critical"] = 6
    return d, [(("scoring", "review_months", "critical"),
                "level 'critical' is reviewed after 6 months, later than the milder level 'high' (3); "
                "a higher level is reviewed sooner or as soon.")]


@case("review-months-not-a-whole-number")
def _(d):
    d["scoring"]["review_months"]["low"] = 0
    return d, [(("scoring", "review_months", "low"), "expected a whole number of at least 1, got 0.")]


@pytest.mark.parametrize("make", CASES)
def test_rule(method_data, make):
    data, expected = make(method_data)
    assert problems_of(data) == sorted(expected)


# -- the real method --------------------------------------------------------------

def test_the_real_method_compiles_and_keeps_every_invariant(method):
    from engine.invariants import check_invariants
    assert check_invariants(method.data) == []
    assert compile_method(copy.deepcopy(method.data)).version == method.version


def test_engine_check_passes_on_the_real_method(method):
    completed = cli("check")
    assert completed.returncode == 0, completed.stderr
    assert method.version == "2.0.0"
    assert completed.stdout == (f"method 2.0.0: 7 scenarios, {len(method.questions)} questions, {len(method.actions)} actions, "
                                "10 country profiles: OK\n")
    assert completed.stderr == ""


def test_a_safeguard_child_on_the_most_protective_options_is_accepted(method_data):
    method_data["questionnaire"]["questions"].append(extra_question(
        id="sg_exit_tested", kind="safeguard", show_if={"question": "sg_exit", "in": ["planned", "yes"]},
        options=[{"value": "no", "label": "No"}, {"value": "yes", "label": "Yes", "reduce_impact": {"A2": 1}}]))
    compile_method(method_data)


def test_a_migration_chain_of_several_steps_is_accepted(method_data):
    method_data["migrations"].insert(0, {"from": "0.9.0", "to": "1.0.0", "summary": "An older release.",
                                         "rename_questions": {"regime": "political_system"}, "drop_questions": ["legacy"]})
    compile_method(method_data)


def test_a_screen_of_one_question_is_accepted(method_data):
    for q in method_data["questionnaire"]["questions"]:
        if q["id"] != "stage":
            q.pop("screen", None)
    assert compile_method(method_data).screen == ["stage"]


def test_disengage_may_come_only_through_rules(method):
    recs = method.recommendations
    assert [r["id"] for r in recs] == ["proceed", "proceed_with_safeguards", "pause_and_consult", "disengage"]
    assert "from_level" not in recs[-1] and all("from_level" in r for r in recs[:-1])
    rules = method.recommendation_rules
    assert {r["id"] for r in rules if r["at_least"] == "disengage"} == {"sanctions-restrict", "war", "unmanageable"}
    assert "inherent-critical" not in {r["id"] for r in rules}
    assert "safeguard_caps" not in method.scoring


# -- the method's arithmetic (engine/scale.py) -----------------------------------------

@pytest.mark.parametrize("signals, mode, expected", [
    ([], "strongest_plus_half", 0),
    ([], "sum", 0),
    ([3], "strongest_plus_half", 3),
    ([3], "sum", 3),
    ([2, 2], "strongest_plus_half", 3),
    ([5, 1], "strongest_plus_half", 6),
    ([4, 2, 1], "strongest_plus_half", 6),
    ([4, 2, 1], "sum", 7),
    ([1, 4, 2], "strongest_plus_half", 6),
    ([1, 1, 1], "strongest_plus_half", 2),
    ([1] * 7, "strongest_plus_half", 4),
    ([1] * 7, "sum", 7),
    ([7, 7, 7], "strongest_plus_half", 14),
    ([0, 3], "strongest_plus_half", 3),
    ([8, 2, 3, 1, 4], "strongest_plus_half", 13),
])
def test_combine_exact_values(signals, mode, expected):
    from engine.scale import combine
    got = combine(list(signals), mode)
    assert got == expected and type(got) is int


def test_combine_defaults_to_strongest_plus_half():
    from engine.scale import combine
    assert combine([4, 2, 1]) == 6


def test_combine_never_falls_and_stays_between_the_strongest_and_the_sum():
    import itertools

    from engine.scale import combine
    for length in range(5):
        for signals in itertools.product(range(6), repeat=length):
            signals = list(signals)
            for mode in ("strongest_plus_half", "sum"):
                total = combine(signals, mode)
                if mode == "sum":
                    assert total == sum(signals)
                else:
                    assert total == (-(-(sum(signals) + max(signals)) // 2) if signals else 0), signals
                    assert (max(signals) if signals else 0) <= total <= sum(signals), signals
                assert combine(sorted(signals), mode) == total, (signals, mode)
                for i in range(length):
                    raised = signals[:i] + [signals[i] + 1] + signals[i + 1:]
                    assert combine(raised, mode) >= total, (signals, i, mode)
                for extra in range(6):
                    assert combine(signals + [extra], mode) >= total, (signals, extra, mode)


LIKELIHOOD_STEPS = [{"steps": 1, "min_points": 2}, {"steps": 2, "min_points": 5}]


@pytest.mark.parametrize("thresholds, points, expected", [
    (LIKELIHOOD_STEPS, 0, 0),
    (LIKELIHOOD_STEPS, 1, 0),
    (LIKELIHOOD_STEPS, 2, 1),
    (LIKELIHOOD_STEPS, 4, 1),
    (LIKELIHOOD_STEPS, 5, 2),
    (LIKELIHOOD_STEPS, 40, 2),
    (list(reversed(LIKELIHOOD_STEPS)), 3, 1),
    (list(reversed(LIKELIHOOD_STEPS)), 6, 2),
    ([{"steps": 1, "min_points": 2}], 1, 0),
    ([{"steps": 1, "min_points": 2}], 9, 1),
    ([], 9, 0),
])
def test_steps_for_exact_values(thresholds, points, expected):
    from engine.scale import steps_for
    assert steps_for(thresholds, points) == expected


def test_steps_for_never_falls_as_points_rise():
    from engine.scale import steps_for
    steps = [steps_for(LIKELIHOOD_STEPS, points) for points in range(12)]
    assert steps == sorted(steps) == [0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]


@pytest.mark.parametrize("points, expected", [(-1, "rare"), (0, "rare"), (1, "rare"), (2, "possible"), (3, "possible"),
                                              (4, "likely"), (6, "likely"), (7, "almost_certain"), (50, "almost_certain")])
def test_level_for_exact_values(points, expected):
    from engine.scale import level_for
    levels = [{"id": "rare", "min_points": 0}, {"id": "possible", "min_points": 2},
              {"id": "likely", "min_points": 4}, {"id": "almost_certain", "min_points": 7}]
    assert level_for(levels, points) == expected


def test_the_evaluator_and_the_invariants_share_one_scale():
    import importlib

    # importlib: the package exports a function named `evaluate` over its module.
    evaluate, invariants, model, scale = (importlib.import_module(f"engine.{name}") for name in ("evaluate", "invariants", "model", "scale"))
    for name in ("combine", "level_for", "steps_for"):
        assert getattr(evaluate, name) is getattr(scale, name)
        assert getattr(invariants, name) is getattr(scale, name)
    assert not hasattr(model, "level_for")


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
        f"scenarios/questions.yaml:{q_line}: questionnaire.questions[2].options[3].likelihood: option 'non_democratic' gives A1 likelihood 1, "
        "less than the 2 of the option before it; options are listed from least to most risk, so points may not fall.",
        f"scenarios/scoring.yaml:{s_line}: scoring.recommendation_rules[0].at_least: unknown recommendation 'stop'; expected one of: {RECS}.",
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


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_screen_and_ask_problems_name_file_and_line(scenarios_copy):
    questions = scenarios_copy / "questions.yaml"
    _edit(questions, '      short: "State steering of the counterpart"\n',
          '      short: "State steering of the counterpart"\n      screen: true\n')
    _edit(questions, '      ask: ["Gov", "Aca"]\n', "")
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    questions_line = _line_of(questions, "  questions:")
    political_line = _line_of(questions, 'id: "political_system"')
    screen_line = _line_of(questions, 'short: "State steering of the counterpart"') + 1
    listed = SCREEN.replace("political_system", "political_system, state_steering")
    assert caught.value.lines() == [
        f"scenarios/questions.yaml:{questions_line}: questionnaire.questions: "
        f"9 questions are marked 'screen: true' ({listed}); the short screen has at most 8.",
        f"scenarios/questions.yaml:{political_line}: questionnaire.questions[2]: "
        "question 'political_system' has a \"don't know\" option but no 'ask'; name who can tell (for example ask: [\"Gov\"]).",
        f"scenarios/questions.yaml:{screen_line}: questionnaire.questions[3].screen: "
        "screen question 'state_steering' has 'show_if'; the short screen must always be shown.",
    ]


def test_safeguard_and_migration_problems_name_file_and_line(scenarios_copy):
    questions = scenarios_copy / "questions.yaml"
    _edit(questions, "reduce_likelihood: {A1: 1, A2: 1, B1: 1, C2: 1}", "reduce_likelihood: {A1: 2, A2: 1, B1: 1, C2: 1}")
    migrations = scenarios_copy / "migrations.yaml"
    _edit(migrations, 'national_relations: {"conflict": "armed_conflict"}', 'national_relations: {"conflict": "armed_clash"}')
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    data, _, _ = read_method_dir(str(scenarios_copy), "scenarios")
    assert caught.value.lines() == [
        f"scenarios/migrations.yaml:{_line_of(migrations, 'armed_clash')}: migrations[0].rename_options.national_relations.conflict: "
        "'armed_clash' is not an option of question 'national_relations'; "
        "expected one of: good, trade_friction, dont_know, dispute, sanctions, armed_conflict, war.",
        f"scenarios/questions.yaml:{_line_of(questions, '{A1: 2, A2: 1, B1: 1, C2: 1}')}: "
        f"questionnaire.questions[{qi(data, 'sg_gov')}].options[1].reduce_likelihood: "
        "option 'planned' of safeguard 'sg_gov' gives A1 reduce_likelihood 2; "
        "a partial answer must count for more than 'no' (0) and less than 'yes' (2).",
    ]


def test_new_scoring_keys_name_file_and_line(scenarios_copy):
    scoring = scenarios_copy / "scoring.yaml"
    _edit(scoring, '  combine: "strongest_plus_half"', '  combine: "average"')
    _edit(scoring, "- {steps: 2, min_points: 5}", "- {steps: 6, min_points: 5}")
    _edit(scoring, '      headline: "Pause new commitments and consult the national government and the national association of cities (Gov, Nac)"\n', "")
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    combine_line = _line_of(scoring, 'combine: "average"')
    steps_line = _line_of(scoring, "{steps: 6, min_points: 5}")
    pause_line = _line_of(scoring, 'description: "Not until the safeguards below') - 2  # id, label, description
    assert caught.value.lines() == [
        f"scenarios/scoring.yaml:{combine_line}: scoring.combine: expected one of: strongest_plus_half, sum; got the text 'average'.",
        f"scenarios/scoring.yaml:{steps_line}: scoring.safeguard_steps.likelihood[1].steps: expected a whole number of at most 5, got 6.",
        f"scenarios/scoring.yaml:{pause_line}: scoring.recommendations[2]: missing required key 'headline'; add it.",
    ]


def test_decisions_and_review_intervals_name_file_and_line(scenarios_copy):
    scoring = scenarios_copy / "scoring.yaml"
    _edit(scoring, "    critical: 1\n", "    critical: 4\n")
    _edit(scoring, '      matches: "disengage"', '      matches: "walk_away"')
    with pytest.raises(MethodError) as caught:
        load_method_dir(str(scenarios_copy), "scenarios")
    critical_line = _line_of(scoring, "    critical: 4")
    matches_line = _line_of(scoring, 'matches: "walk_away"')
    decisions_line = _line_of(scoring, "  decisions:")
    assert caught.value.lines() == [
        f"scenarios/scoring.yaml:{decisions_line}: scoring.decisions: no decision matches recommendation 'disengage'; "
        "add a decision with 'matches: disengage'.",
        f"scenarios/scoring.yaml:{matches_line}: scoring.decisions[3].matches: unknown recommendation 'walk_away'; "
        "expected one of: disengage, pause_and_consult, proceed, proceed_with_safeguards.",
        f"scenarios/scoring.yaml:{critical_line}: scoring.review_months.critical: level 'critical' is reviewed after 4 months, "
        "later than the milder level 'high' (3); a higher level is reviewed sooner or as soon.",
    ]


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
