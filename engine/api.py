"""JSON in, JSON out: the one surface the browser worker and the CLI share.

Strings cross the boundary, never live objects, so CPython and Pyodide give
identical bytes for the same input.
"""

from __future__ import annotations

import json

from .errors import InputError, RequestError
from .evaluate import check_request, evaluate
from .model import Method, compile_method


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def parse_json(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as error:
        line = getattr(error, "lineno", None)
        where = f" at line {line}, column {error.colno}" if line else ""
        raise RequestError(f"the input is not valid JSON{where}: {getattr(error, 'msg', error)}.") from None


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
            "options": [{"value": o["value"], "label": o["label"]} for o in question["options"]],
        }
        if "show_if" in question:
            item["show_if"] = question["show_if"]
        items.append(item)
    return {"method_version": method.version, "questions": items}


def assess(method: Method, request) -> dict:
    """Check a parsed assessment document and return the result dict."""
    checked = check_request(method, request)
    return evaluate(method, checked["answers"], checked["profile"])


def assess_json(method: Method, request_text: str) -> str:
    """Assessment JSON text in, result JSON text out; raises InputError."""
    return dumps(assess(method, parse_json(request_text)))


class Engine:
    """A loaded method that answers JSON messages; used by the browser worker.

    `handle(text)` takes {"op": "assess" | "check" | "questions", ...} and always
    returns a JSON string: {"ok": true, "result": ...} or {"ok": false, "error": {...}}.
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
            if op not in ("assess", "check"):
                raise RequestError(f"unknown operation {op!r}; expected 'assess', 'check' or 'questions'.")
            request = message.get("request")
            if isinstance(request, dict) and "profile" not in request and self.profile:
                request = dict(request, profile=self.profile)
            checked = check_request(self.method, request)
            if op == "check":
                return dumps({"ok": True, "result": checked})
            return dumps({"ok": True, "result": evaluate(self.method, checked["answers"], checked["profile"])})
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})
