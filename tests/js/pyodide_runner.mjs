// Runs the Crossroads engine in Pyodide on Node, offline, for the parity test
// and the benchmark.
//
//   node tests/js/pyodide_runner.mjs METHOD_JSON REQUESTS_JSON            (parity)
//   node tests/js/pyodide_runner.mjs METHOD_JSON REQUESTS_JSON --bench N  (benchmark)
//   ... --stdlib ZIP   start with that standard library archive instead of
//                      Pyodide's own (the parity test passes the trimmed one
//                      the site ships, site_plugins/crossroads/stdlib.py)
//
// METHOD_JSON is the output of `python -m engine compile`. REQUESTS_JSON is a
// list of {"mode": "assess" | "handle" | "web", "text": "...", "profile": null | "us"}.
// Parity prints one line per request: the engine's output string, encoded with
// JSON.stringify so the line is lossless. Benchmark prints one JSON object.
//
// The engine's .py files (all but source.py, which needs PyYAML) are written
// into Pyodide's file system; Pyodide itself comes from node_modules/pyodide.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { loadPyodide } from "pyodide";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const pyodideDir = join(root, "node_modules", "pyodide");

function fail(message) {
  process.stderr.write(`pyodide_runner: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return null;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const benchCalls = Number(option("--bench") || 0);
const stdLibURL = option("--stdlib");
const [methodPath, requestsPath] = args;
if (!methodPath || !requestsPath) fail("usage: pyodide_runner.mjs METHOD_JSON REQUESTS_JSON [--bench N]");
if (!existsSync(join(pyodideDir, "pyodide.asm.wasm"))) fail(`${pyodideDir} is incomplete: run bash scripts/setup.sh`);

const bootStart = performance.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", ...(stdLibURL ? { stdLibURL } : {}), stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") });
const bootMs = performance.now() - bootStart;

// The engine package, as the browser gets it: standard library only.
const home = "/home/pyodide/crossroads";
pyodide.FS.mkdirTree(join(home, "engine"));
for (const name of readdirSync(join(root, "engine"))) {
  if (name.endsWith(".py") && name !== "source.py") {
    pyodide.FS.writeFile(join(home, "engine", name), readFileSync(join(root, "engine", name), "utf8"));
  }
}
pyodide.FS.writeFile(join(home, "parity_driver.py"), readFileSync(join(here, "parity_driver.py"), "utf8"));
// The browser worker's adapter, for the page's operations (mode "web").
const adapter = join(root, "site_plugins", "crossroads", "assets", "evaluator", "crossroads_web.py");
pyodide.FS.writeFile(join(home, "crossroads_web.py"), readFileSync(adapter, "utf8"));
pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(home)})\nimport parity_driver`);
const driver = pyodide.pyimport("parity_driver");
const yamlLoaded = pyodide.runPython("'yaml' in sys.modules");
if (yamlLoaded) fail("the engine imported yaml; only engine/source.py may");

const methodText = readFileSync(methodPath, "utf8");
const compileMs = driver.load(methodText);
const items = JSON.parse(readFileSync(requestsPath, "utf8"));

if (!benchCalls) {
  // Each request crosses the JS/Python boundary as a string, as in the browser worker.
  const out = [];
  for (const item of items) {
    out.push(JSON.stringify(driver.run(item.mode, item.text, item.profile ?? null)));
  }
  process.stdout.write(out.join("\n") + "\n");
} else {
  const evaluateMs = [];
  const whatIfMs = [];
  const handleMs = [];
  const handle = driver._engine(null).handle;
  for (const item of items) {
    const samples = JSON.parse(driver.time_evaluate_json(item.text, benchCalls));
    evaluateMs.push(...samples);
    whatIfMs.push(...JSON.parse(driver.time_what_if_json(item.text, benchCalls)));
    const message = JSON.stringify({ op: "assess", request: JSON.parse(item.text) });
    handle(message); // warm-up
    for (let i = 0; i < benchCalls; i++) {
      const start = performance.now();
      const reply = handle(message);
      handleMs.push(performance.now() - start);
      if (typeof reply !== "string") fail("handle did not return a string");
    }
  }
  const compileSamples = JSON.parse(driver.time_compile_json(20));
  const pythonVersion = pyodide.runPython("import sys; sys.version.split()[0]");
  process.stdout.write(JSON.stringify({ python: pythonVersion, pyodide: pyodide.version, boot_ms: bootMs, first_compile_ms: compileMs,
                                        compile_ms: compileSamples, evaluate_ms: evaluateMs, what_if_ms: whatIfMs, handle_ms: handleMs }) + "\n");
}
