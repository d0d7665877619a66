"""How fast the evaluator page becomes useful, in headless Chromium.

The built site is served on 127.0.0.1 and each run opens a fresh browser
context (empty HTTP cache, nothing compiled). Per run it measures, from the
start of navigation:

  questionnaire usable   the page script has run: answers are accepted and
                         conditional questions work (performance mark
                         "crossroads:interactive"); also reported: when the
                         first option was in the parsed page (domInteractive)
  engine ready           window.crossroads.ready resolved (performance mark
                         "crossroads:engine-ready")
  bare Pyodide boot      a page served by the same server that only starts a
                         module worker calling loadPyodide from the site's own
                         assets: what the runtime alone costs
  re-score latency       median of 20 answer changes, from the click on an
                         option to the results panel updated (DOM) and to the
                         next frame after it

Prints a table of medians over the runs and then JSON with every value.
Timings on a shared or busy machine vary a lot: the JSON records the load
average next to them.

Run: .venv/bin/python bench/evaluator_page.py [--runs 5] [--site DIR] [--json-only]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CHROMIUM = os.environ.get("CROSSROADS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EVALUATOR = "/evaluator/"
RESCORES = 20

# The bare boot: served by this script's server only, never part of the site.
BARE_PAGE = b"""<!doctype html><meta charset="utf-8"><title>bare Pyodide boot</title>
<script type="module">
const worker = new Worker("/__bench/bare-worker.js?pyodide=" + new URLSearchParams(location.search).get("pyodide"), {type: "module"});
window.bare = new Promise((resolve, reject) => {
  worker.onmessage = (e) => e.data.ok ? resolve(performance.now()) : reject(new Error(e.data.error));
  worker.onerror = (e) => reject(new Error(e.message || "worker failed"));
});
</script>"""
BARE_WORKER = b"""const version = new URL(import.meta.url).searchParams.get("pyodide");
const indexURL = new URL(`/assets/pyodide/${version}/`, import.meta.url).href;
try {
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL, packages: [] });
  pyodide.runPython("1 + 1");
  postMessage({ ok: true });
} catch (error) {
  postMessage({ ok: false, error: String(error) });
}
"""

RESCORE_JS = """async (count) => {
  const root = document.querySelector('#crossroads-evaluator');
  const inputs = [...document.querySelectorAll('#q-political_system input')];
  const times = {dom: [], frame: []};
  for (let i = 0; i < count; i++) {
    const input = inputs[i % 2 === 0 ? inputs.length - 1 : 0];
    const done = new Promise((resolve) => root.addEventListener('crossroads:result', resolve, {once: true}));
    const start = performance.now();
    input.click();
    await done;
    times.dom.push(performance.now() - start);
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    times.frame.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return times;
}"""


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
        ".json": "application/json", ".zip": "application/zip",
    }

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path == "/__bench/bare.html":
            return self._send(BARE_PAGE, "text/html; charset=utf-8")
        if path == "/__bench/bare-worker.js":
            return self._send(BARE_WORKER, "text/javascript")
        return super().do_GET()

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def build(out: Path) -> Path:
    done = subprocess.run([PYTHON, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}")
    return out


def serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def one_run(browser, base: str, pyodide_version: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(base + EVALUATOR, wait_until="commit")
        page.wait_for_function("performance.getEntriesByName('crossroads:interactive').length > 0", timeout=60_000)
        ready = page.evaluate("window.crossroads.ready")
        page.wait_for_selector("#cr-results-body:not([hidden])", state="attached")
        marks = page.evaluate("""() => ({
          dom: performance.getEntriesByType('navigation')[0].domInteractive,
          interactive: performance.getEntriesByName('crossroads:interactive')[0].startTime,
          ready: performance.getEntriesByName('crossroads:engine-ready')[0].startTime,
        })""")
        rescore = page.evaluate(RESCORE_JS, RESCORES)
    finally:
        context.close()
    bare_context = browser.new_context()
    try:
        bare = bare_context.new_page()
        bare.goto(f"{base}/__bench/bare.html?pyodide={pyodide_version}")
        bare_ms = bare.evaluate("window.bare")
    finally:
        bare_context.close()
    return {
        "first_input_in_page_ms": round(marks["dom"], 1),
        "questionnaire_usable_ms": round(marks["interactive"], 1),
        "engine_ready_ms": round(marks["ready"], 1),
        "bare_pyodide_boot_ms": round(bare_ms, 1),
        "worker_runtime_ms": ready["timings"]["runtime_ms"],
        "worker_engine_ms": ready["timings"]["engine_ms"],
        "rescore_dom_median_ms": round(statistics.median(rescore["dom"]), 2),
        "rescore_frame_median_ms": round(statistics.median(rescore["frame"]), 2),
        "rescore_dom_max_ms": round(max(rescore["dom"]), 2),
    }


ROWS = [
    ("first_input_in_page_ms", "first option in the parsed page"),
    ("questionnaire_usable_ms", "questionnaire usable (page script live)"),
    ("engine_ready_ms", "engine ready (window.crossroads.ready)"),
    ("bare_pyodide_boot_ms", "bare Pyodide boot (same server, module worker)"),
    ("worker_runtime_ms", "  in the worker: Pyodide loaded"),
    ("worker_engine_ms", "  in the worker: engine unpacked and created"),
    ("rescore_dom_median_ms", f"re-score, click to panel updated (median of {RESCORES})"),
    ("rescore_frame_median_ms", f"re-score, click to next frame (median of {RESCORES})"),
    ("rescore_dom_max_ms", f"re-score, slowest of {RESCORES}"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs (default 5)")
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    pyodide_version = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())["version"]
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(Path(tmp) / "site")
        server, base = serve(site)
        load_before = os.getloadavg()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                version = browser.version
                runs = [one_run(browser, base, pyodide_version) for _ in range(args.runs)]
                browser.close()
        finally:
            server.shutdown()
        load_after = os.getloadavg()

    medians = {key: round(statistics.median(run[key] for run in runs), 2) for key, _ in ROWS}
    report = {
        "runs": runs,
        "median": medians,
        "environment": {
            "chromium": version, "pyodide": pyodide_version, "python": platform.python_version(),
            "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
    }
    if not args.json_only:
        width = max(len(label) for _, label in ROWS)
        print(f"Evaluator page, {args.runs} cold runs, headless Chromium {version}, Pyodide {pyodide_version}")
        print(f"{'measure'.ljust(width)}  {'median':>10}  {'min':>10}  {'max':>10}")
        for key, label in ROWS:
            values = [run[key] for run in runs]
            print(f"{label.ljust(width)}  {medians[key]:>8.1f}ms  {min(values):>8.1f}ms  {max(values):>8.1f}ms")
        print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs")
        print()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
