// Crossroads evaluator: the client of the engine's background worker
// (worker.js, a module worker running Pyodide). One ready-promise per start;
// requests are JSON strings matched by id, each with a timeout once the
// engine is ready; the worker's error and messageerror events stop it.

const SLOW_AFTER_MS = 15000;
export const GIVE_UP_AFTER_MS = 180000;
export const REQUEST_TIMEOUT_MS = 10000; // an assessment takes milliseconds: no reply by then means the engine is stuck

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
export class EngineClient {
  constructor(config) {
    this.config = config;
    this.nextId = 1;
    this.pending = new Map();
    this.onchange = null;
    this.onprogress = null; // the download's progress only (else onchange)
    this.wasReady = false;
    this.start();
  }

  start() {
    this.state = "loading";
    this.step = { step: 0, steps: 3, text: "starting the background worker" };
    this.failure = null;
    this.reason = null;
    this.slow = false;
    this.loaded = {}; // bytes received so far per runtime file (worker.js)
    this.kept = null; // the kept snapshot after this start: "stored" | "not stored"
    this.startedAt = performance.now();
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    const c = this.config;
    const query = `v=${encodeURIComponent(c.worker)}&pyodide=${encodeURIComponent(c.pyodide)}&engine=${encodeURIComponent(c.engine)}&stdlib=${encodeURIComponent(c.stdlib || "")}`;
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
    } else if (message.type === "progress") {
      this.loaded = message.loaded || {};
      if (this.onprogress) this.onprogress(this);
      else this.emit();
    } else if (message.type === "kept") {
      this.kept = message.state;
      this.keptReason = message.reason || "";
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
        start: message.start || "fresh",
        kept_problem: message.kept_problem || null,
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

  // The runtime's download so far: {loaded, total} in bytes (decoded), from
  // the sizes the build wrote into the page's configuration.
  download() {
    const sizes = this.config.sizes || {};
    let loaded = 0;
    let total = 0;
    for (const [file, size] of Object.entries(sizes)) {
      total += size;
      loaded += Math.min(size, this.loaded[file] || 0);
    }
    return { loaded, total };
  }

  // "Don't store anything on this computer": the kept snapshot goes too.
  forgetRuntime() {
    if (this.worker) this.worker.postMessage(JSON.stringify({ control: "forget" }));
    try {
      indexedDB.deleteDatabase("crossroads-runtime");
    } catch {
      // no storage here
    }
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
