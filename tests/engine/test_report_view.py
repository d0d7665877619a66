"""engine.report: the report view (one source of the Markdown report, the
plan's CSV and the DOCX report), the Markdown report's new sections and the
CSV of the action plan (quoting, formulas, byte order mark)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from engine import api
from engine.report import CSV_BOM, csv_cell, markdown_report, plan_csv, reader_text, render_markdown, report_view
from support.engine import cli
from support.register import FULL

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(A1:A9)", "-2+3", "@cmd", "\tindent", "\rline",
           "<script>alert(1)</script>", "**bold** _it_ [l](javascript:x)", "a,b\"c\"\nd"]

# The English header of the plan's CSV (csv.<column> in i18n/strings/report.en.yaml).
CSV_HEADER = ("Action", "Who to involve", "Owner", "Due", "Status", "Scenarios", "First step")


def _view(method, document):
    checked, result = api.assessment(method, document)
    return report_view(method, checked, result)


def test_the_view_has_every_section_in_labels(method):
    view = _view(method, FULL)
    assert list(view) == ["format", "title", "partnership", "assessment", "summary", "decision", "review", "categories",
                          "scenarios", "reasons", "what_if", "to_find_out", "actions", "answers", "notes", "unanswered",
                          "disclaimer", "strings"]
    assert view["strings"] == method.strings
    assert view["title"] == "City diplomacy risk assessment: Harbour twinning"
    assert view["partnership"]["country"] == "Lusitania" and view["assessment"] == {"id": "v-2026-01", "saved_at": "2026-01-31T10:00:00Z"}
    summary = view["summary"]
    assert (summary["recommendation_label"], summary["level_label"]) == ("Pause and consult", "Critical")
    decision = view["decision"]
    assert decision["decision_label"] == "Engage with conditions" and decision["recommended_label"] == "Pause and consult"
    assert decision["differs"] is True and decision["decided_by"] == {"name": "A. Mayor", "role": "Mayor"}
    assert decision["review_months"] == 1 and decision["default_review"] == "2026-02-28"
    first = view["scenarios"][0]
    assert set(first) == {"id", "name", "category", "category_name", "before", "after", "level", "impacts", "reasons"}
    assert set(first["before"]) == {"likelihood", "impact", "level"}
    assert first["before"]["level"] in method.level_labels.values()
    planned = {a["id"]: a["plan"] for a in view["actions"] if a["plan"]}
    assert planned["pause-and-consult"] == {"action": "pause-and-consult", "owner": "Head of office", "due": "2026-02-15",
                                            "status": "in_progress", "status_label": "In progress"}
    stage = next(a for a in view["answers"] if a["question"] == "stage")
    assert stage == {"question": "stage", "short": method.question_by_id["stage"]["short"], "text": method.question_by_id["stage"]["text"],
                     "answers": ["Proposed or under discussion"], "note": "Signed a letter of intent."}
    # The note is shown with its answer, not a second time under notes.
    assert view["notes"] == []
    json.dumps(view)  # plain JSON


def test_a_planned_action_no_longer_called_for_is_kept_and_marked(method):
    document = dict(FULL, plan=[{"action": "disengage-c", "owner": "Office", "status": "open"}])
    view = _view(method, document)
    kept = [a for a in view["actions"] if not a["listed"]]
    assert [a["id"] for a in kept] == ["disengage-c"] and kept[0]["plan"]["owner"] == "Office"
    assert "## Planned actions no longer called for" in render_markdown(view)


def test_without_a_verdict_the_view_shows_no_levels(method):
    view = _view(method, {"answers": {"stage": "proposed"}, "notes": {"money": "later"}})
    assert view["summary"]["recommendation"] is None and view["summary"]["level_label"] is None
    assert view["categories"] == [] and view["scenarios"] == [] and view["decision"] is None
    assert view["notes"] == [{"question": "money", "short": method.question_by_id["money"]["short"], "text": "later"}]


def test_markdown_gains_answers_decision_record_and_plan(method):
    checked, result = api.assessment(method, FULL)
    text = markdown_report(method, checked, result)
    assert text == render_markdown(report_view(method, checked, result))
    for expected in (
        "- **Country:** Lusitania",
        "## Decision record",
        "- **Decision:** Engage with conditions",
        "- **Decided by:** A. Mayor, Mayor",
        "- **Why the decision differs from the recommendation:** The council wants the port.",
        "- **Next review:** 2026-04-30",
        "- **Note:** the decision differs from the recommendation, which matches 'Pause and consult'.",
        "Plan: status: In progress; owner: Head of office; due: 2026-02-15.",
        "## Answers",
        f"- **{method.question_by_id['stage']['text']}** Proposed or under discussion\n    - Note: Signed a letter of intent.",
    ):
        assert expected in text, expected
    assert text.index("## Decision record") < text.index("## Answers") < text.index("This assessment structures judgement")


@pytest.mark.parametrize("value", HOSTILE)
def test_reader_text_in_the_decision_and_plan_is_escaped_in_markdown(method, value):
    def report(text):
        document = dict(FULL, decision={"reason": text, "conditions": text, "assessed_by": text, "decided_by": {"name": text}},
                        plan=[{"action": "pause-and-consult", "owner": text}])
        checked, result = api.assessment(method, document)
        return markdown_report(method, checked, result)

    text, plain = report(value), report("plain")
    # Each of the five places shows the text as reader_text escapes it, on the line it belongs to.
    assert text.count(reader_text(value)) >= 5 and text.count("\n") == plain.count("\n")
    assert "<script" not in text and "**bold**" not in text and "\r" not in text and "\t" not in text


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_csv_cell_neutralises_formulas(value):
    assert csv_cell(value) == "'" + value
    assert csv_cell("1-1") == "1-1" and csv_cell("a=b") == "a=b" and csv_cell("") == ""


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_plan_csv_has_a_header_and_one_row_per_action(method):
    checked, result = api.assessment(method, FULL)
    text = plan_csv(method, checked, result)
    assert not text.startswith(CSV_BOM) and text.endswith("\r\n")
    rows = _rows(text)
    assert tuple(rows[0]) == CSV_HEADER
    assert [row[0] for row in rows[1:]] == [a["text"] for a in result["actions"]]
    pause = next(row for row in rows if row[0].startswith("Make no new commitment"))
    assert pause[2:5] == ["Head of office", "2026-02-15", "In progress"]
    assert pause[6] == "yes"
    monitor = next(row for row in rows if row[0].startswith("Record this assessment"))
    assert monitor[2:5] == ["", "", "Open"] and monitor[5] == ""
    a1 = next(row for row in rows if row[0].startswith("Map the counterpart's ties"))
    assert a1[5] == "A1"


def test_plan_csv_quotes_and_neutralises_reader_text(method):
    plan = [{"action": a, "owner": value} for a, value in zip(
        ["pause-and-consult", "consult-nac", "map-state-ties", "screen-investment", "keep-monitoring", "communication-plan",
         "publish-objectives", "independent-analysis", "monitoring-plan"], HOSTILE, strict=True)]
    checked, result = api.assessment(method, dict(FULL, plan=plan))
    rows = _rows(plan_csv(method, checked, result))
    owners = {row[0]: row[2] for row in rows[1:]}
    by_action = {a["id"]: a["text"] for a in method.actions}
    for entry in plan:
        expected = "'" + entry["owner"] if entry["owner"][0] in "=+-@\t\r" else entry["owner"]
        assert owners[by_action[entry["action"]]] == expected
    assert all(len(row) == len(CSV_HEADER) for row in rows)


def test_cli_csv_has_the_byte_order_mark(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(FULL), encoding="utf-8")
    completed = cli("assess", str(path), "--format", "csv")
    assert completed.returncode == 0 and completed.stdout.startswith(CSV_BOM + "Action,Who to involve,Owner,Due,Status,Scenarios,First step\r\n")
    with open(tmp_path / "plan.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write(completed.stdout)
    with open(tmp_path / "plan.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) > 2


def test_an_answer_to_a_hidden_question_is_not_listed(method):
    child = next(q for q in method.questions if "show_if" in q)
    parent = method.question_by_id[child["show_if"]["question"]]
    hiding = next(o["value"] for o in parent["options"] if o["value"] not in child["show_if"]["in"])
    value = child["options"][0]["value"]
    document = {"answers": {parent["id"]: [hiding] if parent["type"] == "multi" else hiding,
                            child["id"]: [value] if child["type"] == "multi" else value},
                "notes": {child["id"]: "kept under notes"}}
    view = _view(method, document)
    assert [a["question"] for a in view["answers"]] == [parent["id"]]
    assert view["notes"] == [{"question": child["id"], "short": child["short"], "text": "kept under notes"}]
