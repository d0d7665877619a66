"""`Method`'s accessors against the method files read independently (plain
`yaml.safe_load`, not the engine's reader), so a wrong path in an accessor fails."""

from __future__ import annotations

import json

import pytest
import yaml

from engine import compile_method
from support.engine import ROOT


@pytest.fixture(scope="module")
def files() -> dict:
    """scenarios/*.yaml merged by top-level key, as written."""
    merged = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return merged


def test_the_method_entry(method, files):
    assert method.metadata == files["method"]
    assert method.title == files["method"]["title"] and method.released == files["method"]["released"]
    assert [entry["version"] for entry in method.history] == [entry["version"] for entry in files["method"]["history"]]
    assert method.sources == files["method"]["sources"] and len(method.sources) >= 2


def test_flowcharts_and_cooperation(method, files):
    charts = files["flowcharts"]
    assert method.foresight == charts["foresight"] and method.management == charts["management"]
    assert method.foresight_steps == charts["foresight"]["steps"]
    assert [t["category"] for t in method.tracks] == [t["category"] for t in charts["management"]["tracks"]] == ["A", "B", "C"]
    assert method.tracks[0]["steps"] == charts["management"]["tracks"][0]["steps"]
    assert method.cooperation_levels == files["cooperation_levels"]
    # `steps` indexes both charts, with the page each step is on.
    assert method.steps["foresight-scan"]["page"] == charts["foresight"]["page"]
    assert method.steps["manage-b-act"]["page"] == charts["management"]["page"] and method.steps["manage-b-act"]["category"] == "B"


def test_questionnaire(method, files):
    assert method.sections == files["questionnaire"]["sections"]
    assert [q["id"] for q in method.questions] == [q["id"] for q in files["questionnaire"]["questions"]]


def test_scoring(method, files):
    scoring = files["scoring"]
    assert method.scoring == scoring
    assert method.risk_levels == scoring["levels"]
    assert method.levels == ["low", "medium", "high", "critical"]
    assert method.level_labels == {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
    assert method.combine_mode == scoring["combine"] == "strongest_plus_half"
    assert method.base_points == scoring["base"] and set(method.base_points) == set(method.scenario_by_id)
    assert method.safeguard_steps == scoring["safeguard_steps"] and set(method.safeguard_steps) == {"likelihood", "impact"}
    assert method.first_steps == scoring["first_steps"] == 5
    assert method.recommendation_rules == scoring["recommendation_rules"]
    assert method.actions == scoring["actions"]
    assert [r["id"] for r in method.recommendations] == ["proceed", "proceed_with_safeguards", "pause_and_consult", "disengage"]


def test_migrations_keep_the_method_order(method, files):
    assert list(method.migrations.values()) == files["migrations"]


def test_to_json_is_compact_sorted_and_reads_back(method):
    text = method.to_json()
    # Sorted keys ("categories" before "method", written first), no spaces between items, no line breaks,
    # and the method's non-ASCII text as it is, not escaped: the bytes the browser loads.
    assert text.startswith('{"categories":[{"id":"A","name":"Geopolitical Risk","summary":') and "\n" not in text
    assert not text.isascii() and "\\u" not in text
    again = compile_method(json.loads(text))
    assert again.data == method.data and again.to_json() == text
