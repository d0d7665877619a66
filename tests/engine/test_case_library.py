"""The case library (scenarios/cases/) and the method's calibration on it.

The method is calibrated only when every run of every case (before and,
where given, after safeguards) lands inside its expected band. On failure
the whole calibration table is printed, so the change to the method can be
judged on all cases at once. Bands are never widened to make a case pass.
"""

from __future__ import annotations

import pytest

from engine import api
from engine.cases import calibrate, calibration_table, default_cases_dir, load_cases
from engine.errors import MethodError

CASES_DIR = default_cases_dir()


@pytest.fixture(scope="module")
def cases(method):
    return load_cases(method, CASES_DIR, "scenarios/cases")


@pytest.fixture(scope="module")
def runs(method, cases):
    return calibrate(method, cases)


def test_every_case_is_within_its_band(method, runs):
    outside = [(entry["id"], run["when"]) for entry in runs for run in entry["runs"] if not run["in_band"]]
    assert not outside, f"{len(outside)} run(s) out of band: {outside}\n" + calibration_table(method, runs)


def test_the_library_is_large_and_varied(method, cases, runs):
    assert len(cases) >= 24
    kinds = [set(case["kind"]) for case in cases]
    assert sum("ordinary" in k for k in kinds) >= 8
    assert any("national-intervention" in k for k in kinds)
    assert any({"ended", "suspended"} & k for k in kinds)
    assert any("democracies" in k for k in kinds)
    assert sum("after_safeguards" in case for case in cases) * 2 >= len(cases)


def test_the_library_covers_every_scenario_and_every_recommendation(method, runs):
    results = [run["result"] for entry in runs for run in entry["runs"]]
    for scenario in method.scenarios:
        reached = max(method.level_rank[next(s for s in r["scenarios"] if s["id"] == scenario["id"])["inherent"]] for r in results)
        assert reached >= method.level_rank["medium"], f"no case flags {scenario['id']} (medium or above) before safeguards"
    for category in method.categories:
        reached = max(method.level_rank[next(c for c in r["categories"] if c["id"] == category["id"])["inherent"]] for r in results)
        assert reached >= method.level_rank["high"], f"no case puts category {category['id']} at high or above before safeguards"
    given = {r["overall"]["recommendation"] for r in results}
    expected = {r["id"] for r in method.recommendations}
    assert given == expected, f"no case gives: {sorted(expected - given)}"


def test_every_case_is_a_valid_saved_assessment(method, cases):
    for case in cases:
        document = case["assessment"]
        assert document.get("format") == "crossroads-assessment" and document.get("method_version") == method.version, case["id"]
        result = api.assess(method, document)
        assert result["overall"]["recommendation"] is not None, case["id"]


def test_safeguards_never_raise_a_case(method, runs):
    rank = method.rec_rank
    for entry in runs:
        if len(entry["runs"]) == 2:
            before, after = entry["runs"]
            assert rank[after["recommendation"]] <= rank[before["recommendation"]], entry["id"]


def _write_case(folder, stem, answers, expected, second_date="2020-02"):
    """A small case file; line 13 holds the answers and line 15 the band."""
    (folder / f"{stem}.yaml").write_text(
        f'case:\n  id: "{stem}"\n  title: "A case"\n  cities: ["A (X)"]\n  years: "2020"\n  kind: ["ordinary"]\n'
        '  sources:\n    - {title: "T", publisher: "P", date: "2020-01-01", url: "https://example.org/"}\n'
        f'    - {{title: "T2", publisher: "P", date: "{second_date}", url: "https://example.org/2"}}\n'
        '  story: "S"\n  known_before: "K"\n'
        f'  assessment:\n    answers: {answers}\n'
        f'  outcome: "O"\n  expected: {expected}\n  reasoning: "R"\n',
        encoding="utf-8",
    )


def test_a_broken_case_file_names_its_file_and_line(method, tmp_path):
    _write_case(tmp_path, "bad-case", '{political_system: "monarchy"}', '{lowest: "pause_and_consult", highest: "proceed"}')
    with pytest.raises(MethodError) as caught:
        load_cases(method, str(tmp_path), "scenarios/cases")
    lines = caught.value.lines()
    assert any(line.startswith("scenarios/cases/bad-case.yaml:13:") and "'monarchy' is not an option" in line for line in lines), lines
    assert any(line.startswith("scenarios/cases/bad-case.yaml:15:") and "upside down" in line for line in lines), lines


def test_a_case_must_answer_the_screen(method, tmp_path):
    _write_case(tmp_path, "short", '{stage: "proposed"}', '{lowest: "proceed", highest: "proceed"}')
    with pytest.raises(MethodError) as caught:
        load_cases(method, str(tmp_path), "scenarios/cases")
    assert any("screen question" in line and "political_system" in line for line in caught.value.lines())
