"""A host's own edition: the sample overlay (examples/overlay) merged into the
method, shown on the pages and scored by the engine, and broken overlays
refused with the overlay file's name and line.

The strict build of the real handbook with the sample overlay is marked slow;
the refusals run the plugin's configuration step only (where the method is read).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from support.site import ROOT, config_problems, output_lines, text_of

SAMPLE = ROOT / "examples" / "overlay"
HOST = "Example Association of Cities"
# A complete short screen, and the sample's extra question at its riskiest answer.
ANSWERS = {
    "stage": "proposed", "unmanageable": ["none"], "political_system": "democracy", "identity_checked": "independent",
    "requests": ["none"], "national_relations": "good", "third_country": "no", "activities": ["culture"],
    "investment_proposal": "no", "visibility": "low", "rights_record": "no",
}


def host_site(tmp: Path, overlay_edits=(), extra_files=None, options=None) -> Path:
    """The real handbook in `tmp` with a copy of the sample overlay, the sample logo and the host's name;
    `overlay_edits` are (file, old, new) text edits of the overlay copy (old None: write the file)."""
    shutil.copytree(ROOT / "docs", tmp / "docs", ignore=shutil.ignore_patterns("overrides"))
    (tmp / "docs" / "assets" / "host").mkdir(parents=True)
    shutil.copyfile(SAMPLE / "logo.svg", tmp / "docs" / "assets" / "host" / "logo.svg")
    shutil.copytree(SAMPLE, tmp / "overlay", ignore=shutil.ignore_patterns("logo.svg", "README.md"))
    for name, old, new in overlay_edits:
        path = tmp / "overlay" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if old is None:
            path.write_text(new, encoding="utf-8")
            continue
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"edit for {name} expects {old!r} once"
        path.write_text(text.replace(old, new), encoding="utf-8")
    for name, source in (extra_files or {}).items():
        shutil.copyfile(source, tmp / "overlay" / name)
    # The evaluator's runtime comes from node_modules beside mkdocs.yml.
    os.symlink(ROOT / "node_modules", tmp / "node_modules")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("custom_dir: docs/overrides", f"custom_dir: {ROOT / 'docs' / 'overrides'}")
    text = text.replace('base_path: ["."]', f'base_path: ["{ROOT}"]')
    plugin = {"data_dir": str(ROOT / "scenarios"), "country": "de", "evaluator": True, "host_name": HOST,
              "host_logo": "assets/host/logo.svg", "overlay": "overlay", **(options or {})}
    entry = "\n".join(f"      {key}: {json.dumps(value)}" for key, value in plugin.items())
    text = re.sub(r"  - crossroads:\n(      .*\n)+", f"  - crossroads:\n{entry}\n", text, count=1)
    (tmp / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert yaml.safe_load(text.replace("!!python/name:", "")) is not None
    return tmp


def cli(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=120)


def points(result: dict, scenario: str) -> dict:
    return next(s for s in result["scenarios"] if s["id"] == scenario)["points"]


# -- the engine with the sample overlay ------------------------------------------------------------------------


def test_cli_scores_the_added_question_and_lists_the_added_action(tmp_path):
    base = json.loads(cli("--overlay", str(SAMPLE), "assess", "-", stdin=json.dumps({"answers": ANSWERS})).stdout)
    risky = json.loads(cli("--overlay", str(SAMPLE), "assess", "-", stdin=json.dumps({"answers": {**ANSWERS, "eac_resident_data": "yes"}})).stdout)
    # The sample's "yes" adds 2 likelihood and 2 impact points to B1.
    assert points(risky, "B1")["likelihood"] == points(base, "B1")["likelihood"] + 2
    assert points(risky, "B1")["impact"] == points(base, "B1")["impact"] + 2
    assert "eac-data-protection-review" in [a["id"] for a in risky["actions"]]
    assert "eac-data-protection-review" not in [a["id"] for a in base["actions"]]
    # Without the overlay the question does not exist.
    plain = cli("assess", "-", stdin=json.dumps({"answers": {**ANSWERS, "eac_resident_data": "yes"}}))
    assert plain.returncode == 1 and "eac_resident_data" in plain.stderr


def test_the_merged_method_records_its_additions_and_keeps_the_cases_in_band():
    from engine.overlay import load_method_with_overlay

    method = load_method_with_overlay(str(ROOT / "scenarios"), str(SAMPLE), "scenarios", "examples/overlay", HOST)
    additions = method.data["additions"]
    assert additions["host"] == HOST and additions["questions"] == ["eac_resident_data"]
    assert additions["actions"] == ["eac-data-protection-review"]
    assert [c["id"] for c in additions["contacts"]] == ["eac-international-desk"]
    bodies = {b["id"]: b for b in method.countries["de"]["roles"]["Nac"]["bodies"]}
    assert bodies["eac-international-desk"]["name"] == "Example Association of Cities, International Desk (sample)"
    # An action for the association's topic now names the added desk beside the Deutscher Städtetag.
    assert "municipal-association" in bodies["eac-international-desk"]["topics"]
    done = cli("--overlay", str(SAMPLE), "cases")
    assert done.returncode == 0, done.stderr
    assert "0 out of band" in done.stderr


def test_a_case_in_the_overlay_is_calibrated_and_a_clashing_one_refused(tmp_path):
    overlay = tmp_path / "overlay"
    shutil.copytree(SAMPLE, overlay)
    (overlay / "cases").mkdir()
    # A copy of a method case under a name of its own: calibrated with the others.
    text = (ROOT / "scenarios" / "cases" / "aachen-reims.yaml").read_text(encoding="utf-8")
    (overlay / "cases" / "aachen-reims-copy.yaml").write_text(text.replace('id: "aachen-reims"', 'id: "aachen-reims-copy"', 1), encoding="utf-8")
    done = cli("--overlay", str(overlay), "cases")
    assert done.returncode == 0, done.stderr
    assert "aachen-reims-copy" in done.stdout and "31 cases" in done.stderr
    # The same case under the method's own name is refused, with the overlay file and the id's line.
    (overlay / "cases" / "aachen-reims-copy.yaml").unlink()
    (overlay / "cases" / "aachen-reims.yaml").write_text(text, encoding="utf-8")
    done = cli("--overlay", str(overlay), "cases")
    assert done.returncode == 2
    assert re.search(r"overlay/cases/aachen-reims\.yaml:2: .*already used by scenarios/cases/aachen-reims\.yaml", done.stderr), done.stderr


# -- broken overlays stop the build with file:line ---------------------------------------------------------------

BROKEN = [
    pytest.param([("actions.yaml", '    step: "foresight-assess"', '    step: "foresight-asses"')],
                 r"^overlay/actions\.yaml:9: actions\[0\]\.step: unknown flowchart step 'foresight-asses'", id="action-pointing-at-no-step"),
    pytest.param([("actions.yaml", '      answers: {eac_resident_data: ["pseudonymised", "yes"]}', '      answers: {no_such_question: ["yes"]}')],
                 r"^overlay/actions\.yaml:11: actions\[0\]\.when.*no_such_question", id="action-on-an-unknown-question"),
    pytest.param([("questions.yaml", '  - id: "eac_resident_data"', '  - id: "money"')],
                 r"^overlay/questions\.yaml:5: questions\[0\]\.id: the question id 'money' is already used by .*scenarios/questions\.yaml:\d+",
                 id="question-id-clash"),
    pytest.param([("actions.yaml", '  - id: "eac-data-protection-review"', '  - id: "disengage-b"')],
                 r"^overlay/actions\.yaml:5: .*'disengage-b' is already used", id="action-id-clash"),
    pytest.param([("questions.yaml", '    kind: "driver"', '    kind: "driver"\n    weight: 3')],
                 r"^overlay/questions\.yaml:8: questions\[0\]\.weight: unknown key 'weight'", id="unknown-key"),
    pytest.param([("contacts.yaml", "roles:\n  Nac:", "roles:\n  Nac:\n    bodies: [\n")],
                 r"^overlay/contacts\.yaml:\d+: invalid YAML", id="bad-yaml"),
    pytest.param([("contacts.yaml", 'country: "de"', 'country: "xx"')],
                 r"^overlay/contacts\.yaml:3: country: unknown country profile 'xx'", id="unknown-country"),
    pytest.param([("contacts.yaml", "        source: \"eac-sample\"", "        source: \"nowhere\"")],
                 r"^overlay/contacts\.yaml:17: roles\.Nac\.bodies\[0\]\.source: .*nowhere", id="contact-with-unknown-source"),
    pytest.param([("questions.yaml", "        likelihood: {B1: 2}", "        likelihood: {Z9: 2}")],
                 r"^overlay/questions\.yaml:\d+: .*Z9", id="points-for-an-unknown-scenario"),
    pytest.param([("questions.yaml", '    kind: "driver"', '    kind: "driver"\n    screen: true')],
                 r"^overlay/questions\.yaml:8: questions\[0\]\.screen: the short screen is the method's own", id="screen-question"),
    pytest.param([("extra.yaml", None, "questions: []\n")],
                 r"^overlay/extra\.yaml: unknown overlay file 'extra\.yaml'", id="unknown-file"),
]


@pytest.mark.parametrize("edits, expected", BROKEN)
def test_a_broken_overlay_stops_the_build_naming_the_overlay_file_and_line(tmp_path, edits, expected):
    lines = config_problems(host_site(tmp_path, edits))
    assert any(re.search(expected, line) for line in lines), "\n".join(lines)


def test_a_case_the_additions_move_out_of_its_band_stops_a_strict_build(tmp_path, caplog):
    text = (ROOT / "scenarios" / "cases" / "aachen-reims.yaml").read_text(encoding="utf-8")
    text = text.replace('id: "aachen-reims"', 'id: "aachen-reims-host"', 1)
    # The sample's question at "yes" for this ordinary twinning, and a band that a calm result cannot meet.
    text = text.replace('      stage: "existing"', '      stage: "existing"\n      eac_resident_data: "yes"', 1)
    band = re.search(r"  expected: \{[^}]*\}|  expected:\n(    .*\n)+", text).group(0)
    text = text.replace(band, '  expected: {lowest: "disengage", highest: "disengage"}' + ("\n" if band.endswith("\n") else ""), 1)
    site = host_site(tmp_path, [("cases/aachen-reims-host.yaml", None, text)])
    from mkdocs.config import load_config

    config = load_config(str(site / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    with caplog.at_level("WARNING", logger="mkdocs.plugins.crossroads"):
        config.plugins.on_config(config)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(re.match(r"overlay/cases/aachen-reims-host\.yaml: the case 'aachen-reims-host' \(before safeguards\) gives \w+, "
                        r"outside its band disengage \.\. disengage \(with the additions in 'overlay'\)", w) for w in warnings), warnings


def test_the_option_names_a_missing_overlay_folder(tmp_path):
    site = host_site(tmp_path, options={"overlay": "no-such-folder"})
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site, capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT)), timeout=120)
    assert done.returncode != 0
    assert "overlay" in done.stderr and "no-such-folder" in done.stderr and "isn't an existing directory" in done.stderr, done.stderr


# -- the host's edition, built -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def host_build(tmp_path_factory) -> Path:
    """The host's edition, built strictly, with the page templates for hosts (examples/pages) added as hosting.md says."""
    tmp = host_site(tmp_path_factory.mktemp("host"))
    for name in ("imprint.md", "privacy.md"):
        shutil.copyfile(ROOT / "examples" / "pages" / name, tmp / "docs" / name)
    config = tmp / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("      - hosting.md\n") == 1
    config.write_text(text.replace("      - hosting.md\n", "      - hosting.md\n      - imprint.md\n      - privacy.md\n"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp / "mkdocs.yml"), "--site-dir", str(tmp / "site")],
        cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), timeout=600)
    assert done.returncode == 0, "\n".join(output_lines(done))
    return tmp / "site"


@pytest.mark.slow
def test_the_header_shows_the_hosts_name_and_logo(host_build):
    html = (host_build / "index.html").read_text(encoding="utf-8")
    header = html[html.index('<header class="md-header'):html.index("</header>")]
    assert 'class="cr-header__logo" src="assets/host/logo.svg"' in header
    assert f'<span class="cr-header__name">{HOST}</span>' in header
    assert (host_build / "assets" / "host" / "logo.svg").is_file()
    footer = html[html.index('class="md-copyright cr-footer"'):]
    assert f"Published by {HOST}" in footer


@pytest.mark.slow
def test_the_methodology_page_lists_the_additions(host_build):
    html = (host_build / "methodology" / "index.html").read_text(encoding="utf-8")
    assert f'id="additions">Additions by {HOST}' in html
    section = text_of(html[html.index('id="additions"'):])
    assert "Residents' personal data" in section or "Residents’ personal data" in section
    assert "Ask the city's data protection officer" in section or "Ask the city’s data protection officer" in section
    assert "Example Association of Cities, International Desk (sample)" in section
    assert "Example Association of Cities, member services (a fictional sample, not a real source)." in section
    # The added question sits in its section of "All questions" too, with its points.
    assert 'id="q-eac_resident_data"' in html


@pytest.mark.slow
def test_the_evaluator_holds_the_added_question(host_build):
    html = (host_build / "evaluator" / "index.html").read_text(encoding="utf-8")
    assert 'name="eac_resident_data"' in html or 'data-question="eac_resident_data"' in html
    assert "Will the partnership share personal data of residents" in html


@pytest.mark.slow
def test_the_built_engine_archive_scores_the_added_points_as_the_cli_does(host_build):
    from engine.evaluate import check_request, evaluate
    from engine.model import compile_method

    with tarfile.open(host_build / "assets" / "evaluator" / "engine.tar.gz") as archive:
        data = json.loads(archive.extractfile("crossroads_method.json").read().decode("utf-8"))
        site = json.loads(archive.extractfile("crossroads_site.json").read().decode("utf-8")) if "crossroads_site.json" in archive.getnames() else {}
    assert data["additions"]["questions"] == ["eac_resident_data"]
    method = compile_method(data)
    request = {"answers": {**ANSWERS, "eac_resident_data": "yes"}}
    checked = check_request(method, request)
    result = evaluate(method, checked["answers"], site.get("profile", "de"))
    assert "eac-data-protection-review" in [a["id"] for a in result["actions"]]
    cli_result = json.loads(cli("--overlay", str(SAMPLE), "assess", "-", "--profile", site.get("profile", "de"),
                                stdin=json.dumps(request)).stdout)
    assert points(result, "B1") == points(cli_result, "B1")
    assert result["overall"] == cli_result["overall"]


@pytest.mark.slow
def test_the_page_templates_for_hosts_build_and_say_that_no_answer_leaves_the_browser(host_build):
    privacy = text_of((host_build / "privacy" / "index.html").read_text(encoding="utf-8"))
    assert "Your answers never leave your browser" in privacy and "Erase my data" in privacy and "Server logs" in privacy
    imprint = text_of((host_build / "imprint" / "index.html").read_text(encoding="utf-8"))
    assert "section 5 of the Digital" not in imprint  # the instructions are an HTML comment, not shown
    assert "Represented by" in imprint


@pytest.mark.slow
def test_the_sample_contact_is_on_the_country_page(host_build):
    text = text_of((host_build / "countries" / "de" / "index.html").read_text(encoding="utf-8"))
    assert "Example Association of Cities, International Desk (sample)" in text


@pytest.mark.browser
def test_the_evaluator_in_the_browser_asks_the_added_question_and_counts_its_points(host_build, browser, artifacts):
    from support.promises import wait_for_first_result
    from support.server import StaticServer

    request = {"answers": {**ANSWERS, "eac_resident_data": "yes"}}
    expected = json.loads(cli("--overlay", str(SAMPLE), "assess", "-", "--profile", "de", stdin=json.dumps(request)).stdout)
    with StaticServer(host_build) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        try:
            tab.goto(server.url + "/evaluator/")
            wait_for_first_result(tab)
            question = tab.locator("[name='eac_resident_data']")
            assert question.count() == 3  # one control per answer of the added question
            result = tab.evaluate("answers => window.crossroads.evaluate(answers)", request["answers"])
            assert points(result, "B1") == points(expected, "B1")
            assert [a["id"] for a in result["actions"]] == [a["id"] for a in expected["actions"]]
            assert "eac-data-protection-review" in [a["id"] for a in result["actions"]]
            question.first.scroll_into_view_if_needed()
            tab.screenshot(path=str(artifacts / "host-evaluator-added-question.png"))
        finally:
            context.close()


@pytest.mark.slow
def test_zensical_builds_the_hosts_edition_with_its_additions_and_header(tmp_path):
    site = host_site(tmp_path)
    done = subprocess.run([sys.executable, "-m", "site_plugins.crossroads.zensical", "build", "-f", str(site / "mkdocs.yml"),
                           "-d", str(tmp_path / "zsite")], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, "\n".join(output_lines(done))
    home = (tmp_path / "zsite" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="cr-header__name">{HOST}</span>' in home and 'class="cr-header__logo"' in home
    assert f'id="additions">Additions by {HOST}' in (tmp_path / "zsite" / "methodology" / "index.html").read_text(encoding="utf-8")
    assert "Will the partnership share personal data of residents" in (tmp_path / "zsite" / "evaluator" / "index.html").read_text(encoding="utf-8")
