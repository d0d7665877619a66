"""The worker adapter's operations for the register (crossroads_web.py, in
CPython; tests/engine/test_parity.py checks Pyodide gives the same bytes):
view, compare, check_register, and salvage of the decision record and plan."""

from __future__ import annotations

import csv
import importlib.util
import io
import json

import pytest

from engine.api import MAX_INPUT_BYTES
from engine.report import CSV_COLUMNS

from support.engine import ROOT
from support.register import FULL, PAUSE

CSV_HEADER = ("Action", "Who to involve", "Owner", "Due", "Status", "Scenarios", "First step")
ADAPTER = ROOT / "site_plugins" / "crossroads" / "assets" / "evaluator" / "crossroads_web.py"


@pytest.fixture(scope="module")
def web(method):
    spec = importlib.util.spec_from_file_location("crossroads_web_under_test", ADAPTER)
    adapter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(adapter)
    engine = adapter.WebEngine(method.to_json(), "de")
    return lambda message: json.loads(engine.handle(json.dumps(message)))


def test_view_gives_the_view_the_markdown_and_the_csv(web):
    reply = web({"op": "view", "request": FULL})
    assert reply["ok"], reply
    result = reply["result"]
    assert result["view"]["format"] == "crossroads-report-view" and result["view"]["summary"]["profile"] == "de"
    assert result["markdown"].startswith("# City diplomacy risk assessment: Harbour twinning\n")
    assert web({"op": "report", "request": FULL})["result"] == {"markdown": result["markdown"]}
    rows = list(csv.reader(io.StringIO(result["csv"], newline="")))
    assert tuple(rows[0]) == CSV_HEADER and len(CSV_COLUMNS) == len(CSV_HEADER) and len(rows) == len(result["view"]["actions"]) + 1


def test_view_refuses_a_bad_plan_with_the_place(web):
    reply = web({"op": "view", "request": dict(FULL, plan=[{"action": "keep-monitoring"}, {"action": "x"}])})
    assert reply["ok"] is False
    assert reply["error"]["message"] == "plan[1].action: 'x' is not an action of this method; the result lists the actions with their ids."


def test_compare(web):
    later = dict(FULL, answers=dict(PAUSE, sg_gov="yes"))
    reply = web({"op": "compare", "request": {"old": FULL, "new": later}})
    assert reply["ok"], reply
    assert [c["question"] for c in reply["result"]["changes"]] == ["sg_gov"]
    assert reply["result"]["markdown"].startswith("# Comparison of two assessments\n")
    bad = web({"op": "compare", "request": {"old": FULL}})
    assert bad["error"]["message"] == "a comparison needs {\"old\": assessment, \"new\": assessment} in 'request'."
    named = web({"op": "compare", "request": {"old": {"answers": {"mony": "large"}}, "new": FULL}})
    assert named["error"]["message"] == "old: unknown question 'mony' (did you mean 'money'?)."


def test_check_register_takes_a_register_larger_than_an_assessment(web):
    versions = [dict(FULL, id=f"v-{n}", notes={"stage": "x" * 4000}) for n in range(600)]
    register = {"format": "crossroads-register", "partnerships": [{"id": FULL["partnership"]["id"], "versions": versions}]}
    assert len(json.dumps(register)) > MAX_INPUT_BYTES
    reply = web({"op": "check_register", "request": register})
    assert reply["ok"] and len(reply["result"]["partnerships"][0]["versions"]) == 600
    too_big = web({"op": "view", "request": dict(FULL, notes={"stage": "x"}, partnership={"name": "y" * 10}, padding="z" * MAX_INPUT_BYTES)})
    assert too_big["ok"] is False and too_big["error"]["message"].startswith("the input is larger than 2 MiB")


def test_salvage_keeps_the_valid_parts_of_the_decision_and_plan(web):
    document = dict(FULL, decision=dict(FULL["decision"], date="2026-02-30"),
                    plan=[{"action": "nope"}, FULL["plan"][0], {"action": "keep-monitoring", "status": "finished"}, FULL["plan"][0]])
    reply = web({"op": "salvage", "request": document})
    checked, problems = reply["result"]["checked"], reply["result"]["problems"]
    assert checked["decision"] == {k: v for k, v in FULL["decision"].items() if k != "date"}
    assert checked["plan"] == [FULL["plan"][0]]
    assert checked["id"] == FULL["id"] and checked["saved_at"] == FULL["saved_at"]
    assert problems == [
        "decision.date: 2026-02-30 is not a date of the calendar; check the month and the day.",
        "plan[0].action: 'nope' is not an action of this method; the result lists the actions with their ids.",
        "plan[2].status is 'finished'; expected one of: open, in_progress, done, dropped.",
    ]
