"""The case library on the site: case pages, the cases list, the calibration
table, and the "Open this case in the evaluator" links.

The tiny handbook (tests/site/fixtures/mini_site) is built with the two made-up
case files of the mini method (tests/site/fixtures/mini/cases/). The share-link
code is checked against the evaluator's own JavaScript (`encodeFragment` and
`decodeFragment` of the module assets/evaluator/share_code.js) run on Node, and
against a Python copy of its decoding steps.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess

import pytest

from engine.cases import calibrate, load_cases
from site_plugins.crossroads import generated, markers
from site_plugins.crossroads.library import Library, calibration_summary, case_documents, share_code
from site_plugins.crossroads.links import Links, site_pages
from site_plugins.crossroads.pages import generated_pages, nav_entries
from support.site import MINI, ROOT, read, text_of

EVALUATOR_ASSETS = ROOT / "site_plugins" / "crossroads" / "assets" / "evaluator"


@pytest.fixture(scope="module")
def mini_cases(mini_method):
    return load_cases(mini_method, str(MINI / "cases"), "scenarios/cases")


@pytest.fixture(scope="module")
def mini_library(mini_method, mini_cases):
    return Library.build(mini_method, mini_cases, evaluator=True)


def _links(src, method, library, homes):
    srcs = ["index.md", "evaluator.md", "methodology.md", "cases/index.md"] + [s for s, _, _ in generated_pages(method, library)]
    return Links(src, site_pages(srcs), homes)


HOMES = {"evaluator": "evaluator.md", "questionnaire": "methodology.md", "scoring": "methodology.md",
         "calibration": "methodology.md", "cases": "cases/index.md"}


# -- the share-link code ---------------------------------------------------------

def decode_like_the_evaluator(code: str):
    """decodeFragment's steps, in Python: base64url with the padding put back, strict UTF-8, JSON."""
    assert re.fullmatch(r"[A-Za-z0-9_-]*", code), "a share code uses the base64url alphabet only"
    padded = code.replace("-", "+").replace("_", "/") + "==="[(len(code) + 3) % 4:]  # "===".slice((length + 3) % 4)
    return json.loads(base64.b64decode(padded, validate=True).decode("utf-8", errors="strict"))


DOCUMENTS = [
    {"format": "crossroads-assessment", "method_version": "2.0.0", "answers": {"stage": "proposed", "activities": ["study_visits", "investment"]}},
    {"partnership": {"name": "Zürich – Kraków «Städtepartnerschaft»", "partner": "東京都 🏙️"}, "answers": {}},
    {"answers": {"a": "line\nbreak\ttab \"quote\" back\\slash \u0001 \u007f \u2028 </script>"}},
    {"answers": {"x": "y" * 1}, "notes": {"x": "é"}},
    {"answers": {"x": "ab"}}, {"answers": {"x": "abc"}},  # every padding length
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_share_code_decodes_like_the_evaluator(document):
    code = share_code(document)
    assert "=" not in code and "+" not in code and "/" not in code
    assert decode_like_the_evaluator(code) == document


def _node_run(script: str, cwd) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (bash scripts/test.sh installs it)")
    result = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_share_code_matches_the_evaluators_javascript(tmp_path):
    """The evaluator's own encodeFragment gives the same code, and its decodeFragment reads ours back."""
    # The evaluator's modules, as they are, in a folder Node reads as ES modules.
    for module in EVALUATOR_ASSETS.glob("*.js"):
        shutil.copy(module, tmp_path / module.name)
    (tmp_path / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    documents = DOCUMENTS + [{"answers": {"lone": "\ud800 and \udfff"}}]
    script = "\n".join([
        'import { encodeFragment, decodeFragment } from "./share_code.js";',
        f"const docs = JSON.parse({json.dumps(json.dumps(documents))});",
        f"const ours = {json.dumps([share_code(d) for d in documents])};",
        "const out = docs.map((d, i) => ({js: encodeFragment(d), back: decodeFragment(ours[i])}));",
        "process.stdout.write(JSON.stringify(out));",
    ])
    results = json.loads(_node_run(script, tmp_path))
    for document, result in zip(documents, results):
        assert result["js"] == share_code(document)
        assert result["back"] == document


def test_case_documents_carry_the_case_answers(mini_method, mini_cases):
    port = next(c for c in mini_cases if c["id"] == "beta-port-deal")
    docs = case_documents(mini_method, port)
    assert list(docs) == ["before", "after"]
    assert docs["before"] == port["assessment"]  # written for this version: carried as it is
    assert docs["after"]["answers"] == {**port["assessment"]["answers"], "sg_gov": "yes"}
    assert docs["after"]["partnership"] == port["assessment"]["partnership"]


def test_case_of_an_older_version_opens_with_this_version(mini_method, mini_cases):
    """A host's case saved with an earlier method version links to answers the evaluator of this copy accepts."""
    import dataclasses

    port = next(c for c in mini_cases if c["id"] == "beta-port-deal")
    old = dict(port, assessment=dict(port["assessment"], method_version="0.1.0",
                                     answers=dict(port["assessment"]["answers"], regime="autocrat")))
    migrations = {"0.1.0": {"from": "0.1.0", "to": mini_method.version, "summary": "Renamed.", "rename_options": {"regime": {"autocrat": "autocracy"}}}}
    method = dataclasses.replace(mini_method, migrations=migrations)
    docs = case_documents(method, old)
    assert docs["before"]["method_version"] == mini_method.version
    assert docs["before"]["answers"]["regime"] == "autocracy"


def test_case_page_opens_in_the_evaluator(mini_method, mini_library):
    links = _links("cases/beta-port-deal.md", mini_method, mini_library, HOMES)
    page = generated.render_page(mini_method, links, "case", "beta-port-deal", "us", mini_library)
    hrefs = re.findall(r'href="\.\./\.\./evaluator/#a=([A-Za-z0-9_-]+)"', page)
    assert len(hrefs) == 2 and "Open this case in the evaluator" in page and "Open it with the safeguards" in page
    docs = case_documents(mini_method, mini_library.case("beta-port-deal"))
    assert [decode_like_the_evaluator(code) for code in hrefs] == [docs["before"], docs["after"]]


def test_no_evaluator_no_link(mini_method, mini_cases):
    library = Library.build(mini_method, mini_cases, evaluator=False)
    links = _links("cases/beta-port-deal.md", mini_method, library, HOMES)
    assert "#a=" not in generated.render_page(mini_method, links, "case", "beta-port-deal", "us", library)


def test_generated_case_pages_and_nav(mini_method, mini_library):
    cases = [(src, kind, item) for src, kind, item in generated_pages(mini_method, mini_library) if kind == "case"]
    assert cases == [("cases/alpha-school-exchange.md", "case", "alpha-school-exchange"), ("cases/beta-port-deal.md", "case", "beta-port-deal")]
    assert nav_entries(mini_method, mini_library)["crossroads:cases"] == [
        {"Alpha Town's school exchange with Beta City": "cases/alpha-school-exchange.md"},
        {"Gamma Port's deal with a state-steered investor": "cases/beta-port-deal.md"},
    ]


def test_calibration_summary_counts_the_engines_runs(mini_method, mini_cases, mini_library):
    runs = calibrate(mini_method, mini_cases)  # the engine's own calibration, computed again
    summary = calibration_summary(mini_method, mini_library)
    flat = [run for entry in runs for run in entry["runs"]]
    assert summary["cases"] == len(runs) == 2 and summary["runs"] == len(flat) == 3
    assert summary["in_band"] == sum(run["in_band"] for run in flat) == 3
    for when in ("before", "after"):
        expected = {r["id"]: 0 for r in mini_method.recommendations}
        for run in flat:
            if run["when"] == when:
                expected[run["recommendation"]] += 1
        assert summary["counts"][when] == expected
    assert summary["counts"]["before"] == {"proceed": 1, "careful": 0, "pause": 1, "stop": 0}
    assert summary["counts"]["after"] == {"proceed": 0, "careful": 1, "pause": 0, "stop": 0}


def test_a_run_out_of_band_is_shown(mini_method, mini_cases):
    """A band the result misses: the table says No and the method is not called calibrated."""
    cases = [dict(c, expected={"lowest": "stop", "highest": "stop"}) if c["id"] == "alpha-school-exchange" else c for c in mini_cases]
    library = Library.build(mini_method, cases)
    text = markers.render_calibration(mini_method, _links("methodology.md", mini_method, library, HOMES), library)
    assert "**2 of 3 runs are in their band.** The method is not calibrated on this library until every run is in band." in text
    assert '<strong class="cr-calibration__no">No</strong>' in text


def test_empty_library(mini_method):
    library = Library(folder="scenarios/cases")
    links = _links("methodology.md", mini_method, library, HOMES)
    assert "There are no case files in `scenarios/cases` yet" in markers.render_calibration(mini_method, links, library)
    assert "There are no case files in `scenarios/cases` yet" in markers.render_cases(mini_method, links, library)


# -- on the built tiny handbook ----------------------------------------------------

def test_case_pages_are_built_and_in_the_navigation(mini_site):
    for case_id in ("alpha-school-exchange", "beta-port-deal"):
        assert (mini_site / "cases" / case_id / "index.html").is_file()
    html = read(mini_site, "cases/beta-port-deal")
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    assert 'href="../alpha-school-exchange/"' in nav and "Alpha Town's school exchange with Beta City" in nav


def test_case_page_shows_the_case_and_the_result(mini_site):
    html = read(mini_site, "cases/beta-port-deal")
    text = text_of(html)
    for expected in (
        "Gamma Port's deal with a state-steered investor",
        "National government intervened", "Ended",
        "Cities: Gamma Port (Testland); Delta (Autoland)", "Years: 2018-2021",
        "A state-steered investor from Delta offered to buy a stake in the port.",  # the story
        "Delta's government steers its firms; the port is strategic.",  # known before
        "Autocracy", "Port", "None of these",  # the answers
        "Pause and consult : Pause and consult the national government ( Gov )",  # the result and its headline
        "A1 Alpha Scenario Likely Major High High",
        "With 1 more safeguard in place ( Gov consulted), the recommendation would be 'Proceed with care'",
        "The national government stepped in and the deal was stopped in 2021.",  # what happened
        "A strategic asset and a steered investor call for a pause and national advice.",  # reasoning
        "With the national government consulted",  # after safeguards
        "A1 Alpha Scenario Likely → Unlikely Major High Medium",
        "Consulting the national government lowers the likelihood by a step.",
    ):
        assert expected in text, expected
    assert '<a href="https://example.org/ministry/port">Port deal halted</a>, Testland Ministry, 2021' in html
    assert 'href="../../methodology/#q-regime"' in html  # answers link their questions
    assert "#a=" not in html  # this copy has no evaluator


def test_cases_index_lists_every_case(mini_site):
    html = read(mini_site, "cases")
    text = text_of(html)
    assert 'href="alpha-school-exchange/"' in html and 'href="beta-port-deal/"' in html
    assert "Ordinary exchange · Democracies on both sides" in text
    assert "2 cases, each run through the evaluator when this site was built; 1 of them also with the safeguards" in text


def test_calibration_table_on_the_methodology_page(mini_site):
    html = read(mini_site, "methodology")
    text = text_of(html)
    assert "2 cases, 3 runs (2 on the answers an officer could have given before the outcome, 1 with the safeguards" in text
    assert "3 of 3 runs are in their band." in text and "The method is calibrated on this library." in text
    table = html[html.index('<div class="cr-calibration">'):html.index("</table>", html.index('<div class="cr-calibration">'))]
    assert table.count("<tbody") == 2 and table.count("<tr>") == 1 + 3
    assert '<th scope="rowgroup" rowspan="2"><a href="../cases/beta-port-deal/">' in table
    assert "The national government stepped in and the deal was stopped in 2021." in table
    assert "The port stayed in public hands" not in table  # only the first sentence
    row = text_of(table[table.index('<tbody id="calibration-beta-port-deal"'):])
    assert row.startswith("Gamma Port's deal with a state-steered investor 2018-2021 Before Pause and consult Pause and consult Yes")
    assert "With safeguards Proceed with care Proceed with care Yes" in row
