"""Promise: where the browser denies storage (cookies blocked, some privacy
modes), every page stays quiet and works: the theme's palette script and
bundle read no setting and throw nothing, and the evaluator scores, saying
that it cannot store the answers (issue 10).

The denial is what Chromium does when cookies are blocked: reading
`window.localStorage` or `window.sessionStorage` throws a SecurityError."""

from __future__ import annotations

import pytest

from support.promises import EVALUATOR, wait_for_engine
from support.steps import answer_questions, settle, wait_for_result

DENY_STORAGE = """
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {
    configurable: true,
    get() {
      throw new DOMException(`Failed to read the '${name}' property from 'Window': Access is denied for this document.`, 'SecurityError');
    },
  });
}
"""


@pytest.mark.browser
def test_every_page_is_quiet_when_storage_is_denied(browser, site_url, site_pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(DENY_STORAGE)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        for path in site_pages + ["/404.html"]:
            page.goto(site_url + path, wait_until="load")
            settle(page)
            assert page.evaluate("() => { try { localStorage; return false; } catch { return true; } }"), "storage is not denied: the check proves nothing"
            assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") in ("default", "slate")
        # The palette toggle works too (it cannot be remembered).
        page.goto(site_url + "/", wait_until="load")
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        before = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
        toggle.click()
        page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') !== s", arg=before)
        settle(page)
        assert not errors, "uncaught errors with storage denied:\n  " + "\n  ".join(errors)
    finally:
        context.close()


@pytest.mark.browser
def test_the_evaluator_works_when_storage_is_denied(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(DENY_STORAGE)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site_url + EVALUATOR, wait_until="load")
        wait_for_engine(page)
        answer_questions(page, passes=1)
        wait_for_result(page)
        assert "did not let the page store your answers" in page.inner_text("#cr-message")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#cr-erase")
        assert "erased" in page.inner_text("#cr-message")
        assert not errors, f"uncaught errors with storage denied: {errors}"
    finally:
        context.close()
