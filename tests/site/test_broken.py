"""Broken method data or case files stop the build before any page is
written, with one `scenarios/<file>.yaml:<line>: <message>` line per problem
(the file and line, what is wrong, and the fix).

Each case is the mini method (tests/site/fixtures/mini/, with its two case
files in cases/) with one edit; the expected line is the engine's message for
that defect, asserted exactly. The cases go through MkDocs' own
`load_config` and the plugin's `on_config`, in this process; three real
`mkdocs build` runs show that a user sees the same lines, that the build stops
before any page is written, and that no traceback is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.catalogue import A_CASE, B_CASE, BROKEN_METHOD_CASES
from support.site import ROOT as REPO, build, config_problems, make_site, output_lines

CASES = BROKEN_METHOD_CASES


METHOD_HEADER = "The method in 'scenarios' has {} problem(s); fix them and build again:"
CASES_HEADER = "The case library in 'scenarios/cases' has {} problem(s); fix them and build again:"


@pytest.mark.parametrize("name, file, old, new, expected", CASES, ids=[case[0] for case in CASES])
def test_broken(tmp_path, name, file, old, new, expected):
    make_site(tmp_path, method_edits=[(file, old, new)])
    lines = config_problems(tmp_path)
    assert lines[0] in (METHOD_HEADER.format(len(lines) - 1), CASES_HEADER.format(len(lines) - 1)), lines
    assert expected in lines[1:], "expected line not given; the plugin said:\n" + "\n".join(lines)


def test_every_problem_is_listed(tmp_path):
    """Two independent defects: both lines, in file order, under one header."""
    make_site(tmp_path, method_edits=[
        ("matrix.yaml", '    summary: "What happens in beta."\n', ""),
        ("scoring.yaml", "  safeguard_steps:\n    likelihood:\n      - {steps: 1, min_points: 2}\n", '  safeguard_steps:\n    likelihood:\n      - {steps: 1, min_points: "two"}\n'),
    ])
    assert config_problems(tmp_path) == [
        METHOD_HEADER.format(2),
        "scenarios/matrix.yaml:28: scenarios[1]: missing required key 'summary'; add it.",
        "scenarios/scoring.yaml:28: scoring.safeguard_steps.likelihood[0].min_points: expected a whole number, got the text 'two'.",
    ]


def test_bad_answer_after_safeguards_names_its_line(tmp_path):
    """An invalid answer in `after_safeguards` points at its own line of the case file."""
    make_site(tmp_path, method_edits=[(B_CASE, 'answers: {sg_gov: "yes"}', 'answers: {sg_gov: "yess"}')])
    lines = [line for line in config_problems(tmp_path) if line.startswith("scenarios/")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("scenarios/cases/beta-port-deal.yaml:32: case.after_safeguards.answers")
    assert lines[0].endswith("not a valid assessment: question 'sg_gov': 'yess' is not an option; allowed values: no, planned, yes.")


def test_a_method_problem_comes_before_the_cases(tmp_path):
    """When the method itself is broken, its lines are given and the cases are not read against it."""
    make_site(tmp_path, method_edits=[
        ("matrix.yaml", '    summary: "What happens in beta."\n', ""),
        (A_CASE, 'id: "alpha-school-exchange"', 'id: "alpha-school"'),
    ])
    lines = config_problems(tmp_path)
    assert "scenarios/matrix.yaml:28: scenarios[1]: missing required key 'summary'; add it." in lines
    assert not any("case library" in line for line in lines)


# -- end to end: `mkdocs build` as a user runs it ----------------------------------

def test_a_broken_method_stops_the_build(tmp_path):
    """The exit code, the line as printed, and no page written."""
    name, file, old, new, expected = CASES[0]
    make_site(tmp_path, method_edits=[(file, old, new)])
    result = build(tmp_path)
    lines = output_lines(result)
    assert result.returncode != 0, f"the build of '{name}' succeeded"
    assert expected in lines, "expected line not printed; the build said:\n" + "\n".join(lines)
    assert not (tmp_path / "site" / "index.html").exists(), "a page was written before the method was checked"


def test_every_case_problem_is_listed(tmp_path):
    """Problems in two case files: one header for the case library, then each line, in file order."""
    make_site(tmp_path, method_edits=[
        (B_CASE, 'expected: {lowest: "pause", highest: "pause"}', 'expected: {lowest: "paus", highest: "pause"}'),
        (A_CASE, 'id: "alpha-school-exchange"', 'id: "alpha-school"'),
    ])
    result = build(tmp_path)
    lines = output_lines(result)
    assert result.returncode != 0
    header = [line for line in lines if "The case library in 'scenarios/cases' has" in line]
    assert header and header[0].endswith(CASES_HEADER.format(2))
    start = lines.index(header[0])
    assert lines[start + 1: start + 3] == [
        "scenarios/cases/alpha-school-exchange.yaml:3: case.id: the case id must match its file name: expected 'alpha-school-exchange', got 'alpha-school'.",
        "scenarios/cases/beta-port-deal.yaml:27: case.expected.lowest: unknown recommendation 'paus'; expected one of: proceed, careful, pause, stop.",
    ]
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_dangling_link_in_the_method_folder_is_named_not_a_traceback(tmp_path):
    """The plugin's change watcher stats every method file: a dangling link must reach the loader's own message."""
    make_site(tmp_path)
    (tmp_path / "scenarios" / "zz.yaml").symlink_to(tmp_path / "scenarios" / "missing-target.yaml")
    completed = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "out")],
                               cwd=tmp_path, capture_output=True, text=True, timeout=300,
                               env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO)))
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    assert "scenarios/zz.yaml: cannot read the file" in completed.stderr
