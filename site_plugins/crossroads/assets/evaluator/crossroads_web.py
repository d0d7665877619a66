"""Browser adapter of the engine, run by the evaluator's web worker (Pyodide).

It loads the method and the site's country profile shipped next to it in
engine.tar.gz and answers the worker's JSON messages. The engine's own
operations ("assess", "check", "questions") go to `engine.api.Engine`; this
file adds one: "report", which returns the Markdown report of an assessment
document. Strings in, strings out: nothing but JSON text crosses into
JavaScript.
"""

from __future__ import annotations

import json
import os

from engine.api import Engine, dumps, parse_json, run
from engine.errors import InputError, RequestError
from engine.evaluate import check_request
from engine.report import markdown_report

HERE = os.path.dirname(os.path.abspath(__file__))


class WebEngine(Engine):
    """`Engine` plus the "report" operation."""

    def handle(self, text: str) -> str:
        try:
            message = parse_json(text)
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})
        if not isinstance(message, dict) or message.get("op") != "report":
            return super().handle(text)
        try:
            request = message.get("request")
            if isinstance(request, dict) and "profile" not in request and self.profile:
                request = dict(request, profile=self.profile)
            if not isinstance(request, dict):
                raise RequestError("a report needs an assessment object in 'request'.")
            checked = check_request(self.method, request)
            result = run(self.method, checked)
            text = markdown_report(self.method, result, checked["partnership"], checked["notes"])
            return dumps({"ok": True, "result": {"markdown": text}})
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})


def create() -> WebEngine:
    """The engine for this site: the shipped method and the site's profile."""
    with open(os.path.join(HERE, "crossroads_method.json"), encoding="utf-8") as handle:
        method_json = handle.read()
    with open(os.path.join(HERE, "crossroads_site.json"), encoding="utf-8") as handle:
        site = json.load(handle)
    return WebEngine(method_json, site.get("profile"))
