"""Benchmark of the evaluator: time per `evaluate` call, in CPython and in Pyodide.

The answer sets are the reference vectors (tests/engine/vectors/*.json, the
valid ones) and the case library's assessments before safeguards
(scenarios/cases/): a realistic spread from empty to fully answered. The
what-if search (the fewest safeguards that would lower the result) is part
of every evaluate call; its own cost is measured as evaluate with the search
minus evaluate without it. For each, the
request is checked once (`check_request`) and `evaluate` is timed CALLS times.
Pyodide runs on Node through tests/js/pyodide_runner.mjs --bench, which times
`evaluate` inside Python and, with performance.now() in JavaScript, the whole
`Engine.handle` call as the browser worker makes it (JSON text in, JSON text
out, across the JS/Python boundary). Method compile time is measured on both.

Targets: median and p95 per evaluate call below 1 ms in CPython, 5 ms in Pyodide.

Run: .venv/bin/python bench/engine.py [--calls 200] [--no-pyodide] [--json]
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "js"))

from engine import api  # noqa: E402
from engine.evaluate import check_request, evaluate  # noqa: E402
from engine.source import load_method_dir  # noqa: E402

TARGETS_MS = {"cpython": 1.0, "pyodide": 5.0}


def requests_from_vectors() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "engine" / "vectors").glob("*.json")):
        vector = json.loads(path.read_text(encoding="utf-8"))
        if "error" in vector["expect"]:
            continue
        request = dict(vector["request"])
        if vector.get("profile"):
            request["profile"] = vector["profile"]
        texts.append(json.dumps(request))
    from engine.cases import default_cases_dir, load_cases

    method = load_method_dir(str(ROOT / "scenarios"), "scenarios")
    for case in load_cases(method, default_cases_dir(), "scenarios/cases"):
        texts.append(json.dumps({"answers": case["assessment"]["answers"]}))
    return texts


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered), 4), "p95_ms": round(p95, 4),
            "max_ms": round(ordered[-1], 4)}


def bench_cpython(texts: list[str], calls: int) -> dict:
    start = time.perf_counter()
    method = load_method_dir(str(ROOT / "scenarios"), "scenarios")
    load_ms = (time.perf_counter() - start) * 1000
    compile_samples = []
    for _ in range(20):
        data = copy.deepcopy(method.data)
        start = time.perf_counter()
        api.compile_method(data)
        compile_samples.append((time.perf_counter() - start) * 1000)
    evaluate_ms, handle_ms, what_if_ms = [], [], []
    engine = api.Engine(api.dumps(method.data))
    for text in texts:
        checked = check_request(method, json.loads(text))
        evaluate(method, checked["answers"], checked["profile"])  # warm-up
        for _ in range(calls):
            start = time.perf_counter()
            evaluate(method, checked["answers"], checked["profile"])
            evaluate_ms.append((time.perf_counter() - start) * 1000)
        without = []
        for _ in range(calls):
            start = time.perf_counter()
            evaluate(method, checked["answers"], checked["profile"], what_if=False)
            without.append((time.perf_counter() - start) * 1000)
        what_if_ms.extend(a - b for a, b in zip(sorted(evaluate_ms[-calls:]), sorted(without), strict=True))
        message = json.dumps({"op": "assess", "request": json.loads(text)})
        for _ in range(calls):
            start = time.perf_counter()
            engine.handle(message)
            handle_ms.append((time.perf_counter() - start) * 1000)
    return {"python": platform.python_version(), "yaml_load_and_compile_ms": round(load_ms, 2),
            "compile": summary(compile_samples), "evaluate": summary(evaluate_ms), "what_if": summary(what_if_ms), "handle": summary(handle_ms)}


def bench_pyodide(texts: list[str], calls: int) -> dict:
    node = shutil.which("node") or "/usr/bin/node"
    if not (ROOT / "node_modules" / "pyodide" / "pyodide.mjs").exists():
        raise SystemExit("node_modules/pyodide is missing: run bash scripts/setup.sh")
    with tempfile.TemporaryDirectory() as tmp:
        method_path = Path(tmp) / "method.json"
        compiled = subprocess.run([sys.executable, "-m", "engine", "compile"], cwd=ROOT, capture_output=True, check=True)
        method_path.write_bytes(compiled.stdout)
        requests_path = Path(tmp) / "requests.json"
        requests_path.write_text(json.dumps([{"mode": "assess", "text": t} for t in texts]), encoding="utf-8")
        completed = subprocess.run([node, str(ROOT / "tests" / "js" / "pyodide_runner.mjs"), str(method_path), str(requests_path),
                                    "--bench", str(calls)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    if completed.returncode != 0:
        raise SystemExit(f"pyodide runner failed:\n{completed.stderr}")
    raw = json.loads(completed.stdout)
    return {"python": raw["python"], "pyodide": raw["pyodide"], "boot_ms": round(raw["boot_ms"], 1),
            "first_compile_ms": round(raw["first_compile_ms"], 2), "compile": summary(raw["compile_ms"]), "evaluate": summary(raw["evaluate_ms"]), "what_if": summary(raw["what_if_ms"]), "handle": summary(raw["handle_ms"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="evaluate calls per answer set (default 200)")
    parser.add_argument("--no-pyodide", action="store_true", help="CPython only")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()

    texts = requests_from_vectors()
    report = {"answer_sets": len(texts), "calls_per_set": args.calls, "targets_ms": TARGETS_MS,
              "cpython": bench_cpython(texts, args.calls)}
    if not args.no_pyodide:
        report["pyodide"] = bench_pyodide(texts, args.calls)
    report["met"] = {runtime: report[runtime]["evaluate"]["p95_ms"] < TARGETS_MS[runtime] for runtime in TARGETS_MS if runtime in report}

    if not args.json:
        print(f"Evaluator benchmark: {len(texts)} answer sets (the valid reference vectors and the cases) x {args.calls} calls each")
        print(f"{'runtime':<34}{'what':<30}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}{'target':>10}")
        for runtime in ("cpython", "pyodide"):
            if runtime not in report:
                continue
            data = report[runtime]
            name = f"{runtime} {data['python']}" + (f" (pyodide {data['pyodide']})" if runtime == "pyodide" else "")
            rows = [("evaluate", data["evaluate"], f"< {TARGETS_MS[runtime]:g}"),
                    ("of which what-if search", data["what_if"], ""),
                    ("Engine.handle (JSON in/out)", data["handle"], "")]
            for what, stats, target in rows:
                print(f"{name:<34}{what:<30}{stats['median_ms']:>10.3f}{stats['p95_ms']:>10.3f}{stats['max_ms']:>10.3f}{target:>10}")
        cp = report["cpython"]
        print(f"compile_method (CPython): median {cp['compile']['median_ms']:.2f} ms, p95 {cp['compile']['p95_ms']:.2f} ms; "
              f"YAML load + compile {cp['yaml_load_and_compile_ms']:.1f} ms")
        if "pyodide" in report:
            py = report["pyodide"]
            print(f"compile_method (Pyodide): median {py['compile']['median_ms']:.2f} ms, p95 {py['compile']['p95_ms']:.2f} ms; "
                  f"first call with imports {py['first_compile_ms']:.1f} ms; Pyodide boot {py['boot_ms']:.0f} ms")
        print("targets met (p95): " + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in report["met"].items()))
    print(json.dumps(report))
    return 0 if all(report["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
