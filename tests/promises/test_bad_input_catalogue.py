"""Promise: bad input is refused with a clear message, and the catalogue of
bad inputs we prove that with cannot quietly shrink.

The cases are data:
  * broken method data  - tests/support/catalogue.py (BROKEN_METHOD_CASES: each
    an edit to the mini method and the exact `scenarios/<file>.yaml:<line>:
    <message>` line), run by tests/site/test_broken.py;
  * malformed saved assessments - tests/browser/fixtures/bad/*.json, each
    refused by the evaluator in the browser;
  * arbitrary JSON sent to the engine - tests/engine/test_properties.py
    (hypothesis).
Here we count them, check each is well formed, check with pytest's own
collection that every case is run by a test (not by reading test sources),
and check that the command line refuses every malformed assessment file too,
with one line.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support.catalogue import BROKEN_METHOD_CASES

ROOT = Path(__file__).resolve().parents[2]
BROKEN_DIRS = ROOT / "tests" / "site" / "fixtures" / "broken"
BAD_FILES = ROOT / "tests" / "browser" / "fixtures" / "bad"
MIN_BROKEN_METHODS = 20
MIN_BAD_ASSESSMENTS = 10
LOCATED_LINE = re.compile(r"^scenarios/[\w/-]+\.ya?ml:\d+: \S.*[.?]$")


def _broken_method_cases() -> list[tuple[str, str]]:
    """(name, expected line) for every broken-method case: the catalogue's, and the fixture folders'."""
    cases = [(case[0], case[-1]) for case in BROKEN_METHOD_CASES]
    if BROKEN_DIRS.is_dir():
        for folder in sorted(p for p in BROKEN_DIRS.iterdir() if p.is_dir()):
            expected = folder / "expected.txt"
            cases.append((folder.name, expected.read_text(encoding="utf-8").strip() if expected.exists() else ""))
    return cases


@functools.cache
def collected() -> frozenset[str]:
    """The node ids pytest collects for the suites that run the catalogue (every marker)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "", "-p", "no:randomly", "-p", "no:cacheprovider",
         "tests/browser", "tests/site/test_broken.py", "tests/engine/test_properties.py", "tests/promises/test_storage_denied.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, f"collecting the tests failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    return frozenset(line.strip() for line in run.stdout.splitlines() if "::" in line)


def test_at_least_20_kinds_of_broken_method_data_are_caught():
    cases = _broken_method_cases()
    assert len(cases) >= MIN_BROKEN_METHODS, (
        f"only {len(cases)} broken-method cases in tests/support/catalogue.py; the promise is at least {MIN_BROKEN_METHODS}")
    names = [name for name, _ in cases]
    assert len(set(names)) == len(names), f"case names repeat: {sorted(n for n in names if names.count(n) > 1)}"
    vague = [f"{name}: {expected!r}" for name, expected in cases if not LOCATED_LINE.match(expected or "")]
    assert not vague, "each case must expect one exact 'scenarios/<file>.yaml:<line>: <message>' line:\n  " + "\n  ".join(vague)
    assert len({expected for _, expected in cases}) == len(cases), "two cases expect the same message: one of them proves nothing new"
    run = {node.split("[", 1)[1].rstrip("]") for node in collected() if node.startswith("tests/site/test_broken.py::test_broken[")}
    not_run = sorted(case[0] for case in BROKEN_METHOD_CASES if case[0] not in run)
    assert not not_run, f"catalogued cases that tests/site/test_broken.py::test_broken does not run: {not_run}"


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
    opened = {node.split("[", 1)[1].rstrip("]") for node in collected() if node.startswith("tests/browser/test_evaluator_files.py::test_bad_file_is_refused[")}
    not_opened = sorted(p.name for p in files if p.stem not in opened)
    assert not not_opened, f"malformed files no browser test opens (test_evaluator_files.py::test_bad_file_is_refused): {not_opened}"


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


FUZZED = "tests/engine/test_properties.py::test_engine_handle_always_answers_json"


def test_the_engine_api_is_fuzzed():
    assert FUZZED in collected(), f"{FUZZED} (arbitrary text fed to Engine.handle) is no longer collected"


# --- hostile conditions in the browser (issue 10) ----------------------------------------------
#
# Each case names the browser test that reproduces it (and fails without the
# fix). Cases given as data in the test modules (share links, broken runtime
# files, names of downloads) are counted from there.

BROWSER_TESTS = ROOT / "tests" / "browser"
PROMISE_TESTS = ROOT / "tests" / "promises"
BROWSER_CASES = {
    # item 1: never a stale verdict
    "the worker is closed (self.close()) after a verdict, then an answer changes":
        "browser/test_evaluator_resilience.py::test_closed_worker_result_goes_out_of_date_and_restart_keeps_the_answers",
    "the worker hangs in a busy loop; window.crossroads.evaluate must settle":
        "browser/test_evaluator_resilience.py::test_hung_worker_is_found_by_the_request_timeout",
    "the worker throws an uncaught error (error event)":
        "browser/test_evaluator_resilience.py::test_worker_error_event_stops_the_engine_and_withdraws_the_verdict",
    "restart from the keyboard, announced in the live region":
        "browser/test_evaluator_resilience.py::test_restart_is_keyboard_reachable_and_announced",
    # item 2: reader text in exports
    "script, image and javascript: links, control and bidi characters in the partnership name and note (report, file names)":
        "browser/test_evaluator_xss.py::test_report_and_file_names_are_sanitised_and_markdown_is_inert",
    # item 3: unreadable stored answers
    "a stored record with an option that no longer exists":
        "browser/test_evaluator_storage.py::test_unreadable_record_is_kept_aside_and_never_overwritten",
    "a stored record that is not JSON":
        "browser/test_evaluator_storage.py::test_record_that_is_not_json_is_kept_aside",
    "storage full: the unreadable record cannot be copied aside":
        "browser/test_evaluator_storage.py::test_record_is_held_when_storage_refuses_a_copy",
    "storage that throws on every write":
        "browser/test_evaluator_storage.py::test_storage_that_throws_on_every_write",
    "storage access denied (SecurityError), on every page":
        "promises/test_storage_denied.py::test_every_page_is_quiet_when_storage_is_denied",
    "storage access denied, in the evaluator":
        "promises/test_storage_denied.py::test_the_evaluator_works_when_storage_is_denied",
    # item 4: two tabs
    "two tabs, one without changes of its own":
        "browser/test_evaluator_storage.py::test_a_tab_without_changes_of_its_own_follows_the_other",
    "two tabs, each with changes of its own":
        "browser/test_evaluator_storage.py::test_tabs_with_changes_of_their_own_lose_neither",
    "two tabs: use the other tab's version":
        "browser/test_evaluator_storage.py::test_use_the_other_version",
    "erase in one tab while others are open":
        "browser/test_evaluator_storage.py::test_erase_reaches_every_open_tab",
    "don't store turned on in one tab while others are open":
        "browser/test_evaluator_storage.py::test_dont_store_reaches_every_open_tab",
    # item 5: share links
    "notes that make a link too long uncompressed":
        "browser/test_evaluator_links.py::test_long_link_is_compressed_and_opens",
    "notes that make a link too long even compressed":
        "browser/test_evaluator_links.py::test_link_too_long_even_compressed_is_not_offered",
    "a deflate bomb in a share link":
        "browser/test_evaluator_links.py::test_deflate_bomb_is_refused_with_its_reason",
    # item 10: failure messages
    "a runtime file missing, damaged or blocked":
        "browser/test_evaluator_failures.py::test_failure_names_the_file_in_plain_words",
}
MIN_BROWSER_CASES = 40


def _module_data(path: Path, name: str):
    """A module-level constant of a test module, read without importing it (no browser needed)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    raise AssertionError(f"{path.name} defines no {name}")


def test_every_hostile_browser_case_has_its_test():
    tests = {node.split("[", 1)[0] for node in collected()}
    missing = [f"{case}: {where}" for case, where in BROWSER_CASES.items() if f"tests/{where}" not in tests]
    assert not missing, "catalogued cases whose test is no longer collected:\n  " + "\n  ".join(missing)


def test_at_least_40_hostile_browser_cases_are_covered():
    import ast

    links = _module_data(BROWSER_TESTS / "test_evaluator_links.py", "HOSTILE_LINKS")
    link_cases = [ast.literal_eval(k) for k in links.keys]
    names = _module_data(BROWSER_TESTS / "test_evaluator_xss.py", "HOSTILE_NAMES").elts
    files = ast.literal_eval(_module_data(BROWSER_TESTS / "test_evaluator_failures.py", "FILES"))
    source = (BROWSER_TESTS / "test_evaluator_failures.py").read_text(encoding="utf-8")
    assert '(f, "missing") for f in FILES' in source and '(f, "damaged") for f in FILES' in source, \
        "every runtime file should be tried missing and damaged"
    for runtime in ("worker.js", "engine.tar.gz", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.mjs", "pyodide.asm.mjs", "pyodide-lock.json"):
        assert runtime in files, f"{runtime} is no longer tried broken"
    assert len(link_cases) >= 8, f"only {len(link_cases)} hostile share links"
    assert len(names) >= 6, f"only {len(names)} hostile partnership names"
    total = len(BROWSER_CASES) + len(link_cases) + len(names) + 2 * len(files)
    assert total >= MIN_BROWSER_CASES, f"only {total} hostile browser cases; the promise is at least {MIN_BROWSER_CASES}"
