"""engine.register: the register file (every partnership and its dated
assessments) checked, with the place of a problem named; `python -m engine check-register`."""

from __future__ import annotations

import copy
import json

import pytest

from engine.errors import RequestError
from engine.register import check_register
from support.engine import ROOT, cli

SAVED = ROOT / "tests" / "engine" / "saved"


def _version(pid: str, vid: str, **extra) -> dict:
    return {"format": "crossroads-assessment", "method_version": "2.0.0", "id": vid, "saved_at": "2026-01-31T10:00:00Z",
            "partnership": {"id": pid, "name": f"Partnership {pid}"}, "answers": {"stage": "proposed"}, **extra}


def _register() -> dict:
    return {
        "format": "crossroads-register", "method_version": "2.0.0", "exported_at": "2026-11-30T09:00:00Z",
        "partnerships": [
            {"id": "p-1", "versions": [_version("p-1", "v-1"), _version("p-1", "v-2", profile="de",
                                                                        decision={"decision": "engage", "date": "2026-02-01"},
                                                                        plan=[{"action": "keep-monitoring", "owner": "Office"}])]},
            {"id": "p-2", "versions": [_version("p-2", "v-3")]},
        ],
    }


def test_a_register_is_checked_and_returned_whole(method):
    checked = check_register(method, _register())
    assert checked["format"] == "crossroads-register" and checked["method_version"] == method.version
    assert checked["exported_at"] == "2026-11-30T09:00:00Z"
    assert [p["id"] for p in checked["partnerships"]] == ["p-1", "p-2"]
    second = checked["partnerships"][0]["versions"][1]
    assert second["id"] == "v-2" and second["profile"] == "de"
    assert second["decision"] == {"decision": "engage", "date": "2026-02-01"}
    assert second["plan"] == [{"action": "keep-monitoring", "owner": "Office", "due": "", "status": "open"}]
    # A version without "profile" keeps taking the site's default profile.
    assert "profile" not in checked["partnerships"][0]["versions"][0]
    # The checked register is itself a valid register, unchanged by a second check.
    assert check_register(method, json.loads(json.dumps(checked))) == checked


def test_an_empty_register_is_valid(method):
    assert check_register(method, {"format": "crossroads-register", "partnerships": []})["partnerships"] == []


def test_older_method_versions_are_carried_over(method):
    saved = json.loads((SAVED / "1.0.0-sanctions-unclear.json").read_text(encoding="utf-8"))
    saved["partnership"] = dict(saved.get("partnership", {}), id="p-old")
    register = {"format": "crossroads-register", "method_version": "1.0.0",
                "partnerships": [{"id": "p-old", "versions": [saved, {"partnership": {"id": "p-old"},
                                                                      "answers": {"sanctions_restrict": "unclear"}}]}]}
    checked = check_register(method, register)
    versions = checked["partnerships"][0]["versions"]
    assert all(v["method_version"] == method.version for v in versions)
    # The second version has no method version of its own: it was made with the register's (1.0.0).
    assert versions[1]["answers"] == {"sanctions_restrict": "dont_know"}
    assert versions[0]["answers"]["sanctions_restrict"] == "dont_know"


def _broken(edit):
    register = copy.deepcopy(_register())
    edit(register)
    return register


BAD = [
    (lambda r: r.clear() or r.update(format="crossroads-assessment", answers={}),
     "this file is a single assessment, not a register; open it as an assessment instead."),
    (lambda r: r.update(format="other"), "this file is not a Crossroads register: 'format' is 'other', expected 'crossroads-register'."),
    (lambda r: r.pop("format"), "this file is not a Crossroads register: 'format' is missing, expected 'crossroads-register'."),
    (lambda r: r.update(owner="x"), "unknown key 'owner' in the register; expected only: format, method_version, exported_at, partnerships."),
    (lambda r: r.update(method_version=2), "'method_version' must be a string such as '2.0.0', got a number."),
    (lambda r: r.update(partnerships={}), "'partnerships' must be a list of partnerships, got an object."),
    (lambda r: r.pop("partnerships"), "'partnerships' must be a list of partnerships, got nothing."),
    (lambda r: r["partnerships"].append("p-3"), "partnerships[2] must be an object {\"id\", \"versions\"}, got a string."),
    (lambda r: r["partnerships"][1].pop("id"), "partnerships[1] has no 'id'; every partnership of a register has one."),
    (lambda r: r["partnerships"][1].update(id="p-1"), "partnerships[1].id: 'p-1' is also the id of partnerships[0]; ids must be unique."),
    (lambda r: r["partnerships"][1].update(name="x"), "unknown key 'name' in partnerships[1]; expected only: id, versions."),
    (lambda r: r["partnerships"][1].update(versions=None), "partnerships[1].versions must be a list of assessments, got null."),
    (lambda r: r["partnerships"][1]["versions"][0]["answers"].update(money="lots"),
     "partnerships[1].versions[0]: question 'money': 'lots' is not an option; allowed values: small, moderate, large."),
    (lambda r: r["partnerships"][0]["versions"][1]["plan"].append({"action": "x"}),
     "partnerships[0].versions[1]: plan[1].action: 'x' is not an action of this method; the result lists the actions with their ids."),
    (lambda r: r["partnerships"][0]["versions"][1]["partnership"].update(id="p-2"),
     "partnerships[0].versions[1]: partnership.id is 'p-2', expected 'p-1', the id of its partnership."),
    (lambda r: r["partnerships"][0]["versions"][1]["partnership"].pop("id"),
     "partnerships[0].versions[1]: partnership.id is missing, expected 'p-1', the id of its partnership."),
    (lambda r: r["partnerships"][0]["versions"][1].update(id="v-1"),
     "partnerships[0].versions[1].id: 'v-1' is also the id of partnerships[0].versions[0]; each version has its own id."),
    (lambda r: r["partnerships"][0]["versions"][0].update(method_version="0.1"),
     "partnerships[0].versions[0]: this assessment was made with method version '0.1', which this copy cannot carry over to "
     "'2.0.0'; versions it opens: 1.0.0, 2.0.0."),
]


@pytest.mark.parametrize(("edit", "message"), BAD, ids=[m[:50] for _, m in BAD])
def test_a_malformed_register_is_refused_with_the_place(method, edit, message):
    with pytest.raises(RequestError) as caught:
        check_register(method, _broken(edit))
    assert caught.value.message == message


@pytest.mark.parametrize("doc", [[], "register", None, 3])
def test_not_an_object(method, doc):
    with pytest.raises(RequestError) as caught:
        check_register(method, doc)
    assert caught.value.message.startswith("a register must be a JSON object with 'format': 'crossroads-register', got ")


def test_cli_check_register(tmp_path):
    path = tmp_path / "register.json"
    path.write_text(json.dumps(_register()), encoding="utf-8")
    completed = cli("check-register", str(path))
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "2 partnerships, 3 assessments: OK\n"
    assert json.loads(completed.stdout)["partnerships"][1]["versions"][0]["id"] == "v-3"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_broken(lambda r: r["partnerships"][1].update(id="p-1"))), encoding="utf-8")
    refused = cli("check-register", str(bad))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == f"error: '{bad}': partnerships[1].id: 'p-1' is also the id of partnerships[0]; ids must be unique.\n"
    broken = cli("check-register", "-", stdin='{"format": "crossroads-register",')
    assert broken.returncode == 1 and broken.stderr.startswith("error: standard input: the input is not valid JSON at line 1")
