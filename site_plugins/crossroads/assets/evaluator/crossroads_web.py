"""Browser adapter of the engine, run by the evaluator's web worker (Pyodide).

It loads the method and the site's country profile shipped next to it in
engine.tar.gz and answers the worker's JSON messages. The engine's own
operations ("assess", "questions") go to `engine.api.Engine`; "check" gives
the engine's check of a document with messages for the page (no command line
to run); this file adds two more, so that the page never judges a document
itself:

  "report"   the Markdown report of an assessment document:
             {"markdown": "..."}
  "salvage"  what can be read of a document (a stored record, say), with the
             engine's own check and migrations: {"checked": {answers,
             partnership, notes[, migrated_from, migration]}, "problems":
             [message, ...]}; no problems when the whole document is valid.

Strings in, strings out: nothing but JSON text crosses into JavaScript.
"""

from __future__ import annotations

import json
import os

from engine.api import Engine, assessment, check, dumps, parse_json
from engine.errors import InputError, RequestError
from engine.evaluate import check_request, migrate
from engine.report import markdown_report

HERE = os.path.dirname(os.path.abspath(__file__))
# The engine's messages are written for the command line as well: the page
# has no command to run.
CLI_HINT = "; run 'python -m engine questions' to list the question ids."


def plain(message: str) -> str:
    """An engine message as the page shows it."""
    return message.replace(CLI_HINT, ".")


def salvage(method, document) -> dict:
    """What can be read of `document`: each answer, note and partnership
    detail that passes the engine's check on its own, and the problems found.

    Answers and notes of a method version that cannot be carried over are left
    out (their questions may mean something else now)."""
    try:
        return {"checked": check_request(method, document), "problems": []}
    except InputError as error:
        refused = plain(error.message)
    checked: dict = {"answers": {}, "partnership": {}, "notes": {}}
    problems: list[str] = []
    if not isinstance(document, dict):
        return {"checked": checked, "problems": [refused]}

    def attempt(piece: dict, keep: str | None = None) -> None:
        try:
            found = check_request(method, {"answers": {}, **piece})
        except InputError as error:
            problems.append(plain(error.message))
            return
        if keep:
            checked[keep].update(found[keep])

    answers = document.get("answers", {})
    notes = document.get("notes", {})
    version = document.get("method_version")
    if version is not None and version != method.version:
        try:
            if not isinstance(version, str):
                raise RequestError(f"'method_version' must be a string such as {method.version!r}.")
            answers, notes, migration = migrate(method, version, answers, notes)
            checked.update(migrated_from=version, migration=migration)
        except InputError as error:
            problems.append(f"{plain(error.message).rstrip('.')}; its answers and notes were not opened.")
            answers, notes = {}, {}
    for name, value in (("partnership", document.get("partnership", {})), ("notes", notes), ("answers", answers)):
        if isinstance(value, dict):
            for key, item in value.items():
                attempt({name: {key: item}}, name)
        else:
            attempt({name: value})
    for key, value in document.items():
        if key not in ("answers", "notes", "partnership", "method_version"):
            attempt({key: value})
    return {"checked": checked, "problems": problems or [refused]}


class WebEngine(Engine):
    """`Engine` plus the "report" and "salvage" operations, and "check" in the page's words."""

    def handle(self, text: str) -> str:
        try:
            message = parse_json(text)
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})
        op = message.get("op") if isinstance(message, dict) else None
        if op not in ("check", "report", "salvage"):
            return super().handle(text)
        try:
            request = message.get("request")
            if op == "salvage":
                return dumps({"ok": True, "result": salvage(self.method, request)})
            # The site's country is the default profile, by the engine's one rule (engine.api.check).
            if op == "check":
                return dumps({"ok": True, "result": check(self.method, request, self.profile)})
            if not isinstance(request, dict):
                raise RequestError("a report needs an assessment object in 'request'.")
            checked, result = assessment(self.method, request, self.profile)
            text = markdown_report(self.method, result, checked["partnership"], checked["notes"])
            return dumps({"ok": True, "result": {"markdown": text}})
        except InputError as error:
            return dumps({"ok": False, "error": dict(error.to_dict(), message=plain(error.message))})


def create() -> WebEngine:
    """The engine for this site: the shipped method and the site's profile."""
    with open(os.path.join(HERE, "crossroads_method.json"), encoding="utf-8") as handle:
        method_json = handle.read()
    with open(os.path.join(HERE, "crossroads_site.json"), encoding="utf-8") as handle:
        site = json.load(handle)
    return WebEngine(method_json, site.get("profile"))
