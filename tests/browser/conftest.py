"""Fixtures for the evaluator's browser tests.

The shared fixtures (built_site, site_url, browser, page, artifacts) come from
tests/conftest.py. Here: the evaluator's URL, fresh browser contexts, one
booted evaluator tab shared by the tests of a module (each test leaves it as
it found it: a Pyodide start costs seconds), the page's build-time settings,
and the engine's command line to compare with. Helpers live in
tests/support/evaluator.py.

Set CROSSROADS_SITE_URL to test a site you already serve (for example
`mkdocs serve`) instead of the strict build made for the session.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request

import pytest
from support.evaluator import cli, open_evaluator

EVALUATOR_PATH = "/evaluator/"


@pytest.fixture(scope="session")
def site_root_url(request) -> str:
    """Root URL of the site under test, without a trailing slash."""
    url = os.environ.get("CROSSROADS_SITE_URL")
    if url:
        return url.rstrip("/")
    return request.getfixturevalue("site_url")


@pytest.fixture(scope="session")
def evaluator_url(site_root_url) -> str:
    return site_root_url + EVALUATOR_PATH


@pytest.fixture()
def new_context(browser):
    """Factory of isolated browser contexts (own storage), closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def shared_page(browser, evaluator_url):
    """One booted evaluator tab for the tests of a module that leave it as they found it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = open_evaluator(context, evaluator_url)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def site_config(evaluator_url) -> dict:
    """The evaluator's build-time settings, read from the page (method version, profile…)."""
    with urllib.request.urlopen(evaluator_url, timeout=30) as response:
        html = response.read().decode("utf-8")
    found = re.search(r'<script type="application/json" id="cr-config">(.*?)</script>', html, re.S)
    assert found, f"{evaluator_url} has no evaluator settings (#cr-config)"
    return json.loads(found.group(1))


@pytest.fixture(scope="session")
def cli_assess():
    """`python -m engine assess -` on a document; returns the parsed result."""

    def run(document: dict, profile: str | None) -> dict:
        args = ["assess", "-"] + (["--profile", profile] if profile else [])
        done = cli(*args, stdin=json.dumps(document))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    """The questionnaire as the command line prints it."""
    done = cli("questions")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["questions"]
