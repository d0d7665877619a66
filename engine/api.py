"""JSON in, JSON out: the one surface the browser worker and the CLI share.

Strings cross the boundary, never live objects, so CPython and Pyodide give
identical bytes for the same input.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import NamedTuple

from .errors import InputError, RequestError, quote
from .evaluate import _describe, add_months, check_request, evaluate
from .model import Method, compile_method

# An assessment nests a few levels (message > request > answers > list). Deeper
# input is refused before parsing: the C parser recurses once per level, and in
# Pyodide a few thousand levels exhaust the JavaScript stack and kill the runtime.
MAX_DEPTH = 32
# The largest input read, as in the browser (which refuses larger files before
# reading them): an assessment with every note at its longest is far smaller.
MAX_INPUT_BYTES = 2 * 1024 * 1024
TOO_LARGE = "the input is larger than 2 MiB, far larger than any Crossroads assessment."
TOO_DEEP = f"the input nests lists and objects more than {MAX_DEPTH} levels deep; an assessment needs only a few levels."
# A JSON string, or the rest of the text after a '"' that is never closed: the
# closing quote is optional, so a match never fails once it has started and no
# position is scanned twice (one pass, linear in the length of the text).
_STRING_OR_REST = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SPACE = " \t\n\r"


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest more than MAX_DEPTH deep, in one linear pass."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING_OR_REST.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


def _trailing_comma(text: str, pos: int):
    """Position of a comma right before '}' or ']' at a parse error, else None.

    Python 3.13 reports it as 'Illegal trailing comma', 3.11 as 'Expecting ...'
    at the bracket; naming it the same way keeps CPython and Pyodide identical."""
    if pos < len(text) and text[pos] == ",":
        after = pos + 1
        while after < len(text) and text[after] in _SPACE:
            after += 1
        if after < len(text) and text[after] in "]}":
            return pos, text[after]
    if pos < len(text) and text[pos] in "]}":
        before = pos - 1
        while before >= 0 and text[before] in _SPACE:
            before -= 1
        if before >= 0 and text[before] == ",":
            return before, text[pos]
    return None


def parse_json(text: str, limit: int = MAX_INPUT_BYTES, too_large: str = TOO_LARGE):
    """Parse JSON text of at most `limit` characters (else RequestError(too_large)); raises RequestError."""
    if not isinstance(text, str):
        raise RequestError("the input must be JSON text.")
    if len(text) > limit:
        raise RequestError(too_large)
    if _too_deep(text):
        raise RequestError(TOO_DEEP)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        pos, line, column, message = error.pos, error.lineno, error.colno, error.msg
        comma = _trailing_comma(error.doc, error.pos)
        if comma is not None:
            pos = comma[0]
            line = error.doc.count("\n", 0, pos) + 1
            column = pos - error.doc.rfind("\n", 0, pos)
            message = f"Illegal trailing comma before end of {'object' if comma[1] == '}' else 'array'}"
        raise RequestError(f"the input is not valid JSON at line {line}, column {column}: {message}.") from None
    except RecursionError:
        raise RequestError(TOO_DEEP) from None
    except ValueError:
        # The only other ValueError json.loads raises: an integer longer than Python converts.
        raise RequestError("the input is not valid JSON for an assessment: a number in it has too many digits.") from None


def questions_document(method: Method) -> dict:
    """The questionnaire as the CLI prints it: ids, texts, types and options."""
    items = []
    for question in method.questions:
        item = {
            "id": question["id"],
            "section": question["section"],
            "kind": question["kind"],
            "type": question["type"],
            "text": question["text"],
            "help": question["help"],
            "options": [
                dict({"value": o["value"], "label": o["label"]},
                     **{flag: True for flag in ("exclusive", "unknown") if o.get(flag)})
                for o in question["options"]
            ],
        }
        if question.get("screen"):
            item["screen"] = True
        if question.get("ask"):
            item["ask"] = list(question["ask"])
        if "show_if" in question:
            item["show_if"] = question["show_if"]
        items.append(item)
    return {"method_version": method.version, "questions": items}


def review(method: Method, level: str, decision: dict | None = None) -> dict:
    """When to assess again: {"months": N} for the overall level (scoring.review_months),
    and "default": the decision's date plus N months when the record has a date."""
    months = method.review_months[level]
    out = {"months": months}
    if decision and decision.get("date"):
        out["default"] = add_months(decision["date"], months)
    return out


def decision_record(method: Method, decision: dict, recommendation: str | None) -> dict:
    """The checked decision record with "differs": whether the decision recorded is
    not the one that matches the recommendation (false while either is missing)."""
    matching = next((d["id"] for d in method.decisions if d["matches"] == recommendation), None)
    recorded = decision.get("decision")
    return dict(decision, differs=bool(recorded and matching and recorded != matching))


def run(method: Method, checked: dict) -> dict:
    """Evaluate a checked request; say in the result when it was carried over from an
    older method version; add when to review it and, when recorded, the decision."""
    result = evaluate(method, checked["answers"], checked["profile"])
    if "migrated_from" in checked:
        result["migrated_from"] = checked["migrated_from"]
        result["migration"] = list(checked["migration"])
    decision = checked.get("decision")
    result["review"] = review(method, result["overall"]["level"], decision)
    if decision:
        result["decision"] = decision_record(method, decision, result["overall"]["recommendation"])
    return result


class Assessment(NamedTuple):
    """An assessment document checked and scored: `request` is the checked
    document (answers, profile, partnership, notes, and where it was carried
    over from), `result` the result dict."""

    request: dict
    result: dict


def check(method: Method, request, default_profile: str | None = None) -> dict:
    """Check a parsed assessment document and return its checked form (see
    `evaluate.check_request`); raises InputError.

    The one rule for the country profile, used by the CLI, the JSON API and
    the browser worker alike: a document that has a "profile" key keeps it (a
    country id names that profile, null means none), and only a document
    without the key takes `default_profile` (the CLI's --profile, the site's
    country). A profile the document names therefore wins over the default.
    No default (None, or an empty value) leaves the document as it is.
    """
    if default_profile and isinstance(request, dict) and "profile" not in request:
        request = dict(request, profile=default_profile)
    return check_request(method, request)


def assessment(method: Method, request, default_profile: str | None = None) -> Assessment:
    """Check and score a parsed assessment document (profile rule: see `check`); raises InputError."""
    checked = check(method, request, default_profile)
    return Assessment(checked, run(method, checked))


def assess(method: Method, request, default_profile: str | None = None) -> dict:
    """The result dict for a parsed assessment document (profile rule: see `check`); raises InputError."""
    return assessment(method, request, default_profile).result


def assess_json(method: Method, request_text: str) -> str:
    """Assessment JSON text in, result JSON text out; raises InputError."""
    return dumps(assess(method, parse_json(request_text)))


class Engine:
    """A loaded method that answers JSON messages; used by the browser worker.

    `handle(text)` takes {"op": "assess" | "check" | "questions", ...} and always
    returns a JSON string: {"ok": true, "result": ...} or {"ok": false, "error": {...}}.
    `profile` is the default country profile of "assess" and "check" (see `check`).
    """

    def __init__(self, method_json: str, profile: str | None = None):
        self.method = compile_method(json.loads(method_json))
        self.profile = profile

    def handle(self, text: str) -> str:
        try:
            message = parse_json(text)
            if not isinstance(message, dict):
                raise RequestError("a message must be a JSON object with an 'op' key.")
            op = message.get("op")
            if op == "questions":
                return dumps({"ok": True, "result": questions_document(self.method)})
            if not isinstance(op, str):
                raise RequestError(f"a message needs 'op' set to 'assess', 'check' or 'questions', got {_describe(op)}.")
            if op not in ("assess", "check"):
                raise RequestError(f"unknown operation {quote(op)}; expected 'assess', 'check' or 'questions'.")
            request = message.get("request")
            if op == "check":
                return dumps({"ok": True, "result": check(self.method, request, self.profile)})
            return dumps({"ok": True, "result": assess(self.method, request, self.profile)})
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})
