"""The pages generated from the method: one per category, scenario, country
profile and case (pages.generated_pages lists them), and the footer's data."""

from __future__ import annotations

from .library import Library, case_view
from .links import Links
from .markers import chart, template_context
from .pages import category_src, scenario_src
from .queries import (
    RenderError, category_of, cited, country_sources, general_actions, impact_triggers, safeguard_reach, scenario_actions, scenario_drivers,
    scenario_safeguards, scenarios_in, stakeholder_roles, track_of,
)
from .templating import render


def render_category_page(method, links: Links, category_id: str) -> str:
    """risks/<category>.md: the category, its scenarios and its management track."""
    category = category_of(method, category_id)
    track = track_of(method, category_id)
    diagram = None
    if track is not None:
        diagram = chart(method, links, f"track-{category_id.lower()}-chart", track["steps"], category)
    actions = [a for s in scenarios_in(method, category_id) for a in scenario_actions(method, s["id"])]
    unique = list({a["id"]: a for a in actions}.values())
    return render(
        "category.md", category=category, scenarios=scenarios_in(method, category_id), track=track, diagram=diagram,
        scenario_src=scenario_src, roles=stakeholder_roles(method, category_id, unique), **template_context(method, links),
    )


def render_scenario_page(method, links: Links, scenario_id: str) -> str:
    """risks/<scenario>.md: signals, evidence, impacts, drivers, safeguards, stakeholders and actions."""
    scenario = method.scenario_by_id[scenario_id]
    category = category_of(method, scenario["category"])
    actions = scenario_actions(method, scenario_id)
    impacts = [{"impact": i, "triggers": impact_triggers(method, i["id"])} for i in scenario["impacts"]]
    base = method.base_points.get(scenario_id, {"likelihood": 0, "impact": 0})
    return render(
        "scenario.md", scenario=scenario, category=category, impacts=impacts, base=base,
        drivers=scenario_drivers(method, scenario_id), full=safeguard_reach(method)[scenario_id],
        safeguards=scenario_safeguards(method, scenario_id), actions=actions, general=general_actions(method),
        roles=stakeholder_roles(method, scenario["category"], actions, scenario_id),
        cited=cited(method, [e["source"] for e in scenario.get("evidence", [])]),
        category_src=category_src, **template_context(method, links),
    )


def render_country_page(method, links: Links, country_id: str, selected: str | None) -> str:
    """countries/<id>.md: roles, contacts and rules, each with its source and date."""
    country = method.countries[country_id]
    return render("country.md", country=country, selected=selected, cited=cited(method, country_sources(country)), **template_context(method, links))


def render_case_page(method, links: Links, case_id: str, library: Library) -> str:
    """cases/<id>.md: the story, the answers, the evaluator's result at build time, what happened and the band."""
    case = library.case(case_id)
    return render("case.md", view=case_view(method, case, links, library), library=library, **template_context(method, links))


def render_page(method, links: Links, kind: str, item_id: str, country: str | None, library: Library | None = None) -> str:
    """The Markdown of the generated page `links.page`, of kind category/scenario/country/case."""
    if kind == "case":
        return render_case_page(method, links, item_id, library or Library())
    if kind == "category":
        return render_category_page(method, links, item_id)
    if kind == "scenario":
        return render_scenario_page(method, links, item_id)
    if kind == "country":
        return render_country_page(method, links, item_id, country)
    raise RenderError(f"unknown page kind '{kind}'.")


def footer_context(method, host_name: str | None, host_logo: str | None, t=None) -> dict:
    """What the footer shows: the method version, the primary citation and the host (`t`: the edition's strings)."""
    text = {"published": "Published by {host}", "version": "Method version {version} ({released}).", "method": "Method:"}
    if t is not None:
        text = {name: t(f"footer.{name}") for name in text}
    return {"version": method.version, "released": method.released, "host_name": host_name, "host_logo": host_logo, "text": text}
