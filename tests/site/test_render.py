"""The pure render functions, against golden files made from the mini method.

Regenerate the golden files after an intended change with
`CROSSROADS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/site/test_render.py`
and review the diff.
"""

from __future__ import annotations

import pytest

from site_plugins.crossroads import diagrams, generated, markers, queries, templating
from site_plugins.crossroads.library import Library
from site_plugins.crossroads.links import Links, default_url, relative_url, site_pages
from site_plugins.crossroads.pages import generated_pages, nav_entries
from support.site import check_golden

# golden file, page it is rendered for, what renders it
CASES = [
    ("matrix.html", "risks/index.md", lambda m, lk: markers.render_matrix(m, lk)),
    ("foresight.html", "foresight.md", lambda m, lk: markers.render_foresight(m, lk)),
    ("management-a.html", "management.md", lambda m, lk: markers.render_management(m, lk, "A")),
    ("management-all.html", "management.md", lambda m, lk: markers.render_management(m, lk)),
    ("guidelines.html", "partners.md", lambda m, lk: markers.render_guidelines(m, lk)),
    ("stakeholders.md", "partners.md", lambda m, lk: markers.render_stakeholders(m, lk)),
    ("levels.md", "partners.md", lambda m, lk: markers.render_levels(m, lk)),
    ("questionnaire.md", "methodology.md", lambda m, lk: markers.render_questionnaire(m, lk)),
    ("scoring.md", "methodology.md", lambda m, lk: markers.render_scoring(m, lk)),
    ("countries.md", "countries/index.md", lambda m, lk: markers.render_countries(m, lk, "us")),
    ("contacts.md", "countries/index.md", lambda m, lk: markers.render_contacts(m, lk, "us")),
    ("version.md", "about.md", lambda m, lk: markers.render_version(m, lk)),
    ("no-evaluator.md", "evaluator.md", lambda m, lk: markers.render_evaluator_absent(m, lk)),
    ("page-risks-a.md", "risks/a.md", lambda m, lk: generated.render_category_page(m, lk, "A")),
    ("page-risks-a1.md", "risks/a1.md", lambda m, lk: generated.render_scenario_page(m, lk, "A1")),
    ("page-risks-b1.md", "risks/b1.md", lambda m, lk: generated.render_scenario_page(m, lk, "B1")),
    ("page-countries-us.md", "countries/us.md", lambda m, lk: generated.render_country_page(m, lk, "us", "us")),
    ("page-countries-fr.md", "countries/fr.md", lambda m, lk: generated.render_country_page(m, lk, "fr", "us")),
]


@pytest.mark.parametrize("name, page, renderer", CASES, ids=[case[0] for case in CASES])
def test_golden(name, page, renderer, mini_method, mini_pages, mini_homes):
    links = Links(page, mini_pages, mini_homes)
    check_golden(name, renderer(mini_method, links))


def test_render_is_deterministic(mini_method, mini_pages, mini_homes):
    links = Links("risks/a1.md", mini_pages, mini_homes)
    assert generated.render_scenario_page(mini_method, links, "A1") == generated.render_scenario_page(mini_method, links, "A1")


def test_generated_pages_and_nav(mini_method):
    assert generated_pages(mini_method) == [
        ("risks/a.md", "category", "A"), ("risks/b.md", "category", "B"),
        ("risks/a1.md", "scenario", "A1"), ("risks/b1.md", "scenario", "B1"),
        ("countries/fr.md", "country", "fr"), ("countries/us.md", "country", "us"),
    ]
    assert nav_entries(mini_method) == {
        "crossroads:risks": [
            {"Category A: Alpha Risk": [{"Overview": "risks/a.md"}, {"A1 Alpha Scenario": "risks/a1.md"}]},
            {"Category B: Beta Risk": [{"Overview": "risks/b.md"}, {"B1 Beta Scenario": "risks/b1.md"}]},
        ],
        "crossroads:countries": [{"France": "countries/fr.md"}, {"United States": "countries/us.md"}],
        "crossroads:cases": [],  # without a case library; see test_cases.py for the cases
    }


def test_glossary_names_every_stakeholder(mini_method):
    assert queries.glossary(mini_method) == {"Gov": "National government", "Nac": "National association of cities", "Med": "Media"}


@pytest.mark.parametrize("src, directory_urls, url", [
    ("index.md", True, "./"),
    ("risks/index.md", True, "risks/"),
    ("risks/a1.md", True, "risks/a1/"),
    ("risks/a1.md", False, "risks/a1.html"),
    ("countries/us.md", True, "countries/us/"),
])
def test_default_url(src, directory_urls, url):
    assert default_url(src, directory_urls) == url


@pytest.mark.parametrize("url, other, expected", [
    ("risks/a1/", "risks/", "a1/"),
    ("management/", "risks/a1/", "../../management/"),
    ("./", "evaluator/", "../"),
    ("./", "./", "./"),
    ("risks/a1.html", "risks/index.html", "a1.html"),
])
def test_relative_url(url, other, expected):
    assert relative_url(url, other) == expected


def test_links(mini_pages, mini_homes):
    links = Links("risks/a1.md", mini_pages, mini_homes)
    assert links.md("management.md", "track-a") == "../management.md#track-a"
    assert links.md("risks/a.md") == "a.md"
    assert links.md("risks/a1.md", "impacts") == "#impacts"
    assert links.url("management.md", "manage-a-act") == "../../management/#manage-a-act"
    assert links.url("nowhere.md") is None
    assert links.root() == "../../"
    assert links.home("questionnaire") == "methodology.md"


def test_markdown_escaping_keeps_text_literal():
    assert templating.md_text("a *b* [c](d) | e_f <g> & h") == r"a \*b\* \[c\](d) \| e\_f &lt;g&gt; &amp; h"


def test_level_tones_spread_over_four_colours(mini_method):
    assert queries.level_tones(mini_method) == {"low": 0, "medium": 2, "high": 3}


def test_when_clauses_cover_every_kind(mini_method):
    actions = {a["id"]: a for a in mini_method.data["scoring"]["actions"]}
    clauses = queries.when_clauses(mini_method, actions["disengage-a"]["when"])
    assert [c["kind"] for c in clauses] == ["recommendation", "any"]
    assert [[c["kind"] for c in alt] for alt in clauses[1]["alternatives"]] == [["level"], ["answer"]]
    assert queries.when_clauses(mini_method, actions["keep-record"]["when"]) == [{"kind": "always"}]
    missing = queries.when_clauses(mini_method, actions["consult-gov"]["when"])[1]
    assert missing["kind"] == "missing" and missing["safeguards"][0]["first"] == "No"


def test_scenario_views(mini_method):
    assert [d["question"]["id"] for d in queries.scenario_drivers(mini_method, "A1")] == ["regime", "assets"]
    assert [g["question"]["id"] for g in queries.scenario_safeguards(mini_method, "B1")] == ["sg_gov"]
    assert [a["id"] for a in queries.scenario_actions(mini_method, "A1")] == ["consult-gov", "disengage-a"]
    assert [a["id"] for a in queries.general_actions(mini_method)] == ["keep-record"]
    assert [t["question"]["id"] for t in queries.impact_triggers(mini_method, "A1-security")] == ["assets"]


def test_abbreviations_in_html_blocks(mini_method):
    html = str(markers.abbreviate(mini_method, "Ask Gov <now> and the Government"))
    assert html == 'Ask <abbr title="National government">Gov</abbr> &lt;now&gt; and the Government'


def test_diagram_layout_runs_top_to_bottom():
    steps = [
        {"id": "a", "kind": "task", "title": "A", "stakeholders": ["Gov"], "next": [{"to": "b"}]},
        {"id": "b", "kind": "decision", "title": "B", "stakeholders": ["Gov"], "next": [{"to": "a", "label": "Yes"}, {"to": "c", "label": "No"}]},
        {"id": "c", "kind": "disengage", "title": "C", "stakeholders": ["Gov"], "next": []},
    ]
    layout = diagrams.layout(steps)
    tops = [node["y"] for node in layout["nodes"]]
    assert tops == sorted(tops) and len(set(tops)) == 3
    labels = [edge["label"] for edge in layout["edges"]]
    assert labels == [None, "Yes", "No"]
    loop = layout["edges"][1]
    assert loop["anchor"] == "end" and loop["d"].startswith(f"M{diagrams.BOX_X},")  # the loop leaves on the left
    assert layout["height"] > layout["nodes"][-1]["bottom"]


def test_diagram_outcomes_fan_out_below_the_decision():
    steps = [{"id": "d", "kind": "decision", "title": "Decide", "stakeholders": ["Nac"], "next": [], "outcomes": ["Yes", "No", "Later"]}]
    layout = diagrams.layout(steps)
    pills = layout["outcomes"][0]["pills"]
    assert len(pills) == 3 and all(p["y"] > layout["nodes"][0]["bottom"] for p in pills)
    assert pills[-1]["x"] + pills[-1]["w"] <= diagrams.WIDTH


def _real_outputs(method) -> dict[str, str]:
    """Everything the plugin renders from the real method, as the real site places it."""
    from pathlib import Path

    from site_plugins.crossroads.pages import find_markers

    docs = Path(__file__).resolve().parents[2] / "docs"
    homes = {}
    for path in sorted(docs.rglob("*.md")):
        for _, name, arg in find_markers(path.read_text(encoding="utf-8")):
            if name:
                homes.setdefault(f"{name} {arg}" if arg else name, path.relative_to(docs).as_posix())
    from engine.cases import load_cases

    library = Library.build(method, load_cases(method, str(docs.parent / "scenarios" / "cases"), "scenarios/cases"))
    made = generated_pages(method, library)
    srcs = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")] + [src for src, _, _ in made]
    pages = site_pages(srcs)
    out = {src: generated.render_page(method, Links(src, pages, homes), kind, item, "us", library) for src, kind, item in made}
    for marker, home in homes.items():
        name, _, arg = marker.partition(" ")
        if name != "evaluator":
            out[marker] = markers.render_marker(method, Links(home, pages, homes), name, arg or None, "us", library)
    return out


def test_real_output_is_well_formed_markdown(method):
    """Tables and lists start after a blank line, nothing is left unrendered, HTML blocks close."""
    problems = []
    for name, text in _real_outputs(method).items():
        lines = text.split("\n")
        for index, line in enumerate(lines):
            before = lines[index - 1] if index else ""
            if line.startswith("|") and before.strip() and not before.startswith("|"):
                problems.append(f"{name}:{index + 1}: table glued to the text above")
            if line.startswith("#") and before.strip():
                problems.append(f"{name}:{index + 1}: heading glued to the text above")
        for bad in ("{{", "{%", "%}", "}}"):
            if bad in text:
                problems.append(f"{name}: contains {bad!r}")
        if text.count(templating.HTML_OPEN) != text.count(templating.HTML_CLOSE):
            problems.append(f"{name}: unbalanced HTML block")
    assert problems == []
