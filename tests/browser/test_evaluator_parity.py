"""The browser's result equals the command line's, exactly (parsed JSON).

The answer sets: none, every first option, every riskiest option, and
seeded random sets that mix unanswered (absent or null), single and multiple
answers and answers to questions the other answers hide."""

from __future__ import annotations

import random

import pytest
from support.evaluator import click_answer, form_state, wait_answered, watch_results

pytestmark = pytest.mark.browser

SEEDS = (1, 2, 3, 4, 5)


def first_options(questions):
    return {q["id"]: (q["options"][0]["value"] if q["type"] == "single" else [q["options"][0]["value"]]) for q in questions}


def riskiest(questions):
    out = {}
    for q in questions:
        if q["type"] == "single":
            out[q["id"]] = q["options"][-1]["value"]
        else:
            out[q["id"]] = [o["value"] for o in q["options"] if o["value"] != "none"]
    return out


def seeded(questions, seed):
    rng = random.Random(seed)
    out = {}
    for q in questions:
        roll = rng.random()
        if roll < 0.2:
            continue
        if roll < 0.25:
            out[q["id"]] = None
            continue
        values = [o["value"] for o in q["options"]]
        if q["type"] == "single":
            out[q["id"]] = rng.choice(values)
        elif rng.random() < 0.2:
            out[q["id"]] = [values[0]]  # "None of these" on its own
        else:
            picked = rng.sample(values[1:], rng.randint(1, len(values) - 1))
            out[q["id"]] = picked  # any order: the engine keeps the method's order
    return out


def answer_sets(questions):
    sets = {"empty": {}, "first": first_options(questions), "riskiest": riskiest(questions)}
    for seed in SEEDS:
        sets[f"seed{seed}"] = seeded(questions, seed)
    return sets


@pytest.fixture(scope="module")
def sets(questions):
    return answer_sets(questions)


@pytest.mark.parametrize("name", ["empty", "first", "riskiest"] + [f"seed{s}" for s in SEEDS])
def test_api_result_equals_cli(shared_page, sets, site_config, cli_assess, name):
    answers = sets[name]
    browser_result = shared_page.evaluate("a => window.crossroads.evaluate(a)", answers)
    assert browser_result == cli_assess({"answers": answers}, site_config["profile"])


@pytest.mark.parametrize("profile", ["de", None])
def test_api_accepts_another_profile(shared_page, sets, cli_assess, profile):
    answers = sets["riskiest"]
    browser_result = shared_page.evaluate("([a, p]) => window.crossroads.evaluate(a, {profile: p})", [answers, profile])
    assert browser_result == cli_assess({"answers": answers}, profile)


def test_api_rejects_invalid_answers(shared_page):
    error = shared_page.evaluate("""() => window.crossroads.evaluate({political_system: 'monarchy'})
        .then(() => null, e => ({message: e.message, type: e.type, question: e.question}))""")
    assert error == {
        "message": error["message"], "type": "answer", "question": "political_system",
    }
    assert "'monarchy' is not an option" in error["message"]


def test_panel_result_equals_cli(shared_page, site_config, cli_assess):
    """Answers given in the form: the panel's result is the command line's for them."""
    tab = shared_page
    watch_results(tab)
    picks = [("stage", "existing"), ("unmanageable", "none"), ("political_system", "hybrid"), ("state_steering", "some"),
             ("identity_checked", "documents"), ("national_relations", "good"), ("investment_proposal", "no"),
             ("rights_record", "no"), ("activities", "study_visits"), ("activities", "joint_projects"), ("knowledge", "know_how"),
             ("visibility", "high"), ("sg_gov", "planned"), ("sg_ip", "yes")]
    for qid, value in picks:
        click_answer(tab, qid, value)
    shown = wait_answered(tab, 13)
    answers = form_state(tab)["answers"]
    assert answers["activities"] == ["study_visits", "joint_projects"]
    assert shown == cli_assess({"answers": answers}, site_config["profile"])
    # The panel shows what the result says: the recommendation in words, then its headline.
    assert shown["overall"]["recommendation"] is not None
    rec = tab.inner_text("#cr-rec")
    assert shown["overall"]["recommendation_label"] in rec and shown["overall"]["headline"] in rec
    for scenario in shown["scenarios"]:
        assert scenario["name"] in tab.inner_text("#cr-scenarios")
    assert len(tab.query_selector_all("#cr-actions li")) == len(shown["actions"])
    first = [a for a in shown["actions"] if a["first"]]
    assert len(tab.query_selector_all("#cr-actions > ol > li")) == len(first) <= 5
    links = tab.eval_on_selector_all("#cr-actions a", "els => els.map(a => a.getAttribute('href'))")
    assert links == ["../" + action["page"] for action in shown["actions"]]
    tab.evaluate("document.querySelectorAll('#cr-actions details').forEach(d => d.open = true)")
    who = tab.inner_text("#cr-actions")
    for action in shown["actions"]:
        assert f"With: {action['who']}" in who
    marks = tab.eval_on_selector_all("#cr-results .cr-cell .cr-mark", "els => els.length")
    assert marks == 2 * len(shown["scenarios"])
    for qid in [q for q, _ in picks][::-1]:
        if tab.is_visible(f"#q-{qid} [data-clear]"):
            tab.click(f"#q-{qid} [data-clear]")


@pytest.mark.parametrize("name", ["first", "riskiest"] + [f"seed{s}" for s in SEEDS])
def test_questions_shown_are_the_engines_visible_questions(new_context, evaluator_url, method, sets, name):
    """The form shows exactly the questions the engine's visible_questions gives
    for the answers in it, even before the engine has started (its runtime held back)."""
    from engine.evaluate import visible_questions

    context = new_context()
    context.route("**/pyodide.asm.wasm", lambda route: None)  # never answered: the engine stays loading
    tab = context.new_page()
    tab.goto(evaluator_url)
    tab.wait_for_function("window.crossroads !== undefined")
    answers = {qid: value for qid, value in sets[name].items() if value is not None}
    tab.evaluate("""answers => {
      for (const [qid, value] of Object.entries(answers)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          const input = document.querySelector(`#q-${qid} input[value="${v}"]`);
          input.checked = true;
          input.dispatchEvent(new Event('change', {bubbles: true}));
        }
      }
    }""", answers)
    assert tab.get_attribute("#crossroads-evaluator", "data-engine") == "loading"
    shown = tab.eval_on_selector_all("#cr-form .cr-question", "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.question)")
    assert shown == [q["id"] for q in visible_questions(method, answers)]
