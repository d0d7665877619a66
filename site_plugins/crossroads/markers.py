"""The markers a hand-written page may hold, each declared once here with its
renderer and what it takes, and the renderers themselves.

A marker is a line of its own, `<!-- crossroads:NAME -->`, or
`<!-- crossroads:NAME ARG -->` for a marker that takes an argument
(`<!-- crossroads:management A -->`). Each renderer takes the method and the
page's `Links`, then what its declaration names from the site ("library",
"country", "evaluator"), then the argument; it returns Markdown, with the
pieces Markdown must not touch (diagrams, tables with merged cells) wrapped
as HTML blocks (templating.html_block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable

from markupsafe import Markup, escape

from . import diagrams, evaluator, sitestrings
from .library import Library, calibration_summary, case_view
from .links import Links
from .pages import case_src, category_src, country_src, scenario_src
from .queries import (
    RenderError, category_of, cited, combine_example, country_sources, first_steps_count, glossary, guarded_levels, labels, level_label,
    level_tones, partial_labels, question_effects, rec_tones, recommendation_rows, safeguard_reach, scenarios_in,
    screen_questions, source_index, unknown_questions, what_if_bound, when_clauses,
)
from .templating import html_block, render, wrap_html


@dataclass(frozen=True)
class Marker:
    """One marker: its name, its renderer, what else the renderer takes from the
    site (after the method and the links), and what its optional argument names."""

    name: str
    render: Callable[..., str]
    needs: tuple[str, ...] = ()
    argument: str | None = None


#: Every marker, by name.
MARKERS: dict[str, Marker] = {}


def marker(name: str, *needs: str, argument: str | None = None):
    """Declare the decorated function as the renderer of marker `name`."""
    def declare(function):
        MARKERS[name] = Marker(name, function, needs, argument)
        return function
    return declare


def known_markers(method) -> list[str]:
    """Every marker line a page of this method may hold, as `NAME` or `NAME ARG`."""
    known = list(MARKERS)
    for entry in MARKERS.values():
        if entry.argument == "category":
            known += [f"{entry.name} {c['id']}" for c in method.categories]
    return sorted(known)


def render_marker(method, links: Links, name: str | None, argument: str | None, country: str,
                  library: Library | None = None, evaluator: bool = True, config_file: str | None = None) -> str:
    """Render one marker of the page `links.page`; `name` None stands for a malformed marker line (`argument`)."""
    known = ", ".join(known_markers(method))
    entry = MARKERS.get(name) if name is not None else None
    if entry is None or (argument is not None and entry.argument is None):
        shown = argument if name is None else f"<!-- crossroads:{name}{' ' + argument if argument else ''} -->"
        raise RenderError(f"unknown marker {shown!r}; known markers: {known}.")
    site = {"library": library or Library(), "country": country, "evaluator": evaluator, "config_file": config_file}
    extra = [site[need] for need in entry.needs] + ([argument] if argument is not None else [])
    try:
        return entry.render(method, links, *extra)
    except RenderError as error:
        raise RenderError(f"{error} Known markers: {known}.") from None


def abbreviate(method, text) -> Markup:
    """Escape `text` for HTML and mark the stakeholder codes in it as abbreviations.

    Markdown pages get the same through the `abbr` glossary; raw HTML blocks need it done here.
    """
    names = glossary(method)
    if not names:
        return Markup(escape(text))
    pattern = re.compile(r"\b(" + "|".join(re.escape(code) for code in names) + r")\b")
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(render("abbr.html", code=match.group(1), name=names[match.group(1)]).strip())
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("".join(str(piece) for piece in pieces))


def template_context(method, links: Links) -> dict:
    return {
        "abbr_text": lambda text: abbreviate(method, text),
        "t": sitestrings.for_method(method),
        "method": method,
        "links": links,
        "tones": level_tones(method),
        "level_label": lambda level_id: level_label(method, level_id),
        "scenario_by_id": method.scenario_by_id,
        "stakeholders": method.stakeholders,
        "sources_by_id": source_index(method),
        "topic_names": {t["id"]: t["name"] for t in method.topics},
        "when_clauses": lambda when: when_clauses(method, when),
        "step_link_md": lambda step_id: links.md(links.step_home(method, step_id), step_id),
        "step_link_url": lambda step_id: links.url(links.step_home(method, step_id), step_id),
        "question_link_md": lambda qid: links.md(links.home("questionnaire"), f"q-{qid}"),
        "question_link_url": lambda qid: links.url(links.home("questionnaire"), f"q-{qid}"),
        "all_steps": method.steps,
        "rec_tones": rec_tones(method),
        "rec_label": lambda rec_id: labels(method.recommendations).get(rec_id, rec_id),
        "likelihood_label": lambda level_id: labels(method.likelihood_levels).get(level_id, level_id),
        "impact_label": lambda level_id: labels(method.impact_levels).get(level_id, level_id),
        "who": lambda codes: ", ".join(f"{method.stakeholders[c]['name']} ({c})" for c in codes if c in method.stakeholders),
    }


@marker("matrix")
def render_matrix(method, links: Links) -> str:
    """The matrix: categories, their scenarios and the impacts of each, linking the scenario pages."""
    rows = [{"category": c, "scenarios": scenarios_in(method, c["id"])} for c in method.categories]
    return str(html_block("matrix.html", rows=rows, category_src=category_src, scenario_src=scenario_src, **template_context(method, links)))


def chart(method, links: Links, chart_id: str, steps, category=None) -> Markup:
    """One flowchart: the foresight chart, or the management track of `category`."""
    chart = (method.management if category else method.foresight)
    step_actions = {}
    for action in method.actions:
        step_actions.setdefault(action["step"], []).append(action)
    return html_block(
        "flowchart.html", chart_id=chart_id, chart=chart, category=category, steps=steps,
        layout=diagrams.layout(steps), step_actions=step_actions, **template_context(method, links),
    )


@marker("foresight")
def render_foresight(method, links: Links) -> str:
    """The foresight flowchart as an SVG diagram followed by its steps as a list."""
    return str(chart(method, links, "foresight-chart", method.foresight_steps))


@marker("management", argument="category")
def render_management(method, links: Links, category_id: str | None = None) -> str:
    """One management track (or all of them), each as a diagram and a list of steps."""
    tracks = method.tracks
    if category_id is not None:
        category_of(method, category_id)
        tracks = [t for t in tracks if t["category"] == category_id]
    return "\n".join(
        str(chart(method, links, f"track-{t['category'].lower()}-chart", t["steps"], category_of(method, t["category"])))
        for t in tracks
    )


@marker("stakeholders")
def render_stakeholders(method, links: Links) -> str:
    """The seven stakeholders with their codes, roles and level of cooperation."""
    coop = {c["id"]: c for c in method.cooperation_levels}
    return render("stakeholders.md", coop=coop, **template_context(method, links))


@marker("levels")
def render_levels(method, links: Links) -> str:
    """The levels of cooperation, each with the stakeholders at that level."""
    return render("levels.md", **template_context(method, links))


@marker("guidelines")
def render_guidelines(method, links: Links) -> str:
    """Whom to involve: every flowchart step against every stakeholder."""
    groups = [{"category": None, "steps": method.foresight_steps}]
    for track in method.tracks:
        groups.append({"category": category_of(method, track["category"]), "steps": track["steps"]})
    return str(html_block("guidelines.html", groups=groups, **template_context(method, links)))


@marker("questionnaire")
def render_questionnaire(method, links: Links) -> str:
    """Every question, grouped by section, with every option and its points."""
    sections = []
    for section in method.sections:
        questions = [q for q in method.questions if q["section"] == section["id"]]
        sections.append({"section": section, "questions": [{"q": q, "rows": question_effects(method, q)} for q in questions]})
    return render("questionnaire.md", sections=sections, **template_context(method, links))


@marker("scoring")
def render_scoring(method, links: Links) -> str:
    """Every level, threshold, grid cell, base point, safeguard step, "don't know" answer, recommendation, rule,
    the what-if search's bound and every action."""
    scoring = method.scoring
    grid = html_block("grid.html", scoring=scoring, **template_context(method, links))
    return render(
        "scoring.md", scoring=scoring, grid=grid, reach=safeguard_reach(method), example=combine_example(method),
        unknowns=unknown_questions(method), bound=what_if_bound(method), first_steps=first_steps_count(method),
        screen=screen_questions(method), rec_rows=recommendation_rows(method),
        partial=partial_labels(method), guarded=guarded_levels(method), **template_context(method, links),
    )


@marker("screen")
def render_screen(method, links: Links) -> str:
    """The short screen: the questions that come first, from the method."""
    return render("screen.md", screen=screen_questions(method), **template_context(method, links))


@marker("calibration", "library")
def render_calibration(method, links: Links, library: Library) -> str:
    """The calibration table: one row per case and run, with a summary, computed by the engine at build time."""
    views = [case_view(method, case, links, library) for case in library.cases]
    table = html_block("calibration.html", views=views, case_src=case_src, **template_context(method, links)) if views else None
    return render("calibration.md", views=views, table=table, summary=calibration_summary(method, library),
                   library=library, **template_context(method, links))


@marker("cases", "library")
def render_cases(method, links: Links, library: Library) -> str:
    """The list of cases for the cases index page, each with its kind and result."""
    views = [case_view(method, case, links, library) for case in library.cases]
    return render("cases.md", views=views, case_src=case_src, library=library, summary=calibration_summary(method, library),
                   **template_context(method, links))


@marker("countries", "country")
def render_countries(method, links: Links, selected: str | None) -> str:
    """The available country profiles, linking their pages."""
    countries = sorted(method.countries.values(), key=lambda c: c["name"])
    return render("countries.md", countries=countries, selected=selected, country_src=country_src, **template_context(method, links))


@marker("contacts", "country")
def render_contacts(method, links: Links, selected: str) -> str:
    """The selected country's roles and contact points."""
    country = method.countries[selected]
    return render("contacts.md", country=country, country_src=country_src, cited=cited(method, country_sources(country, rules=False)),
                  **template_context(method, links))


@marker("version")
def render_version(method, links: Links) -> str:
    """The method's version, release date and history."""
    return render("version.md", **template_context(method, links))


def render_evaluator_absent(method, links: Links) -> str:
    """What the evaluator's marker shows when the host turned the evaluator off."""
    return render("no_evaluator.md", **template_context(method, links))


@marker("evaluator", "evaluator", "country", "config_file")
def render_evaluator_marker(method, links: Links, enabled: bool, country: str, config_file: str | None) -> str:
    """The evaluator (its form and results panel), or a note when the host turned it off."""
    if not enabled:
        return render_evaluator_absent(method, links)
    root = links.root()
    # The runtime the page names is the one evaluator_files copies: node_modules beside mkdocs.yml.
    html = evaluator.render_evaluator(method, country, root, {"config_file_path": config_file},
                                      links.url(links.home("register"))).strip()
    if links.from_source:
        # The settings the scripts read keep the root as seen from the page's URL; the
        # page's own <link> and <script> take it as its attributes are written (Links.from_source).
        html = html.replace(f'="{root}{evaluator.ASSET_DIR}/', f'="{links.attribute_root()}{evaluator.ASSET_DIR}/')
    return str(wrap_html(html))


@marker("register", "evaluator", "country", "config_file")
def render_register_marker(method, links: Links, enabled: bool, country: str, config_file: str | None) -> str:
    """The register of partnerships assessed in this browser, or a note when the host turned the evaluator off."""
    if not enabled:
        return render_evaluator_absent(method, links)
    root = links.root()
    html = evaluator.render_register(method, country, root, links.url(links.home("evaluator")),
                                     {"config_file_path": config_file}).strip()
    if links.from_source:
        html = html.replace(f'="{root}{evaluator.ASSET_DIR}/', f'="{links.attribute_root()}{evaluator.ASSET_DIR}/')
    return str(wrap_html(html))


@marker("additions", "library")
def render_additions(method, links: Links, library: Library) -> str:
    """What the host's overlay added (engine/overlay.py): questions, actions, contacts and cases; nothing without an overlay."""
    additions = method.data.get("additions")
    if not additions:
        return ""
    sections = {s["id"]: s["title"] for s in method.sections}
    questions = [{"q": method.question_by_id[qid], "section": sections.get(method.question_by_id[qid]["section"], ""),
                  "rows": question_effects(method, method.question_by_id[qid])} for qid in additions.get("questions", [])]
    actions_by_id = {a["id"]: a for a in method.actions}
    actions = [actions_by_id[aid] for aid in additions.get("actions", [])]
    contacts = [dict(c, country_name=method.countries[c["country"]]["name"], page=links.md(country_src(c["country"])))
                for c in additions.get("contacts", [])]
    cases = [dict(case, page=links.md(case_src(case["id"]))) for case in library.cases if case.get("added")]
    kinds = [word for word, items in (("questions", questions), ("actions", actions), ("contacts", contacts), ("cases", cases)) if items]
    if not kinds:
        return ""
    return render("additions.md", additions=additions, host=additions.get("host"), kinds=kinds,
                  questions=questions, actions=actions, contacts=contacts, cases=cases,
                  cited=cited(method, additions.get("sources", [])), **template_context(method, links))
