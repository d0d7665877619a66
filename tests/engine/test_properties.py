"""Properties of the evaluator over generated answers (hypothesis).

Answers are generated from the real method's questions. The properties:
(a) any input gives a result or an InputError, never another exception;
(b) a safeguard never raises a level or the recommendation;
(c) a riskier driver answer never lowers a level or the recommendation;
(d) the same input gives the same bytes;
(e) hidden and unanswered questions never count (null, or an empty multiple-choice list);
plus: the reasons of each scenario add up to its points.
And the judgement properties of method 2 (issue: advice officers can trust):
(f) "disengage" only through a floor: a category reported unmanageable,
    sanctions or national rules that restrict dealings, or war;
(g) the safeguards that address a scenario, all in place, lower a high or
    critical level by at least one step;
(h) "planned" counts for less than "yes" and more than "no";
(i) no runaway sums: small answers alone never make a scenario critical;
(j) what would lower the result really lowers it, and no smaller set does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import Engine, InputError, api, compile_method
from engine.evaluate import DECISION_KEYS, PLAN_STATUSES, visible_questions
from engine.register import check_register
from engine.report import render_markdown, report_view, view_csv
from engine.source import load_method_dir
from support.engine import PYTHON, ROOT

METHOD = load_method_dir(str(ROOT / "scenarios"), "scenarios")
QUESTIONS = METHOD.questions
BY_ID = METHOD.question_by_id
RANK = METHOD.level_rank
REC_RANK = METHOD.rec_rank
SAFEGUARDS = [q["id"] for q in QUESTIONS if q["kind"] == "safeguard"]
DRIVERS = [q["id"] for q in QUESTIONS if q["kind"] == "driver"]
ENGINE = Engine(METHOD.to_json())
FROM_JSON = compile_method(json.loads(METHOD.to_json()))  # the method as the browser loads it: its JSON, keys sorted

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def values(qid):
    return [o["value"] for o in BY_ID[qid]["options"]]


def exclusive(qid):
    return [o["value"] for o in BY_ID[qid]["options"] if o.get("exclusive")]


def plain(qid):
    return [o["value"] for o in BY_ID[qid]["options"] if not o.get("exclusive")]


def valid_value(qid):
    """One valid answer for a question (never null)."""
    question = BY_ID[qid]
    if question["type"] == "single":
        return st.sampled_from(values(qid))
    choices = st.lists(st.sampled_from(plain(qid)), unique=True, max_size=len(plain(qid)))
    if exclusive(qid):
        choices = choices | st.sampled_from([[v] for v in exclusive(qid)])
    return choices


def answer_or_null(qid):
    return valid_value(qid) | st.none()


VALID_ANSWERS = st.fixed_dictionaries({}, optional={q["id"]: answer_or_null(q["id"]) for q in QUESTIONS})

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
QUESTION_IDS = st.sampled_from([q["id"] for q in QUESTIONS])
OPTION_VALUES = st.sampled_from(sorted({o["value"] for q in QUESTIONS for o in q["options"]}))
JUNK_VALUE = JSON | OPTION_VALUES | st.lists(OPTION_VALUES | JSON, max_size=5)
JUNK_ANSWERS = st.dictionaries(QUESTION_IDS | st.text(max_size=15), JUNK_VALUE, max_size=8)


def assess(answers, profile=None):
    request = {"answers": answers}
    if profile:
        request["profile"] = profile
    return api.assess(METHOD, request)


# -- (a) never another exception -----------------------------------------------

def _result_or_input_error(call):
    try:
        result = call()
    except InputError as error:
        assert error.message and "\n" not in error.message
        json.dumps(error.to_dict())
        return None
    return result


@SETTINGS
@given(answers=st.one_of(VALID_ANSWERS, JUNK_ANSWERS, st.builds(lambda a, b: {**a, **b}, VALID_ANSWERS, JUNK_ANSWERS)))
def test_any_answers_give_a_result_or_an_input_error(answers):
    result = _result_or_input_error(lambda: assess(answers))
    if result is not None:
        assert result["overall"]["level"] in RANK


@SETTINGS
@given(answers=VALID_ANSWERS, profile=st.sampled_from([None, *METHOD.countries]))
def test_valid_answers_always_give_a_result(answers, profile):
    result = assess(answers, profile)
    assert result["profile"] == profile
    assert len(result["scenarios"]) == 7


REQUEST_KEYS = st.sampled_from(["format", "method_version", "id", "profile", "partnership", "answers", "notes", "decision", "plan",
                                "saved_at"])
REQUEST = st.dictionaries(REQUEST_KEYS | st.text(max_size=8), JSON | JUNK_ANSWERS, max_size=6)


@SETTINGS
@given(request=st.one_of(REQUEST, JSON, st.builds(lambda r, a: {**r, "answers": a}, REQUEST, VALID_ANSWERS)))
def test_any_request_document_gives_a_result_or_an_input_error(request):
    _result_or_input_error(lambda: api.assess(METHOD, request))


# -- the register's keys: any decision record, plan or register gives a report or an input error --

DATE = st.one_of(st.dates().map(str), st.text(max_size=12))
READER_TEXT = st.text(max_size=40)
DECISION = st.dictionaries(
    st.sampled_from(list(DECISION_KEYS)) | st.text(max_size=5),
    st.one_of(READER_TEXT, DATE, st.sampled_from([d["id"] for d in METHOD.decisions]), JSON,
              st.fixed_dictionaries({}, optional={"name": READER_TEXT, "role": READER_TEXT})),
    max_size=7)
PLAN = st.lists(st.one_of(JSON, st.fixed_dictionaries(
    {"action": st.sampled_from([a["id"] for a in METHOD.actions]) | st.text(max_size=5)},
    optional={"owner": READER_TEXT, "due": DATE | st.just(""), "status": st.sampled_from(list(PLAN_STATUSES)) | st.text(max_size=5)})),
    max_size=5)


@SETTINGS
@given(answers=VALID_ANSWERS, decision=DECISION, plan=PLAN, notes=st.dictionaries(st.sampled_from(list(BY_ID)), READER_TEXT, max_size=3))
def test_any_decision_and_plan_give_a_report_or_an_input_error(answers, decision, plan, notes):
    document = {"answers": answers, "decision": decision, "plan": plan, "notes": notes}
    try:
        checked, result = api.assessment(METHOD, document)
    except InputError as error:
        assert error.message and "\n" not in error.message
        return
    view = report_view(METHOD, checked, result)
    json.dumps(view)
    text = render_markdown(view)
    assert "<" not in "".join(line for line in text.splitlines() if not line.startswith("|"))
    rows = list(csv.reader(io.StringIO(view_csv(view), newline="")))
    assert len(rows) == len(view["actions"]) + 1 and all(len(row) == 7 for row in rows)
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for row in rows for cell in row)


REGISTER = st.fixed_dictionaries(
    {"format": st.just("crossroads-register") | JSON},
    optional={"method_version": st.just("2.0.0") | JSON, "exported_at": READER_TEXT | JSON,
              "partnerships": st.lists(st.one_of(JSON, st.fixed_dictionaries(
                  {"id": st.sampled_from(["p-1", "p-2"]) | JSON},
                  optional={"versions": st.lists(st.one_of(REQUEST, st.builds(
                      lambda pid, a: {"partnership": {"id": pid}, "answers": a}, st.sampled_from(["p-1", "p-2"]), VALID_ANSWERS)),
                      max_size=3) | JSON})), max_size=3)})


@SETTINGS
@given(doc=st.one_of(REGISTER, JSON))
def test_any_register_gives_a_checked_register_or_an_input_error(doc):
    try:
        checked = check_register(METHOD, doc)
    except InputError as error:
        assert error.message and "\n" not in error.message
        return
    assert check_register(METHOD, json.loads(json.dumps(checked))) == checked


def _mangle(text: str, cut: int, insert: str) -> str:
    cut = cut % (len(text) + 1)
    return text[:cut] + insert + text[cut:]


MESSAGE = st.fixed_dictionaries({"op": st.sampled_from(["assess", "check", "questions"]) | JSON}, optional={"request": REQUEST | JSON})
MESSAGE_TEXT = st.one_of(
    st.text(max_size=60),
    MESSAGE.map(json.dumps),
    st.builds(_mangle, MESSAGE.map(json.dumps), st.integers(0, 500), st.sampled_from(["", ",", "]", "{", "\"", "[[", "}", "\\", "\x00"])),
    st.integers(1, 3000).map(lambda n: "[" * n),
)


@SETTINGS
@given(text=MESSAGE_TEXT)
def test_engine_handle_always_answers_json(text):
    reply = json.loads(ENGINE.handle(text))
    assert set(reply) in ({"ok", "result"}, {"ok", "error"})
    if not reply["ok"]:
        assert set(reply["error"]) == {"type", "question", "message"}
        assert reply["error"]["type"] in ("request", "answer")
        assert "\n" not in reply["error"]["message"]


# -- (b) safeguards never raise, (c) riskier drivers never lower ------------------------

def _levels(result):
    return {
        "scenario-inherent": {s["id"]: RANK[s["inherent"]] for s in result["scenarios"]},
        "scenario-residual": {s["id"]: RANK[s["residual"]] for s in result["scenarios"]},
        "category-level": {c["id"]: RANK[c["level"]] for c in result["categories"]},
        "category-inherent": {c["id"]: RANK[c["inherent"]] for c in result["categories"]},
        "overall": {"level": RANK[result["overall"]["level"]], "inherent": RANK[result["overall"]["inherent"]],
                    # No recommendation until the short screen is answered: compare only verdicts.
                    **({"recommendation": REC_RANK[result["overall"]["recommendation"]]}
                       if result["overall"]["recommendation"] is not None else {})},
    }


def _never_above(before, after, groups):
    for group in groups:
        for key, rank in after[group].items():
            if key in before[group]:
                assert rank <= before[group][key], (group, key, before[group][key], rank)


@st.composite
def raised(draw, qids):
    """Answers, a question from `qids` and a riskier / more protective answer for it."""
    answers = draw(VALID_ANSWERS)
    qid = draw(st.sampled_from(qids))
    question = BY_ID[qid]
    current = answers.get(qid)
    if question["type"] == "single":
        start = 0 if current is None else values(qid).index(current) + 1
        assume(start < len(values(qid)))
        new = draw(st.sampled_from(values(qid)[start:]))
    else:
        kept = [v for v in (current or []) if v not in exclusive(qid)]
        missing = [v for v in plain(qid) if v not in kept]
        if current is None:
            new = draw(valid_value(qid))
        else:
            assume(missing)
            new = kept + [draw(st.sampled_from(missing))]
    return answers, dict(answers, **{qid: new})


@SETTINGS
@given(pair=raised(SAFEGUARDS))
def test_a_safeguard_never_raises_a_level_or_the_recommendation(pair):
    before, after = (_levels(assess(answers)) for answers in pair)
    _never_above(before, after, ["scenario-residual", "category-level", "overall"])
    assert after["scenario-inherent"] == before["scenario-inherent"]


@SETTINGS
@given(pair=raised(DRIVERS))
def test_a_riskier_driver_never_lowers_a_level_or_the_recommendation(pair):
    before, after = (_levels(assess(answers)) for answers in pair)
    _never_above(after, before, ["scenario-inherent", "scenario-residual", "category-level", "category-inherent", "overall"])


# -- (d) determinism ------------------------------------------------------------------

@SETTINGS
@given(answers=VALID_ANSWERS, profile=st.sampled_from([None, "us", "de"]), seed=st.randoms(use_true_random=False))
def test_same_input_same_bytes(answers, profile, seed):
    request = {"answers": answers, **({"profile": profile} if profile else {})}
    text = json.dumps(request)
    first = api.assess_json(METHOD, text)
    # The method read back from its JSON (keys sorted, as the browser gets it) gives the bytes of the one read from YAML.
    assert api.assess_json(FROM_JSON, text) == first
    # Key order and the order of values in a multiple-choice answer do not matter.
    items = list(answers.items())
    seed.shuffle(items)
    shuffled = {qid: (seed.sample(value, len(value)) if isinstance(value, list) else value) for qid, value in items}
    assert api.assess_json(METHOD, json.dumps({**request, "answers": shuffled})) == first
    reply = json.loads(ENGINE.handle(json.dumps({"op": "assess", "request": request})))
    assert api.dumps(reply["result"]) == first


def _sample_requests(count: int, seed: int) -> list[str]:
    """Request texts with valid answers to the short screen and to a random part of the rest, and a profile or none."""
    rng = random.Random(seed)
    texts = []
    for index in range(count):
        answers = {}
        for question in QUESTIONS:
            qid = question["id"]
            if qid in METHOD.screen or rng.random() < 0.6:
                if question["type"] == "single":
                    answers[qid] = rng.choice(values(qid))
                elif exclusive(qid) and rng.random() < 0.2:
                    answers[qid] = [rng.choice(exclusive(qid))]
                else:
                    answers[qid] = rng.sample(plain(qid), rng.randint(1, len(plain(qid))))
        profile = [None, "us", "de"][index % 3]
        texts.append(json.dumps({"answers": answers, **({"profile": profile} if profile else {})}))
    return texts


_ASSESS_EACH = """
import json, sys
from engine import api, compile_method
method = compile_method(json.loads(open(sys.argv[1], encoding="utf-8").read()))
print(json.dumps([api.assess_json(method, text) for text in json.loads(open(sys.argv[2], encoding="utf-8").read())]))
"""


def test_same_bytes_in_processes_with_other_hash_seeds(method_json_path, tmp_path):
    """Sets and dicts of strings iterate in another order under another hash seed: no result may depend on it."""
    texts = _sample_requests(45, seed=11)
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps(texts), encoding="utf-8")
    runs = [subprocess.Popen([PYTHON, "-c", _ASSESS_EACH, str(method_json_path), str(requests)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONHASHSEED=str(hash_seed)))
            for hash_seed in (1, 2)]
    here = [api.assess_json(METHOD, text) for text in texts]
    assert len({json.loads(out)["overall"]["recommendation"] for out in here}) >= 3  # varied results, not one repeated
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        for text, ours, theirs in zip(texts, here, json.loads(out), strict=True):
            assert theirs == ours, text


# -- (e) hidden and unanswered questions never count ------------------------------------

@st.composite
def with_hidden_answers(draw):
    answers = draw(VALID_ANSWERS)
    checked = {k: v for k, v in answers.items() if v is not None}
    shown = {q["id"] for q in visible_questions(METHOD, checked)}
    hidden = [q["id"] for q in QUESTIONS if q["id"] not in shown]
    extra = {qid: draw(valid_value(qid)) for qid in hidden if draw(st.booleans())}
    assume(extra)
    return answers, {**answers, **extra}


@SETTINGS
@given(pair=with_hidden_answers())
def test_answers_to_hidden_questions_change_nothing(pair):
    plain_answers, with_hidden = pair
    assert api.dumps(assess(with_hidden)) == api.dumps(assess(plain_answers))


@SETTINGS
@given(answers=VALID_ANSWERS)
def test_null_answers_are_the_same_as_no_answers(answers):
    without = {k: v for k, v in answers.items() if v is not None}
    nulls = {q["id"]: None for q in QUESTIONS if q["id"] not in without}
    assert api.dumps(assess({**answers, **nulls})) == api.dumps(assess(without))


@SETTINGS
@given(answers=VALID_ANSWERS)
def test_empty_multiple_choice_answers_are_the_same_as_no_answers(answers):
    """An empty list selects nothing: it is unanswered ('none of these' is an option of its own)."""
    without = {k: v for k, v in answers.items() if v is not None and v != []}
    empties = {q["id"]: [] for q in QUESTIONS if q["type"] == "multi" and q["id"] not in without}
    assume(empties)
    assert api.dumps(assess({**answers, **empties})) == api.dumps(assess(without))


# -- the reasons explain the points -------------------------------------------------------

@SETTINGS
@given(answers=VALID_ANSWERS)
def test_reasons_add_up_to_the_points(answers):
    result = assess(answers)
    for scenario in result["scenarios"]:
        for axis in ("likelihood", "impact"):
            reasons = [r for r in scenario["reasons"] if r["axis"] == axis]
            inherent = sum(r["points"] for r in reasons if r["stage"] == "inherent")
            assert inherent == scenario["points"][axis], (scenario["id"], axis)
            safeguards = [r for r in reasons if r["stage"] == "residual" and r["question"] is not None]
            lowered = scenario["residual_" + axis] != scenario[axis]
            if lowered:
                assert -sum(r["points"] for r in safeguards) == scenario["points"]["safeguard_" + axis], (scenario["id"], axis)
            else:
                assert not safeguards, (scenario["id"], axis)


# -- (f) disengage only through a floor ------------------------------------------------

DISENGAGE = "disengage"
FLOOR_RULES = {r["id"] for r in METHOD.recommendation_rules if r["at_least"] == DISENGAGE}


def test_no_level_alone_calls_for_disengagement():
    assert all(r.get("from_level") is None for r in METHOD.recommendations if r["id"] == DISENGAGE)
    assert {"sanctions-restrict", "war", "unmanageable"} == FLOOR_RULES


@SETTINGS
@given(answers=VALID_ANSWERS)
def test_disengage_only_when_a_floor_holds(answers):
    result = assess(answers)
    if result["overall"]["recommendation"] != DISENGAGE:
        return
    fired = {r["rule"] for r in result["overall"]["reasons"]}
    assert fired & FLOOR_RULES, result["overall"]["reasons"]
    shown = {q["id"] for q in visible_questions(METHOD, {k: v for k, v in answers.items() if v is not None})}
    facts = [
        "sanctions_restrict" in shown and answers.get("sanctions_restrict") == "yes",
        answers.get("national_relations") == "war",
        "unmanageable" in shown and any(v in ("A", "B", "C") for v in (answers.get("unmanageable") or [])),
    ]
    assert any(facts), answers


# -- (g) safeguards work, (h) planned is in between ---------------------------------------

def _addressing(sid):
    """The safeguards that address a scenario: those whose top answer lowers it."""
    out = []
    for qid in SAFEGUARDS:
        top = BY_ID[qid]["options"][-1]
        if sid in top.get("reduce_likelihood", {}) or sid in top.get("reduce_impact", {}):
            out.append(qid)
    return out


SCENARIO_IDS = [s["id"] for s in METHOD.scenarios]


def risky_value(qid):
    """A driver answer from the riskier half of its options (a non-empty pick for multiple choice)."""
    if BY_ID[qid]["type"] == "single":
        options = values(qid)
        return st.sampled_from(options[len(options) // 2:])
    return st.lists(st.sampled_from(plain(qid)), unique=True, min_size=1)


RISKY_ANSWERS = st.fixed_dictionaries({}, optional={qid: risky_value(qid) for qid in DRIVERS})


@SETTINGS
@given(answers=RISKY_ANSWERS, sid=st.sampled_from(SCENARIO_IDS))
def test_all_safeguards_of_a_scenario_lower_a_high_or_critical_level(answers, sid):
    _check_safeguards_lower(answers, sid)


def test_all_safeguards_lower_every_scenario_at_its_worst():
    worst = {}
    for qid in DRIVERS:
        worst[qid] = values(qid)[-1] if BY_ID[qid]["type"] == "single" else plain(qid)
    for sid in SCENARIO_IDS:
        assert _check_safeguards_lower(worst, sid) == "critical", sid


def _check_safeguards_lower(answers, sid):
    bare = {k: v for k, v in answers.items() if k not in SAFEGUARDS}
    before = next(s for s in assess(bare)["scenarios"] if s["id"] == sid)
    if RANK[before["residual"]] < RANK["high"]:
        return before["residual"]
    protected = dict(bare, **{qid: BY_ID[qid]["options"][-1]["value"] for qid in _addressing(sid)})
    after = next(s for s in assess(protected)["scenarios"] if s["id"] == sid)
    assert RANK[after["residual"]] <= RANK[before["residual"]] - 1, (sid, before["residual"], after["residual"])
    return before["residual"]


def test_every_scenario_has_safeguards_on_both_axes():
    for sid in SCENARIO_IDS:
        qids = _addressing(sid)
        axes = {axis for qid in qids for axis in ("likelihood", "impact") if sid in BY_ID[qid]["options"][-1].get("reduce_" + axis, {})}
        assert axes == {"likelihood", "impact"}, (sid, axes)


@SETTINGS
@given(answers=VALID_ANSWERS, qid=st.sampled_from(SAFEGUARDS))
def test_planned_counts_less_than_yes_and_more_than_no(answers, qid):
    options = values(qid)
    assert options[0] == "no" and options[-1] == "yes" and len(options) == 3
    runs = {value: assess(dict(answers, **{qid: value})) for value in options}
    top = BY_ID[qid]["options"][-1]
    for sid in SCENARIO_IDS:
        points = {value: next(s for s in runs[value]["scenarios"] if s["id"] == sid)["points"] for value in options}
        levels = {value: RANK[next(s for s in runs[value]["scenarios"] if s["id"] == sid)["residual"]] for value in options}
        assert levels["yes"] <= levels[options[1]] <= levels["no"], (qid, sid, levels)
        for axis in ("likelihood", "impact"):
            if sid in top.get("reduce_" + axis, {}):
                key = "safeguard_" + axis
                assert points["no"][key] < points[options[1]][key] < points["yes"][key], (qid, sid, axis, points)


# -- (i) no runaway sums ----------------------------------------------------------------

SMALL = 2  # an answer is "small" when it gives no scenario more than this many points on either axis


def _small_options(qid):
    return [o for o in BY_ID[qid]["options"]
            if all(p <= SMALL for key in ("likelihood", "impact") for p in o.get(key, {}).values())]


def test_small_answers_alone_never_make_a_scenario_critical():
    """Every driver at its largest small answer (sums of small options for multiple choice): no scenario is critical.
    This is the worst case, so it holds for every combination of small answers."""
    answers = {}
    for qid in DRIVERS:
        question = BY_ID[qid]
        small = [o for o in _small_options(qid) if not o.get("exclusive")]
        if not small:
            continue
        if question["type"] == "single":
            answers[qid] = max(small, key=lambda o: sum(p for key in ("likelihood", "impact") for p in o.get(key, {}).values()))["value"]
        else:
            answers[qid] = [o["value"] for o in small]
    answers = {k: v for k, v in answers.items() if k not in ("unmanageable",)}
    result = assess(answers)
    worst = {s["id"]: s["inherent"] for s in result["scenarios"]}
    assert all(level != "critical" for level in worst.values()), worst


@SETTINGS
@given(data=st.data())
def test_small_answers_never_make_a_scenario_critical(data):
    answers = {}
    for qid in DRIVERS:
        if qid == "unmanageable" or not data.draw(st.booleans()):
            continue
        small = [o["value"] for o in _small_options(qid) if not o.get("exclusive")]
        if not small:
            continue
        if BY_ID[qid]["type"] == "single":
            answers[qid] = data.draw(st.sampled_from(small))
        else:
            answers[qid] = data.draw(st.lists(st.sampled_from(small), unique=True, min_size=1))
    result = assess(answers)
    assert all(s["inherent"] != "critical" for s in result["scenarios"]), answers


# -- (j) what would lower the result ------------------------------------------------------

SCREEN_LOWEST = {qid: (values(qid)[0] if BY_ID[qid]["type"] == "single" else [plain(qid)[0]]) for qid in METHOD.screen}


@SETTINGS
@given(answers=VALID_ANSWERS)
def test_what_if_lowers_the_recommendation_by_one_step_and_is_smallest(answers):
    answers = {**SCREEN_LOWEST, **{k: v for k, v in answers.items() if v is not None and v != []}}
    result = assess(answers)
    what_if = result["what_if"]
    rec = result["overall"]["recommendation"]
    assert rec is not None and what_if is not None
    if REC_RANK[rec] == 0:
        assert what_if["status"] == "none_needed"
        return
    if what_if["status"] == "floor":
        assert {f["rule"] for f in what_if["floors"]} <= {r["rule"] for r in result["overall"]["reasons"]}
        return
    shown = {q["id"] for q in visible_questions(METHOD, answers)}
    open_safeguards = [qid for qid in SAFEGUARDS if qid in shown and answers.get(qid) != "yes"]
    everything = assess(dict(answers, **dict.fromkeys(open_safeguards, "yes")))
    if what_if["status"] == "cannot":
        assert REC_RANK[everything["overall"]["recommendation"]] >= REC_RANK[rec]
        return
    assert what_if["status"] == "lowers"
    chosen = [item["question"] for item in what_if["safeguards"]]
    lowered = assess(dict(answers, **dict.fromkeys(chosen, "yes")))
    assert REC_RANK[lowered["overall"]["recommendation"]] <= REC_RANK[rec] - 1
    assert lowered["overall"]["recommendation"] == what_if["recommendation"]
    moved = {m["scenario"]: m["to"] for m in what_if["moves"]}
    for scenario in lowered["scenarios"]:
        assert moved.get(scenario["id"], next(s for s in result["scenarios"] if s["id"] == scenario["id"])["residual"]) == scenario["residual"]
    # No smaller set does it (exhaustive over one fewer safeguard, which is enough since safeguards never raise).
    for drop in chosen:
        fewer = assess(dict(answers, **{qid: "yes" for qid in chosen if qid != drop}))
        assert REC_RANK[fewer["overall"]["recommendation"]] >= REC_RANK[rec], (drop, chosen)
