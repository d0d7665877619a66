"""The trimmed standard library the site ships holds every module the
engine imports in the browser.

site_plugins/crossroads/stdlib.py packs only the files listed in
stdlib_modules.json (traced by scripts/stdlib_trace.py). Here every import
statement of the browser's engine modules and of the adapter is read from
the source (function-level imports included) and looked up: built into the
runtime, frozen, or a file of the trimmed archive. The parity suite
(tests/engine/test_parity.py) runs the reference vectors in Pyodide with the
same archive, and the browser tests use the built site, which ships it.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.package import BROWSER_MODULES
from site_plugins.crossroads import evaluator, stdlib

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = ROOT / "node_modules" / "pyodide"
SOURCES = [ROOT / "engine" / name for name in BROWSER_MODULES] + [evaluator.ASSETS / "crossroads_web.py"]
LOCAL = {"engine", "crossroads_web"}


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement of `path` names (absolute imports of other packages)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] not in LOCAL}


def missing_from(archive: bytes, modules: set[str], listed: dict) -> list[str]:
    """The modules (and their parent packages) that the runtime would not find."""
    names = set(zipfile.ZipFile(io.BytesIO(archive)).namelist())
    inside = set(listed["builtin"]) | set(listed["frozen"])
    missing = []
    for module in sorted(modules):
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):
            name = ".".join(parts[:depth])
            path = "/".join(parts[:depth])
            if name not in inside and f"{path}.py" not in names and f"{path}/__init__.py" not in names:
                missing.append(name)
                break
    return missing


@pytest.fixture(scope="module")
def trimmed() -> bytes:
    if not PYODIDE.joinpath("python_stdlib.zip").exists():
        pytest.fail("node_modules/pyodide is missing: run bash scripts/setup.sh")
    return stdlib.trimmed_stdlib(PYODIDE)


def test_every_module_the_engine_imports_is_in_the_trimmed_archive(trimmed):
    modules = set().union(*(imported_modules(path) for path in SOURCES))
    assert {"json", "dataclasses"} <= modules, modules  # the source was read
    assert missing_from(trimmed, modules, stdlib.listed()) == []


def test_the_check_finds_a_module_left_out(trimmed):
    """The same check on an archive without json: it must say so."""
    source = zipfile.ZipFile(io.BytesIO(trimmed))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as smaller:
        for info in source.infolist():
            if not info.filename.startswith("json/"):
                smaller.writestr(info, source.read(info.filename))
    modules = set().union(*(imported_modules(path) for path in SOURCES))
    assert missing_from(out.getvalue(), modules, stdlib.listed()) == ["json"]


def test_the_archive_is_small_reproducible_and_complete(trimmed):
    full = PYODIDE.joinpath("python_stdlib.zip").stat().st_size
    assert len(trimmed) < full / 3, f"{len(trimmed)} bytes of {full}"
    again = stdlib._trimmed.__wrapped__(str(PYODIDE / "python_stdlib.zip"), 0, 0, 0, stdlib.pyodide_version(PYODIDE))
    assert again == trimmed
    with zipfile.ZipFile(io.BytesIO(trimmed)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == sorted(stdlib.listed()["files"])
        assert names == [name for name in zipfile.ZipFile(PYODIDE / "python_stdlib.zip").namelist() if name in set(names)]


def test_a_list_traced_for_another_pyodide_ships_the_whole_library(tmp_path, caplog):
    folder = tmp_path / "pyodide"
    folder.mkdir()
    (folder / "package.json").write_text('{"version": "0.0.1-test"}', encoding="utf-8")
    (folder / "python_stdlib.zip").write_bytes(b"whole")
    with caplog.at_level("WARNING"):
        assert stdlib.trimmed_stdlib(folder) == b"whole"
    assert "scripts/stdlib_trace.py" in caplog.text


@pytest.mark.slow
def test_the_committed_list_is_what_the_trace_finds():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "stdlib_trace.py"), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
