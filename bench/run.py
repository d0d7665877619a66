"""Run every benchmark, print a table of results against targets, and write
them all as JSON to bench/results/latest.json.

    .venv/bin/python bench/run.py [--runs 3] [--skip lighthouse,site,...]

Benchmarks: engine speed (bench/engine.py), build time (bench/site.py),
bytes per page (bench/pages.py), the evaluator's cold load
(bench/evaluator_page.py) and Lighthouse scores (bench/lighthouse.py).
A missing script is reported and skipped. The site is built once (strict)
and shared by the page, evaluator and Lighthouse benchmarks.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
RESULTS = BENCH / "results" / "latest.json"


def external(script: str, attempts: list[list[str]]) -> dict:
    """Run another benchmark script; keep its JSON if it prints JSON, else its text.

    `attempts` are argument lists tried in order: the first one the script's
    argument parser accepts is used.
    """
    path = BENCH / script
    if not path.exists():
        return {"status": "missing", "note": f"bench/{script} does not exist yet"}
    start = time.perf_counter()
    for args in attempts + [[]]:
        result = subprocess.run([PYTHON, str(path), *args], cwd=ROOT, capture_output=True, text=True, timeout=3600)
        if result.returncode == 2 and "usage:" in result.stderr:
            continue  # that script does not take these arguments: try the next set
        break
    entry = {"status": "ok" if result.returncode == 0 else f"exit {result.returncode}",
             "seconds": round(time.perf_counter() - start, 1), "args": args}
    text = result.stdout.strip()
    try:
        entry["results"] = json.loads(text)
    except ValueError:
        try:  # a table, then the JSON on the last line(s)
            entry["results"] = json.loads(text[text.index("\n{") + 1:]) if "\n{" in text else json.loads(text.splitlines()[-1])
            entry["text"] = text[: text.index("\n{")] if "\n{" in text else ""
        except (ValueError, IndexError):
            entry["text"] = text
    if result.returncode != 0:
        entry["stderr"] = result.stderr.strip()[-3000:]
    return entry


def ours(name: str, call) -> dict:
    start = time.perf_counter()
    try:
        results = call()
        return {"status": "ok", "seconds": round(time.perf_counter() - start, 1), "results": results}
    except Exception as error:  # a failing benchmark must not hide the others
        return {"status": "error", "error": f"{type(error).__name__}: {error}"}


def rows(all_results: dict) -> list[tuple[str, str, str, str]]:
    """(benchmark, measure, value, target and verdict) for the table."""
    out = []
    site = all_results.get("site", {}).get("results")
    if site:
        out += [
            ("build", "plain Material build", f"{site['plain_s']:.2f} s", ""),
            ("build", "crossroads build", f"{site['crossroads_s']:.2f} s", ""),
            ("build", "crossroads / plain", f"{site['ratio_vs_plain']:.2f}x", f"<= 1.5x {'OK' if site['ok_ratio'] else 'MISSED'}"),
            ("build", f"cost per page, {site['pages_1x']} pages vs plain Material on {site['plain_same_pages']}",
             f"CPU {site['ratio_per_page_cpu']:.2f}x (wall {site['ratio_per_page']:.2f}x)",
             f"<= 1.3x {'OK' if site['ok_per_page'] else 'MISSED'}"),
            ("build", f"10x method ({site['method_10x']['scenarios']} scenarios)", f"{site['crossroads_10x_s']:.2f} s ({site['ratio_10x_vs_1x']:.2f}x)", ""),
            ("build", "extra time per extra scenario", f"{1000 * site['extra_s_per_extra_scenario']:.1f} ms",
             f"<= {1000 * site['plugin_s_per_scenario_1x']:.1f} ms (linear) {'OK' if site['ok_linear'] else 'MISSED'}"),
        ]
    pages = all_results.get("pages", {}).get("results")
    if pages:
        out += [
            ("pages", "handbook page, median (gzip)", f"{pages['handbook_median_gzip_bytes'] / 1000:.1f} KB", ""),
            ("pages", f"handbook page, max ({pages['handbook_max_page']})", f"{pages['handbook_max_gzip_bytes'] / 1000:.1f} KB", ""),
            ("pages", "evaluator page, all (gzip)", f"{pages['evaluator_gzip_bytes'] / 1000:.1f} KB", ""),
            ("pages", "evaluator page beyond Pyodide", f"{pages['evaluator_on_top_of_pyodide_gzip_bytes'] / 1000:.1f} KB",
             f"<= 200 KB {'OK' if pages['ok_evaluator_on_top'] else 'MISSED'}"),
            ("pages", "handbook pages load Pyodide/diagram libs", "no" if pages["ok_handbook_light"] else "YES", "no " + ("OK" if pages["ok_handbook_light"] else "MISSED")),
        ]
    lighthouse = all_results.get("lighthouse", {}).get("results")
    if lighthouse:
        for name, entry in lighthouse["pages"].items():
            for kind in ("default", "calibrated"):
                if kind not in entry:
                    continue
                for category, target in entry["targets"].items():
                    score = entry[kind]["scores"][category]
                    label = f"{name} {entry['path']} {category}" + ("" if kind == "default" else f" (CPU x{entry[kind]['cpu_multiplier']})")
                    out.append(("lighthouse", label, f"{score:.0f}", f">= {target} {'OK' if score >= target else 'MISSED'}"))
    for key in ("engine", "evaluator_page"):
        entry = all_results.get(key, {})
        if entry.get("status") == "missing":
            out.append((key, "(not run)", "-", entry["note"]))
        elif entry.get("status") not in (None, "ok"):
            out.append((key, "(failed)", entry["status"], (entry.get("stderr") or "")[-120:]))
        elif "results" in entry and entry["results"].get("rows"):  # the script's own rows, with targets
            out += [(key, *row) for row in entry["results"]["rows"]]
        elif "results" in entry:
            out += [(key, k, _short(v), "") for k, v in _flatten(entry["results"]) if not isinstance(v, (list, dict))][:25]
        elif "text" in entry:
            out += [(key, line.strip()[:70], "", "") for line in entry["text"].splitlines()[:25] if line.strip()]
    for key in ("site", "pages", "lighthouse"):
        entry = all_results.get(key, {})
        if entry.get("status") == "error":
            out.append((key, "(failed)", "error", entry["error"][:160]))
    return out


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, f"{prefix}{k}.")
    else:
        yield prefix.rstrip("."), value


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions for build times and Lighthouse")
    parser.add_argument("--skip", default="", help="comma-separated: engine,site,pages,evaluator_page,lighthouse")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))

    import lighthouse as lighthouse_bench
    import pages as pages_bench
    import importlib.util

    # bench/site.py shares its name with Python's own `site` module: load it by path.
    spec = importlib.util.spec_from_file_location("crossroads_bench_site", BENCH / "site.py")
    site_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site_bench)

    results: dict = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.machine()},
    }
    if "engine" not in skip:
        print("== engine speed (bench/engine.py)", flush=True)
        results["engine"] = external("engine.py", [["--json"]])
    if "site" not in skip:
        print("== build time (bench/site.py)", flush=True)
        results["site"] = ours("site", lambda: site_bench.run(args.runs))
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-site-") as tmp:
        site_dir = Path(tmp) / "site"
        needs_site = {"pages", "lighthouse", "evaluator_page"} - skip
        if needs_site:
            print("== building the site once for the page benchmarks", flush=True)
            pages_bench.build(site_dir)
        if "pages" not in skip:
            print("== bytes per page (bench/pages.py)", flush=True)
            results["pages"] = ours("pages", lambda: pages_bench.measure(site_dir))
        if "evaluator_page" not in skip:
            print("== evaluator cold load (bench/evaluator_page.py)", flush=True)
            attempts = [["--json-only", "--site", str(site_dir)], ["--json", "--site", str(site_dir)]] if site_dir.exists() else [["--json-only"], ["--json"]]
            results["evaluator_page"] = external("evaluator_page.py", attempts)
        if "lighthouse" not in skip:
            print("== Lighthouse (bench/lighthouse.py)", flush=True)
            results["lighthouse"] = ours("lighthouse", lambda: lighthouse_bench.measure(site_dir, args.runs, calibrated=True))

    table = rows(results)
    widths = [max(len(r[i]) for r in table + [("benchmark", "measure", "value", "target")]) for i in range(4)]
    print()
    for row in [("benchmark", "measure", "value", "target")] + table:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(json.dumps({k: v["status"] for k, v in results.items() if isinstance(v, dict) and "status" in v}, indent=2))
    print(f"full results: {RESULTS.relative_to(ROOT)}")
    return 0 if all(isinstance(v, dict) and v.get("status") in (None, "ok", "missing") for v in results.values() if isinstance(v, dict) and "status" in v) else 1


if __name__ == "__main__":
    sys.exit(main())
