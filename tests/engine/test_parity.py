"""CPython and Pyodide give the same bytes for the same request.

tests/js/pyodide_runner.mjs boots Pyodide on Node from node_modules (offline),
loads the engine's standard-library modules and the compiled method, and
prints the engine's output for every request; the same driver
(tests/js/parity_driver.py) runs here in CPython. Every reference vector goes
through both `api.assess_json` and `Engine.handle`, with invalid requests
besides. The engine must also import without PyYAML, as in the browser.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from support.engine import PYTHON, ROOT, cli, load_vector, vector_files, vector_request
from support.register import FULL, PAUSE

RUNNER = ROOT / "tests" / "js" / "pyodide_runner.mjs"
PROFILES = sorted(p.stem for p in (ROOT / "scenarios" / "countries").glob("*.yaml"))
ADAPTER = ROOT / "site_plugins" / "crossroads" / "assets" / "evaluator" / "crossroads_web.py"
PYODIDE = ROOT / "node_modules" / "pyodide"

sys.path.insert(0, str(ROOT / "tests" / "js"))
import parity_driver  # noqa: E402

INVALID_TEXTS = [
    "",
    "not json",
    '{"answers": {"political_system": "hybrid",}}',
    '{"answers": ["a", "b",]}',
    '{"answers": {"political_system": "hybrid"}',
    '{"answers": {}}\n{"answers": {}}',
    "[" * 3000 + "]" * 3000,
    '{"answers": {"money": ' + "9" * 5000 + "}}",
    '{"answers": {"money": NaN}}',
    '{"answers": {"money": "lots"}}',
    '{"answers": {"politcal_system": "hybrid", "money": "large"}}',
    '{"answers": {"activities": ["culture", "culture"]}}',
    '{"answers": {"requests": ["none", "fees"]}}',
    '{"answers": {"\\ud800": "x"}}',
    '{"answers": {"political_system": "hy\\nbrid"}}',
    '{"answers": {}, "partnership": {"name": "\\udc00"}}',
    '{"answers": {}, "profile": ["us"]}',
    '{"answers": {}, "profile": "uk"}',
    '{"answers": {}, "method_version": "0.1"}',
    '{"answers": {}, "format": {"x": 1}}',
    '{"answers": {}, "notes": {"money": "x' + "y" * 5001 + '"}}',
    '{"answers": {"regime": "' + "é" * 200 + '"}}',
]

HANDLE_TEXTS = [
    '{"op": "questions"}',
    '{"op": "check", "request": {"answers": {"activities": ["funding", "culture"]}, "notes": {"money": "Zürich, 東京, 🚲"}, '
    '"partnership": {"name": "Städtepartnerschaft", "date": "2026-11-22"}}}',
    '{"op": "assess"}',
    '{"op": "evaluate", "request": {"answers": {}}}',
    '{"op": ["assess"]}',
    '{"request": {"answers": {}}}',
    "[]",
    "{",
]


HOSTILE = "<script>alert(1)</script> =HYPERLINK(\"x\") **bold** \u202egnp.exe\r\nZürich, 東京, 🚲"


def _web_items() -> list[dict]:
    """The page's operations (crossroads_web.py): view, compare, check_register, report, salvage."""
    hostile = dict(FULL, notes={"stage": HOSTILE, "money": HOSTILE},
                   decision=dict(FULL["decision"], reason=HOSTILE),
                   plan=[{"action": "pause-and-consult", "owner": HOSTILE, "due": "2026-02-28", "status": "open"}])
    later = dict(FULL, id="v-2027-01", answers=dict(PAUSE, sg_gov="yes", sg_nac="yes", sg_screening="yes"))
    register = {"format": "crossroads-register", "method_version": "2.0.0", "exported_at": "2026-11-30T09:00:00Z",
                "partnerships": [{"id": FULL["partnership"]["id"], "versions": [FULL, later]}]}
    broken = dict(register, partnerships=[{"id": "p-x", "versions": [FULL]}])
    messages = [
        {"op": "view", "request": FULL},
        {"op": "view", "request": hostile},
        {"op": "view", "request": {"answers": {}}},
        {"op": "view", "request": dict(FULL, plan=[{"action": "keep-monitoring", "due": "2026-02-30"}])},
        {"op": "report", "request": hostile},
        {"op": "compare", "request": {"old": FULL, "new": later}},
        {"op": "compare", "request": {"old": FULL, "new": {"answers": {"money": "lots"}}}},
        {"op": "check_register", "request": register},
        {"op": "check_register", "request": broken},
        {"op": "check_register", "request": FULL},
        {"op": "salvage", "request": dict(hostile, plan=[{"action": "nope"}, hostile["plan"][0]])},
    ]
    return [{"mode": "web", "text": json.dumps(message, ensure_ascii=False), "profile": profile}
            for message in messages for profile in (None, "de")]


def _items() -> list[dict]:
    items = []
    for path in vector_files():
        request = vector_request(load_vector(path))
        items.append({"mode": "assess", "text": json.dumps(request, ensure_ascii=False)})
        profile = request.pop("profile", None)
        items.append({"mode": "handle", "text": json.dumps({"op": "assess", "request": request}), "profile": profile})
        # Every vector under every country profile: routed contacts and legal duties (au) must match too.
        for country in PROFILES:
            items.append({"mode": "assess", "text": json.dumps(dict(request, profile=country), ensure_ascii=False)})
    items += [{"mode": "assess", "text": text} for text in INVALID_TEXTS]
    items += [{"mode": "handle", "text": text} for text in INVALID_TEXTS[:8]]
    items += [{"mode": "handle", "text": text, "profile": profile} for text in HANDLE_TEXTS for profile in (None, "de")]
    items += _web_items()
    return items


def _require_node():
    if not PYODIDE.joinpath("pyodide.mjs").exists():
        pytest.fail(f"{PYODIDE.relative_to(ROOT)} is missing: run bash scripts/setup.sh")
    node = shutil.which("node") or "/usr/bin/node"
    if not shutil.which(node):
        pytest.fail("node is missing: run bash scripts/setup.sh (Node 20 runs the Pyodide parity test)")
    return node


@pytest.fixture(params=["en", "de", "ja"])
def edition_json_path(request, method_json_path, tmp_path_factory):
    """The compiled method of one language edition: `python -m engine compile --language LANG`
    (English: the method itself), what each edition's engine archive holds."""
    if request.param == "en":
        return method_json_path
    completed = cli("compile", "--language", request.param)
    assert completed.returncode == 0, completed.stderr
    out = tmp_path_factory.mktemp(f"method-{request.param}") / "method.json"
    out.write_text(completed.stdout, encoding="utf-8")
    assert json.loads(completed.stdout)["language"] == request.param
    return out


@pytest.mark.slow
def test_pyodide_gives_the_same_bytes_as_cpython(edition_json_path, tmp_path, monkeypatch):
    """With the trimmed standard library the site ships, as in the browser; in every language."""
    from site_plugins.crossroads import stdlib

    method_json_path = edition_json_path

    node = _require_node()
    items = _items()
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps(items), encoding="utf-8")
    trimmed = tmp_path / "python_stdlib.zip"
    trimmed.write_bytes(stdlib.trimmed_stdlib(PYODIDE))
    assert trimmed.stat().st_size < PYODIDE.joinpath("python_stdlib.zip").stat().st_size / 2, "the standard library is not trimmed"
    completed = subprocess.run([node, str(RUNNER), str(method_json_path), str(requests), "--stdlib", str(trimmed)],
                               cwd=ROOT, capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")[-3000:]
    pyodide_out = [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]

    # The worker's adapter, from the site plugin's assets (in Pyodide, the runner writes it next to the driver).
    spec = importlib.util.spec_from_file_location("crossroads_web", ADAPTER)
    adapter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(adapter)
    monkeypatch.setitem(sys.modules, "crossroads_web", adapter)
    parity_driver.load(method_json_path.read_text(encoding="utf-8"))
    cpython_out = [parity_driver.run(item["mode"], item["text"], item.get("profile")) for item in items]

    assert len(pyodide_out) == len(items)
    for item, ours, theirs in zip(items, cpython_out, pyodide_out, strict=True):
        if ours != theirs:
            diff = "\n".join(difflib.unified_diff(ours.splitlines(), theirs.splitlines(), "cpython", "pyodide", lineterm=""))
            pytest.fail(f"{item['mode']} {item['text'][:120]!r} differs:\n{diff[:4000]}")
        assert ours.encode("utf-8", "surrogatepass") == theirs.encode("utf-8", "surrogatepass")
    # The requests cover results and errors of both kinds.
    kinds = set()
    for out in map(json.loads, cpython_out):
        if "ok" in out:
            kinds.add("handle-ok" if out["ok"] else f"handle-{out['error']['type']}")
        else:
            kinds.add(out.get("type", "result"))
    assert {"result", "request", "answer", "handle-ok", "handle-request", "handle-answer"} <= kinds, kinds
    # The page's operations answer, each with its own result.
    web = [json.loads(out) for item, out in zip(items, cpython_out, strict=True) if item["mode"] == "web"]
    assert {"view", "markdown", "csv"} == set(web[0]["result"]) and web[0]["result"]["view"]["decision"]["differs"] is True
    assert web[10]["result"]["totals"]["scenarios"] and web[12]["ok"] is False
    assert web[14]["result"]["format"] == "crossroads-register" and web[16]["ok"] is False and web[18]["ok"] is False


def test_the_browser_modules_never_import_yaml(method_json_path):
    """Every engine module but source.py imports and scores with PyYAML blocked."""
    code = (
        "import sys, importlib, json, pathlib\n"
        "sys.modules['yaml'] = None  # any 'import yaml' now raises ImportError\n"
        "names = sorted(p.stem for p in pathlib.Path('engine').glob('*.py') if p.stem not in ('source', '__main__'))\n"
        "for name in names:\n"
        "    importlib.import_module('engine' if name == '__init__' else 'engine.' + name)\n"
        "from engine import api\n"
        "engine = api.Engine(open(sys.argv[1], encoding='utf-8').read())\n"
        "print(json.loads(engine.handle(json.dumps({'op': 'assess', 'request': {'answers': {}}})))['ok'])\n"
    )
    completed = subprocess.run([PYTHON, "-c", code, str(method_json_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "True\n"
