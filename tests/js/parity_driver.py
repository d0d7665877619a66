"""The Python side of the parity runner, loaded unchanged by CPython (the
tests, bench/engine.py) and by Pyodide (tests/js/pyodide_runner.mjs).

`run(mode, text, profile)` turns one request text into the exact string the
engine gives for it:
  - mode "assess": `api.assess_json`, or the error dict as JSON (what the CLI
    and the browser show for an invalid assessment);
  - mode "handle": `Engine(method, profile).handle(text)`, the engine's JSON
    entry point (text is a message {"op": ..., "request": ...});
  - mode "web": `WebEngine(method, profile).handle(text)`, the browser
    worker's entry point (site_plugins/crossroads/assets/evaluator/
    crossroads_web.py, importable next to this file), with the page's
    operations (view, compare, check_register, report, salvage).
"""

import json
import time

from engine import api
from engine.errors import InputError
from engine.evaluate import check_request, evaluate

_state = {}


def load(method_text):
    """Compile the method JSON once; return the compile time in milliseconds."""
    start = time.perf_counter()
    _state["method"] = api.compile_method(json.loads(method_text))
    elapsed = (time.perf_counter() - start) * 1000
    _state["text"] = method_text
    _state["engines"] = {}
    _state["web"] = {}
    return elapsed


def _engine(profile):
    engines = _state["engines"]
    if profile not in engines:
        engines[profile] = api.Engine(_state["text"], profile)
    return engines[profile]


def _web_engine(profile):
    engines = _state.setdefault("web", {})
    if profile not in engines:
        import crossroads_web

        engines[profile] = crossroads_web.WebEngine(_state["text"], profile)
    return engines[profile]


def run(mode, text, profile=None):
    if mode == "assess":
        try:
            return api.assess_json(_state["method"], text)
        except InputError as error:
            return api.dumps(error.to_dict())
    if mode == "handle":
        return _engine(profile).handle(text)
    if mode == "web":
        return _web_engine(profile).handle(text)
    raise ValueError(f"unknown mode {mode!r}")


def run_all(items_json):
    """[{"mode", "text", "profile"?}, ...] as JSON -> the outputs as an ASCII JSON list."""
    items = json.loads(items_json)
    return json.dumps([run(item["mode"], item["text"], item.get("profile")) for item in items])


def time_evaluate(request_text, calls, what_if=True):
    """Milliseconds per `evaluate` call, after one `check_request`, `calls` times."""
    method = _state["method"]
    checked = check_request(method, json.loads(request_text))
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        evaluate(method, checked["answers"], checked["profile"], what_if=what_if)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_evaluate_json(request_text, calls):
    return json.dumps(time_evaluate(request_text, calls))


def time_what_if_json(request_text, calls):
    """Per call, what the what-if search adds: evaluate with it minus evaluate without it (paired samples)."""
    with_it = time_evaluate(request_text, calls, True)
    without = time_evaluate(request_text, calls, False)
    return json.dumps([a - b for a, b in zip(sorted(with_it), sorted(without), strict=True)])


def time_compile_json(calls):
    """Milliseconds per `compile_method` of the loaded method's JSON, `calls` times."""
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        api.compile_method(json.loads(_state["text"]))
        samples.append((time.perf_counter() - start) * 1000)
    return json.dumps(samples)
