"""The case library: documented partnerships the method is calibrated on.

Each file in `scenarios/cases/` holds one case: the story and its sources,
the answers an officer could have given before the outcome (a saved
assessment the engine reads), what happened, and the band of
recommendations the result must fall in, optionally again after the
safeguards the city took or could have taken. `load_cases` checks every
file with `file:line` errors; `calibrate` runs them through the evaluator.
Build time and CLI only (reads YAML through `source`).
"""

from __future__ import annotations

import os
import re

from .errors import InputError, MethodError, Problem
from .evaluate import check_request, evaluate
from .model import Method
from .schema import ListOf, OneOf, Record, Spec, Text, describe_value

KINDS = ("ordinary", "national-intervention", "ended", "suspended", "democracies")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")


class _Mapping(Spec):
    """Any mapping; its content is checked by the evaluator's own request check."""

    def check(self, value, path, out):
        if not isinstance(value, dict):
            out.append(Problem(path, f"expected a mapping, got {describe_value(value)}."))


_band = Record({"lowest": Text(40), "highest": Text(40)})

CASE_SCHEMA = Record(
    {
        "case": Record(
            {
                "id": Text(80),
                "title": Text(200),
                "cities": ListOf(Text(120), min_items=1),
                "years": Text(40),
                "kind": ListOf(OneOf(*KINDS), min_items=1),
                "sources": ListOf(
                    Record({"title": Text(300), "publisher": Text(200), "date": Text(20), "url": Text(500)}),
                    min_items=2,
                ),
                "story": Text(),
                "known_before": Text(),
                "assessment": _Mapping(),
                "outcome": Text(),
                "expected": _band,
                "reasoning": Text(),
            },
            {
                "after_safeguards": Record(
                    {"label": Text(200), "answers": _Mapping(), "expected": _band, "reasoning": Text()}
                ),
            },
        )
    }
)


def _check_case(method: Method, case: dict, stem: str, out: list[Problem]) -> None:
    base = ("case",)
    if case["id"] != stem:
        out.append(Problem(base + ("id",), f"the case id must match its file name: expected '{stem}', got '{case['id']}'."))
    if not _ID.match(case["id"]):
        out.append(Problem(base + ("id",), f"case id '{case['id']}' must be lowercase words joined by hyphens."))
    if len(case["sources"]) > 4:
        out.append(Problem(base + ("sources",), f"a case cites 2 to 4 sources, got {len(case['sources'])}; keep the most authoritative."))
    for i, source in enumerate(case["sources"]):
        if not _DATE.match(source["date"]):
            out.append(Problem(base + ("sources", i, "date"), f"dates are written YYYY, YYYY-MM or YYYY-MM-DD, got '{source['date']}'."))
        if not source["url"].startswith("https://") and not source["url"].startswith("http://"):
            out.append(Problem(base + ("sources", i, "url"), f"a source address starts with https:// or http://, got '{source['url']}'."))
    recs = [r["id"] for r in method.recommendations]
    bands = [(base + ("expected",), case["expected"])]
    if "after_safeguards" in case:
        bands.append((base + ("after_safeguards", "expected"), case["after_safeguards"]["expected"]))
    for path, band in bands:
        ok = True
        for key in ("lowest", "highest"):
            if band[key] not in recs:
                out.append(Problem(path + (key,), f"unknown recommendation '{band[key]}'; expected one of: {', '.join(recs)}."))
                ok = False
        if ok and recs.index(band["lowest"]) > recs.index(band["highest"]):
            out.append(Problem(path, f"the band runs from '{band['lowest']}' to '{band['highest']}', which is upside down; 'lowest' is the milder one."))
    for path, request in case_requests(case):
        try:
            checked = check_request(method, request)
        except InputError as error:
            question = getattr(error, "question", None)
            where = path + (((error.question,) if path[-1] == "answers" else ("answers", error.question)) if question else ())
            out.append(Problem(where, f"not a valid assessment: {error.message}"))
            continue
        if checked["answers"].get("stage") is None:
            out.append(Problem(path, "a case must answer every screen question, and 'stage' is missing."))
        missing = [qid for qid in method.screen if qid not in checked["answers"]]
        if missing:
            out.append(Problem(path, f"a case must answer every screen question; missing: {', '.join(missing)}."))


def case_requests(case: dict):
    """The assessment(s) of a case: (path, request) before and after safeguards."""
    request = case["assessment"]
    yield ("case", "assessment"), request
    after = case.get("after_safeguards")
    if after is not None and isinstance(request.get("answers"), dict):
        merged = dict(request, answers={**request["answers"], **after["answers"]})
        yield ("case", "after_safeguards", "answers"), merged


def load_cases(method: Method, folder: str, display_root: str | None = None) -> list[dict]:
    """Read and check every case file of `folder`; raise MethodError with file:line on any problem."""
    from .source import Located, SourceError, load_yaml_file

    display_root = display_root if display_root is not None else os.path.basename(os.path.normpath(folder))
    if not os.path.exists(folder):
        return []
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise SourceError([(display_root, 1, Problem((), f"cannot read the case folder: {error.strerror or 'not a readable folder'}."))]) from None
    rows = []
    cases = []
    for name in names:
        if not name.endswith((".yaml", ".yml")):
            continue
        display = f"{display_root}/{name}"
        located = Located()
        problems: list = []
        content = load_yaml_file(os.path.join(folder, name), display, located, problems=problems)
        rows.extend(problems)
        if content is None or problems:
            continue
        found: list[Problem] = []
        CASE_SCHEMA.check(content, (), found)
        if not found:
            _check_case(method, content["case"], name.rsplit(".", 1)[0], found)
        for problem in found:
            where = located(problem.path) or (display, 1)
            rows.append((where[0], where[1], problem))
        if not found:
            cases.append(dict(content["case"], file=display))
    if rows:
        raise SourceError(rows)
    return cases


def default_cases_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios", "cases")


def run_case(method: Method, case: dict) -> dict:
    """The evaluator's result for a case, before and (if given) after safeguards, with the band checks."""
    rank = method.rec_rank
    out = {"id": case["id"], "title": case["title"], "runs": []}
    for path, request in case_requests(case):
        checked = check_request(method, request)
        result = evaluate(method, checked["answers"], checked["profile"])
        band = case["expected"] if path[1] == "assessment" else case["after_safeguards"]["expected"]
        got = result["overall"]["recommendation"]
        inside = got is not None and rank[band["lowest"]] <= rank[got] <= rank[band["highest"]]
        out["runs"].append({"when": "before" if path[1] == "assessment" else "after", "expected": band,
                            "recommendation": got, "level": result["overall"]["level"], "in_band": inside, "result": result})
    return out


def calibrate(method: Method, cases: list[dict]) -> list[dict]:
    """Run every case; each entry holds its runs and whether they are in band."""
    return [run_case(method, case) for case in cases]


def calibration_table(method: Method, runs: list[dict]) -> str:
    """A plain-text table of the calibration, one line per run (for tests and the CLI)."""
    labels = {r["id"]: r["label"] for r in method.recommendations}
    lines = [f"{'case':44} {'when':6} {'expected':52} {'result':30} ok"]
    for entry in runs:
        for run in entry["runs"]:
            band = f"{labels[run['expected']['lowest']]} .. {labels[run['expected']['highest']]}"
            got = labels.get(run["recommendation"], "(no verdict)")
            lines.append(f"{entry['id'][:44]:44} {run['when']:6} {band:52} {got:30} {'yes' if run['in_band'] else 'NO'}")
    return "\n".join(lines)


__all__ = ["CASE_SCHEMA", "KINDS", "MethodError", "calibrate", "calibration_table", "case_requests", "default_cases_dir", "load_cases", "run_case"]
