"""Trace the standard library files the evaluator needs in the browser and
write them to site_plugins/crossroads/stdlib_modules.json.

    .venv/bin/python scripts/stdlib_trace.py          # write the list
    .venv/bin/python scripts/stdlib_trace.py --check  # exit 1 if the list is out of date

It builds the engine archive as the site does, then runs
scripts/stdlib_trace.mjs (Pyodide on Node, the full standard library): the
worker's start (archive unpacked, adapter imported, engine created, memory
snapshot made) and every message the reference vectors and the invalid
requests of the parity suite give. The files the imported modules came from
make the list; the build packs only those (site_plugins/crossroads/stdlib.py).
Run it again after a change to the engine's imports or to the Pyodide version.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from site_plugins.crossroads import evaluator, stdlib  # noqa: E402


def messages() -> list[str]:
    """What the page sends the engine: every reference vector and invalid request of the parity suite."""
    import importlib.util

    from support.engine import load_vector, vector_files, vector_request

    spec = importlib.util.spec_from_file_location("crossroads_parity", ROOT / "tests" / "engine" / "test_parity.py")
    parity = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "tests" / "js"))
    spec.loader.exec_module(parity)
    HANDLE_TEXTS, INVALID_TEXTS = parity.HANDLE_TEXTS, parity.INVALID_TEXTS  # noqa: N806

    out = []
    for path in vector_files():
        request = vector_request(load_vector(path))
        request.pop("profile", None)
        for op in ("assess", "check", "salvage", "report"):
            out.append(json.dumps({"op": op, "request": request}))
    out += [json.dumps({"op": "assess", "request": text}) for text in INVALID_TEXTS]
    out += INVALID_TEXTS[:8] + HANDLE_TEXTS
    # The page's own operations (view, compare, check_register, ...) with decision records and plans.
    out += [json.dumps(item) for item in parity._web_items()]
    return out


def trace() -> dict:
    from engine.source import load_method_dir

    method = load_method_dir(str(ROOT / "scenarios"))
    node = shutil.which("node") or "/usr/bin/node"
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "engine.tar.gz"
        archive.write_bytes(evaluator.engine_archive(method, None))
        listed = Path(tmp) / "messages.json"
        listed.write_text(json.dumps(messages()), encoding="utf-8")
        done = subprocess.run([node, str(ROOT / "scripts" / "stdlib_trace.mjs"), str(archive), str(listed)],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"stdlib_trace.mjs failed:\n{done.stderr[-3000:]}")
    found = json.loads(done.stdout)
    return {"pyodide": stdlib.pyodide_version(), "python": found["python"], "files": found["files"],
            "builtin": found["builtin"], "frozen": found["frozen"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed list instead of writing it")
    args = parser.parse_args(argv)
    data = trace()
    text = json.dumps(data, indent=1) + "\n"
    if args.check:
        same = stdlib.LIST.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{stdlib.LIST.relative_to(ROOT)} is out of date: run scripts/stdlib_trace.py")
        return 0 if same else 1
    stdlib.LIST.write_text(text, encoding="utf-8")
    print(f"{len(data['files'])} files -> {stdlib.LIST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
