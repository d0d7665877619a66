"""Promise: the German and Japanese editions read as well as the English one:
axe-core finds no serious or critical violation on the home, matrix and
evaluator pages of each edition, in the light and the dark palette; each page
shows its edition's language; screenshots of the German and Japanese home and
matrix pages are kept in test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest

from support.promises import wait_for_engine

from promises.test_accessibility import SCHEMES, SET_PALETTE, describe, run_axe

EDITIONS = {"en": "", "de": "/de", "ja": "/ja"}
PAGES = {"home": "/", "matrix": "/risks/", "evaluator": "/evaluator/"}
SERIOUS = ("serious", "critical")


@pytest.mark.browser
@pytest.mark.parametrize("palette", SCHEMES)
@pytest.mark.parametrize("language", EDITIONS)
def test_axe_finds_no_serious_violation_in_each_edition(browser, site_url, axe_path, artifacts, language, palette):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url + EDITIONS[language] + "/", wait_until="load")
        assert page.evaluate(SET_PALETTE, SCHEMES[palette]) is True
        problems: list[str] = []
        for name, path in PAGES.items():
            url = site_url + EDITIONS[language] + path
            page.goto(url, wait_until="load")
            assert page.evaluate("() => document.documentElement.lang") == language, url
            assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == SCHEMES[palette], url
            if name == "evaluator":
                wait_for_engine(page)
            if name in ("home", "matrix") and language != "en":
                page.screenshot(path=str(artifacts / f"edition-{language}-{name}-{palette}.png"), full_page=False)
            found = [v for v in run_axe(page, axe_path) if v["impact"] in SERIOUS]
            problems += describe(f"{EDITIONS[language]}{path} ({palette})", found)
        assert not problems, "axe-core violations:\n" + "\n".join(problems)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language, word", [("de", "Warnsignale"), ("ja", "兆候"), ("ja", "撤退")])
def test_search_finds_a_word_of_the_edition_in_its_pages(browser, site_url, language, word):
    """Material's search in the browser (Japanese through its segmenter) finds the edition's own pages."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{language}/", wait_until="load")
        page.click("input.md-search__input")
        # Typed key by key, as a reader does: Material reads the query on keyup (and once when its
        # index is ready), so a value set without key events is missed once the index is ready.
        page.locator("input.md-search__input").press_sequentially(word)
        page.wait_for_selector(".md-search-result__item a", timeout=30_000)
        links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => new URL(e.href).pathname)")
        assert links and all(link.startswith(f"/{language}/") for link in links), links
    finally:
        context.close()
