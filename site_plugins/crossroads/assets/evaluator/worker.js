// Crossroads evaluator: the scoring engine in a module Web Worker.
//
// Started by evaluator.js as
//   new Worker("worker.js?v=…&pyodide=<version>&engine=<hash>&stdlib=<hash>", {type: "module"})
// It loads Pyodide from this site (assets/pyodide/<version>/, with the
// trimmed standard library the build packs) and, at the same time, fetches
// engine.tar.gz (the engine, the method and the site's country profile);
// then it unpacks the archive and creates the engine.
//
// Second visit: after the first start, and before any request is answered,
// the worker makes a memory snapshot of the started runtime (Pyodide's
// private _makeSnapshot/_loadSnapshot options; the version is pinned in
// package.json) and keeps it in this browser (IndexedDB "crossroads-runtime":
// the record "runtime" with the snapshot and its SHA-256, and "key", which
// names the Pyodide version and the hashes of the standard library and the
// engine it was made with). The next start restores it
// instead of starting Python and the engine again. A kept snapshot that is
// missing, stale, damaged or refused by Pyodide is dropped, and the normal
// start runs (and keeps a new one). It never holds answers: it is made
// before the first request is answered. The page's "Don't store anything"
// removes it ({"control": "forget"}).
//
// Progress: the runtime's downloads are read through a counting stream;
// {"type": "progress", "loaded": {"pyodide.asm.wasm": 123456, ...}} reports
// the bytes received so far per file (decoded), a few times a second.
//
// Messages are JSON strings both ways.
//   page -> worker: {"id": 7, "op": "assess" | "check" | "salvage" | "questions" | "report", "request": {...}}
//   worker -> page: {"id": 7, "reply": {"ok": true, "result": ...} | {"ok": false, "error": {...}}}
//                   {"type": "status", "step": 1, "steps": 3, "text": "...", "kept": false}
//                   {"type": "progress", "loaded": {"<file>": <bytes>, ...}}
//                   {"type": "ready", "ms": 2712, "python": "3.14.2", "start": "fresh" | "kept",
//                    "kept_problem": null | "<why a kept snapshot was not used>",
//                    "timings": {"runtime_ms": 2600, "engine_ms": 110}}
//                   {"type": "kept", "state": "stored" | "not stored", "reason": "..."}
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
const STDLIB_HASH = params.get("stdlib") || "";
const INDEX_URL = new URL(`../pyodide/${PYODIDE_VERSION}/`, import.meta.url).href;
const ARCHIVE_URL = new URL(`engine.tar.gz?v=${encodeURIComponent(ENGINE_HASH)}`, import.meta.url).href;
const STDLIB_URL = `${INDEX_URL}python_stdlib.zip${STDLIB_HASH ? `?v=${encodeURIComponent(STDLIB_HASH)}` : ""}`;
const EXTRACT_DIR = "/home/pyodide/crossroads";
const STEPS = 3;
// The kept snapshot: one record in this database.
const KEEP_DB = "crossroads-runtime";
const KEEP_STORE = "snapshot";
const KEEP_KEY = `pyodide ${PYODIDE_VERSION}, stdlib ${STDLIB_HASH}, engine ${ENGINE_HASH}`;
const KEPT_START_LIMIT_MS = 20000; // a kept start slower than this is given up for the normal one
// The downloads the progress counts.
const COUNTED = new Set(["pyodide.asm.wasm", "python_stdlib.zip", "engine.tar.gz", "pyodide-lock.json"]);

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
let tryingKept = false; // while a kept snapshot is being restored, its failures are its own
let keepAllowed = true; // false after the page's "forget"
const waiting = [];

// While the runtime starts, a promise of its own that fails after the start
// has already failed (or that nothing awaits) is part of the same failure:
// it is reported once, by the start, not as an uncaught error.
self.addEventListener("unhandledrejection", (event) => {
  if (booted) return;
  event.preventDefault();
  if (tryingKept) return;
  const reason = event.reason;
  rejectBoot(reason instanceof BootError ? reason : new BootError("internal", null, `the Python runtime failed while starting (${describe(reason)})`));
});

function post(value) {
  self.postMessage(JSON.stringify(value));
}

function status(step, text, kept = false) {
  post({ type: "status", step, steps: STEPS, text, kept });
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

/* progress: the bytes of each download, read from its body as it arrives */

const loaded = {};
let counting = true; // off for a start from a kept snapshot (its files come from the cache)
let progressTimer = null;

function sendProgress() {
  clearTimeout(progressTimer);
  progressTimer = null;
  post({ type: "progress", loaded: { ...loaded } });
}

// The response itself, its body counted as it arrives through a copy (the
// original stays the browser's own response, so that the browser can keep
// the compiled WebAssembly with its cached download).
function counted(file, response) {
  if (!counting || !COUNTED.has(file) || !response.ok || !response.body) return response;
  loaded[file] = 0;
  const reader = response.clone().body.getReader();
  const read = () =>
    reader.read().then(({ done, value }) => {
      if (done) return sendProgress();
      loaded[file] += value.byteLength;
      if (!progressTimer) progressTimer = setTimeout(sendProgress, 100);
      return read();
    });
  read().catch(() => {}); // a failed download is reported by its reader
  return response;
}

const siteFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  let response;
  try {
    response = await siteFetch(input, init);
  } catch (error) {
    if (!tryingKept) rejectBoot(new BootError("download", fileName(input), `could not download ${fileName(input)} (${describe(error)})`));
    throw error;
  }
  if (!response.ok && !tryingKept) rejectBoot(new BootError("download", fileName(input), `could not download ${fileName(input)} (HTTP ${response.status})`));
  return counted(fileName(input), response);
};

const consoleWarn = console.warn.bind(console);
let wasmFailed = false;
console.warn = (...args) => {
  if (tryingKept) {
    // a kept start's failure is handled by its caller
  } else if (args[0] === "wasm instantiation failed!") wasmFailed = true;
  else if (wasmFailed) rejectBoot(new BootError("refused", "pyodide.asm.wasm", `the WebAssembly of the runtime did not start (${describe(args[0])})`));
  consoleWarn(...args);
};

// One file of the site, whole: {response, bytes}, or a BootError
// ("download") naming the file.
async function download(file, url) {
  const failed = (why) => new BootError("download", file, `could not download ${file} (${why})`);
  let response;
  try {
    response = counted(file, await siteFetch(url));
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
  const url = { "engine.tar.gz": ARCHIVE_URL, "python_stdlib.zip": STDLIB_URL }[file] || `${INDEX_URL}${file}`;
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

/* the kept snapshot (IndexedDB) */

const FORGET = JSON.stringify({ control: "forget" });

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openKeep() {
  const req = indexedDB.open(KEEP_DB, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(KEEP_STORE);
  req.onblocked = () => req.onerror && req.onerror();
  return request(req);
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// The kept snapshot for this runtime and engine: {bytes, checked}, {problem}
// when one is kept but cannot be used, or null. Its key is a small record of
// its own, read first, so that the start can choose its way at once; the
// snapshot itself (tens of megabytes) goes on reading meanwhile. `checked`
// is a promise of its bytes once their key and checksum match (rejected if
// not): Pyodide awaits it while it loads its own script.
async function readKept() {
  if (!keepAllowed || typeof indexedDB !== "object" || !indexedDB) return null;
  let key;
  let full;
  try {
    const db = await openKeep();
    const store = db.transaction(KEEP_STORE).objectStore(KEEP_STORE);
    const keyRead = request(store.get("key"));
    full = request(store.get("runtime"));
    full.catch(() => {}).finally(() => db.close());
    key = await keyRead;
  } catch {
    return null; // no storage here (private mode, storage turned off): the normal start
  }
  if (!key) return null;
  if (key !== KEEP_KEY) return { problem: "kept for another version" };
  const checked = full.then(async (record) => {
    if (!record || record.key !== KEEP_KEY) throw new Error("the kept copy is missing or of another version");
    const bytes = new Uint8Array(record.bytes);
    if (!bytes.length || (await sha256(bytes)) !== record.sha256) throw new Error("the kept copy is damaged (its checksum does not match)");
    return bytes;
  });
  checked.catch(() => {}); // reported by the start that awaits it
  return { checked };
}

async function writeKept(bytes) {
  const record = { key: KEEP_KEY, sha256: await sha256(bytes), bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
  const db = await openKeep();
  try {
    const tx = db.transaction(KEEP_STORE, "readwrite");
    tx.objectStore(KEEP_STORE).put(record, "runtime");
    tx.objectStore(KEEP_STORE).put(KEEP_KEY, "key");
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("the write was aborted"));
    });
  } finally {
    db.close();
  }
}

async function forgetKept() {
  try {
    await request(indexedDB.deleteDatabase(KEEP_DB));
  } catch {
    // nothing kept, or no storage here
  }
}

async function keep(snapshot) {
  if (!keepAllowed) return;
  try {
    await writeKept(snapshot);
    if (!keepAllowed) await forgetKept(); // "forget" arrived while writing
    post({ type: "kept", state: keepAllowed ? "stored" : "not stored", reason: keepAllowed ? "" : "storing was turned off" });
  } catch (error) {
    post({ type: "kept", state: "not stored", reason: describe(error) });
  }
}

/* start */

function pythonOptions(lockFileContents, extra) {
  // packageBaseUrl also replaces Pyodide's default package CDN: nothing is
  // ever fetched from another origin (and no package is loaded at all).
  return { indexURL: INDEX_URL, packageBaseUrl: INDEX_URL, stdLibURL: STDLIB_URL, lockFileContents, packages: [], stdout: () => {}, stderr: () => {}, ...extra };
}

function unpack(pyodide, bytes) {
  try {
    pyodide.unpackArchive(bytes, "gztar", { extractDir: EXTRACT_DIR });
  } catch (error) {
    throw new BootError("damaged", "engine.tar.gz", `engine.tar.gz (${bytes.length} bytes) could not be unpacked (${describe(error)})`);
  }
}

// Restore the kept snapshot: the engine was created in it (__main__._crossroads_engine).
async function startKept(loadPyodide, lockFileContents, checked, archive) {
  tryingKept = true;
  let timer;
  try {
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not started within ${KEPT_START_LIMIT_MS / 1000} seconds`)), KEPT_START_LIMIT_MS);
    });
    // Checked first: a damaged copy never reaches the runtime's memory.
    const pyodide = await Promise.race([loadPyodide(pythonOptions(lockFileContents, { _loadSnapshot: checked })), limit]);
    // The engine's files, as after a normal start (for anything it reads later).
    unpack(pyodide, await Promise.race([archive, limit]));
    const engine = pyodide.globals.get("_crossroads_engine");
    if (!engine || typeof engine.handle !== "function") throw new Error("the snapshot holds no engine");
    return { pyodide, handle: engine.handle };
  } finally {
    clearTimeout(timer);
    tryingKept = false;
  }
}

async function boot() {
  const started = performance.now();
  if (typeof WebAssembly !== "object") throw new BootError("unsupported", null, "this browser does not run WebAssembly, which the engine needs");
  // The kept snapshot is read while the small files download.
  const keptRead = readKept();
  const archive = fetchArchive();
  archive.catch(() => {}); // reported below, after the runtime
  const lock = fetchLock();
  lock.catch(() => {}); // reported below, before the runtime starts
  let pyodide = null;
  let kept;
  let keptProblem;
  let keptAt;
  let start = "fresh";
  let loadPyodide;
  try {
    const loader = import(`${INDEX_URL}pyodide.mjs`);
    loader.catch(() => {}); // reported below
    kept = await keptRead;
    keptAt = performance.now();
    keptProblem = kept && kept.problem ? kept.problem : null;
    if (kept && kept.checked) counting = false;
    if (kept && kept.checked) status(1, "starting from the copy kept in this browser", true);
    else status(1, "downloading and starting Python");
    try {
      ({ loadPyodide } = await loader);
    } catch (error) {
      throw (await checkFile(RUNTIME_FILES[0])) || new BootError("damaged", "pyodide.mjs", `could not load pyodide.mjs (${describe(error)})`);
    }
    const lockFileContents = await lock;
    if (kept && kept.checked) {
      try {
        ({ pyodide, handle } = await startKept(loadPyodide, lockFileContents, kept.checked, archive));
        start = "kept";
      } catch (error) {
        keptProblem = `refused (${describe(error)})`;
        pyodide = null;
        counting = true;
        status(1, "downloading and starting Python");
      }
    }
    // A kept copy that could not be used is dropped at once (a new one
    // replaces it after this start), so that it is not tried again.
    if (keptProblem) forgetKept();
    if (!pyodide) {
      const snapshots = keepAllowed && typeof indexedDB === "object" && !!indexedDB;
      pyodide = await Promise.race([loadPyodide(pythonOptions(lockFileContents, snapshots ? { _makeSnapshot: true } : {})), bootFailed]);
    }
  } catch (error) {
    throw await diagnose(error);
  }
  const runtimeAt = performance.now();
  let snapshot = null;
  let snapshotAt = null;
  if (start === "fresh") {
    status(2, "loading the method");
    unpack(pyodide, await Promise.race([archive, bootFailed]));
    status(3, "checking the method");
    try {
      pyodide.runPython(
        `import sys\nif ${JSON.stringify(EXTRACT_DIR)} not in sys.path: sys.path.insert(0, ${JSON.stringify(EXTRACT_DIR)})\n` +
          "import crossroads_web\n_crossroads_engine = crossroads_web.create()",
      );
      handle = pyodide.globals.get("_crossroads_engine").handle;
    } catch (error) {
      throw new BootError("method", "engine.tar.gz", `the engine in engine.tar.gz did not load (${describe(error)})`);
    }
    // Made here, before any request is answered: it never holds answers.
    if (pyodide._api && pyodide._api.config && pyodide._api.config._makeSnapshot) {
      snapshotAt = performance.now();
      try {
        snapshot = pyodide.makeMemorySnapshot();
      } catch (error) {
        post({ type: "kept", state: "not stored", reason: `no snapshot (${describe(error)})` });
      }
    }
  }
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  const done = performance.now();
  return {
    ms: Math.round(done - started),
    python,
    start,
    kept_problem: keptProblem,
    timings: {
      kept_read_ms: Math.round(keptAt - started),
      runtime_ms: Math.round(runtimeAt - started),
      engine_ms: Math.round(done - runtimeAt),
      snapshot_ms: snapshotAt === null ? 0 : Math.round(done - snapshotAt),
    },
    snapshot,
  };
}

self.onmessage = (event) => {
  const text = String(event.data);
  if (text === FORGET) {
    keepAllowed = false;
    forgetKept();
    return;
  }
  if (handle || failure) answer(text);
  else waiting.push(text);
};

boot().then(
  (info) => {
    booted = true;
    // What the page asked while the engine started (the check of a stored
    // record, say) is answered first: when the page hears "ready", those
    // replies are in.
    const { snapshot, ...ready } = info;
    for (const text of waiting.splice(0)) answer(text);
    post({ type: "ready", ...ready });
    if (snapshot) keep(snapshot);
  },
  (error) => {
    const known = error instanceof BootError;
    failure = known ? String(error.message).replace(/\s+/g, " ").slice(0, 600) : describe(error);
    post({ type: "failed", file: known ? error.file : null, problem: known ? error.problem : "internal", reason: failure });
    for (const text of waiting.splice(0)) answer(text);
  },
);
