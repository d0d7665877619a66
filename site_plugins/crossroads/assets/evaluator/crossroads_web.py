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
             partnership, notes[, id, saved_at, decision, plan,
             migrated_from, migration]}, "problems": [message, ...]}; no
             problems when the whole document is valid.
  "view"     the report of an assessment document in every form the page
             saves: {"view": report view (engine.report.report_view),
             "markdown": "...", "csv": "..." (the action plan, without the
             byte order mark: the page adds it when saving)}
  "compare"  two assessment documents, {"old": ..., "new": ...} in
             "request": the comparison (engine.compare.compare), with its
             Markdown under "markdown"
  "check_register"  a register file (parsed) in "request": the checked
             register (engine.register.check_register); a register may be up
             to 16 MiB, other messages up to 2 MiB

Strings in, strings out: nothing but JSON text crosses into JavaScript.
"""

from __future__ import annotations

import json
import os

from engine.api import MAX_INPUT_BYTES, TOO_LARGE, Engine, assessment, check, dumps, parse_json
from engine.compare import compare, comparison_markdown
from engine.errors import InputError, RequestError
from engine.evaluate import check_request, migrate
from engine.register import MAX_REGISTER_BYTES, REGISTER_TOO_LARGE, check_register
from engine.report import render_markdown, report_view, view_csv

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
        if key == "decision" and isinstance(value, dict):
            # The decision record field by field.
            for name, item in value.items():
                found = _try(method, {key: {name: item}}, problems)
                if found is not None:
                    checked.setdefault(key, {}).update(found[key])
        elif key == "plan" and isinstance(value, list):
            # The plan entry by entry (an action planned twice is kept once).
            checked[key] = []
            for index, entry in enumerate(value):
                found = _try(method, {key: [entry]}, problems, f"plan[{index}]")
                if found is not None and all(kept["action"] != found[key][0]["action"] for kept in checked[key]):
                    checked[key].append(found[key][0])
        elif key in ("id", "saved_at"):
            found = _try(method, {key: value}, problems)
            if found is not None:
                checked[key] = found[key]
        elif key not in ("answers", "notes", "partnership", "method_version"):
            attempt({key: value})
    return {"checked": checked, "problems": problems or [refused]}


def _try(method, piece: dict, problems: list[str], where: str | None = None) -> dict | None:
    """The check of one piece of a document, or None with its problem noted
    (`where`: the place of a plan entry checked alone, named in its message)."""
    try:
        return check_request(method, {"answers": {}, **piece})
    except InputError as error:
        message = plain(error.message)
        problems.append(where + message[len("plan[0]"):] if where and message.startswith("plan[0]") else message)
        return None


WEB_OPS = ("check", "report", "salvage", "view", "compare", "check_register")


class WebEngine(Engine):
    """`Engine` plus the "report", "salvage", "view", "compare" and
    "check_register" operations, and "check" in the page's words."""

    def handle(self, text: str) -> str:
        try:
            # A register may be larger than an assessment: the size of the
            # other messages is checked below, once their operation is known.
            message = parse_json(text, MAX_REGISTER_BYTES, REGISTER_TOO_LARGE)
        except InputError as error:
            return dumps({"ok": False, "error": error.to_dict()})
        op = message.get("op") if isinstance(message, dict) else None
        if op not in WEB_OPS:
            return super().handle(text)
        try:
            if op != "check_register" and len(text) > MAX_INPUT_BYTES:
                raise RequestError(TOO_LARGE)
            return dumps({"ok": True, "result": self.operation(op, message.get("request"))})
        except InputError as error:
            return dumps({"ok": False, "error": dict(error.to_dict(), message=plain(error.message))})

    def operation(self, op: str, request):
        """The result of one of WEB_OPS; raises InputError."""
        if op == "salvage":
            return salvage(self.method, request)
        if op == "check_register":
            return check_register(self.method, request)
        # The site's country is the default profile, by the engine's one rule (engine.api.check).
        if op == "check":
            return check(self.method, request, self.profile)
        if op == "compare":
            if not isinstance(request, dict) or set(request) != {"old", "new"}:
                raise RequestError("a comparison needs {\"old\": assessment, \"new\": assessment} in 'request'.")
            comparison = compare(self.method, request["old"], request["new"], self.profile)
            return dict(comparison, markdown=comparison_markdown(comparison))
        if not isinstance(request, dict):
            raise RequestError("a report needs an assessment object in 'request'.")
        checked, result = assessment(self.method, request, self.profile)
        view = report_view(self.method, checked, result)
        if op == "report":
            return {"markdown": render_markdown(view)}
        return {"view": view, "markdown": render_markdown(view), "csv": view_csv(view)}


def create() -> WebEngine:
    """The engine for this site: the shipped method and the site's profile."""
    with open(os.path.join(HERE, "crossroads_method.json"), encoding="utf-8") as handle:
        method_json = handle.read()
    with open(os.path.join(HERE, "crossroads_site.json"), encoding="utf-8") as handle:
        site = json.load(handle)
    return WebEngine(method_json, site.get("profile"))
