"""The reference vectors (tests/engine/vectors/*.json) against the engine.

Each vector's expected values were derived by hand from scenarios/*.yaml; its
`derivation` field shows the arithmetic. Only the fields in `expect` are
compared. The second half of this file checks that the set covers what it
must: every level of every scenario, every recommendation and rule, every
safeguard, conditional and multiple-choice questions, profiles and errors.
"""

from __future__ import annotations

import re

import pytest

from engine import InputError, api
from engine.evaluate import check_answers, visible_questions
from engine_support import EXPECT_KEYS, SCENARIO_KEYS, VECTOR_DIR, load_vector, mismatches, vector_files, vector_request

FILES = vector_files()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vector(method, path):
    vector = load_vector(path)
    expect = vector["expect"]
    request = vector_request(vector)
    if "error" in expect:
        with pytest.raises(InputError) as caught:
            api.assess(method, request)
        assert caught.value.to_dict() == expect["error"]
        return
    result = api.assess(method, request)
    assert result["profile"] == vector["profile"]
    problems = mismatches(result, expect)
    assert not problems, f"{path.name} ({vector['description']}):\n" + "\n".join(problems)


# -- the set itself ------------------------------------------------------------

VECTORS = {p.stem: load_vector(p) for p in FILES}
RESULTS = {name: v for name, v in VECTORS.items() if "error" not in v["expect"]}


def test_at_least_36_vectors_and_the_readme_says_how_many():
    assert len(VECTORS) >= 36
    readme = (VECTOR_DIR / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"There are (\d+) vectors", readme)
    assert stated, "README.md must say 'There are N vectors'"
    assert int(stated.group(1)) == len(VECTORS)


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_vector_file_shape(method, name):
    vector = VECTORS[name]
    assert set(vector) == {"source", "description", "derivation", "request", "profile", "expect"}
    assert vector["source"].strip() and vector["description"].strip() and vector["derivation"].strip()
    assert vector["profile"] in (None, *method.countries)
    assert set(vector["request"]) == {"answers"}
    assert set(vector["expect"]) <= EXPECT_KEYS
    for sid, fields in vector["expect"].get("scenarios", {}).items():
        assert sid in method.scenario_by_id
        assert set(fields) <= SCENARIO_KEYS


def _rank(method, level):
    return method.level_rank[level]


def test_every_scenario_reaches_every_level(method):
    seen = {sid: set() for sid in method.scenario_by_id}
    for vector in RESULTS.values():
        for sid, fields in vector["expect"].get("scenarios", {}).items():
            seen[sid].add(fields.get("residual"))
    for sid, levels in seen.items():
        assert set(method.levels) <= levels, f"{sid} never reaches {set(method.levels) - levels} as a residual level"


def test_every_recommendation_is_reached(method):
    reached = {v["expect"]["overall"]["recommendation"] for v in RESULTS.values() if "overall" in v["expect"]}
    assert reached == set(method.rec_rank)


def _by_level(method, level):
    chosen = method.recommendations[0]["id"]
    for rec in method.recommendations:
        if _rank(method, level) >= _rank(method, rec["from_level"]):
            chosen = rec["id"]
    return chosen


def test_every_recommendation_rule_changes_a_recommendation(method):
    """For each rule, one vector where it holds and lifts the recommendation above what the level gives."""
    for rule in method.data["scoring"]["recommendation_rules"]:
        lifted = [name for name, v in RESULTS.items()
                  if rule["id"] in v["expect"].get("rules_include", [])
                  and v["expect"]["overall"]["recommendation"] == rule["at_least"]
                  and v["expect"]["overall"]["recommendation"] != _by_level(method, v["expect"]["overall"]["level"])]
        assert lifted, f"no vector shows rule {rule['id']} lifting the recommendation"


def test_every_safeguard_lowers_something(method):
    for question in method.questions:
        if question["kind"] != "safeguard":
            continue
        lowering = []
        for name, vector in RESULTS.items():
            for sid, tokens in vector["expect"].get("reasons_include", {}).items():
                fields = vector["expect"].get("scenarios", {}).get(sid, {})
                points = fields.get("points", {})
                lower_level = "residual" in fields and _rank(method, fields["residual"]) < _rank(method, fields["inherent"])
                lower_points = points and (points["residual_likelihood"] < points["likelihood"] or points["residual_impact"] < points["impact"])
                if question["id"] in tokens and (lower_level or lower_points):
                    lowering.append(name)
        assert lowering, f"no vector shows safeguard {question['id']} lowering a scenario"


def test_the_safeguard_cap_is_shown():
    assert any("cap" in tokens for v in RESULTS.values() for tokens in v["expect"].get("reasons_include", {}).values())


def test_hidden_answers_are_covered(method):
    """Some vector answers a question that its parent's answer hides, with a valid value."""
    hidden_answered = []
    for name, vector in RESULTS.items():
        answers = check_answers(method, vector["request"]["answers"])
        shown = {q["id"] for q in visible_questions(method, answers)}
        if any(qid not in shown for qid in answers):
            hidden_answered.append(name)
    assert len(hidden_answered) >= 2, hidden_answered


def test_multiple_choice_sum_max_and_exclusive_are_covered(method):
    kinds = set()
    for vector in VECTORS.values():
        for qid, value in vector["request"]["answers"].items():
            question = method.question_by_id.get(qid)
            if not question or question["type"] != "multi" or not isinstance(value, list):
                continue
            options = method.option_by_value[qid]
            if any(options.get(v, {}).get("exclusive") for v in value):
                kinds.add("exclusive-error" if len(value) > 1 else "exclusive")
            elif len(value) > 1:
                kinds.add(question["combine"])
    assert {"sum", "max", "exclusive", "exclusive-error"} <= kinds


def test_impacts_by_answer_and_by_level_are_covered(method):
    listed = {i for v in RESULTS.values() for s in v["expect"].get("scenarios", {}).values() for i in s.get("impacts", [])}
    every = {i["id"] for s in method.scenarios for i in s["impacts"]}
    assert listed == every, f"impacts never expected: {every - listed}"


def test_every_action_is_expected_somewhere(method):
    included = {a for v in RESULTS.values() for a in v["expect"].get("actions_include", [])}
    excluded = {a for v in RESULTS.values() for a in v["expect"].get("actions_exclude", [])}
    every = {a["id"] for a in method.data["scoring"]["actions"]}
    assert included == every, f"actions never expected: {every - included}"
    assert every - {"keep-monitoring"} <= excluded, f"actions never expected absent: {every - {'keep-monitoring'} - excluded}"


def test_empty_answers_profile_and_errors_are_covered():
    assert any(v["request"]["answers"] == {} for v in RESULTS.values())
    assert any(v["profile"] == "us" and v["expect"].get("contacts") for v in RESULTS.values())
    assert {v["expect"]["error"]["type"] for v in VECTORS.values() if "error" in v["expect"]} == {"answer"}
