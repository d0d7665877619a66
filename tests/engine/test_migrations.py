"""Assessments saved with an earlier method version still open (scenarios/migrations.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import InputError, api

SAVED = sorted((Path(__file__).resolve().parent / "saved").glob("*.json"))


def test_there_is_a_saved_file_for_every_earlier_version(method):
    versions = {path.name.split("-", 1)[0] for path in SAVED}
    earlier = {entry["version"] for entry in method.history} - {method.version}
    assert earlier and earlier <= versions, f"add a saved assessment of each earlier version to tests/engine/saved/: missing {sorted(earlier - versions)}"


@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_an_earlier_version_opens_and_says_so(method, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    result = api.assess(method, document)
    assert result["method_version"] == method.version
    assert result["migrated_from"] == document["method_version"]
    assert result["migration"] and all(isinstance(line, str) and line for line in result["migration"])
    checked = api.check_request(method, document)
    # Every answer survives, under its new name where it was renamed.
    assert set(checked["answers"]) == set(document["answers"])
    assert checked["notes"] == document.get("notes", {})


def test_renamed_options_land_on_their_new_values(method):
    document = json.loads((SAVED[0].parent / "1.0.0-sanctions-unclear.json").read_text(encoding="utf-8"))
    checked = api.check_request(method, document)
    assert checked["answers"]["sanctions_restrict"] == "dont_know"
    conflict = json.loads((SAVED[0].parent / "1.0.0-conflict-share-link.json").read_text(encoding="utf-8"))
    assert api.check_request(method, conflict)["answers"]["national_relations"] == "armed_conflict"
    # "Don't know" is then counted with precaution and listed to find out.
    result = api.assess(method, document)
    assert "sanctions_restrict" in [item["question"] for item in result["to_find_out"]]


def test_a_current_file_is_not_marked_as_migrated(method):
    result = api.assess(method, {"method_version": method.version, "answers": {"stage": "proposed"}})
    assert "migrated_from" not in result


def test_an_unknown_version_is_refused_with_the_versions_that_open(method):
    with pytest.raises(InputError) as caught:
        api.assess(method, {"method_version": "0.9.0", "answers": {}})
    assert "'0.9.0'" in caught.value.message and "1.0.0" in caught.value.message and method.version in caught.value.message


def test_a_migrated_answer_that_is_still_invalid_is_refused(method):
    with pytest.raises(InputError) as caught:
        api.assess(method, {"method_version": "1.0.0", "answers": {"national_relations": "frozen"}})
    assert caught.value.question == "national_relations"
