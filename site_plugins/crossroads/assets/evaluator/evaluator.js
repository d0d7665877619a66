// Crossroads evaluator: the page script (an ES module, loaded only on the
// evaluator page).
//
// The questionnaire is plain HTML rendered at build time; this script makes
// it live: conditional questions, "none of these" options, autosave in this
// browser, files, share links, reports, and the results panel. Scoring runs
// in worker.js (Pyodide), which starts as soon as this script runs; the page
// and the worker exchange JSON strings matched by id.
//
// Embedding and testing API, on the evaluator page:
//   window.crossroads.ready             Promise of the current engine start:
//                                       resolves with {method_version, profile,
//                                       python, timings}
//                                       when the engine is ready, rejects if it
//                                       fails (after Retry, read it again).
//   window.crossroads.evaluate(answers, {profile}?)
//                                       Promise of the result object, exactly
//                                       what `python -m engine assess --profile
//                                       <site profile>` prints for
//                                       {"answers": answers}. Pass {profile: "de"}
//                                       for another country profile, or
//                                       {profile: null} for none. Rejects with an
//                                       Error (.type, .question) on invalid input,
//                                       and (.type "stopped" or "unavailable") when
//                                       the engine has stopped, could not start, or
//                                       gives no reply within 10 seconds: it always
//                                       settles.
//   window.crossroads.check(document)   Promise of the engine's checked form of a
//                                       saved-assessment document.
//   window.crossroads.method_version, window.crossroads.profile
// The evaluator element also fires "crossroads:result" (detail: {ms, result})
// each time the results panel has been updated, and the page records the
// performance marks "crossroads:interactive" (the form is live) and
// "crossroads:engine-ready".
//
// Reader text is only ever set with textContent or as attribute values.
//
// Never a stale verdict: the moment the answers change, a result computed for
// earlier answers is marked out of date (panel, summary, print); every request
// to the worker has a timeout, and the worker's error and messageerror events
// are watched, so a dead or hung engine is found and can be restarted without
// touching the answers.
//
// Storage: one record per method version (STORAGE_PREFIX + version). Tabs on
// this page watch each other through "storage" events: a tab that has no
// changes of its own follows another tab's changes (and says so); a tab with
// changes of its own stops saving and lets the reader choose, so neither side
// is lost. A tab writes only if the record is still what it last read or
// wrote. "Erase my data" and "Don't store" reach every open tab (a signal key,
// and a BroadcastChannel). A stored record that cannot be read in full is
// kept aside, unchanged, under ASIDE_PREFIX until the reader downloads or
// discards it; what can be read of it is opened.

const STORAGE_PREFIX = "crossroads:evaluator:";
const FORMAT = "crossroads-assessment";
const REQUEST_KEYS = ["format", "method_version", "profile", "partnership", "answers", "notes", "saved_at"];
const PARTNERSHIP_KEYS = ["name", "partner", "date", "note"];
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FRAGMENT_CHARS = 400000;
const LONG_LINK_CHARS = 8000; // longer links may be cut by e-mail and chat programs
const SLOW_AFTER_MS = 15000;
const GIVE_UP_AFTER_MS = 180000;
const REQUEST_TIMEOUT_MS = 10000; // an assessment takes milliseconds: no reply by then means the engine is stuck
const STALE_NOTICE_MS = 300; // an update slower than this shows the "out of date" notice
const STALE_ANNOUNCE_MS = 1500; // an update slower than this is announced
const ASIDE_PREFIX = "crossroads:evaluator-aside:";
const SIGNAL_KEY = "crossroads:evaluator-signal";
const CHANNEL_NAME = "crossroads-evaluator";

// What each file the engine needs is, in plain words (see worker.js).
const FILE_ROLES = {
  "worker.js": "the script that runs the engine in the background",
  "engine.tar.gz": "the scoring engine and the method",
  "pyodide.mjs": "the loader of the Python runtime",
  "pyodide.asm.mjs": "the Python runtime",
  "pyodide.asm.wasm": "the Python runtime, compiled to WebAssembly",
  "python_stdlib.zip": "Python's standard library",
  "pyodide-lock.json": "the list of the Python runtime's parts",
};

/* ------------------------------------------------------------------ DOM */

function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function srOnly(text) {
  return h("span", { class: "cr-sr", text });
}

function badge(levelId, label) {
  return h("span", { class: `cr-badge cr-level--${levelId}`, text: label });
}

function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function slug(text) {
  const s = String(text || "")
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 60)
    .replace(/-+$/, "");
  return s || "partnership";
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/* --------------------------------------------------------- base64url */

// Share links carry the assessment after "#": "a=" and base64url of its JSON
// (the first form, still read, and still written while the link is short),
// or "z=" and base64url of the JSON compressed with deflate-raw (written for
// long links when it is shorter).

// The first form, "a=": kept as it was (render.share_code writes it for the
// case pages, and tests/site/test_cases.py runs these two functions).
function encodeFragment(value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeFragment(code) {
  return fragmentJSON(fragmentBytes(code));
}

function fragmentBytes(code) {
  if (code.length > MAX_FRAGMENT_CHARS) throw new CheckError("the link is too long to be a Crossroads share link.");
  if (!/^[A-Za-z0-9_-]*$/.test(code)) throw new CheckError("the link is damaged: it contains characters a share link never has.");
  let binary;
  try {
    const padded = code.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((code.length + 3) % 4);
    binary = atob(padded);
  } catch {
    throw new CheckError("the link is damaged: its answers cannot be decoded.");
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function fragmentJSON(bytes) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CheckError("the link is damaged: its answers are not text.");
  }
  return parseJSON(text);
}

// The second form, "z=": the JSON compressed with deflate-raw.
async function compressFragment(value) {
  if (typeof CompressionStream !== "function") return null;
  const stream = new Blob([JSON.stringify(value)]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function decodeCompressedFragment(code) {
  return fragmentJSON(await inflate(fragmentBytes(code), MAX_FILE_BYTES));
}

// Inflate at most `limit` bytes: a small link must not unpack into gigabytes.
async function inflate(bytes, limit) {
  if (typeof DecompressionStream !== "function") {
    throw new CheckError("this browser cannot unpack compressed share links; ask for the assessment as a file instead.");
  }
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        reader.cancel().catch(() => {});
        throw new CheckError(`the link unpacks to more than ${Math.round(limit / 1024 / 1024)} MB, far more than any Crossroads assessment.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CheckError) throw error;
    throw new CheckError("the link is damaged: its compressed answers cannot be unpacked.");
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/* ------------------------------------------------------- validation */

class CheckError extends Error {}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "number") return "a number";
  if (typeof value === "string") return "a string";
  if (Array.isArray(value)) return "a list";
  return "an object";
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function wellFormed(text) {
  if (typeof text.isWellFormed === "function") return text.isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckError(`it is not valid JSON (${String(error.message).replace(/^JSON\.parse: /, "")}).`);
  }
}

// The structural check of a saved-assessment document, the same rules as the
// engine's check_request, so that a file is judged before the engine is ready.
function checkDocument(doc, model) {
  const { config } = model;
  if (!isObject(doc)) throw new CheckError(`an assessment must be a JSON object with an 'answers' key, got ${describe(doc)}.`);
  for (const key of Object.keys(doc)) {
    if (!REQUEST_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in the assessment; expected only: ${REQUEST_KEYS.join(", ")}.`);
  }
  if (!("answers" in doc)) throw new CheckError("the assessment has no 'answers' key.");
  if ("format" in doc && doc.format !== FORMAT) {
    throw new CheckError(`this file is not a Crossroads assessment: 'format' is ${JSON.stringify(doc.format)}, expected '${FORMAT}'.`);
  }
  const version = doc.method_version;
  if (version !== undefined && version !== null && typeof version !== "string") {
    throw new CheckError(`'method_version' must be a string such as '${config.method_version}', got ${describe(version)}.`);
  }
  const { answers, notes, migration } = migrateDocument(doc, model);
  const profile = doc.profile;
  if (profile !== undefined && profile !== null && typeof profile !== "string") {
    throw new CheckError(`'profile' must be a country id or null, got ${describe(profile)}.`);
  }
  if (typeof profile === "string" && !Object.hasOwn(config.profiles, profile)) {
    throw new CheckError(`unknown country profile ${JSON.stringify(profile)}; expected one of: ${Object.keys(config.profiles).join(", ")}.`);
  }
  const partnership = doc.partnership === undefined ? {} : doc.partnership;
  if (!isObject(partnership)) throw new CheckError(`'partnership' must be an object, got ${describe(partnership)}.`);
  for (const [key, value] of Object.entries(partnership)) {
    if (!PARTNERSHIP_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in 'partnership'; expected only: ${PARTNERSHIP_KEYS.join(", ")}.`);
    checkText(value, `partnership.${key}`, model);
  }
  if (!isObject(notes)) throw new CheckError(`'notes' must be an object mapping question ids to text, got ${describe(notes)}.`);
  for (const [qid, value] of Object.entries(notes)) checkNote(qid, value, model);
  if ("saved_at" in doc) checkText(doc.saved_at, "'saved_at'", model);
  if (!isObject(answers)) throw new CheckError(`'answers' must be an object mapping question ids to values, got ${describe(answers)}.`);
  const clean = {};
  for (const [qid, value] of Object.entries(answers)) {
    const checked = checkAnswer(qid, value, model);
    if (checked !== null) clean[qid] = checked;
  }
  const checked = { answers: clean, partnership: { ...partnership }, notes: { ...notes } };
  if (migration.length) {
    checked.migrated_from = version;
    checked.migration = migration;
  }
  return checked;
}

// An earlier version's answers are carried over with the engine's migration
// table (scenarios/migrations.yaml), then checked as usual.
function migrateDocument(doc, model) {
  const { config } = model;
  const version = doc.method_version;
  let answers = doc.answers;
  let notes = doc.notes === undefined ? {} : doc.notes;
  const migration = [];
  if (version !== undefined && version !== null && version !== config.method_version) {
    const steps = new Map((config.migrations || []).map((m) => [m.from, m]));
    const seen = new Set();
    let current = version;
    while (current !== config.method_version) {
      const step = steps.get(current);
      if (!step || seen.has(current)) {
        const known = [...new Set([...steps.keys(), config.method_version])].sort().join(", ");
        throw new CheckError(
          `this assessment was made with method version ${JSON.stringify(version)}, which this page cannot carry over to ` +
            `${JSON.stringify(config.method_version)}; versions it opens: ${known}.`,
        );
      }
      seen.add(current);
      if (isObject(answers)) answers = migrateMap(answers, step, true);
      if (isObject(notes)) notes = migrateMap(notes, step, false);
      migration.push(`${step.from} to ${step.to}: ${step.summary}`);
      current = step.to;
    }
  }
  return { answers, notes, migration };
}

function checkText(value, where, model) {
  const max = model.config.max_text;
  if (typeof value !== "string") throw new CheckError(`${where} must be a string, got ${describe(value)}.`);
  if (!wellFormed(value)) throw new CheckError(`${where} must be valid Unicode text, but it contains a broken character.`);
  // Count characters as Python does (code points), not UTF-16 units.
  const length = value.length > max ? [...value].length : value.length;
  if (length > max) throw new CheckError(`${where} is ${length} characters long; the limit is ${max}.`);
}

function checkNote(qid, value, model) {
  if (!model.byId.has(qid)) throw new CheckError(`a note is attached to unknown question '${qid}'.`);
  checkText(value, `the note on question '${qid}'`, model);
}

// One answer, checked: its clean value, or null for no answer.
function checkAnswer(qid, value, model) {
  const question = model.byId.get(qid);
  if (!question) throw new CheckError(`unknown question '${qid}'.`);
  if (value === null) return null;
  const allowed = question.options.map((o) => o.value);
  const names = allowed.join(", ");
  if (question.type === "single") {
    if (typeof value !== "string") throw new CheckError(`question '${qid}' takes one of its option values as a string, got ${describe(value)}; allowed values: ${names}.`);
    if (!allowed.includes(value)) throw new CheckError(`question '${qid}': '${value}' is not an option; allowed values: ${names}.`);
    return value;
  }
  if (!Array.isArray(value)) throw new CheckError(`question '${qid}' takes a list of option values, got ${describe(value)}; allowed values: ${names}.`);
  const seen = [];
  for (const item of value) {
    if (typeof item !== "string") throw new CheckError(`question '${qid}' takes a list of strings, got ${describe(item)} in it; allowed values: ${names}.`);
    if (!allowed.includes(item)) throw new CheckError(`question '${qid}': '${item}' is not an option; allowed values: ${names}.`);
    if (seen.includes(item)) throw new CheckError(`question '${qid}': '${item}' is given twice; give each value once.`);
    seen.push(item);
  }
  const exclusive = seen.filter((item) => question.options.find((o) => o.value === item).exclusive);
  if (exclusive.length && seen.length > 1) throw new CheckError(`question '${qid}': '${exclusive[0]}' means none of the others and cannot be combined with them.`);
  // An empty selection is no answer, as in the engine.
  return seen.length ? allowed.filter((v) => seen.includes(v)) : null;
}

// What can be read of a document that checkDocument refuses: every answer,
// note and partnership detail that passes its own check, and a list of what
// was left out. Answers and notes of a method version this page cannot carry
// over are left out (their questions may mean something else now).
function salvageDocument(doc, model) {
  const checked = { answers: {}, partnership: {}, notes: {} };
  const problems = [];
  const attempt = (fn) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      problems.push(error.message);
    }
  };
  if (!isObject(doc)) {
    problems.push(`the record is ${describe(doc)}, not an assessment.`);
    return { checked, problems };
  }
  let answers = {};
  let notes = {};
  attempt(() => {
    const version = doc.method_version;
    if (version !== undefined && version !== null && typeof version !== "string") {
      throw new CheckError(`'method_version' must be a string, got ${describe(version)}; its answers and notes were not opened.`);
    }
    const migrated = migrateDocument(doc, model);
    answers = migrated.answers;
    notes = migrated.notes;
    if (migrated.migration.length) {
      checked.migrated_from = version;
      checked.migration = migrated.migration;
    }
  });
  if (isObject(doc.partnership)) {
    for (const [key, value] of Object.entries(doc.partnership)) {
      attempt(() => {
        if (!PARTNERSHIP_KEYS.includes(key)) throw new CheckError(`unknown key '${key}' in 'partnership'.`);
        checkText(value, `partnership.${key}`, model);
        checked.partnership[key] = value;
      });
    }
  } else if (doc.partnership !== undefined) {
    problems.push(`'partnership' must be an object, got ${describe(doc.partnership)}.`);
  }
  if (isObject(notes)) {
    for (const [qid, value] of Object.entries(notes)) attempt(() => {
      checkNote(qid, value, model);
      checked.notes[qid] = value;
    });
  } else {
    problems.push(`'notes' must be an object, got ${describe(notes)}.`);
  }
  if (isObject(answers)) {
    for (const [qid, value] of Object.entries(answers)) attempt(() => {
      const clean = checkAnswer(qid, value, model);
      if (clean !== null) checked.answers[qid] = clean;
    });
  } else {
    problems.push(`'answers' must be an object, got ${describe(answers)}.`);
  }
  for (const key of Object.keys(doc)) {
    if (!REQUEST_KEYS.includes(key)) problems.push(`unknown key '${key}' in the assessment.`);
  }
  return { checked, problems };
}

// One step of the migration table applied to answers (values too) or notes,
// as the engine's _migrate_map does.
function migrateMap(mapping, step, values) {
  const renamed = step.rename_questions || {};
  const dropped = new Set(step.drop_questions || []);
  const out = {};
  for (const [qid, value] of Object.entries(mapping)) {
    if (dropped.has(qid)) continue;
    const id = Object.hasOwn(renamed, qid) ? renamed[qid] : qid;
    let v = value;
    if (values) {
      const options = (step.rename_options || {})[id] || {};
      const rename = (item) => (typeof item === "string" && Object.hasOwn(options, item) ? options[item] : item);
      if (typeof v === "string") v = rename(v);
      else if (Array.isArray(v)) v = v.map(rename);
    }
    // defineProperty: a key such as "__proto__" stays a key (and is refused later).
    Object.defineProperty(out, id, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/* ------------------------------------------------------------ engine */

function engineError(error) {
  const e = new Error((error && error.message) || "the engine refused the request.");
  e.type = error && error.type;
  e.question = error && error.question;
  return e;
}

// Why worker.js did not run (the error event does not say): fetched again
// and looked at.
async function diagnoseWorker(url, message) {
  const said = message ? `; the browser said: ${message}` : "";
  let response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (error) {
    return { problem: "download", file: "worker.js", reason: `could not download worker.js (${error.message})${said}` };
  }
  if (!response.ok) return { problem: "download", file: "worker.js", reason: `could not download worker.js (HTTP ${response.status})${said}` };
  const type = response.headers.get("content-type") || "none";
  const bytes = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  if (!/javascript/i.test(type) || !bytes.length || bytes.subarray(0, 4096).includes(0)) {
    return { problem: "damaged", file: "worker.js", reason: `worker.js (${bytes.length} bytes, type ${type}) is not the engine's script${said}` };
  }
  return { problem: "unsupported", file: null, reason: `worker.js downloaded but did not run as a module worker${said}` };
}

// The engine's background worker. States: "loading", "ready", "failed" (it
// could not start) and "stopped" (it was ready, then died or hung). Every
// request has a timeout once the engine is ready, so that no promise waits
// forever on a worker that is gone; the worker's error and messageerror
// events stop it too. `failure` says why: {problem, file, reason}.
class EngineClient {
  constructor(config) {
    this.config = config;
    this.nextId = 1;
    this.pending = new Map();
    this.onchange = null;
    this.wasReady = false;
    this.start();
  }

  start() {
    this.state = "loading";
    this.step = { step: 0, steps: 3, text: "starting the background worker" };
    this.failure = null;
    this.reason = null;
    this.slow = false;
    this.startedAt = performance.now();
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    const c = this.config;
    const query = `v=${encodeURIComponent(c.worker)}&pyodide=${encodeURIComponent(c.pyodide)}&engine=${encodeURIComponent(c.engine)}`;
    const url = new URL(`worker.js?${query}`, import.meta.url);
    clearTimeout(this.slowTimer);
    clearTimeout(this.giveUpTimer);
    this.slowTimer = setTimeout(() => {
      if (this.state === "loading") {
        this.slow = true;
        this.emit();
      }
    }, SLOW_AFTER_MS);
    this.giveUpTimer = setTimeout(() => {
      if (this.state === "loading") this.fail({ problem: "slow", file: null, reason: `the engine did not finish starting within ${GIVE_UP_AFTER_MS / 1000} seconds` });
    }, GIVE_UP_AFTER_MS);
    let worker;
    try {
      worker = new Worker(url, { type: "module" });
    } catch (error) {
      this.worker = null;
      this.fail({ problem: "unsupported", file: null, reason: `new Worker() failed: ${error.message}` });
      return;
    }
    this.worker = worker;
    this.heard = false; // any message at all from this worker yet?
    // Events of a worker that has since been replaced (Restart) are ignored.
    worker.onmessage = (event) => {
      if (this.worker !== worker) return;
      this.heard = true;
      this.receive(event.data);
    };
    worker.onerror = (event) => {
      if (event.preventDefault) event.preventDefault();
      if (this.worker !== worker) return;
      if (this.state === "loading" && !this.heard) {
        // worker.js itself did not load or run: fetch it again to say why.
        diagnoseWorker(url, event.message).then((failure) => {
          if (this.worker === worker) this.fail(failure);
        });
      } else {
        this.fail({ problem: "crashed", file: null, reason: `error event from the worker: ${event.message || "no message"}` });
      }
    };
    worker.onmessageerror = () => {
      if (this.worker === worker) this.fail({ problem: "crashed", file: null, reason: "messageerror: a message from the worker could not be read" });
    };
    this.emit();
  }

  emit() {
    if (this.onchange) this.onchange(this);
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === "status") {
      this.step = message;
      this.emit();
    } else if (message.type === "ready") {
      this.state = "ready";
      this.wasReady = true;
      this.info = message;
      this.readyMs = Math.round(performance.now() - this.startedAt);
      clearTimeout(this.slowTimer);
      clearTimeout(this.giveUpTimer);
      performance.mark("crossroads:engine-ready");
      for (const [id, waiter] of this.pending) this.arm(id, waiter);
      this.resolveReady({
        method_version: this.config.method_version,
        profile: this.config.profile,
        python: message.python,
        timings: { worker_ms: message.ms, ...message.timings },
      });
      this.emit();
    } else if (message.type === "failed") {
      this.fail({ problem: message.problem || "internal", file: message.file || null, reason: message.reason || "no reason given" });
    } else if ("id" in message) {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.reply && message.reply.ok) waiter.resolve(message.reply.result);
      else waiter.reject(engineError(message.reply && message.reply.error));
    }
  }

  // The reason, in a few words, for error messages.
  unavailable() {
    const e = new Error(
      this.state === "stopped"
        ? `the scoring engine stopped (${this.failure.reason}); restart it on the page`
        : `the scoring engine could not start: ${this.failure.reason}`,
    );
    e.type = this.state === "stopped" ? "stopped" : "unavailable";
    return e;
  }

  fail(failure) {
    if (this.state === "failed" || this.state === "stopped") return;
    this.state = this.state === "ready" ? "stopped" : "failed";
    this.failure = failure;
    this.reason = failure.reason;
    clearTimeout(this.slowTimer);
    clearTimeout(this.giveUpTimer);
    if (this.worker) this.worker.terminate();
    this.worker = null;
    const error = this.unavailable();
    this.rejectReady(error);
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
    this.emit();
  }

  retry() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    const error = new Error("the scoring engine was restarted before it replied; ask again.");
    error.type = "stopped";
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
    this.start();
  }

  arm(id, waiter) {
    clearTimeout(waiter.timer);
    waiter.timer = setTimeout(() => {
      if (this.pending.get(id) !== waiter) return;
      this.fail({ problem: "timeout", file: null, reason: `no reply to request ${id} ("${waiter.op}") within ${REQUEST_TIMEOUT_MS / 1000} seconds` });
    }, REQUEST_TIMEOUT_MS);
  }

  call(message) {
    if (this.state === "failed" || this.state === "stopped") return Promise.reject(this.unavailable());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, op: message.op, timer: null };
      this.pending.set(id, waiter);
      // Before the engine is ready, requests wait in the worker's queue and
      // the start has its own time limit; the clock starts at "ready".
      if (this.state === "ready") this.arm(id, waiter);
      this.worker.postMessage(JSON.stringify({ id, ...message }));
    });
  }
}

/* --------------------------------------------------------- evaluator */

class Evaluator {
  constructor(root, client) {
    this.root = root;
    this.client = client;
    this.config = JSON.parse(root.querySelector("#cr-config").textContent);
    this.form = root.querySelector("#cr-form");
    this.el = (id) => root.querySelector(`#${id}`);
    this.noStore = false;
    this.result = null;
    this.scoring = false;
    this.again = false;
    this.inputAt = null;
    this.resultKey = null; // the answers (JSON) this.result was computed from
    this.migration = null; // {from, texts} when the answers came from an older method version
    this.recordedFor = null; // the answers (JSON) for which "Proceed" was recorded on the screen
    this.openDetails = new Set();
    this.scoreError = null; // the engine's error for the answers now in the form
    this.lastStored = null; // the record (text) this tab last read from or wrote to storage
    this.conflict = null; // {at} while another tab's changes and this tab's differ
    this.held = null; // {key, text, reason}: an unreadable record that could not be kept aside
    this.keptProblems = []; // what could not be read of the record kept aside on this load
    this.handledSignals = new Set();
    this.channel = null;
    this.readModel();
    this.bind();
    this.restore();
    this.updateQuestions();
    this.loadFragment();
    this.renderReport();
    client.onchange = () => this.engineChanged();
    this.engineChanged();
    this.exposeApi();
    this.watchPanel();
    this.watchTabs();
    performance.mark("crossroads:interactive");
  }

  // On a phone the results come after the form: while they are out of view,
  // the one-line summary stays at the bottom of the screen (see the CSS).
  watchPanel() {
    if (!("IntersectionObserver" in window)) return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) this.root.dataset.panelInView = String(entry.isIntersecting);
    });
    observer.observe(this.el("cr-results"));
  }

  /* model, read from the HTML rendered at build time */

  readModel() {
    this.questions = [...this.root.querySelectorAll(".cr-question")].map((el) => {
      const inputs = [...el.querySelectorAll(".cr-options input")];
      return {
        id: el.dataset.question,
        type: el.dataset.type,
        short: el.dataset.short,
        text: el.querySelector(".cr-question__label").textContent.trim(),
        screen: el.hasAttribute("data-screen"),
        el,
        showIf: el.dataset.showIf ? { question: el.dataset.showIf, in: JSON.parse(el.dataset.showIn) } : null,
        options: inputs.map((input) => ({
          value: input.value,
          label: this.root.querySelector(`label[for="${input.id}"]`).textContent.trim(),
          exclusive: input.hasAttribute("data-exclusive"),
          input,
        })),
        note: el.querySelector("textarea[data-note]"),
        noteMark: el.querySelector(".cr-note__mark"),
        details: el.querySelector("details.cr-note"),
        clear: el.querySelector("[data-clear]"),
        visible: !el.hidden,
      };
    });
    this.byId = new Map(this.questions.map((q) => [q.id, q]));
    this.partnershipFields = Object.fromEntries(
      [...this.root.querySelectorAll("[data-partnership]")].map((el) => [el.dataset.partnership, el]),
    );
    this.model = { config: this.config, byId: this.byId };
  }

  rawValue(question) {
    const checked = question.options.filter((o) => o.input.checked).map((o) => o.value);
    if (!checked.length) return null;
    return question.type === "single" ? checked[0] : checked;
  }

  /* which questions are shown: the engine's rule, in question order */
  updateQuestions() {
    const shown = new Map();
    for (const q of this.questions) {
      let visible = true;
      if (q.showIf) {
        const parent = this.byId.get(q.showIf.question);
        const value = parent ? this.rawValue(parent) : null;
        if (!shown.get(q.showIf.question) || value === null) visible = false;
        else if (Array.isArray(value)) visible = value.some((v) => q.showIf.in.includes(v));
        else visible = q.showIf.in.includes(value);
      }
      shown.set(q.id, visible);
      q.visible = visible;
      if (q.el.hidden === visible) q.el.hidden = !visible;
      const answered = this.rawValue(q) !== null;
      if (q.clear.hidden === answered) q.clear.hidden = !answered;
      const hasNote = q.note.value.trim() !== "";
      q.noteMark.textContent = hasNote ? " (written)" : "";
    }
  }

  answers() {
    const out = {};
    for (const q of this.questions) {
      if (!q.visible) continue;
      const value = this.rawValue(q);
      if (value !== null) out[q.id] = value;
    }
    return out;
  }

  notes() {
    const out = {};
    for (const q of this.questions) if (q.note.value !== "") out[q.id] = q.note.value;
    return out;
  }

  partnership() {
    const out = {};
    for (const key of PARTNERSHIP_KEYS) out[key] = this.partnershipFields[key].value;
    return out;
  }

  assessment() {
    const doc = { format: FORMAT, method_version: this.config.method_version };
    if (this.config.profile) doc.profile = this.config.profile;
    doc.partnership = this.partnership();
    doc.answers = this.answers();
    doc.notes = this.notes();
    doc.saved_at = new Date().toISOString();
    return doc;
  }

  hasContent() {
    return (
      Object.keys(this.answers()).length > 0 ||
      Object.keys(this.notes()).length > 0 ||
      Object.values(this.partnership()).some((v) => v !== "")
    );
  }

  /* put a checked document into the form (everything else is cleared) */
  apply(checked, { persist = true } = {}) {
    for (const q of this.questions) {
      const value = checked.answers[q.id];
      const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
      for (const o of q.options) o.input.checked = values.includes(o.value);
      q.note.value = checked.notes[q.id] || "";
      if (q.note.value) q.details.open = true;
    }
    for (const key of PARTNERSHIP_KEYS) this.partnershipFields[key].value = checked.partnership[key] || "";
    this.migration = checked.migrated_from ? { from: checked.migrated_from, texts: checked.migration || [] } : null;
    this.recordedFor = null;
    this.updateQuestions();
    if (persist) this.persist();
    this.renderReport();
    this.score();
  }

  /* events */

  bind() {
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.form.addEventListener("change", (event) => {
      const input = event.target;
      if (!(input instanceof HTMLInputElement) || (input.type !== "radio" && input.type !== "checkbox")) return;
      this.inputAt = performance.now();
      const q = this.byId.get(input.name);
      if (q && q.type === "multi" && input.checked) {
        const option = q.options.find((o) => o.input === input);
        for (const o of q.options) {
          if (o.input !== input && (option.exclusive || o.exclusive)) o.input.checked = false;
        }
      }
      this.updateQuestions();
      this.score();
      this.persist();
    });
    this.form.addEventListener("input", (event) => {
      const el = event.target;
      if (el instanceof HTMLInputElement && (el.type === "radio" || el.type === "checkbox")) return;
      this.updateQuestions();
      this.persistSoon();
    });
    this.el("cr-results").addEventListener("click", (event) => {
      if (event.target.closest("#cr-record-proceed")) this.recordProceed();
    });
    this.form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-clear]");
      if (!button) return;
      const q = this.byId.get(button.dataset.clear);
      for (const o of q.options) o.input.checked = false;
      this.inputAt = performance.now();
      this.updateQuestions();
      this.score();
      this.persist();
      q.options[0].input.focus();
    });
    this.root.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#q-"]');
      if (!link) return;
      const q = this.byId.get(link.getAttribute("href").slice(3));
      if (!q || !q.visible) return;
      event.preventDefault();
      this.focusQuestion(q);
    });
    window.addEventListener("pagehide", () => this.flushPersist());
    // Changes that are not stored anywhere (another tab's version is being
    // kept, or an unreadable record waits for the reader): ask before leaving.
    window.addEventListener("beforeunload", (event) => {
      if ((this.conflict || this.held) && this.hasContent()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    // A share link pasted into a tab already on this page changes only the fragment.
    window.addEventListener("hashchange", () => this.loadFragment());
    window.addEventListener("beforeprint", () => this.renderReport());

    this.el("cr-retry").addEventListener("click", () => {
      this.client.retry();
      this.el("cr-status").focus();
    });
    this.el("cr-restart").addEventListener("click", () => {
      this.client.retry();
      this.el("cr-results-title").focus();
    });
    this.el("cr-conflict-keep").addEventListener("click", () => this.conflictKeep());
    this.el("cr-conflict-use").addEventListener("click", () => this.conflictUse());
    this.el("cr-conflict-download").addEventListener("click", () => this.conflictDownload());
    this.el("cr-conflict-save").addEventListener("click", () => this.saveFile());
    this.el("cr-kept-list").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-kept]");
      if (!button) return;
      if (button.dataset.action === "download") this.downloadKept(button.dataset.kept);
      else this.discardKept(button.dataset.kept);
    });
    this.el("cr-share-file").addEventListener("click", () => this.saveFile());
    this.el("cr-save").addEventListener("click", () => this.saveFile());
    this.el("cr-open").addEventListener("click", () => this.el("cr-open-file").click());
    this.el("cr-open-file").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (file) this.openFile(file);
    });
    this.el("cr-share").addEventListener("click", () => this.toggleShare());
    this.el("cr-share-copy").addEventListener("click", () => this.copyShareLink());
    this.el("cr-share-notes").addEventListener("change", () => this.clearShareLink());
    this.el("cr-report-md").addEventListener("click", () => this.downloadReport());
    this.el("cr-print").addEventListener("click", () => {
      this.renderReport();
      // Never on paper: a result computed for other answers than these.
      if (this.isStale()) {
        const down = this.client.state !== "ready" || this.scoreError;
        this.message(
          down
            ? "Not printed: the result on the page is out of date (it was computed for your earlier answers) and the scoring engine has stopped. Restart the engine in the result panel, then print again."
            : "Not printed yet: the result is being updated for your new answers. Print again in a moment.",
          "error",
        );
        return;
      }
      window.print();
    });
    this.el("cr-erase").addEventListener("click", () => this.erase());
    this.el("cr-nostore").addEventListener("change", (event) => this.setNoStore(event.target.checked));
  }

  focusQuestion(q) {
    q.el.scrollIntoView({ block: "start", behavior: "smooth" });
    const target = q.options.find((o) => o.input.checked) || q.options[0];
    target.input.focus({ preventScroll: true });
  }

  message(text, kind = "info") {
    const box = this.el("cr-message");
    box.hidden = false;
    if (box.textContent === text && box.dataset.kind === kind) return; // said already: not announced again
    box.dataset.kind = kind;
    box.textContent = text;
  }

  setSummary(text) {
    const live = this.el("cr-summary");
    if (live.textContent !== text) live.textContent = text;
  }

  // A collapsible "Technical detail" under a failure message.
  setDetail(id, text) {
    const box = this.el(id);
    box.hidden = !text;
    if (!text) box.open = false;
    box.querySelector(".cr-detail__text").textContent = text || "";
  }

  /* storage: this browser only, one key per method version */

  storageKey() {
    return STORAGE_PREFIX + this.config.method_version;
  }

  persistSoon() {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      this.persist();
      this.renderReport();
    }, 400);
  }

  flushPersist() {
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
      this.persist();
    }
  }

  // What a stored record says (answers, notes, partnership), without the
  // time it was saved: two records with the same content are the same.
  contentKey(text) {
    if (text === null || text === undefined) return null;
    try {
      const doc = JSON.parse(text);
      if (!isObject(doc)) return text;
      return JSON.stringify([doc.partnership || {}, doc.answers || {}, doc.notes || {}]);
    } catch {
      return text;
    }
  }

  formKey() {
    return this.hasContent() ? this.contentKey(JSON.stringify(this.assessment())) : null;
  }

  // Write this tab's answers, but only over the record this tab last read or
  // wrote: if another tab changed it meanwhile (and this tab missed it), the
  // reader chooses instead.
  persist() {
    if (this.noStore || this.conflict || this.held) return false;
    const key = this.storageKey();
    try {
      const now = localStorage.getItem(key);
      if (now !== this.lastStored && this.contentKey(now) !== this.contentKey(this.lastStored) && this.contentKey(now) !== this.formKey()) {
        this.openConflict();
        return false;
      }
      if (this.hasContent()) {
        const text = JSON.stringify(this.assessment());
        localStorage.setItem(key, text);
        this.lastStored = text;
      } else {
        localStorage.removeItem(key);
        this.lastStored = null;
      }
      return true;
    } catch {
      this.message("This browser did not let the page store your answers. Save them to a file to keep them.", "error");
      return false;
    }
  }

  removeStored() {
    try {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith(STORAGE_PREFIX) || key.startsWith(ASIDE_PREFIX)) localStorage.removeItem(key);
      }
    } catch {
      /* storage unavailable: nothing stored either */
    }
    this.lastStored = null;
  }

  restore() {
    let text = null;
    let key = this.storageKey();
    try {
      text = localStorage.getItem(key);
      this.lastStored = text;
      if (text === null) {
        // Answers stored by an earlier method version are carried over once.
        const older = Object.keys(localStorage).filter((k) => k.startsWith(STORAGE_PREFIX) && k !== key).sort();
        if (older.length) {
          key = older[older.length - 1];
          text = localStorage.getItem(key);
        }
      }
    } catch {
      return;
    }
    if (text === null) {
      this.renderKept();
      return;
    }
    let doc;
    let failure = null;
    try {
      doc = parseJSON(text);
      this.apply(checkDocument(doc, this.model));
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      failure = error;
    }
    if (!failure) {
      if (key !== this.storageKey()) {
        this.removeKey(key);
        this.message(`The answers stored in this browser were made with an earlier version of the method${this.carriedOver(this.migration ? { migrated_from: this.migration.from } : {})}.`);
      }
      this.renderKept();
      return;
    }
    // Unreadable, in part or in full: keep the record aside exactly as it is,
    // until the reader downloads or discards it, and open what can be read.
    const { checked, problems } = doc === undefined ? { checked: { answers: {}, partnership: {}, notes: {} }, problems: [] } : salvageDocument(doc, this.model);
    if (!problems.length) problems.push(failure.message);
    this.keptProblems = problems;
    if (this.keepAside(text, key, problems.join(" "))) {
      if (key !== this.storageKey()) this.removeKey(key);
    } else {
      this.held = { key, text, reason: problems.join(" ") };
    }
    this.apply(checked);
    this.renderKept();
    const opened = Object.keys(checked.answers).length + Object.keys(checked.notes).length + Object.values(checked.partnership).filter(Boolean).length;
    const more = problems.length > 1 ? ` and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""}` : "";
    this.message(
      `The answers stored in this browser could not all be read: ${problems[0].replace(/\.$/, "")}${more}. ` +
        `${opened ? "What could be read is open below" : "Nothing in them could be opened"}; the stored record is kept aside, unchanged, ` +
        `until you download or discard it (see “Answers kept aside”).`,
      "error",
    );
  }

  removeKey(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing more to do */
    }
  }

  carriedOver(checked) {
    return checked.migrated_from ? ` and carried over from method version ${checked.migrated_from} to ${this.config.method_version}` : "";
  }

  /* records kept aside: stored answers that could not be read in full */

  // Keep an unreadable record, unchanged, under its own key; false if this
  // browser does not let the page store it.
  keepAside(text, key, reason) {
    try {
      for (const { record } of this.keptRecords()) if (record.text === text) return true;
      const record = { key, kept_at: new Date().toISOString(), reason, text };
      localStorage.setItem(`${ASIDE_PREFIX}${Date.now()}`, JSON.stringify(record));
      return true;
    } catch {
      return false;
    }
  }

  keptRecords() {
    const out = [];
    try {
      for (const key of Object.keys(localStorage).filter((k) => k.startsWith(ASIDE_PREFIX)).sort()) {
        const raw = localStorage.getItem(key);
        let record;
        try {
          record = JSON.parse(raw);
          if (!isObject(record) || typeof record.text !== "string") throw new Error("not a record");
        } catch {
          record = { key: null, kept_at: null, reason: "", text: raw };
        }
        out.push({ id: key, record });
      }
    } catch {
      /* storage unavailable */
    }
    return out;
  }

  renderKept() {
    const items = this.keptRecords().map(({ id, record }) => ({ id, ...record, held: false }));
    if (this.held) items.push({ id: "held", key: this.held.key, kept_at: null, reason: this.held.reason, text: this.held.text, held: true });
    const box = this.el("cr-kept");
    box.hidden = !items.length;
    if (!items.length) return;
    const day = (iso) => {
      const d = typeof iso === "string" ? new Date(iso) : null;
      return d && !Number.isNaN(d.getTime()) ? d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }) : null;
    };
    const when = (item) => {
      let saved = null;
      try {
        saved = day(JSON.parse(item.text).saved_at);
      } catch {
        saved = null;
      }
      const kept = day(item.kept_at);
      return [saved && `saved on ${saved}`, kept && `kept aside on ${kept}`].filter(Boolean).join(", ");
    };
    this.el("cr-kept-text").textContent = this.held
      ? "The answers stored in this browser could not all be read, and this browser did not let the page keep a copy of them aside. So that they are not overwritten, your answers here are not being stored in this browser until you download or discard the stored record."
      : `The answers stored in this browser could not all be read, so ${items.length === 1 ? "the stored record is" : "these stored records are"} kept aside, unchanged, until you download or discard ${items.length === 1 ? "it" : "them"}. What could be read was opened in the form.`;
    this.el("cr-kept-list").replaceChildren(
      ...items.map((item, i) => {
        const name = `Stored record ${items.length > 1 ? i + 1 : ""}`.trim();
        return h(
          "li",
          { class: "cr-kept__item" },
          h("p", { class: "cr-kept__what", text: `${[name, when(item)].filter(Boolean).join(", ")}: ${[...item.text].length.toLocaleString("en")} characters.` }),
          item.reason ? h("details", { class: "cr-detail" }, h("summary", {}, "What could not be read"), h("p", { class: "cr-detail__text", text: item.reason })) : null,
          h(
            "div",
            { class: "cr-kept__buttons" },
            h("button", { type: "button", class: "md-button", "data-kept": item.id, "data-action": "download" }, "Download it", srOnly(` (${name.toLowerCase()})`)),
            h("button", { type: "button", class: "md-button cr-danger", "data-kept": item.id, "data-action": "discard" }, "Discard it", srOnly(` (${name.toLowerCase()})`)),
          ),
        );
      }),
    );
  }

  keptItem(id) {
    if (id === "held") return this.held ? { text: this.held.text, kept_at: null } : null;
    const found = this.keptRecords().find((item) => item.id === id);
    return found ? found.record : null;
  }

  downloadKept(id) {
    const item = this.keptItem(id);
    if (!item) {
      this.renderKept();
      return;
    }
    const date = (item.kept_at || "").slice(0, 10) || today();
    const name = `crossroads-stored-answers-${/^\d{4}-\d{2}-\d{2}$/.test(date) ? date : today()}.json`;
    download(name, item.text, "application/json");
    if (id === "held") {
      // The reader has a copy now: the record may be replaced.
      this.release();
      this.renderKept();
      this.message(`The stored record is saved as ${name} in your downloads. Your answers are stored in this browser again as you go.`);
      this.el("cr-message").focus();
      return;
    }
    this.message(`The stored record is saved as ${name} in your downloads. It is still kept aside in this browser until you discard it.`);
  }

  // The reader decided about a record that could not be kept aside: store again.
  release() {
    const { key } = this.held;
    this.held = null;
    if (key !== this.storageKey()) this.removeKey(key);
    this.persist();
  }

  discardKept(id) {
    if (!this.keptItem(id)) {
      this.renderKept();
      return;
    }
    if (!window.confirm("Discard the stored record kept aside? It cannot be recovered afterwards: download it first if you may need it.")) return;
    if (id === "held") {
      this.release();
    } else {
      this.removeKey(id);
    }
    this.renderKept();
    this.message("The stored record kept aside has been discarded.");
    this.el("cr-message").focus();
  }

  /* other tabs and windows on this page */

  watchTabs() {
    window.addEventListener("storage", (event) => this.onStorage(event));
    if (typeof BroadcastChannel === "function") {
      try {
        this.channel = new BroadcastChannel(CHANNEL_NAME);
        this.channel.onmessage = (event) => this.receiveSignal(String(event.data));
      } catch {
        this.channel = null;
      }
    }
  }

  onStorage(event) {
    try {
      if (event.storageArea && event.storageArea !== window.localStorage) return;
    } catch {
      return;
    }
    const key = event.key;
    if (key === SIGNAL_KEY) {
      if (event.newValue) this.receiveSignal(event.newValue);
      return;
    }
    if (key === null || key.startsWith(ASIDE_PREFIX)) this.renderKept();
    if (key === null || key === this.storageKey()) this.otherTabChanged(key === null ? null : event.newValue);
  }

  // Another tab stored (or removed) this assessment.
  otherTabChanged(text) {
    if (this.noStore) return;
    const mine = this.formKey();
    const theirs = this.contentKey(text);
    if (theirs === mine) {
      this.lastStored = text;
      if (this.conflict) {
        this.conflict = null;
        this.renderConflict();
        this.message("The other tab now has the same answers as this one: this tab stores them again as you go.");
      }
      return;
    }
    if (this.conflict) {
      this.conflict.at = new Date();
      this.renderConflict();
      return;
    }
    // No changes of its own since it last read or wrote the record: this tab
    // follows. Otherwise neither side may be lost: the reader chooses.
    const inSync = !this.persistTimer && !this.held && mine === this.contentKey(this.lastStored);
    if (inSync) this.follow(text);
    else this.openConflict();
  }

  follow(text) {
    let checked = { answers: {}, partnership: {}, notes: {} };
    if (text !== null) {
      try {
        checked = checkDocument(parseJSON(text), this.model);
      } catch (error) {
        if (!(error instanceof CheckError)) throw error;
        this.keepAside(text, this.storageKey(), error.message);
        this.renderKept();
        this.openConflict();
        return;
      }
    }
    this.lastStored = text;
    if (text === null) for (const q of this.questions) q.details.open = false;
    this.apply(checked, { persist: false });
    this.message(
      text === null
        ? "This assessment was emptied in another tab or window, so this tab is empty now too."
        : "This assessment was changed in another tab or window: this tab now shows the same answers.",
    );
  }

  openConflict() {
    clearTimeout(this.persistTimer);
    this.persistTimer = null;
    const first = !this.conflict;
    this.conflict = { at: new Date() };
    this.renderConflict();
    if (first) {
      this.message(
        "This assessment was changed in another tab or window while this tab had changes of its own. So that neither is lost, this tab has stopped storing its answers until you choose which version to keep (see “Changed in another tab”).",
        "error",
      );
    }
  }

  otherVersion() {
    try {
      return localStorage.getItem(this.storageKey());
    } catch {
      return null;
    }
  }

  renderConflict() {
    const box = this.el("cr-conflict");
    box.hidden = !this.conflict;
    if (!this.conflict) return;
    const at = this.conflict.at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    const theirs = this.otherVersion();
    this.el("cr-conflict-text").textContent =
      `At ${at} another tab or window ${theirs === null ? "emptied" : "changed"} this assessment, and the answers or notes in this tab differ from it. ` +
      "This tab is not storing its answers in this browser until you choose. Nothing is lost meanwhile: the other version stays stored, and this tab keeps yours.";
    this.el("cr-conflict-download").hidden = theirs === null;
  }

  conflictKeep() {
    this.lastStored = this.otherVersion();
    this.conflict = null;
    this.renderConflict();
    this.persist();
    this.message("This tab's version is stored in this browser now. Other tabs open on this page are told.");
    this.el("cr-message").focus();
  }

  conflictUse() {
    if (this.hasContent() && !window.confirm("Replace the answers in this tab with the other version? This tab's version is then lost, unless you save it to a file first.")) return;
    const theirs = this.otherVersion();
    this.conflict = null;
    this.renderConflict();
    this.follow(theirs);
    this.message(theirs === null ? "The other version was empty: this tab is empty now too." : "This tab now shows the other version, which stays stored in this browser.");
    this.el("cr-message").focus();
  }

  conflictDownload() {
    const theirs = this.otherVersion();
    if (theirs === null) {
      this.renderConflict();
      return;
    }
    const name = `crossroads-other-tab-${today()}.json`;
    download(name, theirs, "application/json");
    this.message(`The other version is saved as ${name} in your downloads.`);
  }

  // Erase and "don't store" reach every tab: a storage key set and removed at
  // once (its "storage" events arrive in order with the record's), and a
  // BroadcastChannel message (which also reaches tabs that store nothing).
  signal(type) {
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    this.handledSignals.add(id);
    const text = JSON.stringify({ type, id });
    try {
      localStorage.setItem(SIGNAL_KEY, text);
      localStorage.removeItem(SIGNAL_KEY);
    } catch {
      /* storage unavailable: the channel below still tells the other tabs */
    }
    try {
      if (this.channel) this.channel.postMessage(text);
    } catch {
      /* no other way to tell them */
    }
  }

  receiveSignal(text) {
    let signal;
    try {
      signal = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(signal) || typeof signal.id !== "string" || this.handledSignals.has(signal.id)) return;
    this.handledSignals.add(signal.id);
    if (signal.type === "erase") {
      this.eraseHere();
      this.message("Your data was erased in another tab or window, so it has been erased from this tab too.");
    } else if (signal.type === "nostore" && !this.noStore) {
      this.setNoStore(true, true);
    }
  }

  setNoStore(on, fromOtherTab = false) {
    clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.noStore = on;
    this.el("cr-nostore").checked = on;
    if (on) {
      if (!fromOtherTab) {
        this.signal("nostore");
        this.removeStored();
      }
      this.lastStored = null;
      this.conflict = null;
      this.held = null;
      this.renderConflict();
      this.renderKept();
      this.message(
        fromOtherTab
          ? "Storing was turned off in another tab or window: nothing is stored on this computer now, from this tab either. Save to a file to keep your answers."
          : "Nothing is stored on this computer now, and what was stored has been removed. Save to a file to keep your answers.",
      );
    } else {
      // Another tab may have stored answers meanwhile: never write over them unasked.
      const now = this.otherVersion();
      this.lastStored = now;
      if (now !== null && this.contentKey(now) !== this.formKey()) {
        this.openConflict();
        return;
      }
      if (this.persist()) this.message("Your answers are saved in this browser again as you go.");
    }
  }

  erase() {
    const ok = window.confirm(
      "Erase all your answers, notes and partnership details from this page, from any other tab or window open on it, and from this browser? This cannot be undone.",
    );
    if (!ok) return;
    this.signal("erase");
    this.removeStored();
    this.eraseHere();
    this.message("Your data has been erased from this page, from other tabs open on it and from this browser.");
  }

  // Empty the form, forget what this tab stored; nothing is written.
  eraseHere() {
    clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.lastStored = null;
    this.conflict = null;
    this.held = null;
    this.keptProblems = [];
    this.form.reset();
    this.el("cr-nostore").checked = this.noStore;
    for (const q of this.questions) {
      for (const o of q.options) o.input.checked = false;
      q.note.value = "";
      q.details.open = false;
    }
    for (const field of Object.values(this.partnershipFields)) field.value = "";
    this.clearShareLink();
    this.migration = null;
    this.recordedFor = null;
    this.renderConflict();
    this.renderKept();
    this.updateQuestions();
    this.renderReport();
    this.score();
  }

  /* files */

  saveFile() {
    const doc = this.assessment();
    const name = `crossroads-${slug(doc.partnership.name)}-${today()}.json`;
    download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
    this.message(`Saved as ${name} in your downloads.`);
  }

  // Validate fully before touching the form: JS rules first, then the
  // engine's own check when it is ready.
  async checkIncoming(doc) {
    const checked = checkDocument(doc, this.model);
    if (this.client.state === "ready") {
      try {
        await this.client.call({ op: "check", request: doc });
      } catch (error) {
        // A stopped engine says nothing about the file: the page's check stands.
        if (error.type !== "stopped" && error.type !== "unavailable") throw new CheckError(error.message);
      }
    }
    return checked;
  }

  async openFile(file) {
    const refuse = (reason) =>
      this.message(`The file “${file.name}” could not be opened: ${reason} Your current answers are unchanged.`, "error");
    if (file.size > MAX_FILE_BYTES) {
      refuse(`it is ${Math.round(file.size / 1024)} kB, far larger than any Crossroads assessment.`);
      return;
    }
    let checked;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw new CheckError("it is not a text file.");
      }
      checked = await this.checkIncoming(parseJSON(text));
    } catch (error) {
      refuse(error instanceof CheckError ? error.message : `it could not be read (${error.message}).`);
      return;
    }
    if (this.hasContent() && !window.confirm(`Replace your current answers with those in “${file.name}”?`)) {
      this.message("Opening the file was cancelled. Your current answers are unchanged.");
      return;
    }
    this.apply(checked);
    const count = Object.keys(checked.answers).length;
    this.message(`Opened “${file.name}”: ${count} answer${count === 1 ? "" : "s"} loaded${this.carriedOver(checked)}.`);
  }

  /* share links: the answers in the URL fragment, never sent to a server */

  toggleShare() {
    const panel = this.el("cr-share-panel");
    const open = panel.hidden;
    panel.hidden = !open;
    this.el("cr-share").setAttribute("aria-expanded", String(open));
    this.clearShareLink();
    if (open) this.el("cr-share-notes").focus();
  }

  clearShareLink() {
    this.el("cr-share-url").value = "";
    this.el("cr-share-note").hidden = true;
    this.el("cr-share-file").hidden = true;
  }

  // The link: in its first, uncompressed form while that is short (any
  // version of this page opens it), else in the shorter of the two forms.
  async shareLink() {
    const doc = { format: FORMAT, method_version: this.config.method_version, answers: this.answers() };
    if (this.el("cr-share-notes").checked) {
      doc.notes = this.notes();
      doc.partnership = this.partnership();
    }
    const url = new URL(window.location.href);
    let form = "a";
    let code = encodeFragment(doc);
    url.hash = `a=${code}`;
    if (url.href.length > LONG_LINK_CHARS) {
      let packed = null;
      try {
        packed = await compressFragment(doc);
      } catch {
        packed = null;
      }
      if (packed !== null && packed.length < code.length) {
        form = "z";
        code = packed;
        url.hash = `z=${code}`;
      }
    }
    return { url: url.href, form, code };
  }

  async copyShareLink() {
    const field = this.el("cr-share-url");
    const note = this.el("cr-share-note");
    this.clearShareLink();
    let link;
    try {
      link = await this.shareLink();
    } catch (error) {
      this.message(`The share link could not be made (${error.message}). Save your answers to a file and send the file instead.`, "error");
      return;
    }
    const n = (value) => value.toLocaleString("en");
    if (link.code.length > MAX_FRAGMENT_CHARS) {
      // Never offer a link the recipient's page would refuse.
      const withNotes = this.el("cr-share-notes").checked;
      const text =
        `No link was made: these answers would need a link of ${n(link.code.length)} characters, even compressed, ` +
        `and a share link can carry at most ${n(MAX_FRAGMENT_CHARS)}. Save them to a file and send the file instead` +
        `${withNotes ? ", or make a link without the notes and partnership details" : ""}.`;
      note.textContent = text;
      note.dataset.kind = "error";
      note.hidden = false;
      this.el("cr-share-file").hidden = false;
      this.message(text, "error");
      this.el("cr-share-file").focus();
      return;
    }
    field.value = link.url;
    if (link.url.length > LONG_LINK_CHARS) {
      note.textContent =
        `This link is ${n(link.url.length)} characters long. Some e-mail and chat programs cut long links: ` +
        "if it does not open for the recipient, send a file instead.";
      note.dataset.kind = "info";
      note.hidden = false;
      this.el("cr-share-file").hidden = false;
    }
    try {
      await navigator.clipboard.writeText(link.url);
      this.message(`The share link is copied${link.url.length > LONG_LINK_CHARS ? ` (${n(link.url.length)} characters)` : ""}. Anyone with it can see the answers in it.`);
    } catch {
      field.focus();
      field.select();
      this.message("Copying was not allowed by the browser: the link is selected in the box, copy it with Ctrl+C (or Cmd+C).");
    }
  }

  async loadFragment() {
    const hash = window.location.hash;
    const form = hash.startsWith("#a=") ? "a" : hash.startsWith("#z=") ? "z" : null;
    if (!form) return;
    const clearHash = () => history.replaceState(history.state, "", window.location.pathname + window.location.search);
    let checked;
    try {
      const code = hash.slice(3);
      checked = await this.checkIncoming(form === "z" ? await decodeCompressedFragment(code) : decodeFragment(code));
    } catch (error) {
      clearHash();
      this.message(`The answers in this link could not be opened: ${error.message} Your current answers are unchanged.`, "error");
      return;
    }
    clearHash();
    if (this.hasContent() && !window.confirm("This link carries answers. Replace the answers stored in this browser with them?")) {
      this.message("The answers in the link were not opened. Your current answers are unchanged.");
      return;
    }
    this.apply(checked);
    const count = Object.keys(checked.answers).length;
    this.message(`Opened the answers from the link: ${count} answer${count === 1 ? "" : "s"}${this.carriedOver(checked)}. The link has been removed from the address bar.`);
  }

  /* engine status and scoring */

  engineChanged() {
    const c = this.client;
    const status = this.el("cr-status");
    const retry = this.el("cr-retry");
    this.root.querySelector(".cr-engine").dataset.state = c.state;
    this.root.dataset.engine = c.state;
    this.el("cr-report-md").disabled = c.state !== "ready";
    if (c.state === "loading") {
      const step = c.step.step ? ` step ${c.step.step} of ${c.step.steps}:` : "";
      const size = c.step.step <= 1 && !c.wasReady ? " (about 6 MB the first time)" : "";
      const slow = c.slow ? " This is taking longer than usual; it carries on in the background." : "";
      const what = c.wasReady ? "Restarting the scoring engine…" : "Loading the scoring engine…";
      status.textContent = `${what}${step} ${c.step.text}${size}. You can answer meanwhile.${slow}`;
      retry.hidden = true;
      this.setDetail("cr-status-detail", null);
    } else if (c.state === "ready") {
      status.textContent = "Scoring engine ready: the result updates as you answer.";
      retry.hidden = true;
      this.setDetail("cr-status-detail", null);
      this.score();
    } else {
      const { text, detail } = this.failureText();
      status.textContent = text;
      this.setDetail("cr-status-detail", detail);
      retry.textContent = c.state === "stopped" ? "Restart the engine" : "Retry";
      retry.hidden = false;
      if (!this.result) this.setSummary(`No result: the scoring engine ${c.state === "stopped" ? "stopped" : "could not start"}. Your answers are kept.`);
    }
    this.updateFreshness();
    this.renderReport();
  }

  // What went wrong and what the reader can do, in plain words; the
  // technical detail goes in a collapsible part below.
  failureText() {
    const c = this.client;
    const f = c.failure || {};
    const file = f.file ? `the file “${f.file}” (${FILE_ROLES[f.file] || "a part of the engine"})` : "a part of the engine";
    const kept = "Your answers are kept: you can go on answering, and save them to a file.";
    const tell = "tell whoever publishes this handbook, and give them the technical detail below";
    const tellIt = "tell whoever publishes it, and give them the technical detail below";
    if (c.state === "stopped") {
      const what =
        f.problem === "timeout"
          ? `The scoring engine stopped working: it gave no reply within ${REQUEST_TIMEOUT_MS / 1000} seconds.`
          : "The scoring engine stopped working: it failed while scoring.";
      return {
        text: `${what} ${kept} Press “Restart the engine” to start it again; if this keeps happening, reload the page, or open your saved file in another browser.`,
        detail: f.reason,
      };
    }
    const plain = {
      download: [`${file} could not be downloaded from this site`, `Check your internet connection and press Retry. If it fails again, this copy of the handbook may be incomplete: ${tellIt}.`],
      damaged: [`${file} was downloaded but is damaged`, `Press Retry. If it fails again, this copy of the handbook is broken: ${tellIt}.`],
      method: [`the method in ${file} could not be loaded`, `This copy of the handbook is broken: ${tellIt}.`],
      refused: [
        "this browser refused to run the engine, which needs WebAssembly (it may be turned off, or blocked by a security setting)",
        "Try another browser, or ask whoever looks after this computer.",
      ],
      unsupported: ["this browser cannot run the engine in the background", "Use a recent version of Firefox, Chrome, Edge or Safari."],
      slow: [`it did not finish starting within ${GIVE_UP_AFTER_MS / 1000} seconds`, "Check your internet connection and press Retry."],
      crashed: ["its background worker stopped with an error while starting", `Press Retry. If it fails again, ${tell}.`],
    }[f.problem] || ["an unexpected error stopped it while starting", `Press Retry. If it fails again, ${tell}.`];
    return { text: `The scoring engine could not start: ${plain[0]}. ${kept} ${plain[1]}`, detail: f.reason };
  }

  /* freshness: a result is never shown as current for other answers */

  isStale() {
    return this.result !== null && this.resultKey !== JSON.stringify(this.answers());
  }

  updateFreshness() {
    const c = this.client;
    const stale = this.isStale();
    const down = c.state === "failed" || c.state === "stopped";
    const failed = down || this.scoreError !== null;
    this.root.dataset.stale = String(stale);
    const results = this.el("cr-results");
    if (stale && !failed) results.setAttribute("aria-busy", "true");
    else if (stale || !this.scoring) results.removeAttribute("aria-busy");
    const kicker = this.el("cr-rec").querySelector(".cr-rec__kicker");
    if (kicker) {
      if (!kicker.dataset.text) kicker.dataset.text = kicker.textContent;
      kicker.textContent = stale ? `Out of date: ${kicker.dataset.text.toLowerCase()} for your earlier answers` : kicker.dataset.text;
    }
    // Recording "Proceed" needs a current result.
    const record = this.el("cr-record-proceed");
    if (record) record.disabled = stale;
    clearTimeout(this.staleTimer);
    clearTimeout(this.revealTimer);
    const noResult = !stale && this.result === null && (this.scoreError !== null || down);
    this.el("cr-stale").hidden = !stale && !noResult;
    this.root.dataset.staleShown = String(stale);
    this.root.dataset.staleSaid = "false";
    this.el("cr-restart").textContent = c.state === "failed" ? "Retry" : "Restart the engine";
    if (noResult) {
      this.el("cr-stale-text").textContent = down
        ? `No result: the scoring engine ${c.state === "stopped" ? "stopped" : "could not start"} (the message at the top of the page says why). Your answers are kept.`
        : "No result: the result for your answers could not be computed. Restart the engine to try again; your answers are kept.";
      this.el("cr-restart").hidden = false;
      this.setDetail("cr-stale-detail", down ? null : this.scoreError.message);
      return;
    }
    if (!stale) {
      this.el("cr-restart").hidden = true;
      this.setDetail("cr-stale-detail", null);
      return;
    }
    let text;
    let detail = null;
    if (down) {
      text =
        "Out of date: this result was computed for your earlier answers, and the scoring engine has stopped, so it cannot be updated. " +
        "Restart the engine to update it; your answers are kept.";
      detail = c.failure && c.failure.reason;
    } else if (this.scoreError) {
      text = "Out of date: the result for your new answers could not be computed. Restart the engine to try again; your answers are kept.";
      detail = this.scoreError.message;
    } else if (c.state === "loading") {
      text = "Out of date: this result was computed for your earlier answers. The scoring engine is starting; the result will be updated when it is ready.";
    } else {
      text = "Out of date: updating the result for your new answers…";
    }
    this.el("cr-stale-text").textContent = text;
    this.el("cr-restart").hidden = !failed;
    this.setDetail("cr-stale-detail", detail);
    // The summary is the panel's live region (and the phone's bottom bar):
    // at once when the result cannot come, else if it is slow to come. A
    // running engine replies in milliseconds: its notice waits a moment, so
    // that each answer does not make the panel flicker (the kicker, the
    // print report and aria-busy say "out of date" at once).
    const announce = () => {
      if (!this.isStale()) return;
      this.setSummary(text);
      this.root.dataset.staleSaid = "true";
    };
    if (failed || c.state !== "ready") {
      announce();
    } else {
      this.el("cr-stale").hidden = true;
      this.root.dataset.staleShown = "false";
      this.revealTimer = setTimeout(() => {
        if (!this.isStale()) return;
        this.el("cr-stale").hidden = false;
        this.root.dataset.staleShown = "true";
      }, STALE_NOTICE_MS);
      this.staleTimer = setTimeout(announce, STALE_ANNOUNCE_MS);
    }
  }

  score() {
    if (this.client.state === "ready" && !this.scoring) this.scoreError = null;
    this.updateFreshness();
    // The print report never keeps a result for other answers either.
    if (this.isStale()) this.renderReport();
    if (this.client.state !== "ready") return;
    if (this.scoring) {
      this.again = true;
      return;
    }
    this.scoring = true;
    const started = this.inputAt ?? performance.now();
    this.inputAt = null;
    const answers = this.answers();
    const key = JSON.stringify(answers);
    if (key !== this.resultKey) this.el("cr-results").setAttribute("aria-busy", "true");
    this.client
      .call({ op: "assess", request: { answers } })
      .then(
        (result) => {
          // Never show a result for other answers than it was computed from:
          // the answers changed meanwhile, so score them again.
          if (JSON.stringify(this.answers()) !== key) {
            this.again = true;
            return;
          }
          this.scoreError = null;
          this.result = result;
          this.resultKey = key;
          this.render(result);
          this.renderReport();
          this.el("cr-results").removeAttribute("aria-busy");
          this.updateFreshness();
          const ms = performance.now() - started;
          this.root.dispatchEvent(new CustomEvent("crossroads:result", { detail: { ms, result } }));
        },
        (error) => {
          this.el("cr-results").removeAttribute("aria-busy");
          // An error reply of a running engine is about these answers; a
          // stopped engine is reported by engineChanged.
          if (this.client.state === "ready" && JSON.stringify(this.answers()) === key) this.scoreError = error;
          if (!this.result) this.setSummary(`No result: ${error.message}`);
          this.updateFreshness();
          this.renderReport();
        },
      )
      .finally(() => {
        this.scoring = false;
        if (this.again) {
          this.again = false;
          this.score();
        }
      });
  }

  /* the record of "Proceed" on a clear short screen */

  proceedLine() {
    const n = this.questions.filter((q) => q.screen).length;
    return (
      `Decision recorded on ${today()}: Proceed. The short screen of the Crossroads evaluator (method version ${this.config.method_version}, ` +
      `${n} questions) showed nothing of concern; the full questionnaire was not answered.`
    );
  }

  recordProceed() {
    if (!this.result || !this.result.screen.clear || JSON.stringify(this.answers()) !== this.resultKey) return;
    const field = this.partnershipFields.note;
    const line = this.proceedLine();
    if (!field.value.includes(line)) {
      const value = field.value.trim() ? `${field.value.replace(/\s+$/, "")}\n${line}` : line;
      if ([...value].length > this.config.max_text) {
        this.message(`The decision could not be recorded: the note of this assessment would be longer than ${this.config.max_text} characters.`, "error");
        return;
      }
      field.value = value;
    }
    this.recordedFor = this.resultKey;
    this.persist();
    this.render(this.result);
    this.renderReport();
    this.message("“Proceed” is recorded in the note of this assessment (under “About this assessment”). Save the assessment to a file to keep the record.");
    const done = this.el("cr-proceed-recorded");
    if (done) done.focus();
  }

  /* results panel */

  label(result, levelId) {
    return result.levels.find((l) => l.id === levelId).label;
  }

  // A question's short name, as a link to it (panel) or as plain text (print).
  questionRef(qid, linked) {
    const q = this.byId.get(qid);
    const text = q ? q.short : qid;
    return linked && q ? h("a", { href: `#q-${qid}`, text }) : text;
  }

  optionLabel(qid, value) {
    const q = this.byId.get(qid);
    const option = q && q.options.find((o) => o.value === value);
    return option ? option.label : value;
  }

  // Nodes shared by the panel and the print report.
  missingScreenText(result, names = "") {
    const n = result.screen.missing.length;
    const total = result.screen.questions.length;
    const some = n < total ? " remaining" : "";
    return `Answer the ${n}${some} screening question${n === 1 ? "" : "s"}${names} to see a recommendation.`;
  }

  migrationNode() {
    if (!this.migration) return null;
    const m = this.migration;
    return h(
      "div",
      { class: "cr-notice cr-notice--migrated" },
      h("p", {}, h("strong", { text: `Carried over from method version ${m.from}:` }), ` these answers were made with an earlier version of the method and have been carried over to version ${this.config.method_version}. Check them before relying on the result.`),
      m.texts.length ? h("ul", {}, m.texts.map((t) => h("li", { text: t }))) : null,
    );
  }

  whatIfNodes(result, linked) {
    const w = result.what_if;
    if (!w) return [];
    const L = (id) => this.label(result, id);
    if (w.status === "lowers") {
      const n = w.safeguards.length;
      return [
        h("p", { text: `Put ${n === 1 ? "this safeguard" : `these ${n} safeguards`} in place to lower the recommendation to “${w.target_label}”:` }),
        h(
          "ul",
          { class: "cr-whatif__safeguards" },
          w.safeguards.map((sg) =>
            h("li", {}, this.questionRef(sg.question, linked), `: “${sg.label}”`, sg.from ? ` (now “${this.optionLabel(sg.question, sg.from)}”)` : " (not answered yet)"),
          ),
        ),
        w.moves.length ? h("p", { text: "Scenario levels that would move:" }) : null,
        w.moves.length ? h("ul", { class: "cr-whatif__moves" }, w.moves.map((m) => h("li", { text: `${m.scenario} ${m.name}: from ${L(m.from)} to ${L(m.to)}` }))) : null,
      ];
    }
    if (w.status === "floor") {
      return [h("p", { text: "No safeguard can lower this recommendation:" }), h("ul", {}, w.floors.map((f) => h("li", { text: f.text })))];
    }
    return [h("p", { text: w.text })];
  }

  findOutNodes(result, linked) {
    if (!result.to_find_out.length) return [];
    return [
      h("p", { text: "Answers you gave as “Don't know” count with precaution. Find out, then answer again:" }),
      h(
        "ul",
        { class: "cr-findout__list" },
        result.to_find_out.map((item) =>
          h("li", {}, this.questionRef(item.question, linked), `: you answered “${item.answer_label}”. `, item.who ? `Ask ${item.who}.` : "Find out who can tell."),
        ),
      ),
    ];
  }

  splitActions(result) {
    const first = result.actions.filter((a) => a.first).slice(0, 5);
    const rest = result.actions.filter((a) => !first.includes(a));
    return { first, rest };
  }

  render(result) {
    const body = this.el("cr-results-body");
    for (const d of body.querySelectorAll("details[data-key]")) {
      if (d.open) this.openDetails.add(d.dataset.key);
      else this.openDetails.delete(d.dataset.key);
    }
    const details = (key, summary, ...content) => {
      const d = h("details", { "data-key": key }, h("summary", {}, summary), ...content);
      d.open = this.openDetails.has(key);
      return d;
    };
    const L = (id) => this.label(result, id);
    const overall = result.overall;
    const screen = result.screen;
    const verdict = overall.recommendation !== null;
    const rec = verdict ? result.recommendations.find((r) => r.id === overall.recommendation) : null;
    const lk = Object.fromEntries(result.likelihood_levels.map((l) => [l.id, l.label]));
    const im = Object.fromEntries(result.impact_levels.map((l) => [l.id, l.label]));

    const recParts = [this.migrationNode()];
    if (!verdict) {
      recParts.push(
        h(
          "div",
          { class: "cr-rec__box cr-rec--none" },
          h("p", { class: "cr-rec__kicker", text: "Recommendation" }),
          h("p", { class: "cr-rec__label", text: "No recommendation yet" }),
          h("p", { class: "cr-rec__text", text: this.missingScreenText(result) }),
          h("ul", { class: "cr-rec__missing" }, screen.missing.map((qid) => h("li", {}, this.questionRef(qid, true)))),
        ),
      );
    } else {
      recParts.push(
        h(
          "div",
          { class: `cr-rec__box cr-rec--${overall.recommendation}` },
          h("p", { class: "cr-rec__kicker", text: overall.status === "complete" ? "Recommendation" : "Recommendation (provisional)" }),
          h("p", { class: "cr-rec__label", text: overall.recommendation_label }),
          overall.headline ? h("p", { class: "cr-rec__headline", text: overall.headline }) : null,
          h("p", { class: "cr-rec__text", text: rec ? rec.description : "" }),
          h(
            "p",
            { class: "cr-rec__levels" },
            "Overall level after safeguards: ",
            badge(overall.level, L(overall.level)),
            h("br"),
            "Before safeguards: ",
            badge(overall.inherent, L(overall.inherent)),
          ),
        ),
      );
      if (screen.clear) {
        const next = this.questions.find((q) => q.visible && !q.screen && this.rawValue(q) === null);
        const recorded = this.recordedFor === this.resultKey;
        recParts.push(
          h(
            "div",
            { class: "cr-screen-clear" },
            h("p", { text: screen.text }),
            recorded
              ? h("p", { class: "cr-screen-clear__done", id: "cr-proceed-recorded", tabindex: "-1", text: `Recorded in the note of this assessment: ${this.proceedLine()}` })
              : h("button", { type: "button", class: "md-button md-button--primary", id: "cr-record-proceed", text: "Record “Proceed” and stop here" }),
            next ? h("p", {}, h("a", { href: `#q-${next.id}`, text: "Or go on to the full questionnaire" })) : null,
          ),
        );
      } else if (screen.concerns && screen.concerns.length && overall.status !== "complete") {
        recParts.push(
          h(
            "div",
            { class: "cr-screen-flag" },
            h("p", { text: screen.text }),
            details("screen-concerns", `What the short screen flagged (${screen.concerns.length})`, h("ul", {}, screen.concerns.map((c) => h("li", { text: c })))),
          ),
        );
      }
      if (overall.reasons.length) {
        recParts.push(details("why-overall", "Why this recommendation", h("ul", {}, overall.reasons.map((r) => h("li", { text: r.text })))));
      }
    }
    this.el("cr-rec").replaceChildren(...recParts.filter(Boolean));

    const unanswered = result.unanswered.map((id) => this.byId.get(id)).filter(Boolean);
    const progress = [
      h(
        "p",
        { class: result.complete ? "cr-progress__done" : "cr-progress__todo" },
        `${result.answered} of ${result.visible} questions answered.`,
        result.complete ? " The assessment is complete." : verdict ? " Until all are answered the result is provisional." : "",
      ),
    ];
    if (unanswered.length) {
      progress.push(
        details(
          "unanswered",
          `${unanswered.length} unanswered question${unanswered.length === 1 ? "" : "s"}`,
          h("ul", { class: "cr-unanswered" }, unanswered.map((q) => h("li", {}, h("a", { href: `#q-${q.id}`, text: q.short })))),
        ),
      );
    }
    this.el("cr-progress").replaceChildren(...progress);

    const whatIf = this.whatIfNodes(result, true);
    this.el("cr-whatif").replaceChildren(...whatIf.filter(Boolean));
    this.el("cr-whatif-section").hidden = !whatIf.length;
    const findOut = this.findOutNodes(result, true);
    this.el("cr-findout").replaceChildren(...findOut);
    this.el("cr-findout-section").hidden = !findOut.length;

    const { first, rest } = this.splitActions(result);
    const actions = [];
    if (!verdict) actions.push(h("p", { text: "The first steps appear once the short screen is answered." }));
    else if (!first.length) actions.push(h("p", { text: "No action is suggested for these answers." }));
    else {
      actions.push(h("ol", { class: "cr-actions__list" }, first.map((a) => this.actionItem(a))));
      if (rest.length) {
        actions.push(
          details(
            "all-actions",
            `All actions (${rest.length} more)`,
            h("ol", { class: "cr-actions__list", start: String(first.length + 1) }, rest.map((a) => this.actionItem(a))),
          ),
        );
      }
    }
    this.el("cr-actions").replaceChildren(...actions);

    // Levels are shown with a recommendation only: an unanswered screen
    // gives no verdict, not even a "Low".
    this.el("cr-levels").hidden = !verdict;
    this.el("cr-categories").replaceChildren(
      ...result.categories.map((c) =>
        h("tr", {}, h("th", { scope: "row", text: `${c.id}. ${c.name}` }), h("td", {}, badge(c.inherent, L(c.inherent))), h("td", {}, badge(c.level, L(c.level)))),
      ),
    );

    const marks = new Map();
    for (const cell of body.querySelectorAll(".cr-cell")) {
      const box = cell.querySelector(".cr-cell__marks");
      box.replaceChildren();
      marks.set(`${cell.dataset.likelihood} ${cell.dataset.impact}`, box);
    }
    for (const s of result.scenarios) {
      marks.get(`${s.likelihood} ${s.impact}`).append(
        h("span", { class: "cr-mark cr-mark--before", title: `${s.id} before safeguards` }, h("span", { "aria-hidden": "true", text: "○ " }), s.id, srOnly(" before safeguards"), " "),
      );
      marks.get(`${s.residual_likelihood} ${s.residual_impact}`).append(
        h("span", { class: "cr-mark cr-mark--after", title: `${s.id} after safeguards` }, h("span", { "aria-hidden": "true", text: "● " }), s.id, srOnly(" after safeguards"), " "),
      );
    }

    this.el("cr-scenarios").replaceChildren(
      ...result.scenarios.map((s) => {
        const before = s.reasons.filter((r) => r.stage === "inherent");
        const after = s.reasons.filter((r) => r.stage !== "inherent");
        const reasonItem = (r) => h("li", {}, r.question && this.byId.get(r.question) ? h("a", { href: `#q-${r.question}`, text: r.text }) : r.text);
        return h(
          "section",
          { class: "cr-scenario", "aria-label": `${s.id} ${s.name}` },
          h("h4", {}, h("span", { class: "cr-scenario__id", text: s.id }), " ", s.name),
          h(
            "p",
            { class: "cr-scenario__levels" },
            "Before safeguards: ",
            badge(s.inherent, L(s.inherent)),
            h("span", { class: "cr-scenario__axes", text: ` likelihood ${lk[s.likelihood]}, impact ${im[s.impact]}` }),
            h("br"),
            "After safeguards: ",
            badge(s.residual, L(s.residual)),
            h("span", { class: "cr-scenario__axes", text: ` likelihood ${lk[s.residual_likelihood]}, impact ${im[s.residual_impact]}` }),
          ),
          s.impacts.length
            ? h("p", { class: "cr-scenario__impacts" }, "Impacts that apply: ", s.impacts.map((i) => i.name).join("; "), ".")
            : h("p", { class: "cr-scenario__impacts", text: "No impact of this scenario applies yet." }),
          details(
            `why-${s.id}`,
            h("span", {}, "Why", srOnly(` ${s.id}`), ` (${s.reasons.length})`),
            before.length ? h("p", { class: "cr-why__head", text: "Raising the risk:" }) : null,
            before.length ? h("ul", {}, before.map(reasonItem)) : null,
            after.length ? h("p", { class: "cr-why__head", text: "Safeguards:" }) : null,
            after.length ? h("ul", {}, after.map(reasonItem)) : null,
          ),
        );
      }),
    );

    body.hidden = false;
    this.root.dataset.scored = "true";
    this.root.dataset.verdict = String(verdict);
    const counts = `${result.answered} of ${result.visible} questions answered.`;
    let summary;
    const barLink = this.el("cr-summary-link");
    if (verdict) {
      const provisional = overall.status === "complete" ? "" : " (provisional)";
      summary = `${overall.recommendation_label}${provisional}: ${overall.headline}. Overall level after safeguards: ${L(overall.level)}. ${counts}`;
      barLink.setAttribute("href", "#cr-results-title");
      barLink.textContent = "See the full result";
    } else {
      const n = screen.missing.length;
      const names = n <= 3 ? ` (${screen.missing.map((qid) => this.questionRef(qid, false)).join(", ")})` : "";
      summary = `No recommendation yet. ${this.missingScreenText(result, names)} ${counts}`;
      barLink.setAttribute("href", `#q-${screen.missing[0]}`);
      barLink.textContent = "Go to the next screening question";
    }
    const live = this.el("cr-summary");
    if (live.textContent !== summary) live.textContent = summary;
  }

  actionItem(action) {
    const contacts = action.contacts || [];
    return h(
      "li",
      { class: "cr-action" },
      h("p", { class: "cr-action__text", text: action.text }),
      h("p", { class: "cr-action__who", text: `With: ${action.who}` }),
      contacts.length
        ? h("p", { class: "cr-action__contacts" }, `Contacts${this.config.profile_name ? ` in ${this.config.profile_name}` : ""}: `, contacts.map((c) => `${c.name} (${c.stakeholder})`).join("; "))
        : null,
      h("p", { class: "cr-action__step" }, "Handbook: ", h("a", { href: this.config.root + action.page, text: this.config.steps[action.step] || action.step_title })),
    );
  }

  /* the print report: everything on paper, nothing collapsed */

  renderReport() {
    // Only a result computed from the answers now in the form is printed.
    const result = this.result && this.resultKey === JSON.stringify(this.answers()) ? this.result : null;
    const p = this.partnership();
    this.el("cr-report-name").textContent = p.name ? `: ${p.name}` : "";
    const dl = h("dl", { class: "cr-report__facts" });
    const fact = (term, value) => {
      if (value) dl.append(h("dt", { text: term }), h("dd", { text: value }));
    };
    fact("Partner", p.partner);
    fact("Date", p.date);
    fact("Note", p.note);
    fact("Printed on", today());
    fact("Method version", this.config.method_version);
    fact("Carried over from method version", this.migration && this.migration.from);
    fact("Country profile", this.config.profile_name);
    const parts = [dl];
    if (result) {
      const L = (id) => this.label(result, id);
      const lk = Object.fromEntries(result.likelihood_levels.map((l) => [l.id, l.label]));
      const im = Object.fromEntries(result.impact_levels.map((l) => [l.id, l.label]));
      const o = result.overall;
      const verdict = o.recommendation !== null;
      const rec = verdict ? result.recommendations.find((r) => r.id === o.recommendation) : null;
      const counts = `${result.answered} of ${result.visible} questions answered`;
      parts.push(h("h3", { text: "Recommendation" }));
      if (this.migration) parts.push(h("ul", {}, this.migration.texts.map((t) => h("li", { text: `Carried over: ${t}` }))));
      if (!verdict) {
        parts.push(
          h("p", { class: "cr-report__rec" }, h("strong", { text: "No recommendation yet." }), ` ${this.missingScreenText(result)}`),
          h("ul", {}, result.screen.missing.map((qid) => h("li", { text: this.questionRef(qid, false) }))),
          h("p", { text: `${counts}.` }),
        );
      } else {
        parts.push(
          h("p", { class: "cr-report__rec" }, h("strong", { text: o.recommendation_label }), o.headline ? `: ${o.headline}.` : ".", rec ? ` ${rec.description}` : ""),
          h("p", { text: `Overall level after safeguards: ${L(o.level)}; before safeguards: ${L(o.inherent)}. ${counts}${result.complete ? "" : " (provisional result)"}.` }),
          result.screen.clear ? h("p", { text: result.screen.text }) : null,
          h("ul", {}, o.reasons.map((r) => h("li", { text: r.text }))),
        );
      }
      const whatIf = this.whatIfNodes(result, false);
      if (whatIf.length) parts.push(h("h3", { text: "What would lower this result" }), ...whatIf);
      const findOut = this.findOutNodes(result, false);
      if (findOut.length) parts.push(h("h3", { text: "To find out" }), ...findOut);
      if (verdict) {
        const { first, rest } = this.splitActions(result);
        const line = (a) => {
          const contacts = (a.contacts || []).map((c) => `${c.name} (${c.stakeholder})`).join("; ");
          return h("li", { text: `${a.text} With: ${a.who}. Handbook: ${this.config.steps[a.step] || a.step_title}.${contacts ? ` Contacts: ${contacts}.` : ""}` });
        };
        parts.push(h("h3", { text: "First steps" }));
        parts.push(first.length ? h("ol", {}, first.map(line)) : h("p", { text: "No action is suggested for these answers." }));
        if (rest.length) parts.push(h("h3", { text: "Further actions" }), h("ol", { start: String(first.length + 1) }, rest.map(line)));
        parts.push(
          h("h3", { text: "Risk categories" }),
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, h("th", { text: "Category" }), h("th", { text: "Before safeguards" }), h("th", { text: "After safeguards" }))),
            h("tbody", {}, result.categories.map((c) => h("tr", {}, h("td", { text: `${c.id}. ${c.name}` }), h("td", { text: L(c.inherent) }), h("td", { text: L(c.level) })))),
          ),
          h("h3", { text: "Likelihood and impact" }),
          this.heatmapCopy(),
          h("h3", { text: "Scenarios" }),
          result.scenarios.map((s) =>
            h(
              "div",
              { class: "cr-report__scenario" },
              h("h4", { text: `${s.id} ${s.name}` }),
              h("p", { text: `Before safeguards: ${L(s.inherent)} (likelihood ${lk[s.likelihood]}, impact ${im[s.impact]}). After safeguards: ${L(s.residual)} (likelihood ${lk[s.residual_likelihood]}, impact ${im[s.residual_impact]}).` }),
              s.impacts.length ? h("p", { text: `Impacts that apply: ${s.impacts.map((i) => i.name).join("; ")}.` }) : null,
              s.reasons.length ? h("ul", {}, s.reasons.map((r) => h("li", { text: r.text }))) : null,
            ),
          ),
        );
      }
    } else if (this.result && (this.client.state === "failed" || this.client.state === "stopped" || this.scoreError)) {
      parts.push(
        h("p", {
          class: "cr-report__stale",
          text: "No result: the result on the page was computed for other answers, and the scoring engine stopped before it could compute one for these. Restart it on the page, then print again.",
        }),
      );
    } else if (this.client.state === "ready" || this.result) {
      parts.push(h("p", { text: "No result yet: the result for these answers is being computed. Print again in a moment." }));
    } else {
      parts.push(h("p", { text: "No result: the scoring engine had not started when this was printed." }));
    }
    parts.push(h("h3", { text: "Answers and notes" }));
    const list = h("dl", { class: "cr-report__answers" });
    for (const q of this.questions) {
      if (!q.visible && !q.note.value) continue;
      const value = this.rawValue(q);
      const values = value === null ? [] : Array.isArray(value) ? value : [value];
      const labels = q.options.filter((o) => values.includes(o.value)).map((o) => o.label);
      list.append(h("dt", { text: q.text }), h("dd", { text: q.visible ? (labels.length ? labels.join("; ") : "Not answered") : "Not asked for these answers" }));
      if (q.note.value) list.append(h("dd", { class: "cr-report__note" }, h("em", { text: "Note: " }), q.note.value));
    }
    parts.push(list);
    this.el("cr-report-body").replaceChildren(...parts.flat().filter(Boolean));
  }

  heatmapCopy() {
    const copy = this.root.querySelector(".cr-heatmap").cloneNode(true);
    copy.removeAttribute("aria-labelledby");
    copy.removeAttribute("aria-describedby");
    const legend = this.el("cr-heatmap-legend").cloneNode(true);
    legend.removeAttribute("id");
    return h("div", { class: "cr-report__heatmap" }, copy, legend);
  }

  async downloadReport() {
    const doc = this.assessment();
    try {
      const { markdown } = await this.client.call({ op: "report", request: doc });
      const name = `crossroads-report-${slug(doc.partnership.name)}-${today()}.md`;
      download(name, markdown, "text/markdown;charset=utf-8");
      this.message(`Report saved as ${name} in your downloads.`);
    } catch (error) {
      this.message(`The report could not be made: ${error.message}`, "error");
    }
  }

  /* the embedding and testing API */

  exposeApi() {
    const client = this.client;
    const config = this.config;
    const model = this.model;
    window.crossroads = Object.freeze({
      get ready() {
        return client.ready;
      },
      method_version: config.method_version,
      profile: config.profile,
      evaluate(answers, options = {}) {
        const request = { answers };
        if (options && Object.hasOwn(options, "profile")) request.profile = options.profile;
        return client.call({ op: "assess", request });
      },
      check(doc) {
        try {
          checkDocument(doc, model);
        } catch (error) {
          return Promise.reject(error);
        }
        return client.call({ op: "check", request: doc });
      },
    });
  }
}

/* -------------------------------------------------------------- start */

let client = null;

function start() {
  const root = document.querySelector("[data-crossroads-evaluator]");
  if (!root || root.dataset.live) return;
  root.dataset.live = "true";
  const config = JSON.parse(root.querySelector("#cr-config").textContent);
  if (!client || client.state === "failed") client = new EngineClient(config);
  new Evaluator(root, client);
}

start();
// Material's instant navigation swaps pages without reloading: start again
// when the evaluator page comes back (the engine keeps running meanwhile).
if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(() => start());
