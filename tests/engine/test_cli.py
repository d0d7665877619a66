"""`python -m engine` as a reader runs it: questions, assess (JSON, Markdown,
standard input, a country profile), check, compile, and bad input that must
end in one clear line on stderr, never a traceback.

The commands run in-process (`engine.cli.main` on streams of its own); the
first test shows that `python -m engine` in a new process is that same `main`.
Closed and full streams of a real process are in test_hostile_input.py."""

from __future__ import annotations

import json

import pytest

from support.engine import ROOT, cli, run_cli


def test_questions_document():
    completed = cli("questions")
    assert completed.returncode == 0 and completed.stderr == ""
    document = json.loads(completed.stdout)
    assert set(document) == {"method_version", "questions"}
    assert document["method_version"] == "2.0.0"
    assert len(document["questions"]) == 39
    for item in document["questions"]:
        assert {"id", "text", "type", "options"} <= set(item)
        assert item["type"] in ("single", "multi")
        assert item["text"].strip()
        assert len(item["options"]) >= 2
        for option in item["options"]:
            assert {"value", "label"} <= set(option) <= {"value", "label", "exclusive", "unknown"}
            assert isinstance(option["value"], str) and option["label"].strip()
    by_id = {q["id"]: q for q in document["questions"]}
    assert [o["value"] for o in by_id["political_system"]["options"]] == ["democracy", "dont_know", "hybrid", "non_democratic"]
    assert by_id["political_system"]["options"][1]["unknown"] is True and by_id["political_system"]["ask"] == ["Gov", "Aca"]
    assert by_id["requests"]["options"][0] == {"value": "none", "label": "None of these", "exclusive": True}
    assert [q["id"] for q in document["questions"] if q.get("screen")] == [
        "stage", "political_system", "identity_checked", "national_relations", "activities", "investment_proposal", "visibility", "rights_record"]
    assert by_id["state_steering"]["show_if"] == {"question": "political_system", "in": ["hybrid", "non_democratic"]}


PORT = {"answers": {"stage": "proposed", "political_system": "non_democratic", "state_steering": "close", "identity_checked": "independent",
                    "national_relations": "good", "activities": ["investment"], "investment_proposal": "proposed",
                    "strategic_assets": ["port"], "visibility": "high", "rights_record": "no", "sg_gov": "planned"},
        "partnership": {"name": "Harbour twinning", "partner": "Port City"}, "notes": {"sg_gov": "Meeting booked for May."}}


@pytest.fixture()
def port_file(tmp_path):
    path = tmp_path / "port.json"
    path.write_text(json.dumps(PORT), encoding="utf-8")
    return path


def test_python_m_engine_is_main_in_a_new_process(port_file):
    """End to end: a new Python process, the input on a real pipe, the output as bytes; the same as in-process."""
    for args, stdin in ((["assess", "-", "--format", "markdown", "--profile", "us"], json.dumps(PORT)),
                        (["assess", str(port_file), "--what-if"], None),
                        (["assess", "-"], '{"answers": {"money": "lots"}}')):
        process, in_process = run_cli(*args, stdin=stdin), cli(*args, stdin=stdin or b"")
        assert (process.returncode, process.stdout, process.stderr) == (in_process.returncode, in_process.stdout, in_process.stderr)
        assert process.stdout or process.stderr.startswith("error: standard input: question 'money'")


def test_assess_file_json_shape(port_file):
    completed = cli("assess", str(port_file))
    assert completed.returncode == 0 and completed.stderr == ""
    result = json.loads(completed.stdout)
    assert [level["id"] for level in result["levels"]] == ["low", "medium", "high", "critical"]
    assert [r["id"] for r in result["recommendations"]] == ["proceed", "proceed_with_safeguards", "pause_and_consult", "disengage"]
    assert {"level", "recommendation", "headline", "status"} <= set(result["overall"])
    assert result["overall"]["level"] == "critical" and result["overall"]["recommendation"] == "pause_and_consult"
    assert result["what_if"]["status"] == "lowers" and result["first_steps"] == [a["id"] for a in result["actions"][:5]]
    assert [c["id"] for c in result["categories"]] == ["A", "B", "C"]
    for category in result["categories"]:
        assert {"id", "name", "level"} <= set(category)
    assert [s["id"] for s in result["scenarios"]] == ["A1", "A2", "B1", "C1", "C2", "C3", "C4"]
    for scenario in result["scenarios"]:
        assert {"id", "name", "category", "likelihood", "impact", "inherent", "residual", "level", "impacts", "reasons"} <= set(scenario)
        assert scenario["level"] == scenario["residual"]
    a1 = result["scenarios"][0]
    assert (a1["inherent"], a1["residual"]) == ("critical", "critical")
    assert [i["id"] for i in a1["impacts"]] == ["A1-influence", "A1-security"]
    assert result["actions"], "a critical result lists actions"
    for action in result["actions"]:
        assert {"text", "stakeholders", "step"} <= set(action)
    assert "contacts" not in result["actions"][0]


def test_assess_same_bytes_from_file_and_stdin(port_file):
    from_file = cli("assess", str(port_file))
    from_stdin = cli("assess", "-", stdin=port_file.read_text(encoding="utf-8"))
    assert from_stdin.returncode == 0 and from_stdin.stderr == ""
    assert from_stdin.stdout == from_file.stdout


def test_assess_accepts_a_byte_order_mark(port_file):
    plain = cli("assess", "-", stdin=json.dumps(PORT))
    marked = cli("assess", "-", stdin=b"\xef\xbb\xbf" + json.dumps(PORT).encode())
    assert marked.returncode == 0 and marked.stdout == plain.stdout


def test_assess_with_profile(port_file):
    completed = cli("assess", str(port_file), "--profile", "us")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["profile"] == "us"
    pause = next(a for a in result["actions"] if a["id"] == "pause-and-consult")
    assert pause["contacts"] == [
        {"stakeholder": "Gov", "name": "U.S. Department of State, Subnational Diplomacy Unit (SDU)"},
        {"stakeholder": "Nac", "name": "National League of Cities (NLC)"},
    ]


def test_assess_markdown(port_file):
    completed = cli("assess", str(port_file), "--format", "markdown", "--profile", "us")
    assert completed.returncode == 0 and completed.stderr == ""
    text = completed.stdout
    assert text.startswith("# City diplomacy risk assessment: Harbour twinning\n")
    for expected in (
        "- **Partner:** Port City",
        "- **Method version:** 2.0.0",
        "- **Country profile:** United States",
        "## Recommendation",
        "**Pause and consult**: Pause new commitments and consult the national government and the national association of cities (Gov, Nac). "
        "Overall level after safeguards: **Critical** (before safeguards: Critical).",
        "## What would lower this result",
        "| A. Geopolitical Risk | Critical | Critical |",
        "### A1 Adversarial Proxy Foreign Policy",
        "- Impacts that apply: Exposure to Foreign Political and Economic Influence, National Security Breaches",
        "## First steps",
        "## Unanswered questions",
        "## Answers",
        "- **Has the city consulted the national government (Gov) about this partner?** Planned\n"
        "    - Note: Meeting booked for May.",  # the reader's text: nothing in it acts as Markdown
    ):
        assert expected in text, expected
    assert text.endswith("This assessment structures judgement; it is not a verdict or legal advice.\n")


def test_check_and_compile():
    check = cli("check")
    assert check.returncode == 0 and check.stdout.endswith(": OK\n")
    compiled = cli("compile")
    assert compiled.returncode == 0
    data = json.loads(compiled.stdout)
    assert data["method"]["version"] == "2.0.0"
    assert [c["id"] for c in data["countries"]] == ["de", "fr", "jp", "kr", "us"]


def _one_line_error(completed) -> str:
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


ALLOWED_POLITICAL = "allowed values: democracy, dont_know, hybrid, non_democratic."

BAD_INPUT = [
    pytest.param('{"answers": {"political_system": "hybrid",}}',
                 "error: standard input: the input is not valid JSON at line 1, column 42: Illegal trailing comma before end of object.",
                 id="broken-json-trailing-comma"),
    pytest.param('{"answers": {"political_system": hybrid}}',
                 "error: standard input: the input is not valid JSON at line 1, column 34: Expecting value.", id="broken-json"),
    pytest.param("", "error: standard input: the input is not valid JSON at line 1, column 1: Expecting value.", id="empty-input"),
    pytest.param("[" * 5000 + "]" * 5000,
                 "error: standard input: the input nests lists and objects more than 32 levels deep; an assessment needs only a few levels.",
                 id="deeply-nested"),
    pytest.param('{"answers": {"regime": "hybrid"}}',
                 "error: standard input: unknown question 'regime'; run 'python -m engine questions' to list the question ids.",
                 id="unknown-question"),
    pytest.param('{"answers": {"politcal_system": "hybrid"}}',
                 "error: standard input: unknown question 'politcal_system' (did you mean 'political_system'?); "
                 "run 'python -m engine questions' to list the question ids.",
                 id="misspelt-question"),
    pytest.param('{"answers": {"political_system": "monarchy"}}',
                 f"error: standard input: question 'political_system': 'monarchy' is not an option; {ALLOWED_POLITICAL}",
                 id="value-outside-options"),
    pytest.param('{"answers": {"political_system": 2}}',
                 f"error: standard input: question 'political_system' takes one of its option values as a string, got a number; {ALLOWED_POLITICAL}",
                 id="wrong-type-single"),
    pytest.param('{"answers": {"activities": "culture"}}',
                 "error: standard input: question 'activities' takes a list of option values, got a string; allowed values: "
                 "culture, study_visits, joint_projects, investment, funding, climate_abroad.",
                 id="wrong-type-multi"),
    pytest.param('{"answers": {"activities": ["culture", true]}}',
                 "error: standard input: question 'activities' takes a list of strings, got a boolean in it; allowed values: "
                 "culture, study_visits, joint_projects, investment, funding, climate_abroad.",
                 id="wrong-type-in-list"),
    pytest.param('{"answers": {"activities": ["culture", "culture"]}}',
                 "error: standard input: question 'activities': 'culture' is given twice; give each value once.", id="value-twice"),
    pytest.param('{"answers": {"requests": ["none", "fees"]}}',
                 "error: standard input: question 'requests': 'none' means none of the others and cannot be combined with them.",
                 id="exclusive-combined"),
    pytest.param('{"answers": {"political_system": "hy\\nbrid"}}',
                 f"error: standard input: question 'political_system': 'hy\\x0abrid' is not an option; {ALLOWED_POLITICAL}",
                 id="newline-in-value"),
    pytest.param('{"answers": {"a\\u2028b": "x"}}',
                 "error: standard input: unknown question 'a\\u2028b'; run 'python -m engine questions' to list the question ids.",
                 id="line-separator-in-question-id"),
    pytest.param('{"answers": []}', "error: standard input: 'answers' must be an object mapping question ids to values, got a list.", id="answers-not-object"),
    pytest.param('["answers"]', "error: standard input: an assessment must be a JSON object with an 'answers' key, got a list.", id="not-an-object"),
    pytest.param('{"answer": {}}', "error: standard input: unknown key 'answer' in the assessment; expected only: "
                 "format, method_version, id, profile, partnership, answers, notes, decision, plan, saved_at.", id="unknown-key"),
    pytest.param('{"answers": {}, "method_version": "0.9.0"}',
                 "error: standard input: this assessment was made with method version '0.9.0', which this copy cannot carry over to "
                 "'2.0.0'; versions it opens: 1.0.0, 2.0.0.",
                 id="other-method-version"),
    pytest.param('{"answers": {}, "method_version": 1}',
                 "error: standard input: 'method_version' must be a string such as '2.0.0', got a number.", id="method-version-not-text"),
    pytest.param('{"answers": {}, "format": "excel"}',
                 "error: standard input: this file is not a Crossroads assessment: 'format' is 'excel', expected 'crossroads-assessment'.",
                 id="wrong-format"),
    pytest.param('{"answers": {}, "profile": ["us"]}',
                 "error: standard input: 'profile' must be a country id or null, got a list; expected one of: de, fr, jp, kr, us.",
                 id="profile-not-text"),
    pytest.param('{"answers": {}, "profile": "uk"}',
                 "error: standard input: unknown country profile 'uk'; expected one of: de, fr, jp, kr, us.", id="unknown-profile"),
    pytest.param('{"answers": {}, "partnership": {"name": "\\ud800"}}',
                 "error: standard input: partnership.name must be valid Unicode text, got a lone surrogate (\\ud800) at character 1.",
                 id="lone-surrogate"),
    pytest.param('{"answers": {}, "notes": {"budget": "x"}}',
                 "error: standard input: a note is attached to unknown question 'budget'; expected the id of a question.", id="note-unknown-question"),
    pytest.param('{"answers": {}, "notes": {"money": 5}}',
                 "error: standard input: the note on question 'money' must be a string, got a number.", id="note-not-text"),
]


@pytest.mark.parametrize("text, expected", BAD_INPUT)
def test_bad_input_gives_one_clear_line(text, expected):
    completed = cli("assess", "-", stdin=text)
    assert _one_line_error(completed) == expected
    assert completed.returncode == 1


def test_bad_input_in_markdown_mode_too():
    completed = cli("assess", "-", "--format", "markdown", stdin='{"answers": {"money": "lots"}}')
    assert _one_line_error(completed) == (
        "error: standard input: question 'money': 'lots' is not an option; allowed values: small, moderate, large.")


def test_file_errors_name_the_file(tmp_path):
    missing = tmp_path / "missing.json"
    assert _one_line_error(cli("assess", str(missing))) == f"error: cannot read '{missing}': No such file or directory."
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"answers": {}, "notes": {"money": "caf\xe9"}}'.encode("latin-1"))
    assert _one_line_error(cli("assess", str(latin))) == f"error: '{latin}' is not UTF-8 text."
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "answers": {\n    "money": "large"\n  }\n', encoding="utf-8")
    assert _one_line_error(cli("assess", str(broken))) == (
        f"error: '{broken}': the input is not valid JSON at line 5, column 1: Expecting ',' delimiter.")
    assert _one_line_error(cli("assess", str(tmp_path))) == f"error: cannot read '{tmp_path}': Is a directory."


def test_unknown_profile_flag():
    completed = cli("assess", "-", "--profile", "atlantis", stdin='{"answers": {}}')
    assert _one_line_error(completed) == "error: standard input: unknown country profile 'atlantis'; expected one of: de, fr, jp, kr, us."


def test_broken_method_folder_lists_every_problem(tmp_path):
    import shutil
    folder = tmp_path / "method"
    shutil.copytree(ROOT / "scenarios", folder)
    scoring = folder / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8").replace("{steps: 2, min_points: 5}", "{steps: 2, min_points: 5.5}")
    text = text.replace('      from_level: "high"', "      from_level: no")
    scoring.write_text(text, encoding="utf-8")
    completed = cli("--method", str(folder), "check")
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert lines[-1] == "2 problem(s) in the method data."
    assert [line.split(": ", 1)[1] for line in lines[:-1]] == [
        "scoring.safeguard_steps.likelihood[1].min_points: 5.5 is a decimal number; the method uses whole numbers only (quote it if it is text).",
        'scoring.recommendations[2].from_level: bare no is read by YAML as a boolean (false); write "no" in quotes if you mean the word, or true/false for a boolean.',
    ]
    assert all(line.startswith("method/scoring.yaml:") for line in lines[:-1])


def test_what_if_names_the_fewest_safeguards(port_file):
    completed = cli("assess", str(port_file), "--what-if")
    assert completed.returncode == 0 and completed.stderr == ""
    lines = completed.stdout.splitlines()
    assert lines[0] == "Recommendation: Pause and consult (overall level Critical)."
    assert lines[1].startswith("With ") and "'Proceed with safeguards'" in lines[1]
    assert any(line.startswith("  - Investment screened: Yes") for line in lines), lines
    assert any(line.startswith("  A1 Adversarial Proxy Foreign Policy: Critical -> ") for line in lines), lines
    # The same search is in the JSON result.
    result = json.loads(cli("assess", str(port_file)).stdout)
    assert [s["short"] for s in result["what_if"]["safeguards"]] == [line[4:].split(":")[0] for line in lines if line.startswith("  - ")]


def test_what_if_names_the_floor(tmp_path):
    path = tmp_path / "war.json"
    path.write_text(json.dumps({"answers": {**PORT["answers"], "national_relations": "war", "sanctions_restrict": "no"}}), encoding="utf-8")
    completed = cli("assess", str(path), "--what-if")
    assert completed.returncode == 0
    assert "No safeguard can lower this recommendation" in completed.stdout and "floor 'war'" in completed.stdout


def test_what_if_before_the_screen_is_answered(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text('{"answers": {}}', encoding="utf-8")
    completed = cli("assess", str(path), "--what-if")
    assert completed.returncode == 0 and completed.stdout.startswith("No recommendation yet.")


def test_a_profile_in_the_file_wins_over_the_flag(tmp_path):
    path = tmp_path / "de.json"
    path.write_text(json.dumps({**PORT, "profile": "de"}), encoding="utf-8")
    result = json.loads(cli("assess", str(path), "--profile", "us").stdout)
    assert result["profile"] == "de"


def test_cases_command_prints_the_calibration():
    completed = cli("cases")
    assert "cases," in completed.stderr and "in band" in completed.stderr
    assert completed.stdout.startswith("case ")
    assert completed.returncode == (0 if " 0 out of band" in completed.stderr else 1)


def test_markdown_before_the_screen_shows_no_levels(tmp_path):
    path = tmp_path / "partial.json"
    path.write_text('{"answers": {"stage": "proposed", "political_system": "democracy"}}', encoding="utf-8")
    text = cli("assess", str(path), "--format", "markdown").stdout
    assert "**No recommendation yet.**" in text
    assert "## Categories" not in text and "## Scenarios" not in text and "Low" not in text


def test_cases_command_refuses_a_missing_folder(tmp_path):
    completed = cli("cases", "--folder", str(tmp_path / "nowhere"))
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.strip().endswith("is not a folder of case files.") and "Traceback" not in completed.stderr
