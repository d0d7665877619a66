"""The handbook's page inventory: the pages generated from the method (one per
category, scenario, country profile and case), their places in the
navigation, and the markers that hand-written pages hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from .links import default_url

_MARKER = re.compile(r"^<!-- crossroads:(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?: (?P<arg>[A-Za-z0-9_-]+))? -->$")
_LOOKS_LIKE_MARKER = re.compile(r"^\s*<!--\s*crossroads:")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def category_src(category_id: str) -> str:
    return f"risks/{category_id.lower()}.md"


def scenario_src(scenario_id: str) -> str:
    return f"risks/{scenario_id.lower()}.md"


def country_src(country_id: str) -> str:
    return f"countries/{country_id.lower()}.md"


def case_src(case_id: str) -> str:
    return f"cases/{case_id}.md"


def generated_pages(method, library=None) -> list[tuple[str, str, str]]:
    """Every page generated from the method: `(src, kind, id)` with kind category/scenario/country/case."""
    pages = []
    for category in method.categories:
        pages.append((category_src(category["id"]), "category", category["id"]))
    for scenario in method.scenarios:
        pages.append((scenario_src(scenario["id"]), "scenario", scenario["id"]))
    for country in method.countries.values():
        pages.append((country_src(country["id"]), "country", country["id"]))
    for case in (library.cases if library else ()):
        pages.append((case_src(case["id"]), "case", case["id"]))
    return pages


def nav_entries(method, library=None, t=None) -> dict[str, list]:
    """The generated pages as `nav` items, for the `crossroads:risks`, `crossroads:countries` and `crossroads:cases` placeholders
    (`t`: the site's strings in the edition's language)."""
    risks = []
    overview = t("nav.overview") if t else "Overview"
    for category in method.categories:
        items = [{overview: category_src(category["id"])}]
        for scenario in method.scenarios:
            if scenario["category"] == category["id"]:
                items.append({f"{scenario['id']} {scenario['name']}": scenario_src(scenario["id"])})
        title = t("nav.category", id=category["id"], name=category["name"]) if t else f"Category {category['id']}: {category['name']}"
        risks.append({title: items})
    countries = [{c["name"]: country_src(c["id"])} for c in sorted(method.countries.values(), key=lambda c: c["name"])]
    cases = [{c["title"]: case_src(c["id"])} for c in (library.cases if library else ())]
    return {"crossroads:risks": risks, "crossroads:countries": countries, "crossroads:cases": cases}


def expand_nav(items, entries):
    """Replace `crossroads:risks` / `crossroads:countries` / `crossroads:cases` in a nav list by the generated pages."""
    if not isinstance(items, list):
        return items
    out = []
    for item in items:
        if isinstance(item, str) and item in entries:
            out.extend(entries[item])
        elif isinstance(item, dict):
            out.append({title: (entries[value] if isinstance(value, str) and value in entries else expand_nav(value, entries)) for title, value in item.items()})
        else:
            out.append(item)
    return out


def find_markers(markdown: str) -> Iterator[tuple[int, str | None, str | None]]:
    """Yield `(line_index, name, argument)` for each marker line, or `(line_index, None, text)` for a malformed one."""
    fence = None
    for index, line in enumerate(markdown.split("\n")):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _MARKER.match(line.rstrip())
        if match:
            yield index, match.group("name"), match.group("arg")
        elif _LOOKS_LIKE_MARKER.match(line):
            yield index, None, line.strip()


def find_homes(texts: Mapping[str, str]) -> dict[str, str]:
    """Which page holds each marker (`{"management A": "management.md", ...}`), from `{src: markdown}`.

    Links to steps, questions and actions point there; the first page in
    source order wins when two hold the same marker.
    """
    homes: dict[str, str] = {}
    for src in sorted(texts):
        for _, name, arg in find_markers(texts[src]):
            if name is not None:
                homes.setdefault(f"{name} {arg}" if arg else name, src)
    return homes


def flowchart_warnings(method, homes: Mapping[str, str], docs: str) -> list[str]:
    """The method names the page of each flowchart; it must be where the diagram is."""
    wanted = [("foresight", method.foresight["page"])]
    wanted += [(f"management {t['category']}", method.management["page"]) for t in method.tracks]
    warnings = []
    for marker, page in wanted:
        home = homes.get(marker) or (homes.get("management") if marker.startswith("management ") else None)
        if home is None:
            continue
        if default_url(home) != page and default_url(home, False) != page:
            warnings.append(f"flowcharts: the method places '{marker}' on page '{page}', but its marker is in {docs}/{home}; "
                            "links to its steps would break. Move the marker or change 'page'.")
    return warnings
