// Crossroads evaluator: the scoring engine in a module Web Worker.
//
// Started by evaluator.js as
//   new Worker("worker.js?v=…&pyodide=<version>&engine=<hash>", {type: "module"})
// It loads Pyodide from this site (assets/pyodide/<version>/) and, at the
// same time, fetches engine.tar.gz (the engine, the method and the site's
// country profile); then it unpacks the archive and creates the engine.
//
// Messages are JSON strings both ways.
//   page -> worker: {"id": 7, "op": "assess" | "check" | "salvage" | "questions" | "report", "request": {...}}
//   worker -> page: {"id": 7, "reply": {"ok": true, "result": ...} | {"ok": false, "error": {...}}}
//                   {"type": "status", "step": 1, "steps": 3, "text": "..."}
//                   {"type": "ready", "ms": 2712, "python": "3.14.2",
//                    "timings": {"runtime_ms": 2600, "engine_ms": 110}}
//                   {"type": "failed", "file": "engine.tar.gz" | null,
//                    "problem": "download" | "damaged" | "method" | "refused" | "unsupported" | "internal",
//                    "reason": "<technical detail>"}
// A failed start names the file at fault when it can: after a failure that
// does not say which file it was, the runtime's files are fetched again and
// checked (status, and the first bytes: a zip, WebAssembly, JSON…), so that
// the page can tell the reader which file failed and what to do.
// Messages that arrive before the engine is ready wait in a queue.

const params = new URL(import.meta.url).searchParams;
const PYODIDE_VERSION = params.get("pyodide") || "";
const ENGINE_HASH = params.get("engine") || "";
const INDEX_URL = new URL(`../pyodide/${PYODIDE_VERSION}/`, import.meta.url).href;
const ARCHIVE_URL = new URL(`engine.tar.gz?v=${encodeURIComponent(ENGINE_HASH)}`, import.meta.url).href;
const EXTRACT_DIR = "/home/pyodide/crossroads";
const STEPS = 3;

// The files of the runtime, in the order loadPyodide needs them, and what
// their first bytes must be.
const RUNTIME_FILES = [
  { file: "pyodide.mjs", kind: "script" },
  { file: "pyodide-lock.json", kind: "json" },
  { file: "python_stdlib.zip", kind: "zip" },
  { file: "pyodide.asm.wasm", kind: "wasm" },
  { file: "pyodide.asm.mjs", kind: "script" },
];

// A failure to start, with the file at fault when it is known.
class BootError extends Error {
  constructor(problem, file, reason) {
    super(reason);
    this.problem = problem;
    this.file = file;
  }
}

let handle = null; // Python: WebEngine.handle(text: str) -> str
let rejectBoot = null;
// loadPyodide does not always reject when its downloads fail (a failed
// WebAssembly download is only logged), so watch them here and fail at once.
const bootFailed = new Promise((_, reject) => {
  rejectBoot = reject;
});
bootFailed.catch(() => {});
let failure = null;
let booted = false;
const waiting = [];

// While the runtime starts, a promise of its own that fails after the start
// has already failed (or that nothing awaits) is part of the same failure:
// it is reported once, by the start, not as an uncaught error.
self.addEventListener("unhandledrejection", (event) => {
  if (booted) return;
  event.preventDefault();
  const reason = event.reason;
  rejectBoot(reason instanceof BootError ? reason : new BootError("internal", null, `the Python runtime failed while starting (${describe(reason)})`));
});

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
  let id;
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
    rejectBoot(new BootError("download", fileName(input), `could not download ${fileName(input)} (${describe(error)})`));
    throw error;
  }
  if (!response.ok) rejectBoot(new BootError("download", fileName(input), `could not download ${fileName(input)} (HTTP ${response.status})`));
  return response;
};

const consoleWarn = console.warn.bind(console);
let wasmFailed = false;
console.warn = (...args) => {
  if (args[0] === "wasm instantiation failed!") wasmFailed = true;
  else if (wasmFailed) rejectBoot(new BootError("refused", "pyodide.asm.wasm", `the WebAssembly of the runtime did not start (${describe(args[0])})`));
  consoleWarn(...args);
};

// One file of the site, whole: {response, bytes}, or a BootError
// ("download") naming the file.
async function download(file, url) {
  const failed = (why) => new BootError("download", file, `could not download ${file} (${why})`);
  let response;
  try {
    response = await siteFetch(url);
  } catch (error) {
    throw failed(describe(error));
  }
  if (!response.ok) throw failed(`HTTP ${response.status}`);
  try {
    return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    throw failed(describe(error));
  }
}

// Fetch one runtime file again and check it: null if it looks right, else
// the problem with it.
async function checkFile({ file, kind }) {
  const url = file === "engine.tar.gz" ? ARCHIVE_URL : `${INDEX_URL}${file}`;
  let response, bytes;
  try {
    ({ response, bytes } = await download(file, url));
  } catch (error) {
    return error;
  }
  const starts = (...magic) => magic.every((b, i) => bytes[i] === b);
  const damaged = (what) => new BootError("damaged", file, `${file} (${bytes.length} bytes, type ${response.headers.get("content-type") || "none"}) ${what}`);
  if (!bytes.length) return damaged("is empty");
  if (kind === "zip" && !starts(0x50, 0x4b)) return damaged("is not a zip archive");
  if (kind === "wasm" && !starts(0x00, 0x61, 0x73, 0x6d)) return damaged("is not WebAssembly");
  if (kind === "gzip" && !starts(0x1f, 0x8b)) return damaged("is not a gzip archive");
  if (kind === "json") {
    try {
      JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (error) {
      return damaged(`is not valid JSON (${describe(error)})`);
    }
  }
  if (kind === "script") {
    const type = (response.headers.get("content-type") || "").toLowerCase();
    if (!type.includes("javascript")) return damaged("is not served as JavaScript");
    if (bytes.subarray(0, 4096).includes(0)) return damaged("is not JavaScript text");
  }
  return null;
}

// After a failure that names no file: which runtime file is at fault?
async function diagnose(error) {
  if (error instanceof BootError && error.problem === "download") return error;
  for (const entry of RUNTIME_FILES) {
    const found = await checkFile(entry);
    if (found) {
      found.message = `${found.message}; the runtime reported: ${describe(error)}`;
      return found;
    }
  }
  if (error instanceof BootError) return error;
  if (wasmFailed) return new BootError("refused", "pyodide.asm.wasm", `the WebAssembly of the runtime did not start (${describe(error)})`);
  return new BootError("internal", null, `the Python runtime did not start (${describe(error)})`);
}

async function fetchArchive() {
  return (await download("engine.tar.gz", ARCHIVE_URL)).bytes;
}

// The runtime's lock file, read here rather than by loadPyodide, which
// leaves a damaged one as an uncaught error.
async function fetchLock() {
  const { bytes } = await download("pyodide-lock.json", `${INDEX_URL}pyodide-lock.json`);
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BootError("damaged", "pyodide-lock.json", `pyodide-lock.json (${text.length} characters) is not valid JSON (${describe(error)})`);
  }
}

async function boot() {
  const started = performance.now();
  if (typeof WebAssembly !== "object") throw new BootError("unsupported", null, "this browser does not run WebAssembly, which the engine needs");
  status(1, "downloading and starting Python");
  const archive = fetchArchive();
  archive.catch(() => {}); // reported below, after the runtime
  const lock = fetchLock();
  lock.catch(() => {}); // reported below, before the runtime starts
  let pyodide;
  try {
    let loadPyodide;
    try {
      ({ loadPyodide } = await import(`${INDEX_URL}pyodide.mjs`));
    } catch (error) {
      throw (await checkFile(RUNTIME_FILES[0])) || new BootError("damaged", "pyodide.mjs", `could not load pyodide.mjs (${describe(error)})`);
    }
    const lockFileContents = await lock;
    pyodide = await Promise.race([
      // packageBaseUrl also replaces Pyodide's default package CDN: nothing is
      // ever fetched from another origin (and no package is loaded at all).
      loadPyodide({ indexURL: INDEX_URL, packageBaseUrl: INDEX_URL, lockFileContents, packages: [], stdout: () => {}, stderr: () => {} }),
      bootFailed,
    ]);
  } catch (error) {
    throw await diagnose(error);
  }
  const runtimeAt = performance.now();
  status(2, "loading the method");
  const bytes = await Promise.race([archive, bootFailed]);
  try {
    pyodide.unpackArchive(bytes, "gztar", { extractDir: EXTRACT_DIR });
  } catch (error) {
    throw new BootError("damaged", "engine.tar.gz", `engine.tar.gz (${bytes.length} bytes) could not be unpacked (${describe(error)})`);
  }
  status(3, "checking the method");
  try {
    pyodide.runPython(`import sys\nif ${JSON.stringify(EXTRACT_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(EXTRACT_DIR)})`);
    const web = pyodide.pyimport("crossroads_web");
    const engine = web.create();
    handle = engine.handle;
  } catch (error) {
    throw new BootError("method", "engine.tar.gz", `the engine in engine.tar.gz did not load (${describe(error)})`);
  }
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
    booted = true;
    // What the page asked while the engine started (the check of a stored
    // record, say) is answered first: when the page hears "ready", those
    // replies are in.
    for (const text of waiting.splice(0)) answer(text);
    post({ type: "ready", ...info });
  },
  (error) => {
    const known = error instanceof BootError;
    failure = known ? String(error.message).replace(/\s+/g, " ").slice(0, 600) : describe(error);
    post({ type: "failed", file: known ? error.file : null, problem: known ? error.problem : "internal", reason: failure });
    for (const text of waiting.splice(0)) answer(text);
  },
);
