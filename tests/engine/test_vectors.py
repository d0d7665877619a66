"""The reference vectors (tests/engine/vectors/*.json) against the engine.

Each vector's expected values were derived by hand from scenarios/*.yaml
(method 2.0.0); its `derivation` field shows the arithmetic. Only the fields in
`expect` are compared. The second half of this file checks that the set covers
what it must: every level of every scenario, every recommendation and every
rule lifting one, pause-and-consult from high and from critical, every
safeguard lowering a level, one and two likelihood steps and the impact step,
the first level as a floor, "planned" between "no" and "yes", the strongest
signal plus half, don't-know answers, the short screen, every what-if outcome,
ranked and stage-aware actions, a carried-over 1.0.0 assessment, conditional
and multiple-choice questions, profiles and errors.
"""

from __future__ import annotations

import re

import pytest

from engine import InputError, api
from engine.evaluate import check_request, visible_questions
from support.engine import (EXPECT_KEYS, FIND_OUT_KEYS, POINTS_KEYS, REQUEST_KEYS, SCENARIO_KEYS, SCREEN_KEYS, VECTOR_DIR,
                            WHAT_IF_KEYS, load_vector, mismatches, vector_files, vector_request)

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


def test_at_least_60_vectors_and_the_readme_says_how_many(method):
    assert len(VECTORS) >= 60
    readme = (VECTOR_DIR / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"There are (\d+) vectors", readme)
    assert stated, "README.md must say 'There are N vectors'"
    assert int(stated.group(1)) == len(VECTORS)
    assert f"method {method.version}" in readme, "README.md must name the method version the vectors were derived for"


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_vector_file_shape(method, name):
    vector = VECTORS[name]
    assert set(vector) == {"source", "description", "derivation", "request", "profile", "expect"}
    assert vector["source"].strip() and vector["description"].strip() and vector["derivation"].strip()
    assert vector["profile"] in (None, *method.countries)
    assert "answers" in vector["request"] and set(vector["request"]) <= REQUEST_KEYS
    if "method_version" in vector["request"]:
        # Only an earlier version that the method carries over: the vector tests the migration.
        assert vector["request"]["method_version"] in method.migrations
    expect = vector["expect"]
    assert set(expect) <= EXPECT_KEYS
    if "error" in expect:
        assert set(expect) == {"error"}
    for sid, fields in expect.get("scenarios", {}).items():
        assert sid in method.scenario_by_id
        assert set(fields) <= SCENARIO_KEYS
        assert set(fields.get("points", {})) <= POINTS_KEYS
    assert set(expect.get("screen", {})) <= SCREEN_KEYS
    for entry in expect.get("to_find_out", []):
        assert "question" in entry and set(entry) <= FIND_OUT_KEYS
    if expect.get("what_if") is not None:
        assert "status" in expect["what_if"] and set(expect["what_if"]) <= WHAT_IF_KEYS
    if "first_steps" in expect:
        assert len(expect["first_steps"]) <= 5
        if "actions" in expect:
            assert expect["first_steps"] == expect["actions"][:5]


def _rank(method, level):
    return method.level_rank[level]


def _by_level(method, level):
    """The recommendation the overall residual level alone gives (recommendations with a from_level)."""
    chosen = method.recommendations[0]["id"]
    for rec in method.recommendations:
        if "from_level" in rec and _rank(method, level) >= _rank(method, rec["from_level"]):
            chosen = rec["id"]
    return chosen


def _overall(vector):
    return vector["expect"].get("overall", {})


def test_every_scenario_reaches_every_level(method):
    seen = {sid: set() for sid in method.scenario_by_id}
    for vector in RESULTS.values():
        for sid, fields in vector["expect"].get("scenarios", {}).items():
            seen[sid].add(fields.get("residual"))
    for sid, levels in seen.items():
        assert set(method.levels) <= levels, f"{sid} never reaches {set(method.levels) - levels} as a residual level"


def test_every_recommendation_is_reached_and_none_before_the_screen(method):
    reached = {_overall(v)["recommendation"] for v in RESULTS.values() if "recommendation" in _overall(v)}
    assert reached == set(method.rec_rank) | {None}
    # No recommendation while the screen is incomplete, and only then.
    for name, vector in RESULTS.items():
        overall, screen = _overall(vector), vector["expect"].get("screen", {})
        if "recommendation" in overall and "complete" in screen:
            assert (overall["recommendation"] is None) == (not screen["complete"]), name


def test_every_recommendation_rule_changes_a_recommendation(method):
    """For each rule, one vector where it holds and lifts the recommendation above what the level gives."""
    for rule in method.recommendation_rules:
        lifted = [name for name, v in RESULTS.items()
                  if rule["id"] in v["expect"].get("rules_include", [])
                  and _overall(v).get("recommendation") == rule["at_least"]
                  and "level" in _overall(v)
                  and method.rec_rank[_by_level(method, _overall(v)["level"])] < method.rec_rank[rule["at_least"]]]
        assert lifted, f"no vector shows rule {rule['id']} lifting the recommendation"


def test_disengage_is_reached_only_through_rules(method):
    for name, vector in RESULTS.items():
        if _overall(vector).get("recommendation") == "disengage":
            rules = set(vector["expect"].get("rules_include", []))
            floors = {r["id"] for r in method.recommendation_rules if r["at_least"] == "disengage"}
            assert rules & floors, f"{name} disengages without naming the floor rule that holds"


def test_pause_and_consult_from_high_and_from_critical(method):
    """Pause and consult, not disengage, whenever a high or critical level comes with no floor rule above it."""
    levels = {_overall(v)["level"] for v in RESULTS.values()
              if _overall(v).get("recommendation") == "pause_and_consult" and _by_level(method, _overall(v)["level"]) == "pause_and_consult"}
    assert {"high", "critical"} <= levels, levels


def _lowered(fields):
    """A scenario whose safeguards bought at least one step that moved an axis down."""
    points = fields.get("points", {})
    moved_l = "residual_likelihood" in fields and fields["residual_likelihood"] != fields.get("likelihood")
    moved_i = "residual_impact" in fields and fields["residual_impact"] != fields.get("impact")
    return (moved_l and points.get("steps_likelihood", 0) > 0) or (moved_i and points.get("steps_impact", 0) > 0)


def test_every_safeguard_lowers_something(method):
    for question in method.questions:
        if question["kind"] != "safeguard":
            continue
        lowering = []
        for name, vector in RESULTS.items():
            for sid, tokens in vector["expect"].get("reasons_include", {}).items():
                fields = vector["expect"].get("scenarios", {}).get(sid, {})
                if question["id"] in tokens and _lowered(fields):
                    lowering.append(name)
        assert lowering, f"no vector shows safeguard {question['id']} lowering a scenario"


def test_safeguard_steps_are_covered(method):
    """One and two likelihood steps, the impact step, points that buy no step, and the first level as a floor."""
    seen = set()
    for vector in RESULTS.values():
        for fields in vector["expect"].get("scenarios", {}).values():
            points = fields.get("points", {})
            if not points:
                continue
            seen.add(("likelihood", points["steps_likelihood"]))
            seen.add(("impact", points["steps_impact"]))
            if points["safeguard_likelihood"] > 0 and points["steps_likelihood"] == 0 and fields["likelihood"] != method.likelihood_levels[0]["id"]:
                seen.add("no-step")
            ids = [lv["id"] for lv in method.likelihood_levels]
            if points["steps_likelihood"] > ids.index(fields["likelihood"]) > 0:
                seen.add("floor")
    wanted = {("likelihood", e["steps"]) for e in method.safeguard_steps["likelihood"]}
    wanted |= {("impact", e["steps"]) for e in method.safeguard_steps["impact"]}
    assert wanted | {"no-step", "floor"} <= seen, (wanted | {"no-step", "floor"}) - seen


def _safeguard_twins(method, lower, higher):
    """Pairs of vectors whose answers differ only in safeguards answered `lower` in one and `higher` in the other
    (an unanswered safeguard counts as its first option, 'no')."""
    safeguards = {q["id"] for q in method.questions if q["kind"] == "safeguard"}
    pairs = []
    for a_name, a in RESULTS.items():
        for b_name, b in RESULTS.items():
            qa, qb = a["request"]["answers"], b["request"]["answers"]
            changed = {q for q in set(qa) | set(qb) if qa.get(q) != qb.get(q)}
            if not changed or not changed <= safeguards:
                continue
            first = {q: method.question_by_id[q]["options"][0]["value"] for q in changed}
            if all(qa.get(q, first[q]) == lower and qb.get(q) == higher for q in changed):
                pairs.append((a_name, b_name))
    return pairs


def _steps(vector):
    return {sid: (f["points"]["steps_likelihood"], f["points"]["steps_impact"], f["residual"])
            for sid, f in vector["expect"].get("scenarios", {}).items() if "points" in f and "residual" in f}


def test_planned_counts_more_than_no_and_less_than_yes(method):
    """Planned (for every safeguard, never stronger than yes) is shown between no and yes on the same answers."""
    def better(weaker, stronger):
        a, b = _steps(RESULTS[weaker]), _steps(RESULTS[stronger])
        return any(sid in a and (b[sid][0] + b[sid][1] > a[sid][0] + a[sid][1]) for sid in b)
    above_no = [pair for pair in _safeguard_twins(method, "no", "planned") if better(*pair)]
    below_yes = [pair for pair in _safeguard_twins(method, "planned", "yes") if better(*pair)]
    assert above_no, "no vector pair shows 'planned' buying a step that 'no' does not"
    assert below_yes, "no vector pair shows 'yes' buying a step that 'planned' does not"


def test_strongest_plus_half_and_steps_lines_are_shown():
    tokens = [t for v in RESULTS.values() for ts in v["expect"].get("reasons_include", {}).values() for t in ts]
    assert "half" in tokens and "steps" in tokens and "base" in tokens
    excluded = [t for v in RESULTS.values() for ts in v["expect"].get("reasons_exclude", {}).values() for t in ts]
    assert "half" in excluded, "no vector shows signals whose half makes no difference (no 'half' line)"


def test_hidden_answers_are_covered(method):
    """Some vector answers a question that its parent's answer hides, with a valid value."""
    hidden_answered = []
    for name, vector in RESULTS.items():
        answers = check_request(method, vector["request"])["answers"]
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
    included = {a for v in RESULTS.values() for a in v["expect"].get("actions_include", []) + v["expect"].get("actions", [])}
    excluded = {a for v in RESULTS.values() for a in v["expect"].get("actions_exclude", [])}
    every = {a["id"] for a in method.actions}
    assert included == every, f"actions never expected: {every - included}"
    assert every - {"keep-monitoring"} <= excluded, f"actions never expected absent: {every - {'keep-monitoring'} - excluded}"


def test_ranked_actions_and_first_steps_are_covered():
    ranked = [v for v in RESULTS.values() if len(v["expect"].get("actions", [])) > 5 and "first_steps" in v["expect"]]
    assert ranked, "no vector pins a full ranked list of more than five actions with its first steps"
    firsts = {v["expect"]["first_steps"][0] for v in RESULTS.values() if v["expect"].get("first_steps")}
    assert {"disengage-a-proposed", "disengage-a-running", "pause-and-consult"} <= firsts, firsts


def test_stage_dependent_actions_are_covered():
    def has(vector, stage, present, absent):
        e = vector["expect"]
        listed = e.get("actions_include", []) + e.get("actions", [])
        return vector["request"]["answers"].get("stage") == stage and present in listed and absent in e.get("actions_exclude", [])
    for stage, present, absent in (("proposed", "disengage-a-proposed", "disengage-a-running"),
                                   ("existing", "disengage-a-running", "disengage-a-proposed"),
                                   ("proposed", "exit-clause", "exit-procedure"),
                                   ("existing", "exit-procedure", "exit-clause")):
        assert any(has(v, stage, present, absent) for v in RESULTS.values()), (stage, present, absent)


def test_screen_is_covered():
    screens = [(_overall(v).get("recommendation"), _overall(v).get("status"), v["expect"].get("screen", {})) for v in RESULTS.values()]
    assert any(rec is None and status == "screen" and s.get("complete") is False and s.get("missing") for rec, status, s in screens)
    assert any(rec == "proceed" and s.get("clear") is True for rec, _, s in screens)
    assert any(rec == "proceed" and s.get("complete") is True and s.get("clear") is False for rec, _, s in screens)
    assert any(v["request"]["answers"] == {} and _overall(v).get("recommendation", "x") is None for v in RESULTS.values())


def test_dont_know_answers_are_covered(method):
    listed = [e for v in RESULTS.values() for e in v["expect"].get("to_find_out", [])]
    assert len({e["question"] for e in listed}) >= 2
    for entry in listed:
        assert entry.get("ask") == method.question_by_id[entry["question"]]["ask"], entry
    assert any("unknown" in v["expect"].get("rules_include", []) and "find-out" in v["expect"].get("actions_include", []) + v["expect"].get("actions", [])
               for v in RESULTS.values())


def test_every_what_if_outcome_is_covered(method):
    outcomes = [v["expect"]["what_if"] for v in RESULTS.values() if v["expect"].get("what_if")]
    assert {"none_needed", "lowers", "floor"} <= {w["status"] for w in outcomes}
    assert any(w["status"] == "lowers" and w.get("safeguards") and w.get("moves") for w in outcomes)
    floors = {rule for w in outcomes if w["status"] == "floor" for rule in w.get("floors", [])}
    every = {r["id"] for r in method.recommendation_rules}
    assert floors == every, f"rules never shown as a what-if floor: {every - floors}"
    assert any("what_if" in v["expect"] and v["expect"]["what_if"] is None for v in RESULTS.values())


def test_migration_is_covered(method):
    migrated = [v for v in RESULTS.values() if v["request"].get("method_version", method.version) != method.version]
    assert migrated and all(v["expect"].get("migrated_from") == v["request"]["method_version"] for v in migrated)
    assert any("migrated_from" in v["expect"] and v["expect"]["migrated_from"] is None for v in RESULTS.values())


def test_empty_answers_profile_and_errors_are_covered():
    assert any(v["request"]["answers"] == {} for v in RESULTS.values())
    assert any(v["profile"] == "us" and v["expect"].get("contacts") for v in RESULTS.values())
    assert {v["expect"]["error"]["type"] for v in VECTORS.values() if "error" in v["expect"]} == {"answer"}
