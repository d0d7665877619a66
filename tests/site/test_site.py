"""The real handbook, built once with `mkdocs build --strict` (tests/conftest.py):
every part of the method is on the site, nothing is left unrendered, nothing
is fetched from another host, and the colours keep their contrast."""

from __future__ import annotations

import colorsys
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from engine.cases import load_cases
from engine.source import load_method_dir
from site_plugins.crossroads.library import case_documents
from site_plugins.crossroads.pages import generated_pages

ROOT = Path(__file__).resolve().parents[2]
SITE_HOST = urlsplit(re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)).hostname
METHOD = load_method_dir(str(ROOT / "scenarios"), "scenarios")
GENERATED = generated_pages(METHOD)
CASES = load_cases(METHOD, str(ROOT / "scenarios" / "cases"), "scenarios/cases")


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_matrix_shows_every_scenario_and_impact(built_site, method):
    matrix = page(built_site, "risks")
    for scenario in method.scenarios:
        assert f'id="matrix-{scenario["id"].lower()}"' in matrix
        assert scenario["name"] in matrix
        for impact in scenario["impacts"]:
            assert impact["name"] in matrix


@pytest.mark.parametrize("src, kind, item", GENERATED, ids=[src for src, _, _ in GENERATED])
def test_generated_page(built_site, method, src, kind, item):
    html = page(built_site, src[:-3])
    if kind == "scenario":
        scenario = method.scenario_by_id[item]
        for text in [scenario["name"], *scenario["signals"], *(i["name"] for i in scenario["impacts"])]:
            assert text.replace("'", "&#39;") in html or text in html
        assert f'href="../../management/#track-{scenario["category"].lower()}"' in html
        assert 'href="../../evaluator/"' in html
    elif kind == "country":
        country = method.countries[item]
        assert country["name"] in html and f"last checked {country['checked']}" in html
        import html as html_module

        bodies = [body for role in country["roles"].values() for body in role["bodies"]]
        for body in bodies:
            assert html_module.escape(body["name"], quote=False) in html
            if "url" in body:
                assert f'href="{body["url"]}"' in html
        for duty in country.get("duties", []):
            assert html_module.escape(duty["deadline"], quote=False) in html and f'id="duty-{duty["id"]}"' in html
        unverified = sum(not item["verified"] for item in bodies + country.get("duties", []))
        assert html.count("<br><strong>not verified</strong>") == unverified
    else:
        assert 'role="img"' in html  # the category's management track


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_page(built_site, case):
    """Each case of the library has its page: title, story, sources, and links that open its answers in the evaluator."""
    import base64
    import html as html_module
    import json

    html = page(built_site, f"cases/{case['id']}")
    assert html_module.escape(case["title"], quote=False) in html
    for source in case["sources"]:
        assert f'href="{html_module.escape(source["url"])}"' in html
    codes = re.findall(r'href="\.\./\.\./evaluator/#a=([A-Za-z0-9_-]+)"', html)
    documents = case_documents(METHOD, case)
    assert len(codes) == len(documents)
    for code, document in zip(codes, documents.values()):
        padded = code.replace("-", "+").replace("_", "/") + "==="[(len(code) + 3) % 4:]
        opened = json.loads(base64.b64decode(padded).decode("utf-8"))
        assert opened == document and opened["method_version"] == METHOD.version
    assert documents["before"]["answers"].items() >= {k: v for k, v in case["assessment"]["answers"].items() if v is not None and not isinstance(v, list)}.items()


def test_cases_list_and_calibration_table(built_site):
    cases_page, methodology = page(built_site, "cases"), page(built_site, "methodology")
    table = methodology[methodology.index('<div class="cr-calibration">'):]
    table = table[:table.index("</table>")]
    assert table.count("<tbody") == len(CASES)
    runs = sum(1 + ("after_safeguards" in case) for case in CASES)
    assert table.count("<tr>") == 1 + runs
    for case in CASES:
        assert f'href="{case["id"]}/"' in cases_page
        assert f'<tbody id="calibration-{case["id"]}">' in table and f'href="../cases/{case["id"]}/"' in table


def test_stakeholders_and_levels(built_site, method):
    html = page(built_site, "partners")
    for code, stakeholder in method.stakeholders.items():
        assert f'id="stakeholder-{code.lower()}"' in html and stakeholder["name"] in html
    for level in method.data["cooperation_levels"]:
        assert level["name"] in html


def test_every_flowchart_step_has_its_anchor(built_site, method):
    foresight, management = page(built_site, "foresight"), page(built_site, "management")
    for step in method.data["flowcharts"]["foresight"]["steps"]:
        assert f'<li id="{step["id"]}"' in foresight
    for track in method.data["flowcharts"]["management"]["tracks"]:
        for step in track["steps"]:
            assert f'<li id="{step["id"]}"' in management
    assert management.count('<svg class="cr-flow__svg" role="img"') == len(method.data["flowcharts"]["management"]["tracks"])


def test_scoring_page_lists_every_number(built_site, method):
    html = page(built_site, "methodology")
    scoring = method.data["scoring"]
    for question in method.questions:
        assert f'id="q-{question["id"]}"' in html
    for kind, items in (("action", scoring["actions"]), ("rule", scoring["recommendation_rules"]), ("rec", scoring["recommendations"])):
        for item in items:
            assert f'id="{kind}-{item["id"]}"' in html
    assert html.count('class="cr-grid__cell') == len(scoring["likelihood"]["levels"]) * len(scoring["impact"]["levels"])


def test_footer_names_the_method(built_site, method):
    html = page(built_site, "")
    assert f"Method version {method.version}" in html
    assert "Method: Kihlgren Grandi &amp; Sottilotta, <cite>Cities at the Crossroads</cite> (City Diplomacy Lab, 2024)." in html


def test_every_marker_is_rendered(built_site):
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<!-- crossroads:" not in html and "crossroads-stash" not in html and "crossroads-html" not in html, path


class _Requests(HTMLParser):
    """URLs a browser would fetch from a page: scripts, styles, images, frames, forms."""

    FETCHING = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
                "audio": ("src",), "video": ("src", "poster"), "embed": ("src",), "object": ("data",), "form": ("action",)}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in self.FETCHING.get(tag, ()):
            if attrs.get(name):
                self.urls.extend(part.split()[0] for part in attrs[name].split(",") if part.strip())
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical", "alternate"):
            self.urls.append(attrs["href"])
        if attrs.get("style"):
            self.urls.extend(re.findall(r"url\(['\"]?([^'\")]+)", attrs["style"]))


def test_no_page_fetches_from_another_host(built_site):
    """Only the site's own files; the canonical link and sitemap name site_url but are never fetched."""
    offenders = []
    for path in built_site.rglob("*.html"):
        parser = _Requests()
        parser.feed(path.read_text(encoding="utf-8"))
        for url in parser.urls:
            host = urlsplit(url).hostname
            if url.startswith("//") or (host and host != SITE_HOST):
                offenders.append(f"{path.relative_to(built_site)}: {url}")
    for path in [*built_site.rglob("*.css")]:
        for url in re.findall(r"url\(['\"]?((?:https?:)?//[^'\")]+)", path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{path.relative_to(built_site)}: {url}")
    assert offenders == []


def test_canonical_links_use_site_url(built_site):
    assert f'<link rel="canonical" href="https://{SITE_HOST}/risks/a1/">' in page(built_site, "risks/a1")


# -- colours ------------------------------------------------------------------------

CSS = ROOT / "docs" / "assets" / "crossroads" / "site.css"


def _palettes() -> dict[str, dict[str, str]]:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    light = re.search(r":root\s*{(.*?)}", css, re.S).group(1)
    dark = re.search(r'\[data-md-color-scheme="slate"\]\s*{(.*?)}', css, re.S).group(1)
    parse = lambda block: dict(re.findall(r"--(cr-[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))  # noqa: E731
    light, dark = parse(light), parse(dark)
    # Material's page backgrounds: white, and slate = hsl(225deg, 15%, 14%)
    r, g, b = colorsys.hls_to_rgb(225 / 360, 0.14, 0.15)
    light["page"], dark["page"] = "#ffffff", "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))
    return {"light": light, "dark": {**light, **dark}}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [(f"cr-tone-{n}-fg", f"cr-tone-{n}-bg") for n in range(4)] + [
    ("cr-flow-text", "cr-flow-fill"), ("cr-flow-muted", "cr-flow-fill"), ("cr-flow-text", "cr-flow-decision-fill"),
    ("cr-flow-muted", "cr-flow-decision-fill"), ("cr-flow-text", "cr-flow-stop-fill"), ("cr-flow-muted", "cr-flow-stop-fill"),
    ("cr-flow-text", "cr-flow-outcome-fill"), ("cr-flow-text", "page"), ("cr-muted", "page"), ("cr-muted", "cr-group-bg"),
    ("cr-flow-stop-stroke", "page"), ("cr-group-link", "cr-group-bg"),
]
SHAPE_PAIRS = [("cr-flow-stroke", "page"), ("cr-flow-decision-stroke", "page"), ("cr-flow-stop-stroke", "page"),
               ("cr-flow-edge", "page"), ("cr-flow-stroke", "cr-flow-fill"), ("cr-flow-decision-stroke", "cr-flow-decision-fill")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_meet_wcag_aa(scheme):
    colours = _palettes()[scheme]
    weak = [(a, b, round(contrast(colours[a], colours[b]), 2)) for a, b in TEXT_PAIRS if contrast(colours[a], colours[b]) < 4.5]
    weak += [(a, b, round(contrast(colours[a], colours[b]), 2)) for a, b in SHAPE_PAIRS if contrast(colours[a], colours[b]) < 3]
    assert weak == []


def test_level_tones_differ_from_each_other():
    for scheme, colours in _palettes().items():
        backgrounds = [colours[f"cr-tone-{n}-bg"] for n in range(4)]
        assert len(set(backgrounds)) == 4, scheme
