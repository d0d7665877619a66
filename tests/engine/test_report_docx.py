"""The DOCX report (site_plugins/crossroads/assets/evaluator/report_docx.js)
opens and reads as it should: Node renders it from the engine's report view
of a real case with hostile text in it, LibreOffice converts it to PDF, and
the PDF's text holds every section and the reader's text as typed. The pages
are saved as PNG in test-artifacts/ to be looked at."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from engine import api
from engine.cases import case_requests, load_cases
from engine.report import report_view
from support.engine import ROOT

RUNNER = ROOT / "tests" / "js" / "docx_runner.mjs"

# Reader text that must come out as typed (the bidirectional override is
# dropped, so the file name reads in the order it was written).
HOSTILE_NOTE = "<script>alert(1)</script> =HYPERLINK(\"http://evil.example\",\"click\") **bold** [x](javascript:y)"
RTL_NOTE = "invoice\u202egnp.exe and \u200fשלום\u200f"
SECTIONS = ["City diplomacy risk assessment", "Summary", "Decision record", "Scenarios", "Reasons", "What would lower the result",
            "Action plan", "Answers", "Notes"]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: run bash scripts/setup.sh (it installs libreoffice-writer-nogui and poppler-utils)")
    return found


@pytest.fixture(scope="module")
def view(method):
    cases = load_cases(method, str(ROOT / "scenarios" / "cases"), "scenarios/cases")
    case = next(c for c in cases if c["id"] == "duisburg-huawei")
    (_, before), _ = case_requests(case)
    document = dict(before, id="v-2026-1", partnership={
        "id": "p-duisburg", "name": "Duisburg and Huawei <b>smart city</b>", "partner": "=cmd|' /C calc'!A0",
        "country": "China", "date": "2026-11-30"})
    # One note on an answered question (shown with the answer), one on a question left unanswered (under Notes).
    unanswered = next(q["id"] for q in method.questions if q["id"] not in before["answers"])
    document["notes"] = {"stage": HOSTILE_NOTE, unanswered: RTL_NOTE}
    document["decision"] = {"assessed_by": "International office", "decided_by": {"name": "@Mayor", "role": "Mayor"},
                            "date": "2026-11-30", "decision": "engage_with_conditions", "conditions": "**Exit clause** first",
                            "reason": "+Council resolution 12/2026"}
    document["plan"] = [{"action": "pause-and-consult", "owner": "-Head of office", "due": "2026-12-15", "status": "in_progress"},
                        {"action": "keep-monitoring", "owner": "Desk officer", "due": "", "status": "open"}]
    checked, result = api.assessment(method, document)
    return report_view(method, checked, result)


@pytest.mark.slow
def test_the_docx_report_opens_and_shows_every_section_and_the_text_as_typed(view, tmp_path, artifacts):
    node, soffice, pdftotext, pdftoppm = _tool("node"), _tool("soffice"), _tool("pdftotext"), _tool("pdftoppm")
    view_path, docx = tmp_path / "view.json", tmp_path / "report.docx"
    view_path.write_text(json.dumps(view, ensure_ascii=False), encoding="utf-8")
    # report_docx.js is an ES module in a folder without package.json "type": Node says so on every run; nothing to fix.
    env = dict(os.environ, NODE_NO_WARNINGS="1")
    # The headings come from the English catalog, as the English page hands it over.
    from site_plugins.crossroads.strings import catalog

    strings_path = tmp_path / "strings.json"
    strings_path.write_text(json.dumps(catalog("en"), ensure_ascii=False), encoding="utf-8")
    rendered = subprocess.run([node, str(RUNNER), str(view_path), str(docx), str(strings_path)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env=env)
    assert rendered.stderr == ""
    assert rendered.returncode == 0, rendered.stderr

    # A DOCX is a zip of XML parts: the reader's text is in it as escaped text, never as markup.
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "\u202e" not in body and "\u200f" not in body
    assert 'w:w="11906"' in body and 'w:h="16838"' in body  # A4

    profile = tmp_path / "lo-profile"
    converted = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                                "--outdir", str(tmp_path), str(docx)], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "report.pdf"
    assert converted.returncode == 0 and pdf.exists(), converted.stdout + converted.stderr
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60).stdout.decode("utf-8")
    # pdftotext marks right-to-left runs with embedding controls of its own: they are not in the document.
    flat = re.sub("[\u202a-\u202e]", "", re.sub(r"\s+", " ", text))
    for heading in SECTIONS:
        assert re.search(rf"(^|\n){re.escape(heading)}\n", text), heading
    for typed in (HOSTILE_NOTE, "invoicegnp.exe and שלום", "Duisburg and Huawei <b>smart city</b>", "=cmd|' /C calc'!A0",
                  "**Exit clause** first", "+Council resolution 12/2026", "@Mayor, Mayor", "-Head of office"):
        assert typed in flat, typed
    assert view["summary"]["recommendation_label"] in flat and "Engage with conditions" in flat
    for scenario in view["scenarios"]:
        assert f"{scenario['id']} " in flat
    for action in view["actions"]:
        assert action["text"][:40] in flat

    for old in artifacts.glob("docx-report-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(artifacts / "docx-report")], check=True, timeout=120)
    pages = sorted(artifacts.glob("docx-report-*.png"))
    assert pages and len(pages) < 15
