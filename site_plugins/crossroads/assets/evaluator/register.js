// Crossroads register: the register page's entry module. Lists the
// partnerships stored in this browser (register_store.js), sorts and
// filters them, and from each row opens, assesses again, duplicates,
// compares or deletes; exports and imports the whole register; erases it.
// The engine (worker.js) starts only when it is needed: to compare two
// assessments, check a register file, or score a duplicate.
//
// Reader text is only ever set with textContent or as attribute values.

import { publicApi } from "./api.js";
import { EngineClient } from "./client.js";
import { download, h, srOnly, today } from "./dom.js";
import { Register, RegisterError, newPartnershipId, newVersionId, todayISO } from "./register_store.js";
import { ASIDE_PREFIX, STORAGE_PREFIX } from "./storage.js";
import { CHANNEL_NAME, SIGNAL_KEY } from "./tabs.js";
import { compareTables } from "./register_view.js";

const MAX_REGISTER_BYTES = 50 * 1024 * 1024;

// Review due "soon": within this many days (a reminder, not a rule of the method).
const SOON_DAYS = 30;

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00`);
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Open and overdue actions of a plan, as of today.
export function planCounts(plan, now = todayISO()) {
  const open = (plan || []).filter((p) => p.status === "open" || p.status === "in_progress");
  return { open: open.length, overdue: open.filter((p) => p.due && p.due < now).length };
}

class RegisterPage {
  constructor(root) {
    this.root = root;
    this.el = (id) => root.querySelector(`#${id}`);
    this.config = JSON.parse(this.el("cr-config").textContent);
    this.client = null;
    this.entries = [];
    this.sort = { key: "name", dir: 1 };
    this.comparing = null;
    this.handledSignals = new Set();
    this.register = new Register(() => this.engine());
    this.register.onchange(() => this.refresh());
    const link = this.el("cr-reg-new");
    this.evaluatorUrl = link ? link.href : new URL(`${this.config.root}evaluator/`, location.href).href;
    window.crossroads = publicApi(() => this.engine(), this.config, this.register);
    this.bind();
    this.setStatus("");
    this.refresh();
  }

  // The engine client, started on first use.
  engine() {
    if (!this.client || this.client.state === "failed" || this.client.state === "stopped") {
      this.client = new EngineClient(this.config);
      this.client.onchange = () => this.engineChanged();
      this.engineChanged();
    }
    return this.client;
  }

  engineChanged() {
    const c = this.client;
    if (c.state === "loading") this.setStatus("Starting the engine that checks files and compares assessments…");
    else if (c.state === "ready") this.setStatus("");
    else this.setStatus(`The engine that checks files and compares assessments could not run: ${c.reason}. The list, opening and export still work; reload the page to try again.`);
  }

  setStatus(text) {
    const box = this.el("cr-status");
    box.textContent = text;
    box.parentElement.hidden = !text;
  }

  message(text, kind = "info") {
    const box = this.el("cr-message");
    box.hidden = false;
    box.dataset.kind = kind;
    box.textContent = text;
  }

  bind() {
    for (const th of this.root.querySelectorAll("th[data-sort]")) {
      th.querySelector("button").addEventListener("click", () => {
        const key = th.dataset.sort;
        this.sort = { key, dir: this.sort.key === key ? -this.sort.dir : 1 };
        this.render();
      });
    }
    this.el("cr-reg-filter").addEventListener("input", () => this.render());
    this.el("cr-reg-show").addEventListener("change", () => this.render());
    this.el("cr-reg-body").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-act]");
      if (!button) return;
      const entry = this.entries.find((e) => e.id === button.dataset.id);
      if (!entry) return;
      if (button.dataset.act === "delete") this.remove(entry);
      else if (button.dataset.act === "duplicate") this.duplicate(entry);
      else if (button.dataset.act === "compare") this.openCompare(entry);
    });
    this.el("cr-reg-export").addEventListener("click", () => this.exportFile());
    this.el("cr-reg-import").addEventListener("click", () => this.el("cr-reg-import-file").click());
    this.el("cr-reg-import-file").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (file) this.importFile(file);
    });
    this.el("cr-erase").addEventListener("click", () => this.erase());
    this.el("cr-compare-run").addEventListener("click", () => this.runCompare());
    this.el("cr-compare-close").addEventListener("click", () => this.closeCompare());
    // "Erase my data" and "Don't store" on the evaluator page reach this page too.
    window.addEventListener("storage", (event) => {
      if (event.key === SIGNAL_KEY && event.newValue) this.receiveSignal(event.newValue);
    });
    if (typeof BroadcastChannel === "function") {
      try {
        this.channel = new BroadcastChannel(CHANNEL_NAME);
        this.channel.onmessage = (event) => this.receiveSignal(String(event.data));
      } catch {
        this.channel = null;
      }
    }
  }

  receiveSignal(text) {
    let signal;
    try {
      signal = JSON.parse(text);
    } catch {
      return;
    }
    if (!signal || typeof signal.id !== "string" || this.handledSignals.has(signal.id)) return;
    this.handledSignals.add(signal.id);
    if (signal.type === "erase" || signal.type === "nostore") {
      this.closeCompare();
      this.refresh().then(() =>
        this.message(signal.type === "erase" ? "Your data was erased in another tab or window: the register is empty now." : "Storing was turned off in another tab or window: the register was removed from this browser."),
      );
    }
  }

  signal(type) {
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    this.handledSignals.add(id);
    const text = JSON.stringify({ type, id });
    try {
      localStorage.setItem(SIGNAL_KEY, text);
      localStorage.removeItem(SIGNAL_KEY);
    } catch {
      /* the channel below still tells the other tabs */
    }
    try {
      if (this.channel) this.channel.postMessage(text);
    } catch {
      /* no other way to tell them */
    }
  }

  async refresh() {
    try {
      this.entries = await this.register.list();
    } catch (error) {
      this.entries = [];
      this.message(`The register could not be read: ${error.message}`, "error");
    }
    this.render();
    this.root.dataset.ready = "true";
  }

  /* the table */

  label(map, id, fallback = "") {
    return id === null || id === undefined ? fallback : map[id] || id;
  }

  sortValue(entry, key) {
    const c = this.config;
    switch (key) {
      case "level": {
        const s = entry.summary || {};
        return s.recommendation ? c.recommendation_order.indexOf(s.recommendation) * 10 + c.level_order.indexOf(s.level) : -1;
      }
      case "assessed":
        return entry.saved_at;
      case "decision":
        return this.label(c.decisions, entry.decision && entry.decision.decision);
      case "review":
        return (entry.decision && entry.decision.next_review) || "9999";
      case "actions": {
        const n = planCounts(entry.plan);
        return n.overdue * 1000 + n.open;
      }
      case "stage":
        return this.label(c.stages, entry.stage);
      default:
        return String(entry[key] || "").toLocaleLowerCase();
    }
  }

  visibleEntries() {
    const text = this.el("cr-reg-filter").value.trim().toLocaleLowerCase();
    const show = this.el("cr-reg-show").value;
    const now = todayISO();
    const soon = addDays(now, SOON_DAYS);
    const out = this.entries.filter((e) => {
      if (text && ![e.name, e.partner, e.country].some((v) => v.toLocaleLowerCase().includes(text))) return false;
      const review = e.decision && e.decision.next_review;
      if (show === "review") return !!review && review <= soon;
      if (show === "actions") return planCounts(e.plan, now).overdue > 0;
      if (show === "undecided") return !(e.decision && e.decision.decision);
      return true;
    });
    const { key, dir } = this.sort;
    return out.sort((a, b) => {
      const x = this.sortValue(a, key);
      const y = this.sortValue(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || a.name.localeCompare(b.name);
    });
  }

  render() {
    const now = todayISO();
    const soon = addDays(now, SOON_DAYS);
    for (const th of this.root.querySelectorAll("th[data-sort]")) {
      if (th.dataset.sort === this.sort.key) th.setAttribute("aria-sort", this.sort.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    const shown = this.visibleEntries();
    const c = this.config;
    const rows = shown.map((e) => {
      const s = e.summary || {};
      const d = e.decision || {};
      const review = d.next_review || "";
      const counts = planCounts(e.plan, now);
      const reviewCell = !review
        ? h("td", { text: "Not set" })
        : review < now
          ? h("td", { class: "cr-reg__overdue" }, h("strong", { text: "Overdue" }), ` since ${review}`)
          : review <= soon
            ? h("td", { class: "cr-reg__soon" }, h("strong", { text: "Due soon" }), `: ${review}`)
            : h("td", { text: review });
      const rec = s.recommendation
        ? h("td", {}, this.label(c.recommendations, s.recommendation), " ", h("span", { class: `cr-badge cr-level--${s.level}`, text: this.label(c.levels, s.level) }))
        : h("td", { text: "No recommendation yet" });
      const versions = e.versions.length;
      const name = e.name || "Untitled partnership";
      const act = (kind, text, extra = {}) => h("button", { type: "button", class: "cr-link-button", "data-act": kind, "data-id": e.id, ...extra }, text, srOnly(`: ${name}`));
      const open = new URL(this.evaluatorUrl);
      open.searchParams.set("open", e.latest);
      const again = new URL(this.evaluatorUrl);
      again.searchParams.set("again", e.id);
      return h(
        "tr",
        { "data-partnership": e.id },
        h("th", { scope: "row" }, h("a", { href: open.href, text: name })),
        h("td", { text: e.partner }),
        h("td", { text: e.country }),
        h("td", { text: this.label(c.stages, e.stage, "Not answered") }),
        rec,
        h("td", {}, e.saved_at.slice(0, 10), h("br"), h("span", { class: "cr-hint", text: `${versions} assessment${versions === 1 ? "" : "s"}` })),
        h("td", {}, d.decision ? this.label(c.decisions, d.decision) : "None recorded", d.date ? h("span", { class: "cr-hint", text: ` (${d.date})` }) : null),
        reviewCell,
        counts.overdue
          ? h("td", { class: "cr-reg__overdue" }, `${counts.open} open, `, h("strong", { text: `${counts.overdue} overdue` }))
          : h("td", { text: `${counts.open} open` }),
        h(
          "td",
          { class: "cr-reg__acts" },
          h("a", { href: open.href, class: "cr-link-button" }, "Open", srOnly(`: ${name}`)),
          h("a", { href: again.href, class: "cr-link-button" }, "Assess again", srOnly(`: ${name}`)),
          act("duplicate", "Duplicate"),
          versions > 1 ? act("compare", "Compare") : null,
          act("delete", "Delete"),
        ),
      );
    });
    this.el("cr-reg-body").replaceChildren(...rows);
    this.el("cr-reg-empty").hidden = this.entries.length > 0;
    this.el("cr-reg-table").hidden = this.entries.length === 0;
    const total = this.entries.length;
    this.el("cr-reg-count").textContent = total === 0 ? "" : shown.length === total ? `${total} partnership${total === 1 ? "" : "s"}.` : `${shown.length} of ${total} partnerships shown.`;
  }

  /* row actions */

  async remove(entry) {
    const name = entry.name || "this untitled partnership";
    const n = entry.versions.length;
    if (!window.confirm(`Delete “${name}” and its ${n} assessment${n === 1 ? "" : "s"} from the register in this browser? This cannot be undone; export the register first to keep a copy.`)) return;
    try {
      await this.register.remove(entry.id);
      if (this.comparing === entry.id) this.closeCompare();
      this.message(`“${name}” was deleted from the register.`);
      this.el("cr-message").focus();
    } catch (error) {
      this.message(`“${name}” could not be deleted: ${error.message}`, "error");
    }
  }

  async duplicate(entry) {
    try {
      const doc = await this.register.version(entry.latest);
      doc.partnership = { ...doc.partnership, id: newPartnershipId(), name: `Copy of ${doc.partnership.name || "untitled partnership"}` };
      doc.id = newVersionId();
      doc.saved_at = new Date().toISOString();
      delete doc.decision;
      if (this.client === null || this.client.state !== "ready") this.message("Duplicating: the engine, which checks the copy, is starting…");
      await this.register.save(doc);
      this.message(`Duplicated as “${doc.partnership.name}”, without its decision record. Open it to rename it and change what differs.`);
    } catch (error) {
      this.message(`The partnership could not be duplicated: ${error.message}`, "error");
    }
  }

  /* comparison */

  async openCompare(entry) {
    const got = await this.register.get(entry.id);
    if (!got || got.versions.length < 2) return;
    this.comparing = entry.id;
    this.versions = got.versions;
    const option = (doc, i) => h("option", { value: String(i), text: `${String(doc.saved_at || "").slice(0, 10)}${doc.partnership.date ? ` (dated ${doc.partnership.date})` : ""}, assessment ${i + 1}` });
    this.el("cr-compare-old").replaceChildren(...got.versions.map(option));
    this.el("cr-compare-new").replaceChildren(...got.versions.map(option));
    this.el("cr-compare-old").value = String(got.versions.length - 2);
    this.el("cr-compare-new").value = String(got.versions.length - 1);
    this.el("cr-compare-of").textContent = `Assessments of “${entry.name || "untitled partnership"}”: choose two and compare them.`;
    this.el("cr-compare").hidden = false;
    this.el("cr-compare-body").replaceChildren();
    this.el("cr-compare-title").focus();
    await this.runCompare();
  }

  async runCompare() {
    const a = this.versions[Number(this.el("cr-compare-old").value)];
    const b = this.versions[Number(this.el("cr-compare-new").value)];
    const body = this.el("cr-compare-body");
    if (a === b) {
      body.replaceChildren(h("p", { text: "Choose two different assessments to compare." }));
      return;
    }
    body.replaceChildren(h("p", { text: "Comparing…" }));
    try {
      const comparison = await this.engine().call({ op: "compare", request: { old: a, new: b } });
      body.replaceChildren(...compareTables(comparison, this.config));
      this.root.dataset.compared = "true";
    } catch (error) {
      body.replaceChildren(h("p", { class: "cr-message", "data-kind": "error", text: `The assessments could not be compared: ${error.message}` }));
    }
  }

  closeCompare() {
    const wasOpen = !this.el("cr-compare").hidden;
    this.comparing = null;
    this.el("cr-compare").hidden = true;
    this.el("cr-compare-body").replaceChildren();
    delete this.root.dataset.compared;
    if (wasOpen) this.el("cr-reg-title").scrollIntoView({ block: "start" });
  }

  /* the register as one file */

  async exportFile() {
    try {
      const doc = await this.register.export(this.config.method_version);
      if (!doc.partnerships.length) {
        this.message("The register is empty: there is nothing to export.");
        return;
      }
      const name = `crossroads-register-${today()}.json`;
      download(name, `${JSON.stringify(doc, null, 2)}\n`, "application/json");
      this.message(`The register (${doc.partnerships.length} partnership${doc.partnerships.length === 1 ? "" : "s"}) is saved as ${name} in your downloads.`);
    } catch (error) {
      this.message(`The register could not be exported: ${error.message}`, "error");
    }
  }

  async importFile(file) {
    const refuse = (reason) => this.message(`The file “${file.name}” could not be imported: ${reason} The register is unchanged.`, "error");
    if (file.size > MAX_REGISTER_BYTES) {
      refuse(`it is ${Math.round(file.size / 1024 / 1024)} MB, far larger than a Crossroads register.`);
      return;
    }
    let doc;
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(await file.arrayBuffer()));
      doc = JSON.parse(text);
    } catch (error) {
      refuse(error instanceof SyntaxError ? `it is not valid JSON (${error.message}).` : "it is not a text file.");
      return;
    }
    if (this.client === null || this.client.state !== "ready") this.message(`Checking “${file.name}”: the engine, which checks it, is starting…`);
    try {
      const done = await this.register.import(doc, {
        replace: async (differing) => {
          const lines = differing.map(
            (d) => `• “${d.name || "untitled"}”, assessment ${d.version}: ${d.newer === "file" ? "the file's is newer" : "the one in this browser is newer"} (browser ${d.stored_at.slice(0, 16)}, file ${d.file_at.slice(0, 16)})`,
          );
          return window.confirm(
            `${differing.length} assessment${differing.length === 1 ? " in the file differs" : "s in the file differ"} from the same assessment stored in this browser:\n${lines.join("\n")}\n\nReplace the stored ones with the file's? Choose Cancel to keep the ones in this browser.`,
          );
        },
      });
      const parts = [`${done.added} assessment${done.added === 1 ? "" : "s"} added`];
      if (done.unchanged) parts.push(`${done.unchanged} already here`);
      if (done.replaced) parts.push(`${done.replaced} replaced by the file's`);
      if (done.kept) parts.push(`${done.kept} kept as they were in this browser`);
      this.message(`Imported “${file.name}”: ${parts.join(", ")}.`);
    } catch (error) {
      refuse(error instanceof RegisterError ? error.message : `it could not be read (${error.message}).`);
    }
  }

  async erase() {
    if (!window.confirm("Erase the whole register, and the answers in progress on the evaluator page, from this browser and from every tab open on them? This cannot be undone: export the register first to keep a copy.")) return;
    this.signal("erase");
    try {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith(STORAGE_PREFIX) || key.startsWith(ASIDE_PREFIX)) localStorage.removeItem(key);
      }
    } catch {
      /* nothing stored there either */
    }
    try {
      await this.register.clear();
      this.closeCompare();
      this.message("Your data has been erased from this browser: the register and the answers in progress.");
    } catch (error) {
      this.message(`The register could not be erased: ${error.message}`, "error");
    }
  }
}

const root = document.querySelector("[data-crossroads-register]");
if (root && !root.dataset.live) {
  root.dataset.live = "true";
  new RegisterPage(root);
}
