"""Promise: bad input is refused with a clear message, and the catalogue of
bad inputs we prove that with cannot quietly shrink.

The cases themselves live with the code they test:
  * broken method data  - tests/site/test_broken.py (CASES: each an edit to the
    mini method and the exact `scenarios/<file>.yaml:<line>: <message>` line);
  * malformed saved assessments - tests/browser/fixtures/bad/*.json, each
    refused by the evaluator in the browser;
  * arbitrary JSON sent to the engine - tests/engine/test_properties.py
    (hypothesis).
Here we count them, check each is well formed, and check that the command
line refuses every malformed assessment file too, with one line.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN_TESTS = ROOT / "tests" / "site" / "test_broken.py"
BROKEN_DIRS = ROOT / "tests" / "site" / "fixtures" / "broken"
BAD_FILES = ROOT / "tests" / "browser" / "fixtures" / "bad"
PROPERTY_TESTS = ROOT / "tests" / "engine" / "test_properties.py"
MIN_BROKEN_METHODS = 20
MIN_BAD_ASSESSMENTS = 10
LOCATED_LINE = re.compile(r"^scenarios/[\w/-]+\.ya?ml:\d+: \S.*[.?]$")


def _broken_method_cases() -> list[tuple[str, str]]:
    """(name, expected line) for every broken-method case, from CASES or fixture folders."""
    cases = []
    if BROKEN_TESTS.exists():
        sys.path.insert(0, str(BROKEN_TESTS.parent))
        try:
            spec = importlib.util.spec_from_file_location("crossroads_promises_broken_cases", BROKEN_TESTS)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(BROKEN_TESTS.parent))
        for case in getattr(module, "CASES", []):
            cases.append((case[0], case[-1]))
    if BROKEN_DIRS.is_dir():
        for folder in sorted(p for p in BROKEN_DIRS.iterdir() if p.is_dir()):
            expected = folder / "expected.txt"
            cases.append((folder.name, expected.read_text(encoding="utf-8").strip() if expected.exists() else ""))
    return cases


def test_at_least_20_kinds_of_broken_method_data_are_caught():
    cases = _broken_method_cases()
    assert len(cases) >= MIN_BROKEN_METHODS, (
        f"only {len(cases)} broken-method cases in {BROKEN_TESTS.relative_to(ROOT)}; the promise is at least {MIN_BROKEN_METHODS}")
    names = [name for name, _ in cases]
    assert len(set(names)) == len(names), f"case names repeat: {sorted(n for n in names if names.count(n) > 1)}"
    vague = [f"{name}: {expected!r}" for name, expected in cases if not LOCATED_LINE.match(expected or "")]
    assert not vague, "each case must expect one exact 'scenarios/<file>.yaml:<line>: <message>' line:\n  " + "\n  ".join(vague)
    assert len({expected for _, expected in cases}) == len(cases), "two cases expect the same message: one of them proves nothing new"
    source = BROKEN_TESTS.read_text(encoding="utf-8")
    assert "@pytest.mark.parametrize" in source and "expected in lines" in source, (
        "tests/site/test_broken.py should run every case and compare the printed line exactly")


def _bad_files() -> list[Path]:
    return sorted(p for p in BAD_FILES.glob("*") if p.is_file() and p.name.lower() != "readme.md")


def test_at_least_10_malformed_assessment_files_are_refused_in_the_browser():
    files = _bad_files()
    assert len(files) >= MIN_BAD_ASSESSMENTS, (
        f"only {len(files)} malformed assessment files in {BAD_FILES.relative_to(ROOT)}; the promise is at least {MIN_BAD_ASSESSMENTS}")
    readme = BAD_FILES / "README.md"
    assert readme.exists(), "tests/browser/fixtures/bad/README.md should say what is wrong with each file"
    listed = set(re.findall(r"`([^`]+\.json)`", readme.read_text(encoding="utf-8")))
    unlisted = sorted(p.name for p in files if p.name not in listed)
    assert not unlisted, f"files not described in the README: {unlisted}"
    gone = sorted(name for name in listed if not (BAD_FILES / name).exists())
    assert not gone, f"the README describes files that are not there: {gone}"
    users = [p for p in (ROOT / "tests" / "browser").glob("test_*.py") if "fixtures" in p.read_text(encoding="utf-8") and "bad" in p.read_text(encoding="utf-8")]
    assert users, "no browser test opens the files in tests/browser/fixtures/bad/"


@pytest.mark.parametrize("path", _bad_files(), ids=lambda p: p.name)
def test_the_command_line_refuses_each_malformed_file_with_one_line(path):
    from engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["assess", str(path)])
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    assert code != 0, f"{path.name} was accepted: {out.getvalue()[:200]}"
    assert out.getvalue() == "", f"{path.name}: a result was printed although the file was refused"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{path.name}: expected one 'error: ...' line, got {lines}"
    assert len(lines[0]) < 400, f"{path.name}: the message is too long to read: {lines[0][:120]}..."
    assert "Traceback" not in err.getvalue()


def test_the_engine_api_is_fuzzed():
    assert PROPERTY_TESTS.exists(), f"{PROPERTY_TESTS.relative_to(ROOT)} is missing"
    source = PROPERTY_TESTS.read_text(encoding="utf-8")
    assert "from hypothesis import" in source
    fuzzed = re.findall(r"@given\(", source)
    assert len(fuzzed) >= 3, f"only {len(fuzzed)} property tests in {PROPERTY_TESTS.name}"
    assert "handle(" in source, "the JSON message entry point (Engine.handle) should be fed arbitrary text"
