"""Fixtures for the evaluator's browser tests.

The shared fixtures (built_site, site_url, browser, page, artifacts) come from
tests/conftest.py. Here: the evaluator's URL, a recorder of every request a
browser context makes, one booted evaluator page shared by the tests of a
module that do not change its state, and the command-line engine to compare
with.

Set CROSSROADS_SITE_URL to test a site you already serve (for example
`mkdocs serve`) instead of the strict build made for the session.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from evaluator_support import cli, open_evaluator

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EVALUATOR_PATH = "/evaluator/"


@pytest.fixture(scope="session")
def base_url(request) -> str:
    """Root URL of the site under test, without a trailing slash."""
    url = os.environ.get("CROSSROADS_SITE_URL")
    if url:
        return url.rstrip("/")
    return request.getfixturevalue("site_url")


@pytest.fixture(scope="session")
def evaluator_url(base_url) -> str:
    return base_url + EVALUATOR_PATH


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
def site_config(browser, evaluator_url) -> dict:
    """The evaluator's build-time settings, read from the page (method version, profile…)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(evaluator_url)
    config = json.loads(tab.text_content("#cr-config"))
    context.close()
    return config


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
