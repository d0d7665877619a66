"""Properties of the evaluator over generated answers (hypothesis).

Answers are generated from the real method's questions. The properties:
(a) any input gives a result or an InputError, never another exception;
(b) a safeguard never raises a level or the recommendation;
(c) a riskier driver answer never lowers a level or the recommendation;
(d) the same input gives the same bytes;
(e) hidden and unanswered questions never count (null, or an empty multiple-choice list);
plus: the reasons of each scenario add up to its points.
"""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import Engine, InputError, api, compile_method
from engine.evaluate import visible_questions
from engine.source import load_method_dir
from engine_support import ROOT

METHOD = load_method_dir(str(ROOT / "scenarios"), "scenarios")
QUESTIONS = METHOD.questions
BY_ID = METHOD.question_by_id
RANK = METHOD.level_rank
REC_RANK = METHOD.rec_rank
SAFEGUARDS = [q["id"] for q in QUESTIONS if q["kind"] == "safeguard"]
DRIVERS = [q["id"] for q in QUESTIONS if q["kind"] == "driver"]
ENGINE = Engine(api.dumps(METHOD.data))
RECOMPILED = compile_method(copy.deepcopy(METHOD.data))  # a second, independent compile of the same data

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


REQUEST_KEYS = st.sampled_from(["format", "method_version", "profile", "partnership", "answers", "notes", "saved_at"])
REQUEST = st.dictionaries(REQUEST_KEYS | st.text(max_size=8), JSON | JUNK_ANSWERS, max_size=6)


@SETTINGS
@given(request=st.one_of(REQUEST, JSON, st.builds(lambda r, a: {**r, "answers": a}, REQUEST, VALID_ANSWERS)))
def test_any_request_document_gives_a_result_or_an_input_error(request):
    _result_or_input_error(lambda: api.assess(METHOD, request))


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
                    "recommendation": REC_RANK[result["overall"]["recommendation"]]},
    }


def _never_above(before, after, groups):
    for group in groups:
        for key, rank in after[group].items():
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
    assert api.assess_json(METHOD, text) == first
    assert api.assess_json(RECOMPILED, text) == first
    # Key order and the order of values in a multiple-choice answer do not matter.
    items = list(answers.items())
    seed.shuffle(items)
    shuffled = {qid: (seed.sample(value, len(value)) if isinstance(value, list) else value) for qid, value in items}
    assert api.assess_json(METHOD, json.dumps({**request, "answers": shuffled})) == first
    reply = json.loads(ENGINE.handle(json.dumps({"op": "assess", "request": request})))
    assert api.dumps(reply["result"]) == first


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
            assert max(0, sum(r["points"] for r in reasons)) == scenario["points"]["residual_" + axis], (scenario["id"], axis)
