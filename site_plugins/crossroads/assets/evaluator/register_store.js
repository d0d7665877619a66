// Crossroads register: the partnerships assessed in this browser, kept in
// IndexedDB (through the idb package, served from our own site). One record
// per version (one dated assessment of a partnership):
//   {id, partnership_id, saved_at, doc, summary}
// where doc is the assessment document as saved (format
// "crossroads-assessment") and summary what the engine found for it
// ({recommendation, level, months}), so that the register page lists the
// partnerships without starting the engine.
//
// The Register class below is also window.crossroads.register (api.js):
// every method returns a promise of plain JSON. The engine (worker) checks
// every document before it is stored and every register file before it is
// merged: the page applies no rule of its own.

import { openDB } from "./idb.js";
import { mergeRegister } from "./register_merge.js";
import { t } from "./i18n.js";

const DB_NAME = "crossroads-register";
const STORE = "versions";
const CHANNEL_NAME = "crossroads-register";
export const REGISTER_FORMAT = "crossroads-register";

// Why the register could not be read or written, in plain words.
export class RegisterError extends Error {
  constructor(message, type = "storage") {
    super(message);
    this.type = type;
  }
}

function storageError(error) {
  if (error instanceof RegisterError) return error;
  if (error && error.name === "QuotaExceededError") {
    return new RegisterError(
      t("store.quota"),
      "quota",
    );
  }
  return new RegisterError(t("store.denied", { reason: (error && error.message) || error }));
}

function randomHex(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return [...values].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newPartnershipId() {
  return `p-${new Date().getFullYear()}-${randomHex(3)}`;
}

export function newVersionId() {
  return `v-${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${randomHex(4)}`;
}

// The local date today, YYYY-MM-DD (reviews and due dates are calendar dates).
export function todayISO() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export class Register {
  // `engine()` gives the engine client (started on first use on the register page).
  constructor(engine) {
    this.engine = engine;
    this.db = null;
    this.listeners = new Set();
    this.channel = null;
    if (typeof BroadcastChannel === "function") {
      try {
        this.channel = new BroadcastChannel(CHANNEL_NAME);
        this.channel.onmessage = () => this.changed(false);
      } catch {
        this.channel = null;
      }
    }
  }

  // Called back when the register changes, here or in another tab.
  onchange(listener) {
    this.listeners.add(listener);
  }

  changed(tell = true) {
    if (tell && this.channel) {
      try {
        this.channel.postMessage("changed");
      } catch {
        /* no other tab to tell */
      }
    }
    for (const listener of this.listeners) listener();
  }

  async open() {
    if (!this.db) {
      this.db = openDB(DB_NAME, 1, {
        upgrade(db) {
          const store = db.createObjectStore(STORE, { keyPath: "id" });
          store.createIndex("partnership", "partnership_id");
        },
        blocking() {
          /* a newer version of the page wants the database: let it */
        },
      }).catch((error) => {
        this.db = null;
        throw storageError(error);
      });
    }
    return this.db;
  }

  async records() {
    try {
      return await (await this.open()).getAll(STORE);
    } catch (error) {
      throw storageError(error);
    }
  }

  async record(versionId) {
    try {
      return (await (await this.open()).get(STORE, versionId)) || null;
    } catch (error) {
      throw storageError(error);
    }
  }

  async recordsOf(partnershipId) {
    try {
      const found = await (await this.open()).getAllFromIndex(STORE, "partnership", partnershipId);
      return found.sort((a, b) => String(a.saved_at).localeCompare(String(b.saved_at)));
    } catch (error) {
      throw storageError(error);
    }
  }

  // What the engine finds for a document: checked (refused with a message
  // if it is not valid) and scored.
  async summarize(doc) {
    const result = await this.engine().call({ op: "assess", request: doc });
    const overall = result.overall || {};
    return {
      recommendation: overall.recommendation ?? null,
      level: overall.recommendation === null ? null : overall.level ?? null,
      months: result.review && result.review.months ? result.review.months : null,
      complete: !!result.complete,
    };
  }

  // Store one version. `expect` is the saved_at of the stored version as
  // the caller last read it (null: it read none): a stored version that is
  // not the one the caller read is never replaced, unless `force`; without
  // `expect`, a stored version saved later than `doc` is never replaced.
  // Instead the promise resolves with {conflict: stored document}.
  async save(doc, { expect, force = false } = {}) {
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new RegisterError("an assessment document (an object) is needed.", "invalid");
    const partnershipId = doc.partnership && doc.partnership.id;
    if (typeof partnershipId !== "string" || !partnershipId) throw new RegisterError("the assessment has no partnership.id.", "invalid");
    if (typeof doc.id !== "string" || !doc.id) throw new RegisterError("the assessment has no id (the id of this version).", "invalid");
    let summary;
    try {
      summary = await this.summarize(doc);
    } catch (error) {
      throw new RegisterError(error.message, error.type === "stopped" || error.type === "unavailable" ? error.type : "invalid");
    }
    const record = { id: doc.id, partnership_id: partnershipId, saved_at: String(doc.saved_at || new Date().toISOString()), doc: copy(doc), summary };
    try {
      const db = await this.open();
      const tx = db.transaction(STORE, "readwrite");
      const stored = await tx.store.get(doc.id);
      if (stored && stored.partnership_id !== partnershipId) {
        tx.abort();
        throw new RegisterError(`the version id ${doc.id} belongs to another partnership in the register.`, "invalid");
      }
      // Without `expect`, only a newer save replaces a stored version.
      const outdated = expect !== undefined ? stored && stored.saved_at !== expect : stored && record.saved_at < stored.saved_at;
      if (stored && !force && outdated) {
        await tx.done;
        return { conflict: copy(stored.doc) };
      }
      await tx.store.put(record);
      await tx.done;
    } catch (error) {
      throw storageError(error);
    }
    this.changed();
    return { saved: true, partnership_id: partnershipId, version_id: doc.id, saved_at: record.saved_at, summary };
  }

  // One entry per partnership, newest version first in `versions`.
  async list() {
    const groups = new Map();
    for (const record of await this.records()) {
      if (!groups.has(record.partnership_id)) groups.set(record.partnership_id, []);
      groups.get(record.partnership_id).push(record);
    }
    const out = [];
    for (const [id, records] of groups) {
      records.sort((a, b) => String(b.saved_at).localeCompare(String(a.saved_at)));
      const latest = records[0];
      const p = latest.doc.partnership || {};
      out.push({
        id,
        name: p.name || "",
        partner: p.partner || "",
        country: p.country || "",
        profile: typeof latest.doc.profile === "string" ? latest.doc.profile : null,
        stage: (latest.doc.answers || {}).stage || null,
        latest: latest.id,
        saved_at: latest.saved_at,
        summary: copy(latest.summary),
        decision: copy(latest.doc.decision) || null,
        plan: copy(latest.doc.plan) || [],
        versions: records.map((r) => ({ id: r.id, saved_at: r.saved_at, date: (r.doc.partnership || {}).date || "", ...copy(r.summary) })),
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  // {id, versions: [documents, oldest first]}, or null.
  async get(partnershipId) {
    const records = await this.recordsOf(partnershipId);
    return records.length ? { id: partnershipId, versions: records.map((r) => copy(r.doc)) } : null;
  }

  async version(versionId) {
    const record = await this.record(versionId);
    return record ? copy(record.doc) : null;
  }

  // Remove a partnership with all its versions, or one version of it.
  async remove(partnershipId, versionId = null) {
    try {
      const db = await this.open();
      const tx = db.transaction(STORE, "readwrite");
      const keys = await tx.store.index("partnership").getAllKeys(partnershipId);
      const gone = versionId === null ? keys : keys.filter((k) => k === versionId);
      for (const key of gone) await tx.store.delete(key);
      await tx.done;
      if (gone.length) this.changed();
      return { removed: gone.length };
    } catch (error) {
      throw storageError(error);
    }
  }

  async clear({ tell = true } = {}) {
    try {
      const db = await this.open();
      await db.clear(STORE);
    } catch (error) {
      throw storageError(error);
    }
    this.changed(tell);
  }

  // The whole register as one file's content.
  async export(methodVersion) {
    const groups = new Map();
    const records = (await this.records()).sort((a, b) => String(a.saved_at).localeCompare(String(b.saved_at)));
    for (const record of records) {
      if (!groups.has(record.partnership_id)) groups.set(record.partnership_id, []);
      groups.get(record.partnership_id).push(copy(record.doc));
    }
    return {
      format: REGISTER_FORMAT,
      method_version: methodVersion,
      exported_at: new Date().toISOString(),
      partnerships: [...groups].map(([id, versions]) => ({ id, versions })),
    };
  }

  // Merge a register file (register_merge.js) once the engine has checked
  // all of it: a refused file changes nothing.
  async import(doc, options = {}) {
    let checked;
    try {
      checked = await this.engine().call({ op: "check_register", request: doc });
    } catch (error) {
      throw new RegisterError(error.message, error.type === "stopped" || error.type === "unavailable" ? error.type : "invalid");
    }
    return mergeRegister(this, doc, checked, options);
  }
}
