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
import { h } from "./dom.js";
import { Register, newPartnershipId, newVersionId } from "./register_store.js";
import { exportRegister, importRegister } from "./register_files.js";
import { tableRow, visibleEntries } from "./register_table.js";
import { ASIDE_PREFIX, STORAGE_PREFIX } from "./storage.js";
import { SIGNAL_KEY, openChannel, readSignal, sendSignal } from "./tabs.js";
import { compareTables } from "./register_view.js";
import { t, tn } from "./i18n.js";


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
    const evaluator = new URL(link ? link.href : `${this.config.root}evaluator/`, location.href);
    evaluator.search = "";
    this.evaluatorUrl = evaluator.href;
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
    if (c.state === "loading") this.setStatus(t("register.engine_starting"));
    else if (c.state === "ready") this.setStatus("");
    else this.setStatus(t("register.engine_failed", { reason: c.reason }));
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
    this.channel = openChannel((text) => this.receiveSignal(text));
  }

  receiveSignal(text) {
    const signal = readSignal(text, this.handledSignals);
    if (signal && (signal.type === "erase" || signal.type === "nostore")) {
      this.closeCompare();
      this.refresh().then(() =>
        this.message(signal.type === "erase" ? t("register.erased_elsewhere") : t("register.nostore_elsewhere")),
      );
    }
  }

  signal(type) {
    sendSignal(type, this.handledSignals, this.channel);
  }

  async refresh() {
    try {
      this.entries = await this.register.list();
    } catch (error) {
      this.entries = [];
      this.message(t("saving.unreadable", { reason: error.message }), "error");
    }
    this.render();
    this.root.dataset.ready = "true";
  }

  render() {
    for (const th of this.root.querySelectorAll("th[data-sort]")) {
      if (th.dataset.sort === this.sort.key) th.setAttribute("aria-sort", this.sort.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    const shown = visibleEntries(this.entries, { text: this.el("cr-reg-filter").value, show: this.el("cr-reg-show").value, sort: this.sort }, this.config);
    this.el("cr-reg-body").replaceChildren(...shown.map((e) => tableRow(e, this.config, this.evaluatorUrl)));
    this.el("cr-reg-empty").hidden = this.entries.length > 0;
    this.el("cr-reg-table").hidden = this.entries.length === 0;
    this.root.querySelector(".cr-reg__filters").hidden = this.entries.length === 0;
    const total = this.entries.length;
    this.el("cr-reg-count").textContent = total === 0 ? "" : shown.length === total ? tn("register.count", total) : t("register.count_shown", { shown: shown.length, total });
  }

  /* row actions */

  async remove(entry) {
    const name = entry.name || t("register.this_untitled");
    const n = entry.versions.length;
    if (!window.confirm(tn("register.confirm_delete", n, { name }))) return;
    try {
      await this.register.remove(entry.id);
      if (this.comparing === entry.id) this.closeCompare();
      this.message(t("register.deleted", { name }));
      this.el("cr-message").focus();
    } catch (error) {
      this.message(t("register.delete_failed", { name, reason: error.message }), "error");
    }
  }

  async duplicate(entry) {
    try {
      const doc = await this.register.version(entry.latest);
      doc.partnership = { ...doc.partnership, id: newPartnershipId(), name: t("register.copy_of", { name: doc.partnership.name || t("register.untitled_lower") }) };
      doc.id = newVersionId();
      doc.saved_at = new Date().toISOString();
      delete doc.decision;
      if (this.client === null || this.client.state !== "ready") this.message(t("register.duplicating"));
      await this.register.save(doc);
      this.message(t("register.duplicated", { name: doc.partnership.name }));
    } catch (error) {
      this.message(t("register.duplicate_failed", { reason: error.message }), "error");
    }
  }

  /* comparison */

  async openCompare(entry) {
    const got = await this.register.get(entry.id);
    if (!got || got.versions.length < 2) return;
    this.comparing = entry.id;
    this.versions = got.versions;
    const option = (doc, i) => h("option", { value: String(i), text: `${String(doc.saved_at || "").slice(0, 10)}${doc.partnership.date ? ` ${t("compare.dated", { date: doc.partnership.date })}` : ""}, ${t("register.assessment_n", { n: i + 1 })}` });
    this.el("cr-compare-old").replaceChildren(...got.versions.map(option));
    this.el("cr-compare-new").replaceChildren(...got.versions.map(option));
    this.el("cr-compare-old").value = String(got.versions.length - 2);
    this.el("cr-compare-new").value = String(got.versions.length - 1);
    this.el("cr-compare-of").textContent = t("register.compare_of", { name: entry.name || t("register.untitled_lower") });
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
      body.replaceChildren(h("p", { text: t("register.choose_two") }));
      return;
    }
    body.replaceChildren(h("p", { text: t("register.comparing") }));
    try {
      const comparison = await this.engine().call({ op: "compare", request: { old: a, new: b } });
      body.replaceChildren(...compareTables(comparison, this.config));
      this.root.dataset.compared = "true";
    } catch (error) {
      body.replaceChildren(h("p", { class: "cr-message", "data-kind": "error", text: t("register.compare_failed", { reason: error.message }) }));
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

  /* the register as one file (register_files.js) */

  exportFile() {
    return exportRegister(this);
  }

  importFile(file) {
    return importRegister(this, file);
  }

  async erase() {
    if (!window.confirm(t("register.confirm_erase"))) return;
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
      this.message(t("register.erased"));
    } catch (error) {
      this.message(t("register.erase_failed", { reason: error.message }), "error");
    }
  }
}

const root = document.querySelector("[data-crossroads-register]");
if (root && !root.dataset.live) {
  root.dataset.live = "true";
  new RegisterPage(root);
}
