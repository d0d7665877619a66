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
  second visit           the same browser context opens the page again once
                         the first start has kept its snapshot (worker.js):
                         engine ready, and how it started ("kept")
  throttled first visit  one more fresh context, at 10 Mbit/s (Chromium's
                         network emulation, 20 ms latency): engine ready and
                         the first result on the panel

It also reports the bytes on the wire of every file the evaluator needs,
gzip -9 and Brotli, as the build's .gz/.br copies hold them (a file without a
copy counts at its size): "before" with Pyodide's own files as npm ships them
(the whole standard library and lock file), "after" as the site serves them.

The server sends the build's .br or .gz copy when the browser accepts it, and
the caching headers of deploy/nginx.conf (a year, immutable, for the
versioned runtime and the hashed evaluator files), like a host with the
example configuration.

Prints a table of medians over the runs and then JSON with every value.
Timings on a shared or busy machine vary a lot: the JSON records the load
average next to them.

Run: .venv/bin/python bench/evaluator_page.py [--runs 5] [--site DIR] [--json-only] [--no-throttled]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import re
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
THROTTLE_MBIT = 10
GOAL_GZIP_MB = 4.5
GOAL_FIRST_OVER_BARE = 1.1
GOAL_SECOND_OVER_FIRST = 0.25
# What the first result needs: the runtime, the engine and the page's own modules.
PYODIDE_NAMES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# deploy/nginx.conf's caching rules, for the server below.
IMMUTABLE = re.compile(r"^/assets/pyodide/|^/assets/evaluator/[^?]+\?v=")

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
    encodings: dict = {}  # what was sent, per encoding: {"br": n, "gzip": n, "identity": n}

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path == "/__bench/bare.html":
            return self._send(BARE_PAGE, "text/html; charset=utf-8")
        if path == "/__bench/bare-worker.js":
            return self._send(BARE_WORKER, "text/javascript")
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        accepted = self.headers.get("Accept-Encoding", "")
        for suffix, encoding in ((".br", "br"), (".gz", "gzip")):
            copy = local.with_name(local.name + suffix)
            if encoding in accepted and local.is_file() and copy.is_file():
                Handler.encodings[encoding] = Handler.encodings.get(encoding, 0) + 1
                return self._send(copy.read_bytes(), self.guess_type(str(local)), encoding)
        Handler.encodings["identity"] = Handler.encodings.get("identity", 0) + 1
        return super().do_GET()

    def end_headers(self):
        if IMMUTABLE.search(self.path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()

    def _send(self, body: bytes, kind: str, encoding: str | None = None):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
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


FIRST_RESULT = """document.addEventListener('crossroads:result', () => { window.__firstResult ??= performance.now(); }, true);"""


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
        # Second visit: once the first start has kept its snapshot.
        page.wait_for_function("document.querySelector('#crossroads-evaluator').dataset.kept !== ''", timeout=120_000)
        kept = page.evaluate("document.querySelector('#crossroads-evaluator').dataset.kept")
        page.goto(base + EVALUATOR, wait_until="commit")
        page.wait_for_function("performance.getEntriesByName('crossroads:interactive').length > 0", timeout=60_000)
        second = page.evaluate("window.crossroads.ready")
        second_ms = page.evaluate("performance.getEntriesByName('crossroads:engine-ready')[0].startTime")
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
        "worker_snapshot_ms": ready["timings"].get("snapshot_ms", 0),
        "rescore_dom_median_ms": round(statistics.median(rescore["dom"]), 2),
        "rescore_frame_median_ms": round(statistics.median(rescore["frame"]), 2),
        "rescore_dom_max_ms": round(max(rescore["dom"]), 2),
        "second_visit_engine_ready_ms": round(second_ms, 1),
        "second_visit_worker_ms": second["timings"]["worker_ms"],
        "second_visit_start": second["start"],
        "kept_after_first_visit": kept,
    }


def throttled_run(browser, base: str, mbit: float) -> dict:
    """A first visit at `mbit` Mbit/s: engine ready and the first result on the panel."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(FIRST_RESULT)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        rate = mbit * 1_000_000 / 8
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": rate, "uploadThroughput": rate})
        page.goto(base + EVALUATOR, wait_until="commit")
        page.wait_for_function("window.crossroads !== undefined", timeout=120_000)
        page.evaluate("window.crossroads.ready")
        page.wait_for_function("window.__firstResult !== undefined", timeout=120_000)
        out = page.evaluate("""() => ({
          ready: performance.getEntriesByName('crossroads:engine-ready')[0].startTime,
          result: window.__firstResult,
        })""")
    finally:
        context.close()
    return {"mbit": mbit, "engine_ready_ms": round(out["ready"], 1), "first_result_ms": round(out["result"], 1)}


def _compressed(path: Path, kind: str) -> int:
    """Bytes on the wire for one file: its build copy (.gz/.br; for Brotli without a copy, the gzip one),
    else compressed now (cached), else its size."""
    copy = path.with_name(path.name + kind)
    if copy.is_file():
        return copy.stat().st_size
    gzip_copy = path.with_name(path.name + ".gz")
    if kind == ".br" and gzip_copy.is_file():  # no Brotli copy: the server sends the gzip one
        return gzip_copy.stat().st_size
    sys.path.insert(0, str(ROOT))
    from site_plugins.crossroads import precompress

    size = path.stat().st_size
    if path.suffix not in precompress.SUFFIXES or size < precompress.MIN_SIZE:
        return size
    return min(size, len(precompress._compress_cached(path.read_bytes(), kind)))


def wire_bytes(site: Path, pyodide_version: str) -> dict:
    """Per file, gzip and Brotli, before (npm's Pyodide files) and after (the site's)."""
    runtime = site / "assets" / "pyodide" / pyodide_version
    npm = ROOT / "node_modules" / "pyodide"
    evaluator = sorted(p for p in (site / "assets" / "evaluator").iterdir() if p.suffix in (".js", ".css") or p.name == "engine.tar.gz")
    page = site / "evaluator" / "index.html"
    files = {}
    for name in PYODIDE_NAMES:
        before = npm / name
        after = runtime / name
        files[name] = {
            "before": {"raw": before.stat().st_size, "gzip": _compressed(before, ".gz"), "br": _compressed(before, ".br")},
            "after": {"raw": after.stat().st_size, "gzip": _compressed(after, ".gz"), "br": _compressed(after, ".br")},
        }
    rest = {"raw": 0, "gzip": 0, "br": 0}
    for path in [page, *evaluator]:
        for key, value in (("raw", path.stat().st_size), ("gzip", _compressed(path, ".gz")), ("br", _compressed(path, ".br"))):
            rest[key] += value
    files["evaluator page and engine (HTML, modules, CSS, engine.tar.gz)"] = {"before": dict(rest), "after": dict(rest)}
    totals = {when: {kind: sum(f[when][kind] for f in files.values()) for kind in ("raw", "gzip", "br")} for when in ("before", "after")}
    return {"files": files, "total": totals}


def goal_rows(report: dict) -> list[list[str]]:
    """[measure, value, target and verdict] for bench/run.py's table."""
    wire = report["wire"]
    med = report["median"]
    rows = []
    for name, entry in wire["files"].items():
        b, a = entry["before"], entry["after"]
        rows.append([f"wire {name[:40]}: gzip / br", f"{b['gzip'] / 1e6:.2f} / {b['br'] / 1e6:.2f} -> {a['gzip'] / 1e6:.2f} / {a['br'] / 1e6:.2f} MB", ""])
    total = wire["total"]
    gzip_mb = total["after"]["gzip"] / 1e6
    rows.append(["wire total, gzip (before -> after)", f"{total['before']['gzip'] / 1e6:.2f} -> {gzip_mb:.2f} MB",
                 f"<= {GOAL_GZIP_MB} MB {'OK' if gzip_mb <= GOAL_GZIP_MB else 'MISSED'}"])
    rows.append(["wire total, Brotli (before -> after)", f"{total['before']['br'] / 1e6:.2f} -> {total['after']['br'] / 1e6:.2f} MB", ""])
    rows.append(["wire total, uncompressed (before -> after)", f"{total['before']['raw'] / 1e6:.2f} -> {total['after']['raw'] / 1e6:.2f} MB", ""])
    # Ratios within each run (its visits and its bare boot ran back to back,
    # under the same load), then their median: a busy machine moves every
    # time, but less each run's ratio.
    runs = report["runs"]
    first = statistics.median(run["engine_ready_ms"] / run["bare_pyodide_boot_ms"] for run in runs)
    rows.append(["first visit: engine ready / bare Pyodide boot (median of runs)", f"{med['engine_ready_ms']:.0f} / {med['bare_pyodide_boot_ms']:.0f} ms, {first:.2f}x",
                 f"<= {GOAL_FIRST_OVER_BARE}x {'OK' if first <= GOAL_FIRST_OVER_BARE else 'MISSED'}"])
    second = statistics.median(run["second_visit_engine_ready_ms"] / run["engine_ready_ms"] for run in runs)
    rows.append(["second visit: engine ready / first visit (median of runs)", f"{med['second_visit_engine_ready_ms']:.0f} / {med['engine_ready_ms']:.0f} ms, {second:.2f}x",
                 f"<= {GOAL_SECOND_OVER_FIRST}x {'OK' if second <= GOAL_SECOND_OVER_FIRST else 'MISSED'}"])
    rows.append(["second visit started from the kept snapshot", f"{report['second_visits_kept']} of {len(report['runs'])} runs", ""])
    throttled = report.get("throttled")
    if throttled:
        rows.append([f"throttled first visit ({throttled['mbit']} Mbit/s): engine ready", f"{throttled['engine_ready_ms'] / 1000:.1f} s", ""])
        rows.append([f"throttled first visit ({throttled['mbit']} Mbit/s): first result", f"{throttled['first_result_ms'] / 1000:.1f} s", ""])
    rows.append(["re-score, click to panel updated (median)", f"{med['rescore_dom_median_ms']:.1f} ms", ""])
    rows.append(["encodings sent by the server", ", ".join(f"{k} {v}" for k, v in sorted(report["encodings"].items())), ""])
    return rows


ROWS = [
    ("first_input_in_page_ms", "first option in the parsed page"),
    ("questionnaire_usable_ms", "questionnaire usable (page script live)"),
    ("engine_ready_ms", "engine ready (window.crossroads.ready)"),
    ("bare_pyodide_boot_ms", "bare Pyodide boot (same server, module worker)"),
    ("worker_runtime_ms", "  in the worker: Pyodide loaded"),
    ("worker_engine_ms", "  in the worker: engine unpacked and created"),
    ("worker_snapshot_ms", "  of which: memory snapshot made (for the next visit)"),
    ("rescore_dom_median_ms", f"re-score, click to panel updated (median of {RESCORES})"),
    ("rescore_frame_median_ms", f"re-score, click to next frame (median of {RESCORES})"),
    ("rescore_dom_max_ms", f"re-score, slowest of {RESCORES}"),
    ("second_visit_engine_ready_ms", "second visit: engine ready"),
    ("second_visit_worker_ms", "  second visit, in the worker"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs (default 5)")
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON")
    parser.add_argument("--no-throttled", action="store_true", help=f"skip the first visit at {THROTTLE_MBIT} Mbit/s")
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
                throttled = None if args.no_throttled else throttled_run(browser, base, THROTTLE_MBIT)
                browser.close()
        finally:
            server.shutdown()
        load_after = os.getloadavg()
        wire = wire_bytes(site, pyodide_version)

    medians = {key: round(statistics.median(run[key] for run in runs), 2) for key, _ in ROWS}
    report = {
        "rows": [],
        "wire": wire,
        "throttled": throttled,
        "second_visits_kept": sum(run["second_visit_start"] == "kept" for run in runs),
        "encodings": dict(Handler.encodings),
        "runs": runs,
        "median": medians,
        "environment": {
            "chromium": version, "pyodide": pyodide_version, "python": platform.python_version(),
            "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
    }
    report["rows"] = goal_rows(report)
    if not args.json_only:
        width = max(len(label) for _, label in ROWS)
        print(f"Evaluator page, {args.runs} cold runs, headless Chromium {version}, Pyodide {pyodide_version}")
        print(f"{'measure'.ljust(width)}  {'median':>10}  {'min':>10}  {'max':>10}")
        for key, label in ROWS:
            values = [run[key] for run in runs]
            print(f"{label.ljust(width)}  {medians[key]:>8.1f}ms  {min(values):>8.1f}ms  {max(values):>8.1f}ms")
        print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs")
        print()
        for measure, value, target in report["rows"]:
            print(f"{measure.ljust(60)}  {value.ljust(34)}  {target}")
        print()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
