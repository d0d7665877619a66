"""The built handbook in headless Chromium: no request leaves the site, the
matrix, tables and diagrams fit their column in light and dark palettes and on
a phone, and the diagrams print. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def _first_case() -> str | None:
    from test_site import CASES

    return f"/cases/{CASES[0]['id']}/" if CASES else None


CASE = _first_case()


def pages_of(site) -> list[str]:
    paths = []
    for index in site.rglob("index.html"):
        folder = index.parent.relative_to(site).as_posix()
        paths.append("/" if folder == "." else f"/{folder}/")
    return sorted(paths)


def _rgb(text: str) -> str:
    r, g, b = (int(x) for x in re.findall(r"\d+", text)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _contrast(a: str, b: str) -> float:
    from test_site import contrast

    return contrast(a, b)


def open_page(browser, site_url, path, *, dark=False, viewport=WIDE):
    context = browser.new_context(viewport=viewport, color_scheme="dark" if dark else "light")
    tab = context.new_page()
    tab.goto(site_url + path, wait_until="load")
    tab.wait_for_load_state("networkidle")
    return context, tab


def test_no_request_leaves_the_site(browser, site_url, built_site):
    pages = pages_of(built_site)
    assert "/" in pages and "/risks/a1/" in pages and "/countries/us/" in pages
    context = browser.new_context(viewport=WIDE)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    for path in pages:
        tab.goto(site_url + path, wait_until="load")
        tab.wait_for_load_state("networkidle", timeout=60_000)
    context.close()
    foreign = sorted({url for url in requests if not (url.startswith(site_url + "/") or url.startswith(("data:", "blob:")))})
    assert foreign == []
    assert sum(url.endswith("/") for url in requests) >= len(pages)


@pytest.mark.parametrize("path, dark, viewport, shot", [
    ("/risks/", False, WIDE, "site-risks-light.png"),
    ("/risks/", True, WIDE, "site-risks-dark.png"),
    ("/risks/", False, PHONE, "site-risks-phone.png"),
    ("/foresight/", False, WIDE, "site-foresight-light.png"),
    ("/foresight/", True, WIDE, "site-foresight-dark.png"),
    ("/management/", False, WIDE, "site-management-light.png"),
    ("/management/", True, WIDE, "site-management-dark.png"),
    ("/methodology/", True, WIDE, "site-methodology-dark.png"),
    ("/partners/", False, PHONE, "site-partners-phone.png"),
    ("/risks/a1/", False, WIDE, "site-scenario-a1-light.png"),
    ("/countries/us/", True, WIDE, "site-country-us-dark.png"),
    ("/cases/", False, PHONE, "site-cases-phone.png"),
    *([(CASE, False, WIDE, "site-case-light.png"), (CASE, True, PHONE, "site-case-phone-dark.png")] if CASE else []),
], ids=lambda value: value if isinstance(value, str) and value.endswith(".png") else None)
def test_components_fit_their_column(browser, site_url, artifacts, path, dark, viewport, shot):
    context, tab = open_page(browser, site_url, path, dark=dark, viewport=viewport)
    try:
        tab.screenshot(path=str(artifacts / shot), full_page=True)
        assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
        overflowing = tab.evaluate("""() => {
            const column = document.querySelector('.md-content__inner').getBoundingClientRect();
            const out = [];
            for (const el of document.querySelectorAll('.cr-matrix table, .cr-guidelines table, .cr-flow__svg, .cr-grid-wrap, .cr-steps, .cr-calibration, .cr-case__open')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 || box.left < column.left - 1 || box.right > column.right + 1) out.push(el.className.baseVal ?? el.className);
            }
            return out;
        }""")
        assert overflowing == []
    finally:
        context.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_diagram_text_is_readable(browser, site_url, dark):
    context, tab = open_page(browser, site_url, "/management/", dark=dark)
    try:
        colours = tab.evaluate("""() => {
            const style = (selector, prop) => getComputedStyle(document.querySelector(selector))[prop];
            return {
                page: getComputedStyle(document.body).backgroundColor,
                title: style('.cr-flow__node--task .cr-flow__title', 'fill'),
                meta: style('.cr-flow__node--task .cr-flow__meta', 'fill'),
                box: style('.cr-flow__node--task rect', 'fill'),
                border: style('.cr-flow__node--task rect', 'stroke'),
                stop: style('.cr-flow__node--disengage rect', 'fill'),
                label: style('.cr-flow__label', 'fill'),
            };
        }""")
        hexes = {name: _rgb(value) for name, value in colours.items()}
        assert _contrast(hexes["title"], hexes["box"]) >= 4.5
        assert _contrast(hexes["meta"], hexes["box"]) >= 4.5
        assert _contrast(hexes["title"], hexes["stop"]) >= 4.5
        assert _contrast(hexes["label"], hexes["page"]) >= 4.5
        assert _contrast(hexes["border"], hexes["page"]) >= 3
        scheme = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == ("slate" if dark else "default")
    finally:
        context.close()


def test_diagrams_and_steps_print(browser, site_url, artifacts):
    context, tab = open_page(browser, site_url, "/management/", dark=True)
    try:
        tab.emulate_media(media="print")
        shown = tab.evaluate("""() => ({
            diagrams: [...document.querySelectorAll('.cr-flow__svg')].filter(e => e.getBoundingClientRect().width > 200).length,
            steps: [...document.querySelectorAll('ol.cr-steps > li')].filter(e => e.offsetHeight > 0).length,
            sidebar: document.querySelector('.md-sidebar--primary').offsetHeight,
            text: getComputedStyle(document.querySelector('.cr-flow__title')).fill,
        })""")
        assert shown["diagrams"] == 3 and shown["steps"] == 15 and shown["sidebar"] == 0
        assert _rgb(shown["text"]) == "#1a1c2e"  # print uses the light colours, even from the dark palette
        tab.pdf(path=str(artifacts / "site-management-print.pdf"), format="A4")
    finally:
        context.close()


def test_tooltips_and_anchors(browser, site_url):
    context, tab = open_page(browser, site_url, "/risks/a1/")
    try:
        assert tab.locator('abbr[title="National government"]').count() > 0
        tab.goto(site_url + "/management/#manage-a-act", wait_until="load")
        assert tab.locator("#manage-a-act").is_visible()
    finally:
        context.close()


AXE = __import__("pathlib").Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_finds_nothing_on_rendered_pages(browser, site_url, dark):
    """The pages this plugin writes or fills, checked with axe-core in both palettes."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'npm ci'")
    problems = []
    context = browser.new_context(viewport=WIDE, color_scheme="dark" if dark else "light")
    try:
        tab = context.new_page()
        for path in ("/risks/", "/risks/a/", "/risks/a1/", "/foresight/", "/management/", "/methodology/", "/partners/", "/countries/", "/countries/us/", "/about/", "/cases/", *([CASE] if CASE else [])):
            tab.goto(site_url + path, wait_until="load")
            tab.add_script_tag(path=str(AXE))
            for violation in tab.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"):
                targets = [" > ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
                problems.append(f"{path}: {violation['id']} ({violation['impact']}): {targets}")
    finally:
        context.close()
    assert problems == []
