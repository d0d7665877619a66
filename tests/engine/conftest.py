"""Fixtures of the engine tests (the shared `repo_root` and `method` come from tests/conftest.py)."""

from __future__ import annotations

import copy

import pytest

from support.engine import cli


@pytest.fixture()
def method_data(method) -> dict:
    """A private deep copy of the real method as data, for tests that break it."""
    return copy.deepcopy(method.data)


@pytest.fixture(scope="session")
def method_json_path(tmp_path_factory):
    """The compiled method as the browser loads it: `python -m engine compile`."""
    out = tmp_path_factory.mktemp("method") / "method.json"
    completed = cli("compile")
    assert completed.returncode == 0, completed.stderr
    out.write_text(completed.stdout, encoding="utf-8")
    return out
