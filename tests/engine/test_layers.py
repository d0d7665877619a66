"""The engine's layers: which module imports which, read from the source.

Every `import` in engine/*.py counts, at the top of a module or inside a
function (a function-level import is a cycle put off until run time, not
removed). The graph must be acyclic; the tests at the end show that the check
finds a cycle when there is one.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from support.engine import ENGINE_DIR, PACKAGE, PYTHON, ROOT, find_cycle, import_graph, imported_by

GRAPH = import_graph(ENGINE_DIR)


def test_the_engine_has_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle in engine/: " + " -> ".join(cycle)


def test_the_graph_sees_every_module_and_its_imports():
    # A few edges written out by hand, so that a graph that misses imports cannot pass as acyclic.
    assert set(GRAPH) == {path.stem for path in ENGINE_DIR.glob("*.py")}
    assert {"api", "errors", "evaluate", "model"} <= GRAPH["__init__"]
    assert GRAPH["model"] == {"validate"}
    assert GRAPH["validate"] == {"errors", "invariants", "schema"}
    assert {"source", "cases"} <= GRAPH["cli"]  # both imported inside functions


@pytest.mark.parametrize("leaf", ["errors", "scale"])
def test_leaf_modules_import_nothing_of_the_engine(leaf):
    assert GRAPH[leaf] == set()


def test_the_model_sits_below_what_uses_it():
    below_model = imported_by(GRAPH, ["model"])
    assert below_model == {"model", "validate", "invariants", "schema", "scale", "errors"}
    for user in ("evaluate", "report", "api", "source", "cases", "cli"):
        assert user not in below_model


# In a fresh interpreter, importing each module first loads exactly the modules its
# top-level imports reach: the graph read from the source is the one Python follows.
_LOADED_BY_EACH = """
import importlib, json, sys, types
root, names = sys.argv[1], sys.argv[2:]
loaded = {}
for name in names:
    for module in [m for m in sys.modules if m == "engine" or m.startswith("engine.")]:
        del sys.modules[module]
    if name == "__init__":
        importlib.import_module("engine")
    else:
        # A bare package: engine/__init__.py, which imports most modules, does not run.
        package = types.ModuleType("engine")
        package.__path__ = [root + "/engine"]
        sys.modules["engine"] = package
        importlib.import_module("engine." + name)
    loaded[name] = sorted(m[len("engine."):] for m in sys.modules if m.startswith("engine."))
print(json.dumps(loaded))
"""


def test_each_module_imports_first_in_a_fresh_interpreter():
    names = sorted(name for name in GRAPH if name != "__main__")  # __main__ runs the CLI when imported
    completed = subprocess.run([PYTHON, "-c", _LOADED_BY_EACH, str(ROOT), *names], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    loaded = json.loads(completed.stdout)
    top_level = import_graph(ENGINE_DIR, top_level_only=True)
    for name in names:
        assert set(loaded[name]) == imported_by(top_level, [name]) - {"__init__"}, name
    assert loaded["invariants"] == ["errors", "invariants", "scale"]
    assert "yaml" not in completed.stdout


# -- the check itself can fail ------------------------------------------------------------------

def _package(tmp_path, files: dict[str, str]) -> Path:
    folder = tmp_path / PACKAGE
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return folder


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    # The engine's layout before engine/scale.py: invariants took level_for from the model,
    # and the model imported the invariants inside compile_method.
    folder = _package(tmp_path, {
        "__init__": "from .model import compile_method\n",
        "model": "def level_for(levels, points):\n    return levels[0]\n\n\n"
                 "def compile_method(data):\n    from .invariants import check_invariants\n    return check_invariants(data)\n",
        "invariants": "from .model import level_for\n\n\ndef check_invariants(data):\n    return level_for(data, 0)\n",
    })
    assert find_cycle(import_graph(folder)) == ["model", "invariants", "model"]


@pytest.mark.parametrize("statement", [
    "from engine.a import x",
    "import engine.a",
    "from engine import a",
    "from . import a",
    "from .a import x",
    "if True:\n    from .a import x",
])
def test_every_form_of_import_is_an_edge(tmp_path, statement):
    folder = _package(tmp_path, {"__init__": "", "a": "from .b import y\nx = 1\n", "b": f"y = 1\n\n\ndef f():\n    {statement.replace(chr(10), chr(10) + '    ')}\n"})
    graph = import_graph(folder)
    assert graph["b"] == {"a"}
    assert find_cycle(graph) == ["a", "b", "a"]


def test_importing_a_name_from_the_package_is_an_edge_to_its_init(tmp_path):
    folder = _package(tmp_path, {"__init__": "from .a import run\n", "a": "def run():\n    from engine import helper\n"})
    assert find_cycle(import_graph(folder)) == ["__init__", "a", "__init__"]
