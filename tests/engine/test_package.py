"""`engine.package.browser_modules()`: the engine modules the browser needs,
read from the installed package, complete, and nothing more."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import zipfile

from engine.package import BROWSER_MODULES, browser_modules
from support.engine import ENGINE_DIR, PACKAGE, PYTHON, ROOT, import_graph, imported_by

ADAPTER = ROOT / "site_plugins" / "crossroads" / "assets" / "evaluator" / "crossroads_web.py"


def _adapter_imports() -> set[str]:
    """The engine modules the browser adapter imports ('__init__' runs first for any of them)."""
    found = {"__init__"}
    for node in ast.walk(ast.parse(ADAPTER.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE + "."):
            found.add(node.module.split(".")[1])
    return found


def test_the_list_is_what_the_adapter_imports_and_nothing_more():
    assert {"api", "report"} <= _adapter_imports()
    needed = imported_by(import_graph(ENGINE_DIR), _adapter_imports())
    assert [f"{name}.py" for name in sorted(needed)] == sorted(BROWSER_MODULES)
    for build_only in ("source.py", "cases.py", "cli.py", "__main__.py", "package.py"):
        assert build_only not in BROWSER_MODULES


def test_the_contents_are_the_engine_files():
    modules = browser_modules()
    assert [name for name, _ in modules] == list(BROWSER_MODULES)
    for name, data in modules:
        assert data == (ENGINE_DIR / name).read_bytes(), name


def test_it_reads_from_a_zipped_package_too(tmp_path):
    """No path into the checkout: from a zip on sys.path (as an installed package may be), the same bytes."""
    archive = tmp_path / "engine.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(ENGINE_DIR.glob("*.py")):
            bundle.write(path, f"{PACKAGE}/{path.name}")
    code = ("import json, sys\nsys.path.insert(0, sys.argv[1])\nimport engine.package\n"
            "print(json.dumps([engine.package.__file__, [[n, d.decode()] for n, d in engine.package.browser_modules()]]))\n")
    completed = subprocess.run([PYTHON, "-I", "-c", code, str(archive)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    where, modules = json.loads(completed.stdout)
    assert where.startswith(str(archive))
    assert [(name, data.encode()) for name, data in modules] == [(name, (ENGINE_DIR / name).read_bytes()) for name in BROWSER_MODULES]


def test_the_modules_alone_run_the_adapter(method, tmp_path):
    """Only the listed modules, the adapter and the method, as the worker unpacks them: it answers, without PyYAML."""
    (tmp_path / PACKAGE).mkdir()
    for name, data in browser_modules():
        (tmp_path / PACKAGE / name).write_bytes(data)
    shutil.copy(ADAPTER, tmp_path / ADAPTER.name)
    (tmp_path / "crossroads_method.json").write_text(method.to_json(), encoding="utf-8")
    (tmp_path / "crossroads_site.json").write_text(json.dumps({"profile": "us", "method_version": method.version}), encoding="utf-8")
    code = ("import json, sys\nsys.modules['yaml'] = None\nsys.path.insert(0, sys.argv[1])\nimport crossroads_web\n"
            "web = crossroads_web.create()\n"
            "print(web.handle(json.dumps({'op': 'assess', 'request': {'answers': {}}})))\n")
    completed = subprocess.run([PYTHON, "-I", "-c", code, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    reply = json.loads(completed.stdout)
    assert reply["ok"] and reply["result"]["profile"] == "us" and reply["result"]["method_version"] == method.version
