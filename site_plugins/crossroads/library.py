"""The case library on the site: each case's runs through the evaluator, the
assessments its pages open in the evaluator (share links), and the views of a
case and of the whole library that the case pages, the cases list and the
calibration table show.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from collections.abc import Mapping

from . import buildcache
from .links import Links
from .queries import RenderError


_LONE_SURROGATE = re.compile(r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_SURROGATE_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")


def share_code(document) -> str:
    """The code the evaluator puts after `#a=` in a share link, for this assessment.

    Mirrors `encodeFragment` in assets/evaluator/evaluator.js: `JSON.stringify`
    (no spaces, keys in order, non-ASCII kept, lone surrogates escaped as
    \\uXXXX), encoded as UTF-8, then base64url without padding.
    """
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    text = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def case_documents(method, case) -> dict[str, dict]:
    """The assessment(s) of a case as the evaluator opens them: {"before": ..., "after": ...}.

    Each is the case's saved assessment as the engine reads it (a case written
    for an earlier method version is carried over), saved again with this
    method's version, so that the evaluator of this copy opens it as it is.
    """
    from engine.cases import case_requests
    from engine.evaluate import check_request

    documents = {}
    for path, request in case_requests(case):
        checked = check_request(method, request)
        document = {"format": "crossroads-assessment", "method_version": method.version}
        if checked["profile"] is not None:
            document["profile"] = checked["profile"]
        if checked["partnership"]:
            document["partnership"] = checked["partnership"]
        document["answers"] = checked["answers"]
        if checked["notes"]:
            document["notes"] = checked["notes"]
        documents["before" if path[1] == "assessment" else "after"] = document
    return documents


@dataclass(frozen=True)
class Library:
    """The case library: the cases in file order, each one's runs through the evaluator, and
    whether this copy has an evaluator to open them in."""

    cases: tuple = ()
    runs: Mapping[str, dict] = field(default_factory=dict)
    evaluator: bool = True
    folder: str = "scenarios/cases"
    # What each case's view holds whatever the page (case_view): worked out once per build.
    views: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, method, cases, evaluator: bool = True, folder: str = "scenarios/cases", inputs: bytes = b"") -> Library:
        """Run every case through the evaluator; with `inputs` (a digest of the method, the cases
        and the engine: handbook.render_inputs), the runs are kept between builds."""
        from engine.cases import run_case

        def runs() -> dict:
            return {case["id"]: run_case(method, case) for case in cases}

        if inputs:
            # The evaluator's results are JSON by design (the command line prints them).
            kept = buildcache.cached("case-runs", inputs, lambda _key: json.dumps(runs(), ensure_ascii=False).encode("utf-8"))
            return cls(tuple(cases), json.loads(kept), evaluator, folder)
        return cls(tuple(cases), runs(), evaluator, folder)

    def case(self, case_id: str) -> dict:
        for case in self.cases:
            if case["id"] == case_id:
                return case
        raise RenderError(f"unknown case '{case_id}'.")

    def out_of_band(self) -> list[str]:
        """One line per run outside its band: `file: the case 'id' (before safeguards) gives X, outside A .. B`."""
        lines = []
        for case in self.cases:
            for run in self.runs[case["id"]]["runs"]:
                if not run["in_band"]:
                    band = run["expected"]
                    lines.append(f"{case['file']}: the case '{case['id']}' ({run['when']} safeguards) gives {run['recommendation']}, "
                                 f"outside its band {band['lowest']} .. {band['highest']}")
        return lines


def _first_sentence(text: str, limit: int = 220) -> str:
    """The first sentence of a text, cut at a word near `limit` characters."""
    text = " ".join(str(text).split())
    first = text
    for match in re.finditer(r"(?<=[a-z0-9)”\"][.!?])\s+(?=[A-Z0-9“\"(])", text):
        if match.start() >= 60:
            first = text[: match.start()]
            break
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


def answer_rows(method, answers: Mapping) -> list[dict]:
    """Answers grouped by questionnaire section: each question's short text and the chosen options."""
    sections = []
    for section in method.sections:
        rows = []
        for question in method.questions:
            if question["section"] != section["id"] or answers.get(question["id"]) is None:
                continue
            value = answers[question["id"]]
            values = value if isinstance(value, list) else [value]
            options = method.option_by_value[question["id"]]
            chosen = [options[v] for v in values if v in options]
            rows.append({"question": question, "options": chosen, "unknown": any(o.get("unknown") for o in chosen)})
        if rows:
            sections.append({"section": section, "rows": rows})
    return sections


def run_view(method, case, run, codes: Mapping[str, str], links: Links, library: Library) -> dict:
    """One run of a case (before or after safeguards), ready for the templates; `codes`: each run's share code."""
    result = run["result"]
    evaluator = links.home("evaluator") if library.evaluator else None
    href = None
    if evaluator and links.url(evaluator) is not None:
        href = links.url(evaluator) + "#a=" + codes[run["when"]]
    return {
        "when": run["when"],
        "expected": run["expected"],
        "in_band": run["in_band"],
        "recommendation": run["recommendation"],
        "level": run["level"],
        "result": result,
        "first": [a for a in result["actions"] if a.get("first")],
        "open": href,
    }


def _case_parts(method, case) -> dict:
    """The parts of a case's view that do not depend on the page showing it."""
    documents = case_documents(method, case)
    before_answers = documents["before"]["answers"]
    after = case.get("after_safeguards")
    changes = []
    if after is not None:
        for qid, value in after["answers"].items():
            question = method.question_by_id[qid]
            options = method.option_by_value[qid]

            def labels(v, options=options):
                vs = v if isinstance(v, list) else ([] if v is None else [v])
                return [options[x]["label"] for x in vs if x in options]

            changes.append({"question": question, "before": labels(before_answers.get(qid)), "after": labels(value)})
    return {"codes": {when: share_code(document) for when, document in documents.items()},
            "answers": answer_rows(method, before_answers), "changes": changes, "short_outcome": _first_sentence(case["outcome"])}


def case_view(method, case, links: Links, library: Library) -> dict:
    """A case ready for the templates of the page at `links`: its case page, the cases list and the
    calibration table show each case, so what does not depend on the page is worked out once."""
    kept = library.views.get(case["id"])
    if kept is None or kept[0] is not method or kept[1] is not case:
        kept = library.views[case["id"]] = (method, case, _case_parts(method, case))
    parts = kept[2]
    runs = {run["when"]: run_view(method, case, run, parts["codes"], links, library) for run in library.runs[case["id"]]["runs"]}
    return {"case": case, "runs": runs, "answers": parts["answers"], "changes": parts["changes"], "short_outcome": parts["short_outcome"]}


def calibration_summary(method, library: Library) -> dict:
    """How many cases and runs, how many in band, and the recommendations before and after safeguards."""
    counts = {"before": {r["id"]: 0 for r in method.recommendations}, "after": {r["id"]: 0 for r in method.recommendations}}
    none = {"before": 0, "after": 0}
    runs = in_band = 0
    for case in library.cases:
        for run in library.runs[case["id"]]["runs"]:
            runs += 1
            in_band += bool(run["in_band"])
            if run["recommendation"] is None:
                none[run["when"]] += 1
            else:
                counts[run["when"]][run["recommendation"]] += 1
    after_cases = sum(1 for case in library.cases if "after_safeguards" in case)
    return {"cases": len(library.cases), "runs": runs, "in_band": in_band, "counts": counts, "none": none,
            "before_runs": len(library.cases), "after_runs": after_cases}
