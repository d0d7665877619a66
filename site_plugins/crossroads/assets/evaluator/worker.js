// Crossroads evaluator: the scoring engine in a module Web Worker.
//
// Started by evaluator.js as
//   new Worker("worker.js?v=…&pyodide=<version>&engine=<hash>", {type: "module"})
// It loads Pyodide from this site (assets/pyodide/<version>/) and, at the
// same time, fetches engine.tar.gz (the engine, the method and the site's
// country profile); then it unpacks the archive and creates the engine.
//
// Messages are JSON strings both ways.
//   page -> worker: {"id": 7, "op": "assess" | "check" | "questions" | "report", "request": {...}}
//   worker -> page: {"id": 7, "reply": {"ok": true, "result": ...} | {"ok": false, "error": {...}}}
//                   {"type": "status", "step": 1, "steps": 3, "text": "..."}
//                   {"type": "ready", "ms": 2712, "python": "3.14.2",
//                    "timings": {"runtime_ms": 2600, "engine_ms": 110}}
//                   {"type": "failed", "reason": "..."}
// Messages that arrive before the engine is ready wait in a queue.

const params = new URL(import.meta.url).searchParams;
const PYODIDE_VERSION = params.get("pyodide") || "";
const ENGINE_HASH = params.get("engine") || "";
const INDEX_URL = new URL(`../pyodide/${PYODIDE_VERSION}/`, import.meta.url).href;
const ARCHIVE_URL = new URL(`engine.tar.gz?v=${encodeURIComponent(ENGINE_HASH)}`, import.meta.url).href;
const EXTRACT_DIR = "/home/pyodide/crossroads";
const STEPS = 3;

let handle = null; // Python: WebEngine.handle(text: str) -> str
let rejectBoot = null;
// loadPyodide does not always reject when its downloads fail (a failed
// WebAssembly download is only logged), so watch them here and fail at once.
const bootFailed = new Promise((_, reject) => {
  rejectBoot = reject;
});
bootFailed.catch(() => {});
let failure = null;
const waiting = [];

function post(value) {
  self.postMessage(JSON.stringify(value));
}

function status(step, text) {
  post({ type: "status", step, steps: STEPS, text });
}

function errorReply(id, message) {
  return JSON.stringify({ id, reply: { ok: false, error: { type: "engine", question: null, message } } });
}

function answer(text) {
  let id = null;
  try {
    id = JSON.parse(text).id ?? null;
  } catch {
    self.postMessage(errorReply(null, "the message is not valid JSON."));
    return;
  }
  if (failure) {
    self.postMessage(errorReply(id, `the scoring engine did not start: ${failure}`));
    return;
  }
  let reply;
  try {
    reply = handle(text);
  } catch (error) {
    self.postMessage(errorReply(id, `the scoring engine stopped with an internal error: ${describe(error)}`));
    return;
  }
  // The engine's reply is already JSON text: wrap it without parsing it again.
  self.postMessage(`{"id":${JSON.stringify(id)},"reply":${reply}}`);
}

function describe(error) {
  const text = String((error && error.message) || error || "unknown error");
  // Python tracebacks are long: keep the last line, which names the error.
  const lines = text.trim().split("\n");
  return lines[lines.length - 1].slice(0, 300);
}

function fileName(input) {
  const url = String(input instanceof Request ? input.url : input);
  return url.split("?")[0].split("/").pop() || url;
}

const siteFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  let response;
  try {
    response = await siteFetch(input, init);
  } catch (error) {
    rejectBoot(new Error(`could not download ${fileName(input)} (${describe(error)})`));
    throw error;
  }
  if (!response.ok) rejectBoot(new Error(`could not download ${fileName(input)} (HTTP ${response.status})`));
  return response;
};

const consoleWarn = console.warn.bind(console);
let wasmFailed = false;
console.warn = (...args) => {
  if (args[0] === "wasm instantiation failed!") wasmFailed = true;
  else if (wasmFailed) rejectBoot(new Error(`this browser refused to run the engine's WebAssembly (${describe(args[0])})`));
  consoleWarn(...args);
};

async function fetchArchive() {
  const response = await siteFetch(ARCHIVE_URL);
  if (!response.ok) throw new Error(`could not download the engine (engine.tar.gz: HTTP ${response.status})`);
  return response.arrayBuffer();
}

async function boot() {
  const started = performance.now();
  if (typeof WebAssembly !== "object") throw new Error("this browser does not run WebAssembly, which the engine needs");
  status(1, "downloading and starting Python");
  const archive = fetchArchive();
  archive.catch(() => {}); // reported below, after the runtime
  let loadPyodide;
  try {
    ({ loadPyodide } = await import(`${INDEX_URL}pyodide.mjs`));
  } catch (error) {
    throw new Error(`could not load the Python runtime (${describe(error)})`);
  }
  const pyodide = await Promise.race([
    // packageBaseUrl also replaces Pyodide's default package CDN: nothing is
    // ever fetched from another origin (and no package is loaded at all).
    loadPyodide({ indexURL: INDEX_URL, packageBaseUrl: INDEX_URL, packages: [], stdout: () => {}, stderr: () => {} }),
    bootFailed,
  ]);
  const runtimeAt = performance.now();
  status(2, "loading the method");
  const buffer = await Promise.race([archive, bootFailed]);
  pyodide.unpackArchive(new Uint8Array(buffer), "gztar", { extractDir: EXTRACT_DIR });
  status(3, "checking the method");
  pyodide.runPython(`import sys\nif ${JSON.stringify(EXTRACT_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(EXTRACT_DIR)})`);
  const web = pyodide.pyimport("crossroads_web");
  const engine = web.create();
  handle = engine.handle;
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  const done = performance.now();
  return {
    ms: Math.round(done - started),
    python,
    timings: { runtime_ms: Math.round(runtimeAt - started), engine_ms: Math.round(done - runtimeAt) },
  };
}

self.onmessage = (event) => {
  const text = String(event.data);
  if (handle || failure) answer(text);
  else waiting.push(text);
};

boot().then(
  (info) => {
    post({ type: "ready", ...info });
    for (const text of waiting.splice(0)) answer(text);
  },
  (error) => {
    failure = describe(error);
    post({ type: "failed", reason: failure });
    for (const text of waiting.splice(0)) answer(text);
  },
);
