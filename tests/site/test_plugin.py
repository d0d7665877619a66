"""The plugin inside MkDocs: a tiny handbook built from the mini method, the
plugin's options, and the ways a build must fail."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from site_plugins.crossroads.pages import find_markers
from site_plugins.crossroads.plugin import CrossroadsPlugin
from support.site import MINI, ROOT, build_here, copy_method, make_site, read, text_of


# -- the tiny handbook --------------------------------------------------------

def test_generated_pages_exist(mini_site, mini_method):
    for page in ("risks/a", "risks/b", "risks/a1", "risks/b1", "countries/fr", "countries/us"):
        assert (mini_site / page / "index.html").is_file(), page


def test_every_scenario_impact_and_stakeholder_is_shown(mini_site, mini_method):
    matrix = text_of(read(mini_site, "risks"))
    partners = text_of(read(mini_site, "partners"))
    for scenario in mini_method.scenarios:
        assert scenario["name"] in matrix
        page = text_of(read(mini_site, f"risks/{scenario['id'].lower()}"))
        for impact in scenario["impacts"]:
            assert impact["name"] in matrix and impact["name"] in page
        for signal in scenario["signals"]:
            assert signal in page
    for stakeholder in mini_method.stakeholders.values():
        assert stakeholder["name"] in partners and stakeholder["description"] in partners


def test_matrix_links_scenario_pages(mini_site):
    html = read(mini_site, "risks")
    assert '<tr id="matrix-a1">' in html
    assert '<a href="a1/">A1 Alpha Scenario</a>' in html
    assert '<a href="a/">A. Alpha Risk</a>' in html


def test_flowchart_steps_in_order(mini_site, mini_method):
    foresight = read(mini_site, "foresight")
    management = read(mini_site, "management")
    charts = [(foresight, mini_method.data["flowcharts"]["foresight"]["steps"])]
    charts += [(management, track["steps"]) for track in mini_method.data["flowcharts"]["management"]["tracks"]]
    for html, steps in charts:
        positions = [html.index(f'<li id="{step["id"]}"') for step in steps]
        assert positions == sorted(positions)
    assert re.search(r'<svg class="cr-flow__svg" role="img" aria-labelledby="track-a-chart-title track-a-chart-desc"', management)
    assert '<title id="track-a-chart-title">Management track A: Alpha Risk</title>' in management
    assert management.count('role="img"') == 2


def test_step_text_names_the_next_steps(mini_site):
    text = text_of(read(mini_site, "management"))
    assert "If “Yes”: back to Monitor · If “No”: go to Disengage" in text


def test_stakeholder_tooltips_on_every_page(mini_site):
    home = read(mini_site, "")
    assert '<abbr title="National government">Gov</abbr>' in home
    assert '<abbr title="National association of cities">Nac</abbr>' in home
    # inside the diagram's text equivalent, which Markdown does not touch
    assert '<abbr title="Media">Med</abbr>' in read(mini_site, "foresight")


def test_generated_pages_are_in_the_navigation(mini_site):
    html = read(mini_site, "risks/a1")
    for label in ("Category A: Alpha Risk", "A1 Alpha Scenario", "B1 Beta Scenario", "United States", "France"):
        assert label in html
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    assert 'href="../b1/"' in nav and 'href="../../countries/us/"' in nav


def test_no_marker_or_placeholder_is_left(mini_site):
    for path in mini_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "crossroads-stash" not in html and "crossroads-html" not in html, path
        assert "<!-- crossroads:" not in html, path
    # a marker shown inside a code block stays as text
    assert "&lt;!-- crossroads:not-a-marker --&gt;" in read(mini_site, "about")


def test_scoring_page_shows_every_number(mini_site, mini_method):
    html = read(mini_site, "methodology")
    text = text_of(html)
    for question in mini_method.questions:
        assert f'id="q-{question["id"]}"' in html
    for action in mini_method.data["scoring"]["actions"]:
        assert f'id="action-{action["id"]}"' in html and action["text"] in text
    assert html.count('class="cr-grid__cell') == 4
    assert "Autocracy A1 +5, B1 +3" in text.replace("\xa0", " ")
    # safeguard steps, and what all the safeguards of a scenario buy
    assert "Safeguard points on likelihood Steps down fewer than 2 none 2 or more 1" in text
    assert "A1 Alpha Scenario “ Gov consulted” 2 1 0 0" in text  # text_of spaces out the link
    assert "A safeguard answered “Planned” counts for more than “No” and less than “Yes”" in text
    # recommendations: by level, or only through a floor rule
    assert "Pause and consult the highest residual level is High" in text
    assert "Disengage only when floor rule 1 applies" in text
    # the short screen, the "don't know" answers and the what-if bound, from the data
    assert "The short screen has 2 questions, asked first and always shown: “Stage” (frames the partnership, no points) “Regime”" in text
    assert "“Regime” Don't know A1 +3, B1 +2 – National government ( Gov ), National association of cities ( Nac )" in text.replace("\xa0", " ")
    assert "this method has 1 safeguard question, so n is at most 1 and a call makes at most 2 tries" in text


def test_footer_and_contacts(mini_site, mini_method):
    html = read(mini_site, "countries")
    text = text_of(html)
    assert "Subnational Diplomacy Unit" in text and "last checked 2026-01" in text
    assert "Method version 0.2.0 (2026-01-15)." in text
    assert "Kihlgren Grandi & Sottilotta, Cities at the Crossroads (City Diplomacy Lab, 2024)" in text
    assert "Published by Test Association of Cities" in text
    assert "Offices change" in text_of(read(mini_site, "countries/us"))


def test_evaluator_can_be_left_out(mini_site):
    assert "The evaluator is not part of this copy" in text_of(read(mini_site, "evaluator"))
    assert not (mini_site / "assets" / "evaluator").exists() and not (mini_site / "assets" / "pyodide").exists()


# -- build failures ---------------------------------------------------------------

KNOWN = "calibration, cases, contacts, countries, evaluator, foresight, guidelines, levels, management, management A, management B, matrix, questionnaire, register, scoring, screen, stakeholders, version"


@pytest.mark.parametrize("page, message", [
    ("<!-- crossroads:nope -->", "docs/bad.md: unknown marker '<!-- crossroads:nope -->'; known markers: " + KNOWN + "."),
    ("<!-- crossroads:management Z -->", "docs/bad.md: unknown category 'Z'; expected one of: A, B. Known markers: " + KNOWN + "."),
    ("<!-- crossroads:matrix A -->", "docs/bad.md: unknown marker '<!-- crossroads:matrix A -->'; known markers: " + KNOWN + "."),
    ("  <!-- crossroads:matrix -->", "docs/bad.md: unknown marker '<!-- crossroads:matrix -->'; known markers: " + KNOWN + "."),
], ids=["unknown", "unknown-category", "argument", "indented"])
def test_bad_marker_fails_the_build(tmp_path, page, message):
    make_site(tmp_path, pages={"bad.md": f"# Bad\n\n{page}\n"})
    built, lines = build_here(tmp_path)
    assert not built
    assert any(line.endswith(message) for line in lines), "\n".join(lines)


def test_a_page_in_the_way_of_a_generated_one_fails(tmp_path):
    make_site(tmp_path, pages={"risks/a1.md": "# Mine\n"})
    built, lines = build_here(tmp_path)
    assert not built
    assert any(line.endswith("docs/risks/a1.md exists, but the crossroads plugin generates this page from the method; remove or rename the file.") for line in lines)


def test_missing_logo_fails(tmp_path):
    make_site(tmp_path, plugin={"host_logo": "logo.svg"})
    built, lines = build_here(tmp_path)
    assert not built
    assert any(line.endswith("Plugin 'crossroads' option 'host_logo': expected a file inside the docs folder, but 'logo.svg' is not one.") for line in lines)


def test_logo_and_other_country(tmp_path):
    make_site(tmp_path, plugin={"host_logo": "logo.svg", "country": "fr"}, pages={"logo.svg": '<svg viewBox="0 0 1 1"></svg>'})
    built, lines = build_here(tmp_path)
    assert built, "\n".join(lines)
    html = read(tmp_path / "site", "countries")
    assert '<img class="cr-footer__logo" src="../logo.svg" alt="Test Association of Cities" height="32">' in html
    assert "Delegation for local authorities" in text_of(html)


def test_flowchart_page_mismatch_warns(tmp_path):
    make_site(tmp_path, method_edits=[("flowcharts.yaml", 'page: "foresight/"', 'page: "steps/"')])
    built, lines = build_here(tmp_path)
    assert not built  # strict: the warning fails the build
    assert any(line.endswith("flowcharts: the method places 'foresight' on page 'steps/', but its marker is in docs/foresight.md; links to its steps would break. Move the marker or change 'page'.") for line in lines)


# -- options ------------------------------------------------------------------------

def _plugin_config(tmp_path: Path, options: dict, method=MINI):
    if method is not None and not (tmp_path / "scenarios").exists():
        copy_method(tmp_path / "scenarios")
    plugin = CrossroadsPlugin()
    errors, warnings = plugin.load_config(options, str(tmp_path / "mkdocs.yml"))
    return plugin, [(key, str(error)) for key, error in errors], [(key, str(warning)) for key, warning in warnings]


def test_options_defaults(tmp_path):
    plugin, errors, warnings = _plugin_config(tmp_path, {})
    assert (errors, warnings) == ([], [])
    assert plugin.config.data_dir == str(tmp_path / "scenarios")
    assert plugin.config.country == "us" and plugin.config.evaluator is True
    assert plugin.config.host_name is None and plugin.config.host_logo is None


def test_bad_country_lists_the_profiles(tmp_path):
    _, errors, warnings = _plugin_config(tmp_path, {"country": "xx"})
    assert (errors, warnings) == ([("country", "Expected one of: fr, us but received: 'xx'")], [])


def test_bad_country_on_the_real_method():
    plugin = CrossroadsPlugin()
    errors, warnings = plugin.load_config({"country": "xx"}, str(ROOT / "mkdocs.yml"))
    assert ([(k, str(e)) for k, e in errors], warnings) == ([("country", "Expected one of: de, fr, jp, kr, us but received: 'xx'")], [])


def test_missing_data_dir(tmp_path):
    _, errors, warnings = _plugin_config(tmp_path, {"data_dir": "nowhere"}, method=None)
    assert (errors, warnings) == ([("data_dir", f"The path '{tmp_path / 'nowhere'}' isn't an existing directory.")], [])


def test_wrong_types_and_unknown_options(tmp_path):
    _, errors, warnings = _plugin_config(tmp_path, {"evaluator": "yes", "colour": "red"})
    assert errors == [("evaluator", "Expected type: <class 'bool'> but received: <class 'str'>")]
    assert warnings == [("colour", "Unrecognised configuration name: colour")]


def test_load_config_reports_the_bad_country(tmp_path, caplog):
    make_site(tmp_path, plugin={"country": "xx"})
    with caplog.at_level(logging.ERROR, logger="mkdocs.config"):
        with pytest.raises(Abort, match="Aborted with a configuration error!"):
            load_config(str(tmp_path / "mkdocs.yml"))
    assert "Config value 'plugins': Plugin 'crossroads' option 'country': Expected one of: fr, us but received: 'xx'" in caplog.messages


# -- the adapter's own logic ------------------------------------------------------

def test_find_markers_skips_code_blocks():
    text = "a\n<!-- crossroads:matrix -->\n```\n<!-- crossroads:nope -->\n```\n~~~~\n<!-- crossroads:x -->\n~~~~\n<!-- crossroads:management B -->\n <!-- crossroads:odd"
    assert list(find_markers(text)) == [(1, "matrix", None), (8, "management", "B"), (9, None, "<!-- crossroads:odd")]


def test_method_is_cached_until_a_file_changes(tmp_path):
    plugin, errors, _ = _plugin_config(tmp_path, {})
    assert not errors
    folder = str(tmp_path / "scenarios")
    first = plugin.loader.method(folder, "scenarios")
    assert plugin.loader.method(folder, "scenarios") is first
    path = tmp_path / "scenarios" / "matrix.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Alpha Scenario", "Alpha Scenario Renamed"), encoding="utf-8")
    second = plugin.loader.method(folder, "scenarios")
    assert second is not first and second.scenario_by_id["A1"]["name"] == "Alpha Scenario Renamed"


def test_case_library_is_cached_until_a_case_file_changes(tmp_path):
    import shutil

    plugin, errors, _ = _plugin_config(tmp_path, {})
    assert not errors
    folder = str(tmp_path / "scenarios")
    method = plugin.loader.method(folder, "scenarios")
    first = plugin.loader.library(method, folder, "scenarios", evaluator=True)
    assert [c["id"] for c in first.cases] == ["alpha-school-exchange", "beta-port-deal"]
    assert plugin.loader.library(method, folder, "scenarios", evaluator=True) is first
    cases = tmp_path / "scenarios" / "cases"
    copy = (cases / "alpha-school-exchange.yaml").read_text(encoding="utf-8").replace('id: "alpha-school-exchange"', 'id: "alpha-again"')
    (cases / "alpha-again.yaml").write_text(copy, encoding="utf-8")
    second = plugin.loader.library(method, folder, "scenarios", evaluator=True)
    assert second is not first and [c["id"] for c in second.cases] == ["alpha-again", "alpha-school-exchange", "beta-port-deal"]
    assert second.runs["alpha-again"]["runs"][0]["recommendation"] == "proceed"
    shutil.rmtree(cases)
    assert plugin.loader.library(method, folder, "scenarios", evaluator=True).cases == ()  # no library: no case pages


def test_serve_watches_the_method_folder(tmp_path):
    make_site(tmp_path)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert str(tmp_path / "scenarios") in config.watch
    assert config.mdx_configs["abbr"]["glossary"]["Gov"] == "National government"
    assert {"A1 Alpha Scenario": "risks/a1.md"} in config.nav[1]["Risks"][1]["Category A: Alpha Risk"]
    cases = next(item["Cases"] for item in config.nav if isinstance(item, dict) and "Cases" in item)
    assert cases == ["cases/index.md", {"Alpha Town's school exchange with Beta City": "cases/alpha-school-exchange.md"},
                     {"Gamma Port's deal with a state-steered investor": "cases/beta-port-deal.md"}]
